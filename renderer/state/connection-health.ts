// One truthful answer to "can people hear this space right now, and if not, why": a pure function from everything a
// client knows about its links (the studio's services, the space server, the audio server as the space server sees
// it, this client's own SFU connection, the microphone) to at most ONE banner, in the studio's words or a
// listener's. The studio and the listener page both render only what this says, so they can never show "live",
// "reconnecting" and "on air" at once, and no state is silent. Memory ("Back on air" for a few seconds after a
// trouble ends) is a small value stepped by stepHealth, so it stays testable in Node.
import type { SfuHealth } from '../../common/protocol';
import type { ServicesStatus } from '../../common/services-status';
import type { SfuConnection } from '../sfu/adapter';
import type { ConnectionStatus } from './space-connection';

export type HealthAudience = 'studio' | 'listener';
export type HealthTone = 'ok' | 'info' | 'warn' | 'error';

/** What the banner is about: stable names for tests (data-kind) and for the desktop shell's report. */
export type HealthKind =
  | 'bridge-key'
  | 'bridge-lost'
  | 'services-failed'
  | 'services-restarting'
  | 'space-retrying'
  | 'sfu-failed'
  | 'sfu-restarting'
  | 'sfu-down'
  | 'media-reconnecting'
  | 'media-connecting'
  | 'mic-failed'
  | 'mic-off'
  | 'back';

export interface HealthBanner {
  kind: HealthKind;
  tone: HealthTone;
  title: string;
  detail: string | null;
  /** Since when (this client's clock, ms) the state holds, when known. */
  since: number | null;
}

export interface HealthInput {
  audience: HealthAudience;
  /** This client's clock (Date.now()). */
  now: number;
  /** The space is live and this client is in it (not removed). */
  live: boolean;
  /** This client's audio is meant to go out (its grant lets it publish): host, co-host, or a speaker. */
  onStage: boolean;
  /** The space protocol's connection, and its retry count. */
  protocol: ConnectionStatus;
  attempt: number;
  /** The audio server as the space server last said (null: it has not said, or is too old to say). */
  sfuHealth: SfuHealth | null;
  /** Server clock minus ours (SpaceView.clockOffset). */
  clockOffset: number;
  /** This client's own SFU connection (the adapter's snapshot). */
  media: SfuConnection;
  /** A media grant is held: the SFU connection is supposed to be up. */
  hasGrant: boolean;
  /** On stage: this client's microphone is published on the SFU now (absent where it does not apply). */
  publishing?: boolean;
  /** The host of a LiveKit server the studio was pointed at (settings: custom), or null for the studio's own. */
  audioServerHost: string | null;
  /** Studio only: the web bridge to the studio's services is gone ('key': refused as out of date). */
  bridgeLost?: string | null;
  /** Studio only: the services process as the shell reports it. */
  services?: ServicesStatus | null;
  /** Studio only: the microphone. */
  mic?: { status: 'off' | 'starting' | 'on' | 'error'; error: string | null } | null;
}

/** How long "Back on air" stays after a trouble ends. */
export const BACK_MS = 5_000;

const seconds = (now: number, since: number): string => `${Math.max(0, Math.round((now - since) / 1000))} s`;

