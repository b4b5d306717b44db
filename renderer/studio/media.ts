// The studio's audio: the microphone pipeline and the SFU connection. A media grant from the space server connects
// to the SFU and publishes the pipeline's track — unmuted for the host going live, muted for a co-host (they unmute
// with M when ready).
import type { MediaGrant } from '../../common/protocol';
import type { MicrophonePipeline } from '../audio/pipeline';
import type { SfuAdapter, SfuConnection } from '../sfu/adapter';
import { createLivekitAdapter } from '../sfu/livekit';
import { studio, type StudioMode } from './studio-store';

let pipeline: MicrophonePipeline | null = null;
let sfu: SfuAdapter | null = null;
let lastGrant: MediaGrant | null = null;
let unsubscribe: (() => void) | null = null;

const LIVE_CONNECTIONS: readonly SfuConnection[] = ['connecting', 'connected', 'reconnecting'];

export function initMedia(audioSink: HTMLElement): void {
  unsubscribe?.();
  sfu = createLivekitAdapter(audioSink);
  unsubscribe = sfu.subscribe((snap) => studio.set({ sfu: snap }));
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

/** Browsers keep audio suspended until the first click; any click in the studio resumes the meter and playback. */
export async function resumeAudio(): Promise<void> {
  if (pipeline?.suspended) {
    await pipeline.resume();
    studio.set((s) => ({ mic: { ...s.mic, suspended: pipeline?.suspended ?? false } }));
  }
  const snap = studio.get().sfu;
  if (sfu && snap.connection === 'connected' && snap.audioBlocked) await sfu.startAudio();
}

/** A media grant arrived: connect (unless this is the same grant again after a protocol reconnect) and publish. */
export async function applyGrant(grant: MediaGrant, mode: StudioMode): Promise<void> {
  if (!sfu) return;
  const previous = lastGrant;
  lastGrant = grant;
  const same =
    previous !== null &&
    previous.url === grant.url &&
    previous.identity === grant.identity &&
    previous.canPublish === grant.canPublish &&
    LIVE_CONNECTIONS.includes(sfu.snapshot().connection);
  try {
    if (same) return;
    await sfu.connect(grant);
    if (!grant.canPublish) return;
    if (!pipeline) {
      studio.set({ error: 'You are on air without a microphone. Pick a microphone on the left to be heard.' });
      return;
    }
    await sfu.publishMicrophone(pipeline.track, { muted: mode === 'cohost' });
  } catch (error) {
    studio.set({ error: `Could not go on air: ${(error as Error).message}` });
  } finally {
    studio.set({ busy: null });
  }
}

export async function toggleMute(): Promise<void> {
  const snap = studio.get().sfu;
  if (!sfu || !snap.publishing) return;
  await sfu.setMicrophoneMuted(!snap.micMuted);
}

export async function disconnectMedia(): Promise<void> {
  lastGrant = null;
  await sfu?.disconnect();
}
