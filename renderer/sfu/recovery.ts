// How a client gets its audio back by itself after the SFU goes away, shared by the studio and the listener page:
// when a media grant means "connect fresh" and when it means "keep the call you have", when to ask the space server
// for a fresh grant (the SDK gave up while the server says the audio server is up), how long to wait between asks,
// and which mute state to publish with afterwards. Decisions are pure functions; createRegrantLoop is the one timer.
import type { MediaGrant } from '../../common/protocol';
import type { SfuConnection } from './adapter';

export type GrantDecision = 'connect' | 'keep';

/**
 * What to do with a media grant. A grant for another seat (identity, server, and — where the caller says so — the
 * right to publish) always connects. The same seat again keeps a call that is up: a protocol reconnect re-sends the
 * grant, and livekit-client may have recovered the call on its own, which must not be torn down. A grant minted in a
 * new SFU epoch (the audio server restarted) while the call is not up connects fresh at once instead of waiting for
 * the SDK's retries against a server that forgot the session; a call that is gone connects again.
 */
export function grantDecision(
  previous: MediaGrant | null,
  next: MediaGrant,
  connection: SfuConnection,
  options: { reconnectOnPermission: boolean },
): GrantDecision {
  if (!previous || previous.identity !== next.identity || previous.url !== next.url) return 'connect';
  if (options.reconnectOnPermission && previous.canPublish !== next.canPublish) return 'connect';
  if (connection === 'connected') return 'keep';
  if ((next.epoch ?? 0) !== (previous.epoch ?? 0)) return 'connect';
  return connection === 'connecting' || connection === 'reconnecting' ? 'keep' : 'connect';
}

export interface RegrantInput {
  /** The space is live and this client is in it. */
  live: boolean;
  /** The space protocol is open (a grant can be asked for, and will come). */
  protocolOpen: boolean;
  /** A grant was held: this client is meant to be on the SFU. */
  hasGrant: boolean;
  /** The space server says the audio server is up (or says nothing, as an older server does). */
  sfuUp: boolean;
  connection: SfuConnection;
}

/**
 * Whether to ask for a fresh grant: the SDK gave up ('disconnected') while the space is live and the audio server is
 * up. While the audio server is restarting the server sends everyone a fresh grant when it is back, so asking then
 * would only be refused.
 */
export function needsFreshGrant(input: RegrantInput): boolean {
  return input.live && input.protocolOpen && input.hasGrant && input.sfuUp && input.connection === 'disconnected';
}

/** Wait before ask number `attempt` (0-based): 2 s, 4 s, 8 s, then every 15 s (the server allows about one per 2 s). */
export function regrantDelay(attempt: number): number {
  return Math.min(15_000, 2_000 * 2 ** Math.max(0, attempt));
}

/**
 * The mute state to publish with after a fresh connect: as it was, and muted if a host muted this person and they
 * have not unmuted since (the server's `you.mutedBy`). `wasMuted` is null when nothing was published before: then
 * the role's default (the host goes on air unmuted, everyone else joins muted).
 */
export function republishMuted(wasMuted: boolean | null, mutedBy: string | null, defaultMuted: boolean): boolean {
  if (mutedBy) return true;
  return wasMuted ?? defaultMuted;
}

export interface RegrantLoop {
  /** Call on every change of the inputs. */
  update(): void;
  stop(): void;
}

/**
 * Asks for a fresh grant (via `ask`) while needsFreshGrant holds, with regrantDelay between asks, and starts over
 * once the call is back. `read` gives the current inputs.
 */
export function createRegrantLoop(read: () => RegrantInput, ask: () => void): RegrantLoop {
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  const update = () => {
    const input = read();
    if (input.connection === 'connected') attempt = 0;
    if (!needsFreshGrant(input)) return cancel();
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      if (!needsFreshGrant(read())) return;
      attempt += 1;
      ask();
      update();
    }, regrantDelay(attempt));
  };
  return { update, stop: cancel };
}
