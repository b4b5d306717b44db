// The messages between the main thread (pipeline.ts) and the stage's AudioWorklet (stage-processor.ts), in one
// place so both sides are type-checked against the same shapes. Types and one pure mapping only: the worklet
// bundle imports this file too, so it must stay free of DOM and React.
import type { ProcessingSettings } from '../../../common/ipc';
import type { NoiseSuppressorMetrics, NoiseSuppressorSettingsPatch } from '../dsp/suppressor';

export const STAGE_PROCESSOR_NAME = 'podium-stage';

/** What the worklet reports ~20×/s: the suppressor's metrics plus what happened since the previous report. */
export interface StageMetrics extends NoiseSuppressorMetrics {
  /** Highest voice probability of any frame since the previous report (the last frame alone flickers). */
  vadPeak: number | null;
  /** Set when the stage cannot process at all and passes audio through untouched. */
  stageError: string | null;
  /** Whether the low-CPU model's wasm has been loaded into the worklet. */
  lowCpuReady: boolean;
}

/** Passed as processorOptions, so the very first quantum already runs with the device's settings. */
export interface StageOptions {
  settings: NoiseSuppressorSettingsPatch;
}

export type ToStage =
  | { type: 'settings'; settings: NoiseSuppressorSettingsPatch }
  /** The bytes of @jitsi/rnnoise-wasm/dist/rnnoise.wasm: a worklet cannot fetch, so the page does and posts them. */
  | { type: 'lowCpuWasm'; bytes: ArrayBuffer }
  /** Frees the models; sent before the node is dropped, since a worklet processor has no destructor. */
  | { type: 'dispose' };

export type FromStage =
  | { type: 'metrics'; metrics: StageMetrics }
  | { type: 'lowCpuFailed'; error: string };

/** The studio's per-device settings, as the suppressor understands them. Echo cancellation is the browser's. */
export function toSuppressorPatch(settings: ProcessingSettings): NoiseSuppressorSettingsPatch {
  return {
    enabled: settings.noiseSuppression,
    model: settings.model,
    strength: settings.strength,
    gate: { enabled: settings.gate.enabled, thresholdVad: settings.gate.threshold },
  };
}
