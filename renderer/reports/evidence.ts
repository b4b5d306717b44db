// Evidence clips in the studio: while this studio moderates a live space, each speaker it hears goes through a tap of
// its own (the capture module, as the recorder's) into a 30-second rolling buffer in memory. Nothing is kept unless a
// report about someone arrives: then their last 30 s, as heard here, are written by the studio's services beside
// its other data (main/services/evidence.ts) and shown with the report. Each studio keeps its own clips (a co-host's
// studio hears the speaker too), and they outlive a restart of the space server and of the studio.
import { EvidenceRing, splitParts } from '../../common/evidence';
import type { EvidenceClip, PodiumApi } from '../../common/ipc';
import type { ReportCase } from '../../common/reports';
import { createCapture, MIX_KEY, type AudioCapture } from '../audio/capture/capture';
import { createStore } from '../state/store';
import { currentSpace, isModeratorRole, type StudioState } from '../studio/studio-store';

export const evidence = createStore<{ spaceId: string | null; clips: EvidenceClip[]; error: string | null }>({ spaceId: null, clips: [], error: null });

/** Speakers' buffers kept at once (about 1 MB each): the most recently heard. */
const MAX_RINGS = 24;
/** Clips per case: the moments of its first few reports. */
const CLIPS_PER_CASE = 3;

interface Deps {
  podium: () => PodiumApi;
  studio: { get(): StudioState; subscribe(listener: () => void): () => void };
  remoteAudio: () => Map<string, MediaStreamTrack>;
}

function base64(bytes: Uint8Array): string {
  let text = '';
  for (let at = 0; at < bytes.length; at += 0x8000) text += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(text);
}

export function initEvidence(deps: Deps): void {
  let capture: AudioCapture | null = null;
  let opening = false;
  let spaceId: string | null = null;
  /** When this studio started hearing the space (server clock): reports from before have no audio here. */
  let since = 0;
  const rings = new Map<string, EvidenceRing>();
  /** Per case: the last report time a clip was made (or tried) for, and how many clips it has. */
  const clipped = new Map<string, number>();
  const clipsPerCase = new Map<string, number>();

  const refresh = async (id: string) => {
    const result = await deps.podium()['evidence:list']({ spaceId: id });
    if (result.ok && spaceId === id) evidence.set({ clips: result.value });
  };
  const stop = () => {
    const c = capture;
    capture = null;
    rings.clear();
    if (c) void c.close(200).catch(() => {});
  };
  const save = async (id: string, c: ReportCase, samples: Int16Array) => {
    const parts = splitParts(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
    for (let part = 0; part < parts.length; part++) {
      const result = await deps.podium()['evidence:save']({ spaceId: id, key: c.key, at: c.lastAt, name: c.target.name.slice(0, 200), part, parts: parts.length, pcm: base64(parts[part]!) });
      if (!result.ok) {
        // Busy (several clips at once): tried again at the next change while the case is open.
        if (result.error.code === 'rate_limited') clipped.delete(c.key);
        else evidence.set({ error: `The evidence clip about ${c.target.name} could not be kept: ${result.error.message}` });
        return;
      }
    }
    clipsPerCase.set(c.key, (clipsPerCase.get(c.key) ?? 0) + 1);
    await refresh(id);
  };

  const tick = () => {
    const s = deps.studio.get();
    const view = s.view;
    const space = currentSpace(s);
    const moderator = !!view && isModeratorRole(view.role);
    const id = moderator ? (space?.id ?? null) : null;
    if (id !== spaceId) {
      spaceId = id;
      clipped.clear();
      clipsPerCase.clear();
      evidence.set({ spaceId: id, clips: [], error: null });
      if (id) void refresh(id);
    }
    if (!view || !id || space?.status !== 'live') return stop();
    if (!capture) {
      if (opening) return;
      opening = true;
      since = Date.now() + view.clockOffset;
      void createCapture((key, chunk) => rings.get(key)?.push(chunk.samples))
        .then((c) => {
          capture = c;
          tick();
        })
        .catch(() => evidence.set({ error: 'Evidence clips are off: the studio could not tap the audio it plays.' }))
        .finally(() => (opening = false));
      return;
    }
    const remote = deps.remoteAudio();
    for (const [identity, track] of remote) {
      if (!rings.has(identity)) rings.set(identity, new EvidenceRing());
      capture.tapTrack(identity, track);
    }
    // Someone whose audio went (removed, moved to the listeners) stops being tapped; their last 30 s stay a while,
    // for a report that comes right after.
    for (const key of capture.keys()) if (key !== MIX_KEY && !remote.has(key)) capture.untap(key);
    while (rings.size > MAX_RINGS) rings.delete(rings.keys().next().value!);

    for (const c of view.reports) {
      if (c.decision || c.target.kind !== 'person' || c.lastAt < since) continue;
      // Only a case that is what it says (its key names the person), and a few clips per case: each is ~1 MB.
      if (c.key !== `person:${c.target.id}` || (clipsPerCase.get(c.key) ?? 0) >= CLIPS_PER_CASE) continue;
      if ((clipped.get(c.key) ?? -Infinity) >= c.lastAt) continue;
      clipped.set(c.key, c.lastAt);
      const ring = rings.get(c.target.id);
      if (!ring || ring.seconds() < 0.5) continue;
      void save(id, c, ring.snapshot());
    }
  };
  deps.studio.subscribe(tick);
}

/** A URL to play a clip from (the services hand one out per file). */
export async function clipUrl(podium: PodiumApi, spaceId: string, file: string): Promise<string | null> {
  const result = await podium['evidence:mediaUrl']({ spaceId, file });
  return result.ok ? result.value.url : null;
}
