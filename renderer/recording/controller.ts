// The studio's side of local recording. On Record it asks main to open a recording, taps this studio's own processed
// microphone (exactly what listeners hear from it), every remote speaker as heard here, and the mix of them, and
// streams binary PCM frames to the main-side writer. It tells the space server (so everyone sees the red badge),
// writes markers for moderation events from the audit log, and records who is on stage when. Components read the
// `recording` store; nothing here blocks audio: a link that backs up drops frames, counted and marked.
import type { PodiumApi } from '../../common/ipc';
import { MOD_ACTIONS, auditParts } from '../../common/moderation';
import { REPORT_DECISIONS, reportDecisionPhrase } from '../../common/reports';
import { cutGraphemes } from '../../common/text';
import { encodePcmFrame, type MarkerKind, type TrackInfo } from '../../common/recording';
import type { Result } from '../../common/result';
import { createCapture, MIX_KEY, type AudioCapture } from '../audio/capture/capture';
import { peakDb, rebase, type Chunk } from '../audio/capture/chunker';
import { sendAudio } from '../bridge/index';
import { createStore } from '../state/store';
import type { StudioState } from '../studio/studio-store';
import { INITIAL_RECORDING_VIEW, type RecordingActions, type RecordingView, type TrackMeter } from './types';

export const recording = createStore<RecordingView>(INITIAL_RECORDING_VIEW);

export interface RecordingDeps {
  podium: () => PodiumApi;
  studio: { get(): StudioState; subscribe(listener: () => void): () => void };
  micTrack: () => MediaStreamTrack | null;
  remoteAudio: () => Map<string, MediaStreamTrack>;
  /** Sends a space-protocol message (the recording badge lives on the space server). */
  sendToSpace: (message: { type: 'recording'; on: boolean }) => void;
}

/**
 * Audit actions that become markers on their own, and their kind. The server writes moderation as MOD_ACTIONS[a].done
 * phrases ("let {target} speak", "moved {target} to the listeners"); recordings and spaces from before that wrote the
 * bare verbs ("approved", "moved to listeners"), which still count.
 */
export const AUTO_MARKERS: Readonly<Record<string, MarkerKind>> = {
  [MOD_ACTIONS.approve.done]: 'approved',
  [MOD_ACTIONS.mute.done]: 'muted',
  [MOD_ACTIONS.demote.done]: 'demoted',
  [MOD_ACTIONS.remove.done]: 'removed',
  [MOD_ACTIONS.block.done]: 'blocked',
  approved: 'approved',
  muted: 'muted',
  'muted all speakers': 'muted',
  'moved to listeners': 'demoted',
  removed: 'removed',
  blocked: 'blocked',
  pinned: 'pin',
  reported: 'report',
  // A report decided from the queue (its action, when there is one, marks the recording too: "removed", "muted").
  ...Object.fromEntries(REPORT_DECISIONS.map((d) => [reportDecisionPhrase(d), 'report' as const])),
};

const METER_INTERVAL_MS = 100;
const STATUS_INTERVAL_MS = 1000;

interface Run {
  id: string;
  serial: number;
  capture: AudioCapture;
  origin: number;
  /** Tap key (participant id, or MIX_KEY) → track index, once main has the track. */
  indexOf: Map<string, number>;
  /** The index first tried for each key, kept for retries. */
  triedIndex: Map<string, number>;
  announcing: Set<string>;
  nextIndex: number;
  peaks: Map<number, number>;
  droppedFrames: number;
  auditSeen: number;
  lastMembers: string;
  unsubscribe: () => void;
  timers: ReturnType<typeof setInterval>[];
  lastAssert: number;
}

let deps: RecordingDeps | null = null;
let run: Run | null = null;

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

export function initRecording(d: RecordingDeps): void {
  deps = d;
  void refreshStatus();
}

async function refreshStatus(): Promise<void> {
  if (!deps) return;
  const result = await deps.podium()['recording:status']();
  if (!result.ok) return;
  const status = result.value;
  recording.set({ directory: status.directory, recovered: status.recovered, active: run ? status.active : recording.get().active });
  // The writer stopped on its own (disk full, folder deleted): tear down the taps and say why.
  if (run && recording.get().phase === 'recording' && (!status.active || status.active.id !== run.id)) {
    await teardown();
    recording.set({ phase: 'idle', active: null, meters: [], error: status.lastError ?? 'The recording stopped.' });
  }
}

function frameNow(r: Run): number {
  return Math.max(0, r.capture.currentFrame() - r.origin);
}

