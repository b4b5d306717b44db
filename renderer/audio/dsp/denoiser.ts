// The contract between the noise-suppression stage and whatever denoises its frames: RNNoise in production,
// simple stand-ins in tests. Kept free of the wasm packages so that importing the stage never pulls them in.

/** RNNoise works on 10 ms frames at 48 kHz and nothing else. */
export const FRAME_SIZE = 480;
export const SAMPLE_RATE = 48_000;

/** "quality": RNNoise 0.2 model (rnnoise-sync.js). "lowCpu": RNNoise 0.1 model (rnnoise_simd.wasm). */
export type NsModel = 'quality' | 'lowCpu';

export const NS_MODELS: readonly NsModel[] = ['quality', 'lowCpu'];

/**
 * How far each model's output lags its input, measured in Node by cross-correlating speech and by clicks placed
 * off the frame grid (tests/unit/renderer/audio/dsp/rnnoise.test.ts checks it stays true): the 0.2 model looks
 * one frame further ahead than 0.1, so it is 960 samples, not the 480 often quoted for RNNoise.
 */
export const MODEL_DELAY_SAMPLES: Readonly<Record<NsModel, number>> = { quality: 960, lowCpu: 480 };

/**
 * The delay every model's output is padded to inside the stage, so that switching models never shifts the
 * timeline and the dry path has one fixed compensation.
 */
export const STAGE_MODEL_DELAY = Math.max(...NS_MODELS.map((m) => MODEL_DELAY_SAMPLES[m]));

/** One running denoiser instance (owns its state; frames are FRAME_SIZE samples in the ±32768 range). */
export interface FrameDenoiser {
  /** Denoises `frame` in place; returns the voice-activity probability, 0..1. */
  processFrame(frame: Float32Array): number;
  /** Frees the instance; processFrame must not be called afterwards. Safe to call twice. */
  destroy(): void;
}

/** Makes denoiser instances of one model; the stage creates and destroys them as settings change. */
export interface DenoiserFactory {
  /** Samples by which this denoiser's output lags its input; at most STAGE_MODEL_DELAY. */
  readonly delaySamples: number;
  create(): FrameDenoiser;
}
