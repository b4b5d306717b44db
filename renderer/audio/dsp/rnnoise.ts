// RNNoise (WebAssembly) behind a small typed surface: load either model build, then create denoise states
// that each own one malloc'd frame buffer in the wasm heap. Works in Node and in an AudioWorkletGlobalScope:
// the quality build embeds its wasm and compiles synchronously; the low-CPU build needs the wasm bytes handed
// in (a worklet has no fetch), and instantiates asynchronously.

import createRNNWasmModule from '@jitsi/rnnoise-wasm/dist/rnnoise.js';
import createRNNWasmModuleSync from '@jitsi/rnnoise-wasm/dist/rnnoise-sync.js';
import { type DenoiserFactory, type FrameDenoiser, type NsModel, FRAME_SIZE, MODEL_DELAY_SAMPLES } from './denoiser';

/** The exports of either Emscripten build that this stage uses. */
export interface RnnoiseModule {
  /** A view of wasm memory. Emscripten replaces it when memory grows, so never cache it across calls. */
  readonly HEAPF32: Float32Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  _rnnoise_create(model: number): number;
  _rnnoise_destroy(state: number): void;
  _rnnoise_init(state: number, model: number): number;
  /** Processes FRAME_SIZE floats from `input` into `out` (may be equal); returns the VAD probability. */
  _rnnoise_process_frame(state: number, out: number, input: number): number;
}

export interface DenoiseState extends FrameDenoiser {
  /** Denoises a FRAME_SIZE frame of ±32768-range floats in place; returns the VAD probability 0..1. */
  processFrame(frame: Float32Array): number;
  destroy(): void;
}

/** One RNNoise instance with its own state (model = the module's built-in weights) and one frame buffer. */
export function createDenoiseState(module: RnnoiseModule): DenoiseState {
  const state = module._rnnoise_create(0);
  if (!state) throw new Error('rnnoise_create returned null (out of wasm memory?)');
  const ptr = module._malloc(FRAME_SIZE * 4);
  if (!ptr) {
    module._rnnoise_destroy(state);
    throw new Error('malloc for the RNNoise frame buffer failed');
  }
  // emmalloc aligns to 8 bytes, so the byte pointer is a whole index into HEAPF32.
  const index = ptr >> 2;
  let alive = true;
  return {
    processFrame(frame: Float32Array): number {
      if (!alive) throw new Error('RNNoise state used after destroy()');
      if (frame.length !== FRAME_SIZE) throw new RangeError(`RNNoise frames are ${FRAME_SIZE} samples, got ${frame.length}`);
      module.HEAPF32.set(frame, index);
      // In place: one buffer, no second allocation.
      const vad = module._rnnoise_process_frame(state, ptr, ptr);
      // Re-read the view: the call may (in principle) have grown memory and detached the old one.
      const heap = module.HEAPF32;
      // A loop rather than heap.subarray(): subarray would allocate a view object every frame.
      for (let i = 0; i < FRAME_SIZE; i++) frame[i] = heap[index + i]!;
      return vad;
    },
    destroy(): void {
      if (!alive) return;
      alive = false;
      module._free(ptr);
      module._rnnoise_destroy(state);
    },
  };
}

/** A factory for the stage, carrying the model's measured delay so the stage can align it. */
export function rnnoiseDenoiser(module: RnnoiseModule, model: NsModel): DenoiserFactory {
  return { delaySamples: MODEL_DELAY_SAMPLES[model], create: () => createDenoiseState(module) };
}

/** RNNoise 0.2 ("quality"), compiled synchronously from the wasm embedded in rnnoise-sync.js (~1.4 MB). */
export function loadQualityModelSync(): RnnoiseModule {
  return createRNNWasmModuleSync();
}

/**
 * RNNoise 0.1 ("low CPU"), instantiated from the bytes of @jitsi/rnnoise-wasm/dist/rnnoise.wasm. In the app the
 * main thread fetches the file and posts the bytes to the worklet; in Node, read the file.
 */
export function loadLowCpuModel(wasmBinary: ArrayBuffer | Uint8Array): Promise<RnnoiseModule> {
  // Copy now: the glue reads the bytes only after a microtask, so a caller that transfers or reuses its buffer
  // right after this call must not pull them away. (new Uint8Array(view) always copies; Buffer#slice would not.)
  const bytes = ArrayBuffer.isView(wasmBinary) ? new Uint8Array(wasmBinary) : new Uint8Array(wasmBinary.slice(0));
  return createRNNWasmModule({ wasmBinary: bytes });
}