/** Text for people: never backticks or shell syntax, whatever a lower layer wrote. */
export function plainWords(text: string): string {
  return text.replace(/`/g, '').replace(/\s+/g, ' ').trim();
}

function banner(kind: HealthKind, tone: HealthTone, title: string, detail: string | null, since: number | null = null): HealthBanner {
  return { kind, tone, title, detail, since };
}

/** The studio's own process and bridge: nothing else can be known while these are down. */
function shellTrouble(input: HealthInput): HealthBanner | null {
  if (input.audience !== 'studio') return null;
  if (input.bridgeLost === 'key') {
    return banner('bridge-key', 'error', 'This studio link is out of date', 'Paste the studio link Podium printed when it started into this tab.');
  }
  if (input.bridgeLost) {
    return banner('bridge-lost', 'error', "The studio's services stopped", 'Start Podium again, then paste the studio link it prints into this tab. Your spaces and recordings are kept.');
  }
  const services = input.services;
  if (services?.state === 'failed') {
    const detail = services.detail ? plainWords(services.detail) : 'Podium could not restart them. Close Podium and start it again.';
    return banner('services-failed', 'error', "The studio's services stopped", detail, services.since);
  }
  if (services?.state === 'restarting') {
    const heard = input.live && input.onStage ? " Listeners can't hear you until they are back." : '';
    return banner('services-restarting', 'warn', 'Studio services restarting…', `Podium is starting them again by itself.${heard}`, services.since);
  }
  return null;
}

/** The space server's connection: while it is down, what it last said about the audio server is stale. */
function protocolTrouble(input: HealthInput): HealthBanner | null {
  if (input.protocol !== 'retrying') return null;
  const attempt = input.attempt > 1 ? ` (attempt ${input.attempt})` : '';
  if (input.audience === 'listener') {
    return banner('space-retrying', 'warn', `Reconnecting…${attempt}`, "Can't reach the space right now. This page recovers by itself.");
  }
  const audioOut = input.media === 'connected';
  const detail = !input.live
    ? 'Podium keeps trying by itself.'
    : input.onStage && audioOut
      ? 'Listeners still hear you; hands, requests and moderation wait until Podium reconnects.'
      : input.onStage
        ? "Listeners can't hear you until Podium reconnects."
        : 'Podium keeps trying by itself.';
  return banner('space-retrying', 'warn', `Connection lost — retrying${attempt}`, detail);
}

/** The audio server as the space server sees it. */
function sfuTrouble(input: HealthInput): HealthBanner | null {
  const health = input.sfuHealth;
  if (!health || health.status === 'up') return null;
  const since = health.since - input.clockOffset;
  const away = input.live && input.onStage;
  const listener = input.audience === 'listener';
  switch (health.status) {
    case 'restarting':
      if (listener) return banner('sfu-restarting', 'warn', "The audio server is restarting — you'll hear the space again in a moment", 'No need to reload: this page reconnects by itself.', since);
      return banner(
        'sfu-restarting',
        'warn',
        `Audio server restarting${away ? " — listeners can't hear you" : ''} (${seconds(input.now, since)})`,
        away ? "Podium restarts it by itself; you'll be back on air in a moment." : 'Podium restarts it by itself.',
        since,
      );
    case 'down':
      if (listener) return banner('sfu-down', 'warn', "Can't reach the audio right now — retrying…", 'No need to reload: this page reconnects by itself.', since);
      return banner(
        'sfu-down',
        'error',
        input.audioServerHost ? `Can't reach the audio server at ${input.audioServerHost}` : "Can't reach the audio server",
        `${away ? "Listeners can't hear you. " : ''}${input.audioServerHost ? 'Check that it is running; ' : ''}Podium keeps trying (${seconds(input.now, since)}).`,
        since,
      );
    case 'failed':
      if (listener) return banner('sfu-failed', 'error', 'The audio stopped', 'The host has been told. This page reconnects by itself when the audio is back.', since);
      return banner(
        'sfu-failed',
        'error',
        `The audio server stopped${away ? " — listeners can't hear you" : ''}`,
        'Podium could not restart it. End the space, close Podium and start it again.',
        since,
      );
    default: {
      const unreachable: never = health.status;
      return unreachable;
    }
  }
}

