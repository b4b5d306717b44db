// The tests' independent loudness reference: ebur128-wasm (a WebAssembly build of the ebur128 crate), loaded by
// hand because its package only has a bundler entry that imports the .wasm file, which vitest cannot load.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface LoudnessReference {
  integrated(rate: number, samples: Float32Array): number;
  truePeak(rate: number, samples: Float32Array): number;
}

export function loadLoudnessReference(): LoudnessReference {
  const dir = path.dirname(createRequire(import.meta.url).resolve('ebur128-wasm/package.json'));
  const panic = () => {
    throw new Error('ebur128-wasm panicked');
  };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(path.join(dir, 'ebur128_wasm_bg.wasm'))), {
    // Only its panic hook calls out to JavaScript.
    './ebur128_wasm_bg.js': {
      __wbg_new_693216e109162396: () => 0,
      __wbg_stack_0ddaca5d1abfb52f: panic,
      __wbg_error_09919627ac0992f5: panic,
      __wbindgen_object_drop_ref: () => {},
    },
  });
  const exports = instance.exports as unknown as {
    memory: WebAssembly.Memory;
    __wbindgen_malloc(bytes: number): number;
    ebur128_integrated_mono(rate: number, ptr: number, length: number): number;
    ebur128_true_peak_mono(rate: number, ptr: number, length: number): number;
  };
  // The Rust side takes ownership of the copied samples and frees them.
  const pass = (samples: Float32Array): number => {
    const ptr = exports.__wbindgen_malloc(samples.length * 4);
    new Float32Array(exports.memory.buffer, ptr, samples.length).set(samples);
    return ptr;
  };
  return {
    integrated: (rate, samples) => exports.ebur128_integrated_mono(rate, pass(samples), samples.length),
    truePeak: (rate, samples) => exports.ebur128_true_peak_mono(rate, pass(samples), samples.length),
  };
}