function nameOf(state: StudioState, id: string): string {
  const view = state.view;
  return view?.members.find((m) => m.id === id)?.name ?? view?.roster.get(id)?.name ?? 'Speaker';
}

async function announce(r: Run, key: string, track: Omit<TrackInfo, 'index'>, index?: number): Promise<number | null> {
  if (!deps || r.indexOf.has(key) || r.announcing.has(key)) return r.indexOf.get(key) ?? null;
  r.announcing.add(key);
  // A retry after a failed announcement reuses that person's index: the writer may have made the track already, and a
  // new index each time would leave empty tracks behind and never record them.
  const chosen = index ?? r.triedIndex.get(key) ?? r.nextIndex++;
  r.triedIndex.set(key, chosen);
  try {
    const active = unwrap(await deps.podium()['recording:addTrack']({ id: r.id, track: { ...track, index: chosen } }));
    r.indexOf.set(key, chosen);
    recording.set({ active });
    return chosen;
  } catch (error) {
    recording.set({ error: `A track could not be added: ${(error as Error).message}` });
    return null;
  } finally {
    r.announcing.delete(key);
  }
}

/** Taps who is heard now: this studio's microphone and each remote speaker; new people get a track first. */
async function syncTaps(r: Run): Promise<void> {
  if (!deps || run !== r) return;
  const state = deps.studio.get();
  const self = state.view?.participantId;
  const mic = deps.micTrack();
  if (self && mic) {
    const kind = state.view?.role === 'host' ? 'host' : 'speaker';
    if ((await announce(r, self, { kind, participantId: self, name: nameOf(state, self) })) !== null && run === r) r.capture.tapTrack(self, mic);
  }
  const remote = deps.remoteAudio();
  for (const [identity, track] of remote) {
    if ((await announce(r, identity, { kind: 'speaker', participantId: identity, name: nameOf(state, identity) })) !== null && run === r) {
      r.capture.tapTrack(identity, track);
    }
  }
  // Someone whose audio went away (left the stage): their track keeps its clock; silence fills it if they return.
  for (const key of r.capture.keys()) if (key !== self && !remote.has(key)) r.capture.untap(key);
}

function onChunk(key: string, chunk: Chunk): void {
  const r = run;
  if (!r) return;
  const index = r.indexOf.get(key);
  if (index === undefined) return;
  const rebased = rebase(chunk, r.origin);
  if (!rebased) return;
  r.peaks.set(index, Math.max(r.peaks.get(index) ?? -Infinity, peakDb(rebased.samples)));
  const sent = sendAudio(encodePcmFrame({ track: index, serial: r.serial, startFrame: rebased.startFrame, samples: rebased.samples }));
  if (sent !== 'sent' && index === 0) r.droppedFrames += rebased.samples.length;
}

function watchSpace(r: Run): () => void {
  if (!deps) return () => {};
  const d = deps;
  let busy = false;
  return d.studio.subscribe(() => {
    if (run !== r) return;
    const state = d.studio.get();
    const view = state.view;
    const status = view?.space?.status;
    if (!state.target || status === 'ended') {
      void actions.stop();
      return;
    }
    if (!view) return;
    // New audit entries: moderation events become markers.
    if (view.audit.length > 0) {
      const latest = view.audit.at(-1)!.id;
      for (const entry of view.audit) {
        if (entry.id <= r.auditSeen) continue;
        // Pins are logged as "pinned a post by @handle" / "pinned a link to example.org" (and "pinned" before that).
        const kind = AUTO_MARKERS[entry.action] ?? (entry.action.startsWith('pinned ') ? 'pin' : undefined);
        if (kind) {
          const [before, after] = auditParts(entry.action);
          const label = cutGraphemes(entry.target ? `${entry.actor} ${before}${entry.target}${after}` : `${entry.actor} ${entry.action}`, 120).text;
          void d.podium()['recording:mark']({ id: r.id, marker: { frame: frameNow(r), kind, label } });
        }
      }
      r.auditSeen = Math.max(r.auditSeen, latest);
    }
    const members = JSON.stringify(view.members.map((m) => [m.id, m.name, m.role]));
    if (members !== r.lastMembers) {
      r.lastMembers = members;
      const snapshot = view.members.map((m) => ({ participantId: m.id, name: m.name.slice(0, 120), role: m.role }));
      void d.podium()['recording:stage']({ id: r.id, frame: frameNow(r), members: snapshot.slice(0, 200) });
    }
    // After a reconnect the space server has forgotten us: say again that we record.
    if (view.you?.recording === false && Date.now() - r.lastAssert > 5000 && (view.role === 'host' || view.role === 'cohost')) {
      r.lastAssert = Date.now();
      d.sendToSpace({ type: 'recording', on: true });
    }
    if (!busy) {
      busy = true;
      void syncTaps(r).finally(() => (busy = false));
    }
  });
}