/** This client's own SFU connection, while the space server says the audio server is fine. */
function mediaTrouble(input: HealthInput): HealthBanner | null {
  if (!input.live || !input.hasGrant) return null;
  const listener = input.audience === 'listener';
  if (input.media === 'connected') {
    // Connected but the microphone not published yet (just after a fresh connect): not on air yet, so not "back".
    const micReady = !input.mic || input.mic.status === 'on';
    if (!input.onStage || input.publishing !== false || !micReady) return null;
    return banner('media-connecting', 'info', listener ? 'Putting your microphone back…' : 'Putting you on air…', null);
  }
  if (input.media === 'connecting' || input.media === 'idle') {
    return listener
      ? banner('media-connecting', 'info', 'Connecting to the audio…', null)
      : banner('media-connecting', 'info', 'Connecting to the audio server…', input.onStage ? 'You are on air as soon as it connects.' : null);
  }
  // reconnecting (the SDK is trying) or disconnected (it gave up; the client asks for a fresh grant by itself).
  if (listener) return banner('media-reconnecting', 'warn', 'Reconnecting…', "You'll hear the space again in a moment. No need to reload.");
  return banner(
    'media-reconnecting',
    'warn',
    input.onStage ? "Audio connection lost — listeners can't hear you" : 'Audio connection lost — reconnecting',
    'Podium is reconnecting by itself.',
  );
}

/** The studio's microphone, while it is meant to be heard. */
function micTrouble(input: HealthInput): HealthBanner | null {
  if (input.audience !== 'studio' || !input.live || !input.onStage || !input.mic) return null;
  if (input.mic.status === 'error') {
    const why = input.mic.error ? `${plainWords(input.mic.error)} ` : '';
    return banner('mic-failed', 'error', "Your microphone stopped — listeners can't hear you", `${why}Pick a microphone on the left.`);
  }
  if (input.mic.status === 'off') {
    return banner('mic-off', 'warn', "No microphone — listeners can't hear you", 'Pick a microphone on the left to be heard.');
  }
  return null;
}

/**
 * The one banner for this moment, or null when all is well. Priority: the studio's own services (nothing else is
 * known without them), the space server's link, the audio server, this client's audio connection, the microphone.
 */
export function healthBanner(input: HealthInput): HealthBanner | null {
  return shellTrouble(input) ?? protocolTrouble(input) ?? sfuTrouble(input) ?? mediaTrouble(input) ?? micTrouble(input);
}

/** What a client remembers between steps: the trouble it is in, and when the last one ended. */
export interface HealthMemory {
  troubled: boolean;
  backAt: number | null;
}

export const INITIAL_HEALTH_MEMORY: HealthMemory = { troubled: false, backAt: null };

function backBanner(input: HealthInput, backAt: number): HealthBanner {
  if (input.audience === 'listener') return banner('back', 'ok', "You're connected again", null, backAt);
  return banner('back', 'ok', input.onStage ? 'Back on air' : 'Reconnected', input.onStage ? 'Listeners hear you again.' : null, backAt);
}

/**
 * healthBanner plus memory: after a warning or error ends, "Back on air" (or the listener's words) for BACK_MS, then
 * nothing. An "info" state (connecting) neither starts nor ends a trouble, so "restarting → connecting → connected"
 * ends in "Back on air". Outside a live space there is nothing to be back on.
 */
export function stepHealth(memory: HealthMemory, input: HealthInput): { banner: HealthBanner | null; memory: HealthMemory } {
  const now = healthBanner(input);
  if (now && (now.tone === 'warn' || now.tone === 'error')) {
    return { banner: now, memory: memory.troubled && memory.backAt === null ? memory : { troubled: true, backAt: null } };
  }
  if (now) return { banner: now, memory };
  if (!input.live) return { banner: null, memory: memory.troubled || memory.backAt !== null ? INITIAL_HEALTH_MEMORY : memory };
  const next = memory.troubled ? { troubled: false, backAt: input.now } : memory;
  if (next.backAt !== null && input.now - next.backAt < BACK_MS) return { banner: backBanner(input, next.backAt), memory: next };
  return { banner: null, memory: next };
}

/** This client's audio reaches the audio server now: published, connected, and the audio server up (or unreported). */
export function audioOnAir(sfu: { connection: SfuConnection; publishing: boolean }, health: SfuHealth | null): boolean {
  return sfu.publishing && sfu.connection === 'connected' && (health === null || health.status === 'up');
}
