// Minimal types for the untyped Emscripten build in @jitsi/rnnoise-wasm that the stage uses: just what it calls.
// Kept as a global declaration file (no top-level import/export), so the modules resolve from anywhere.

declare module '@jitsi/rnnoise-wasm/dist/rnnoise-sync.js' {
  export interface RnnoiseSyncModule {
    /** Re-created by Emscripten when memory grows, so read it from the module each time. */
    HEAPF32: Float32Array;
    _malloc(bytes: number): number;
    _free(ptr: number): void;
    _rnnoise_create(model: number): number;
    _rnnoise_destroy(state: number): void;
    _rnnoise_process_frame(state: number, out: number, input: number): number;
  }
  /** Compiles the embedded wasm synchronously and returns the ready module (not a promise). */
  export default function createRNNWasmModuleSync(overrides?: Record<string, unknown>): RnnoiseSyncModule;
}

// The plain (non-SIMD) RNNoise 0.1 build: the app no longer loads it; a unit test uses it as the reference that
// proves the SIMD build it loads instead is the same model.
declare module '@jitsi/rnnoise-wasm/dist/rnnoise.js' {
  import type { RnnoiseSyncModule } from '@jitsi/rnnoise-wasm/dist/rnnoise-sync.js';
  /** wasmBinary: the bytes of rnnoise.wasm (without them the glue would fetch). */
  export default function createRNNWasmModule(overrides: { wasmBinary: Uint8Array }): Promise<RnnoiseSyncModule>;
}
