// RNNoise (WebAssembly) behind a small typed surface: load either model build, then create denoise states
// that each own one malloc'd frame buffer in the wasm heap. Works in Node and in an AudioWorkletGlobalScope:
// the quality build (@jitsi/rnnoise-wasm, RNNoise 0.2) embeds its wasm and compiles synchronously; the low-CPU
// build (RNNoise 0.1 compiled with wasm SIMD, @sapphi-red/web-noise-suppressor's rnnoise_simd.wasm) needs the
// wasm bytes handed in (a worklet has no fetch), and is instantiated by the small loader below, not Emscripten glue.

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

/** The exports of rnnoise_simd.wasm (Emscripten standalone names, no glue) that the loader and the stage use. */
interface RawRnnoiseExports {
  memory: WebAssembly.Memory;
  __wasm_call_ctors(): void;
  emscripten_stack_init?(): void;
  malloc(bytes: number): number;
  free(ptr: number): void;
  rnnoise_create(model: number): number;
  rnnoise_destroy(state: number): void;
  rnnoise_process_frame(state: number, out: number, input: number): number;
}

const WASM_PAGE = 65_536;
/** RNNoise needs well under 1 MB per state; growth beyond this is a runaway, not a need. */
const MAX_HEAP_BYTES = 256 * 1024 * 1024;

/**
 * RNNoise 0.1 ("low CPU"): the SIMD build of rnnoise_simd.wasm (about 20% faster than the plain 0.1 build, same
 * output to within 1e-7), instantiated from its bytes. In the app the main thread fetches the file and posts the
 * bytes to the worklet; in Node, read the file. The module imports three functions, provided here; a runtime
 * without wasm SIMD rejects it at compile time, and the stage then keeps the quality model and says why.
 */
export async function loadLowCpuModel(wasmBinary: ArrayBuffer | Uint8Array): Promise<RnnoiseModule> {
  // Copy now, so a caller that transfers or reuses its buffer right after this call cannot pull the bytes away.
  const bytes = ArrayBuffer.isView(wasmBinary) ? new Uint8Array(wasmBinary) : new Uint8Array(wasmBinary.slice(0));
  let memory: WebAssembly.Memory | null = null;
  const env = {
    emscripten_memcpy_big(dest: number, src: number, count: number): void {
      const heap = new Uint8Array(memory!.buffer);
      heap.copyWithin(dest, src, src + count);
    },
    emscripten_resize_heap(requested: number): number {
      const current = memory!.buffer.byteLength;
      const wanted = requested >>> 0;
      if (wanted <= current) return 1;
      if (wanted > MAX_HEAP_BYTES) return 0;
      try {
        memory!.grow(Math.ceil((wanted - current) / WASM_PAGE));
        return 1;
      } catch {
        return 0;
      }
    },
    __assert_fail(_condition: number, _file: number, line: number): never {
      throw new Error(`RNNoise assertion failed (line ${line})`);
    },
  };
  const { instance } = await WebAssembly.instantiate(bytes, { env });
  const raw = instance.exports as unknown as RawRnnoiseExports;
  if (typeof raw.rnnoise_process_frame !== 'function' || !(raw.memory instanceof WebAssembly.Memory)) {
    throw new Error('this wasm file is not an RNNoise build (no rnnoise_process_frame or memory export)');
  }
  memory = raw.memory;
  raw.emscripten_stack_init?.();
  raw.__wasm_call_ctors();
  // One view per memory buffer: re-made only when memory grows (which detaches the old buffer), never per frame.
  let view = new Float32Array(memory.buffer);
  const mem = memory;
  return {
    get HEAPF32() {
      if (view.buffer !== mem.buffer) view = new Float32Array(mem.buffer);
      return view;
    },
    _malloc: (n) => raw.malloc(n),
    _free: (p) => raw.free(p),
    _rnnoise_create: (m) => raw.rnnoise_create(m),
    _rnnoise_destroy: (st) => raw.rnnoise_destroy(st),
    _rnnoise_process_frame: (st, out, input) => raw.rnnoise_process_frame(st, out, input),
  };
}
