// Minimal types for the two untyped Emscripten builds in @jitsi/rnnoise-wasm: just the exports the stage calls.
// Kept as a global declaration file (no top-level import/export), so the modules resolve from anywhere.

declare module '@jitsi/rnnoise-wasm/dist/rnnoise-sync.js' {
  export interface RnnoiseSyncModule {
    /** Re-created by Emscripten when memory grows, so read it from the module each time. */
    HEAPF32: Float32Array;
    _malloc(bytes: number): number;
    _free(ptr: number): void;
    _rnnoise_create(model: number): number;
    _rnnoise_destroy(state: number): void;
    _rnnoise_init(state: number, model: number): number;
    _rnnoise_process_frame(state: number, out: number, input: number): number;
  }
  /** Compiles the embedded wasm synchronously and returns the ready module (not a promise). */
  export default function createRNNWasmModuleSync(overrides?: Record<string, unknown>): RnnoiseSyncModule;
}

declare module '@jitsi/rnnoise-wasm/dist/rnnoise.js' {
  export interface RnnoiseAsyncModule {
    HEAPF32: Float32Array;
    _malloc(bytes: number): number;
    _free(ptr: number): void;
    _rnnoise_create(model: number): number;
    _rnnoise_destroy(state: number): void;
    _rnnoise_init(state: number, model: number): number;
    _rnnoise_process_frame(state: number, out: number, input: number): number;
  }
  export interface RnnoiseAsyncOverrides {
    /** The bytes of rnnoise.wasm; without them the glue would try fetch/XHR, which a worklet does not have. */
    wasmBinary?: ArrayBuffer | Uint8Array;
    [key: string]: unknown;
  }
  export default function createRNNWasmModule(overrides?: RnnoiseAsyncOverrides): Promise<RnnoiseAsyncModule>;
}
