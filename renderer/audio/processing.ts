// The microphone's processing settings as the studio sees them: which device they belong to, what main remembers
// for it, and the stage's live readouts. Settings apply to the pipeline at once and are saved to main after a
// short pause (a dragged slider is one save, not fifty). Main is reached through the injected load/save, so this
// module knows nothing of IPC and the studio controller only wires it up.
import { DEFAULT_PROCESSING, type ProcessingSettings } from '../../common/ipc';
import { createStore, type Store } from '../state/store';
import type { MicrophonePipeline, StageMetrics } from './pipeline';

export type SaveState = 'saved' | 'pending' | 'saving' | 'failed';

export interface ProcessingState {
  /** The device label the settings are remembered under; null before a microphone opens. */
  deviceKey: string | null;
  settings: ProcessingSettings;
  /** True once the settings of `deviceKey` came from main (or main had none and defaults apply). */
  loaded: boolean;
  save: SaveState;
  /** Why the last save or device re-open failed. */
  problem: string | null;
  monitor: boolean;
  /** Set when the stage is not processing and the microphone goes out as captured. */
  stageError: string | null;
}

export interface LiveReadouts {
  metrics: StageMetrics | null;
  /** RNNoise's voice activity, held briefly so the indicator does not flicker between syllables. */
  speaking: boolean;
}

export interface ProcessingOptions {
  load(deviceKey: string): Promise<ProcessingSettings | null>;
  /** Resolves with an error message, or null once main has stored the settings. */
  save(deviceKey: string, settings: ProcessingSettings): Promise<string | null>;
  saveDelayMs?: number;
}

export type ProcessingPatch = Partial<ProcessingSettings>;

/** A frame's voice probability above this counts as speech for the indicator (RNNoise's own convention). */
export const SPEAKING_VAD = 0.5;
const SPEAKING_HOLD_MS = 300;
/** Labels can be empty (a browser that hides them); main needs a non-empty key. */
const UNNAMED_DEVICE = 'Default microphone';

export interface ProcessingController {
  store: Store<ProcessingState>;
  live: Store<LiveReadouts>;
  /** Takes over a newly opened microphone: loads its device's settings from main and applies them. */
  attach(pipeline: MicrophonePipeline): Promise<void>;
  update(patch: ProcessingPatch): void;
  setMonitor(on: boolean): void;
  /** Saves a pending change now (device switch, page hide). */
  flush(): Promise<void>;
  inputLevel(): { rmsDb: number; peakDb: number } | null;
  outputLevel(): { rmsDb: number; peakDb: number } | null;
}

export function createProcessingController(options: ProcessingOptions): ProcessingController {
  const saveDelay = options.saveDelayMs ?? 400;
  const store = createStore<ProcessingState>({
    deviceKey: null,
    settings: DEFAULT_PROCESSING,
    loaded: false,
    save: 'saved',
    problem: null,
    monitor: false,
    stageError: null,
  });
  const live = createStore<LiveReadouts>({ metrics: null, speaking: false });
  let pipeline: MicrophonePipeline | null = null;
  let stopMetrics: (() => void) | null = null;
  let saveTimer: ReturnType<typeof setTimeout> | null = null;
  let saveSeq = 0;
  let attachSeq = 0;
  let lastVoice = -Infinity;

  function onMetrics(metrics: StageMetrics): void {
    const now = performance.now();
    if ((metrics.vadPeak ?? 0) >= SPEAKING_VAD) lastVoice = now;
    live.set({ metrics, speaking: now - lastVoice < SPEAKING_HOLD_MS });
    const stageError = pipeline?.stageError ?? null;
    if (stageError !== store.get().stageError) store.set({ stageError });
  }

  async function saveNow(): Promise<void> {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = null;
    const { deviceKey, settings, save } = store.get();
    if (!deviceKey || save !== 'pending') return;
    const seq = ++saveSeq;
    store.set({ save: 'saving' });
    const problem = await options.save(deviceKey, settings).catch((e: unknown) => (e as Error).message);
    // A newer change is pending or being saved: its outcome is the one to show.
    if (seq !== saveSeq || store.get().save !== 'saving') return;
    store.set(problem ? { save: 'failed', problem: `Could not save the settings: ${problem}` } : { save: 'saved' });
  }

  function apply(settings: ProcessingSettings): void {
    const target = pipeline;
    target?.setProcessing(settings).catch((e: unknown) => {
      if (target === pipeline) store.set({ problem: `The microphone could not re-open: ${(e as Error).message}` });
    });
  }

  return {
    store,
    live,
    async attach(next) {
      const seq = ++attachSeq;
      // The previous device's last change belongs to the previous device.
      await saveNow();
      stopMetrics?.();
      pipeline = next;
      lastVoice = -Infinity;
      live.set({ metrics: next.metrics, speaking: false });
      stopMetrics = next.onMetrics(onMetrics);
      const deviceKey = next.deviceLabel || UNNAMED_DEVICE;
      store.set({ deviceKey, loaded: false, problem: null, stageError: next.stageError });
      next.setMonitor(store.get().monitor);
      const saved = await options.load(deviceKey).catch(() => null);
      if (seq !== attachSeq) return;
      // A change the host made while we were loading is newer than what was stored: it wins, and gets saved.
      if (store.get().save === 'pending') {
        store.set({ loaded: true });
        return;
      }
      const settings = saved ?? DEFAULT_PROCESSING;
      store.set({ settings, loaded: true, save: 'saved' });
      apply(settings);
    },
    update(patch) {
      const settings = { ...store.get().settings, ...patch };
      store.set({ settings, save: 'pending', problem: null });
      apply(settings);
      if (saveTimer) clearTimeout(saveTimer);
      saveTimer = setTimeout(() => void saveNow(), saveDelay);
    },
    setMonitor(on) {
      store.set({ monitor: on });
      pipeline?.setMonitor(on);
    },
    flush: saveNow,
    inputLevel: () => pipeline?.inputLevel() ?? null,
    outputLevel: () => pipeline?.level() ?? null,
  };
}
