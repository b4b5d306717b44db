// The studio's inputs to the one connection banner (renderer/state/connection-health.ts), read from its store: what
// the banner, the On-air pill, the Mute button and the desktop shell's report all agree on.
import type { SfuHealth } from '../../common/protocol';
import { audioOnAir, type HealthInput } from '../state/connection-health';
import { currentSpace, type StudioState } from './studio-store';

function hostOf(url: string | undefined): string | null {
  if (!url || !URL.canParse(url)) return null;
  return new URL(url).host || null;
}

/** The space is live and this studio is in it. */
export function studioLive(s: StudioState): boolean {
  return currentSpace(s)?.status === 'live' && s.target !== null && !s.view?.removed;
}

export function studioHealthInput(s: StudioState, now: number): HealthInput {
  const view = s.view;
  // The studio's own audio server needs no name; one it was pointed at (settings) or another studio's (a co-host
  // on someone else's space) does, so the person knows which server to look at.
  const own = s.target?.mode !== 'cohost' && s.settings?.livekit.mode !== 'custom';
  return {
    audience: 'studio',
    now,
    live: studioLive(s),
    onStage: view?.media?.canPublish ?? false,
    protocol: view?.status ?? 'connecting',
    attempt: view?.attempt ?? 0,
    sfuHealth: view?.sfu ?? null,
    clockOffset: view?.clockOffset ?? 0,
    media: s.sfu.connection,
    hasGrant: view?.media != null,
    publishing: s.sfu.publishing,
    audioServerHost: own ? null : hostOf(view?.media?.url ?? s.info?.livekitUrl),
    bridgeLost: s.bridgeLost,
    services: s.services,
    mic: s.mic,
  };
}

/** This studio is heard: its microphone is on, published, connected, and the audio server up. */
export function studioOnAir(s: StudioState): boolean {
  const health: SfuHealth | null = s.view?.sfu ?? null;
  return studioLive(s) && s.mic.status === 'on' && audioOnAir(s.sfu, health);
}

/** Why the Mute button cannot be used right now (shown next to it), or null when it can. */
export function muteBlockedReason(s: StudioState): string | null {
  if (studioOnAir(s) || (s.sfu.publishing && s.sfu.connection === 'connected' && s.mic.status !== 'on')) return null;
  const health = s.view?.sfu;
  if (health && health.status !== 'up') return 'Mute works again when the audio server is back.';
  if (s.sfu.publishing || s.sfu.connection === 'reconnecting' || s.sfu.connection === 'disconnected') return 'Reconnecting your audio…';
  if (s.view?.media?.canPublish && s.mic.status !== 'on') return 'Pick a microphone on the left to go on air.';
  return 'Connecting your microphone…';
}

/**
 * A failed call whose reason the connection banner already shows (the studio's services are gone, restarting or
 * given up): no second banner with the same news. Other failures are the studio's error to show.
 */
export function errorCoveredByBanner(code: string, s: Pick<StudioState, 'bridgeLost' | 'services'>): boolean {
  if (code !== 'unavailable') return false;
  return s.bridgeLost !== null || s.services.state !== 'running';
}