function publishMeters(r: Run): void {
  const active = recording.get().active;
  const meters: TrackMeter[] = (active?.tracks ?? [])
    .slice()
    .sort((a, b) => a.index - b.index)
    .map((t) => ({ index: t.index, name: t.kind === 'mix' ? 'Mix' : t.name, kind: t.kind, peakDb: r.peaks.get(t.index) ?? -Infinity }));
  r.peaks.clear();
  recording.set({ meters, behind: r.droppedFrames > 0 || (active?.droppedMs ?? 0) > 0 });
}

async function teardown(): Promise<void> {
  const r = run;
  if (!r) return;
  r.unsubscribe();
  for (const t of r.timers) clearInterval(t);
  // The run stays current while the taps deliver their last chunks (onChunk sends them); then it is over.
  await r.capture.close().catch(() => {});
  if (run === r) run = null;
  deps?.sendToSpace({ type: 'recording', on: false });
}

export const actions: RecordingActions = {
  async start() {
    if (!deps || run || recording.get().phase !== 'idle') return;
    const state = deps.studio.get();
    const view = state.view;
    const space = view?.space;
    if (!space || space.status !== 'live' || !(view.role === 'host' || view.role === 'cohost')) {
      recording.set({ error: 'Recording starts once your space is live.' });
      return;
    }
    recording.set({ phase: 'starting', error: null, finished: null });
    let capture: AudioCapture | null = null;
    try {
      const active = unwrap(await deps.podium()['recording:start']({ spaceId: space.id, title: space.title }));
      capture = await createCapture(onChunk);
      const r: Run = {
        id: active.id,
        serial: active.serial,
        capture,
        origin: capture.currentFrame(),
        indexOf: new Map(),
        triedIndex: new Map(),
        announcing: new Set(),
        nextIndex: 1,
        peaks: new Map(),
        droppedFrames: 0,
        auditSeen: view.audit.at(-1)?.id ?? 0,
        lastMembers: '',
        unsubscribe: () => {},
        timers: [],
        lastAssert: Date.now(),
      };
      run = r;
      recording.set({ phase: 'recording', active });
      await announce(r, MIX_KEY, { kind: 'mix', participantId: '', name: 'Mix' }, 0);
      await syncTaps(r);
      r.unsubscribe = watchSpace(r);
      r.timers.push(setInterval(() => publishMeters(r), METER_INTERVAL_MS));
      r.timers.push(setInterval(() => void refreshStatus(), STATUS_INTERVAL_MS));
      deps.sendToSpace({ type: 'recording', on: true });
      // The first stage snapshot: who is on stage as the recording starts.
      const members = view.members.map((m) => ({ participantId: m.id, name: m.name.slice(0, 120), role: m.role }));
      r.lastMembers = JSON.stringify(view.members.map((m) => [m.id, m.name, m.role]));
      void deps.podium()['recording:stage']({ id: r.id, frame: 0, members: members.slice(0, 200) });
    } catch (error) {
      const started = run;
      if (started) {
        await teardown();
        await deps.podium()['recording:stop']({ id: started.id });
      } else await capture?.close().catch(() => {});
      recording.set({ phase: 'idle', active: null, error: `Recording could not start: ${(error as Error).message}` });
    }
  },

  async stop() {
    const r = run;
    if (!deps || !r || recording.get().phase !== 'recording') return;
    recording.set({ phase: 'stopping' });
    const id = r.id;
    // Every tap ends at one frame and delivers its last chunk before the stop is sent; the link keeps their order.
    await teardown();
    const result = await deps.podium()['recording:stop']({ id });
    recording.set({
      phase: 'idle',
      active: null,
      meters: [],
      behind: false,
      finished: result.ok ? result.value : null,
      error: result.ok ? null : result.error.message,
    });
  },

  async mark(label = '') {
    const r = run;
    if (!deps || !r) return;
    const result = await deps.podium()['recording:mark']({ id: r.id, marker: { frame: frameNow(r), kind: 'manual', label: label.trim().slice(0, 120) } });
    if (result.ok) recording.set({ active: result.value });
    else recording.set({ error: result.error.message });
  },

  dismissError: () => recording.set({ error: null }),
  dismissFinished: () => recording.set({ finished: null }),
  async dismissRecovered() {
    const result = await deps?.podium()['recordings:dismissRecovered']();
    recording.set({ recovered: result?.ok ? result.value.recovered : [] });
  },
};

export const recordingActions = actions;
