// The studio's audio: the microphone pipeline and the SFU connection. A media grant from the space server connects
// to the SFU and publishes the pipeline's track — unmuted for the host going live, muted for a co-host (they unmute
// with M when ready). After the SFU restarts (a grant of a new epoch) or the SDK gives up, it connects fresh and
// publishes again with the mute state it had (renderer/sfu/recovery.ts decides).
import type { MediaGrant } from '../../common/protocol';
import type { MicrophonePipeline } from '../audio/pipeline';
import type { SfuAdapter } from '../sfu/adapter';
import { createSfuAdapter } from '../sfu/select';
import { grantDecision, republishMuted } from '../sfu/recovery';
import { studio, type StudioMode } from './studio-store';

let pipeline: MicrophonePipeline | null = null;
let sfu: SfuAdapter | null = null;
let lastGrant: MediaGrant | null = null;
let unsubscribe: (() => void) | null = null;
/** The mute state of this seat's published microphone as last seen on a working call (null: never published). */
let seatMuted: boolean | null = null;
/** Bumped by every connect, so a connect overtaken by a newer grant does not publish. */
let generation = 0;

export function initMedia(audioSink: HTMLElement): void {
  unsubscribe?.();
  sfu = createSfuAdapter(audioSink);
  unsubscribe = sfu.subscribe((snap) => {
    if (snap.connection === 'connected' && snap.publishing) seatMuted = snap.micMuted;
    studio.set({ sfu: snap });
  });
}

export function hasPipeline(): boolean {
  return pipeline !== null;
}

/** The processed microphone track (what listeners hear from this studio), if a microphone is open. */
export function micTrack(): MediaStreamTrack | null {
  return pipeline?.track ?? null;
}

/** Remote participants' audio as it plays here, by identity. */
export function remoteAudio(): Map<string, MediaStreamTrack> {
  return sfu?.remoteAudioTracks() ?? new Map();
}

export function micLevel(): { rmsDb: number; peakDb: number } | null {
  return pipeline ? pipeline.level() : null;
}

/** Swaps in a new microphone; if we are on the SFU already, the new track replaces the old one, keeping mute. */
export async function usePipeline(next: MicrophonePipeline): Promise<void> {
  const previous = pipeline;
  pipeline = next;
  previous?.close();
  const snap = studio.get().sfu;
  if (!sfu || snap.connection !== 'connected' || !snap.canPublish) return;
  const mode = studio.get().target?.mode;
  await sfu.publishMicrophone(next.track, { muted: snap.publishing ? snap.micMuted : mode === 'cohost' });
}

/**
 * Closes the microphone pipeline (no space needs it): its device is released, its meter and voice indicator stop.
 * Call after disconnectMedia — a published track is not unpublished here.
 */
export function releasePipeline(): void {
  const previous = pipeline;
  pipeline = null;
  previous?.close();
}

/** Browsers keep audio suspended until the first click; any click in the studio resumes the meter and playback. */
export async function resumeAudio(): Promise<void> {
  if (pipeline?.suspended) {
    await pipeline.resume();
    studio.set((s) => ({ mic: { ...s.mic, suspended: pipeline?.suspended ?? false } }));
  }
  const snap = studio.get().sfu;
  if (sfu && snap.connection === 'connected' && snap.audioBlocked) await sfu.startAudio();
}

/**
 * A media grant arrived: connect and publish — unless it is the same seat again and the call is up or recovering
 * (a protocol reconnect re-sends the grant; livekit-client may have recovered on its own). `mutedBy`: a host muted
 * this co-host and they have not unmuted since, so a fresh publish stays muted.
 */
export async function applyGrant(grant: MediaGrant, mode: StudioMode, mutedBy: string | null = null): Promise<void> {
  if (!sfu) return;
  const adapter = sfu;
  const previous = lastGrant;
  lastGrant = grant;
  const decision = grantDecision(previous, grant, adapter.snapshot().connection, { reconnectOnPermission: true });
  const sameSeat = previous !== null && previous.identity === grant.identity && previous.canPublish === grant.canPublish;
  if (!sameSeat) seatMuted = null;
  const gen = ++generation;
  try {
    if (decision === 'keep') return;
    await adapter.connect(grant);
    if (gen !== generation || adapter.snapshot().connection !== 'connected' || !grant.canPublish) return;
    if (!pipeline) {
      studio.set({ error: 'You are on air without a microphone. Pick a microphone on the left to be heard.' });
      return;
    }
    await adapter.publishMicrophone(pipeline.track, { muted: republishMuted(seatMuted, mutedBy, mode === 'cohost') });
  } catch (error) {
    // A reconnect that fails is retried by itself (and the connection banner says so); only a first one is an error.
    if (gen === generation && !sameSeat) studio.set({ error: `Could not go on air: ${(error as Error).message}` });
  } finally {
    if (gen === generation) studio.set({ busy: null });
  }
}

export async function toggleMute(): Promise<boolean | null> {
  const snap = studio.get().sfu;
  if (!sfu || !snap.publishing || snap.connection !== 'connected') return null;
  const muted = !snap.micMuted;
  await sfu.setMicrophoneMuted(muted);
  return muted;
}

export async function disconnectMedia(): Promise<void> {
  lastGrant = null;
  seatMuted = null;
  generation += 1;
  await sfu?.disconnect();
}
