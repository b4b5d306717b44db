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
  /** The stage's fixed delay in samples (depends on the render quantum), or null when it passes audio through. */
  latencySamples: number | null;
  /** The render quantum the stage runs with, in samples. */
  quantumSize: number;
}

/** Passed as processorOptions, so the very first quantum already runs with the device's settings. */
export interface StageOptions {
  settings: NoiseSuppressorSettingsPatch;
  /**
   * The AudioContext's render quantum (its renderQuantumSize; 128 where the browser has no such property). The
   * worklet checks it against the quanta it is actually given and passes audio through, with an error, if not.
   */
  quantumSize?: number;
}

/** The quantum size from processorOptions if it is a plausible one, else Web Audio's default. */
export function stageQuantum(value: unknown): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 16_384 ? value : 128;
}

export type ToStage =
  | { type: 'settings'; settings: NoiseSuppressorSettingsPatch }
  /** The bytes of the low-CPU model's wasm (rnnoise_simd.wasm): a worklet cannot fetch, so the page does and posts them. */
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
