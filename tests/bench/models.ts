// Node-side loading of both RNNoise builds for the benchmark and the tests: the quality build compiles its
// embedded wasm; the low-CPU build gets rnnoise_simd.wasm read from the installed package, exactly as the worklet
// will get the bytes posted from the main thread.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { type NsModel } from '../../renderer/audio/dsp/denoiser';
import { type RnnoiseModule, loadLowCpuModel, loadQualityModelSync } from '../../renderer/audio/dsp/rnnoise';

const require = createRequire(import.meta.url);

export function lowCpuWasmPath(): string {
  return require.resolve('@sapphi-red/web-noise-suppressor/rnnoise_simd.wasm');
}

let cached: Promise<Record<NsModel, RnnoiseModule>> | null = null;

/** Both modules, loaded once per process (each holds its own wasm memory; states are created per use). */
export function loadModels(): Promise<Record<NsModel, RnnoiseModule>> {
  cached ??= (async () => {
    const quality = loadQualityModelSync();
    const lowCpu = await loadLowCpuModel(fs.readFileSync(lowCpuWasmPath()));
    return { quality, lowCpu };
  })();
  return cached;
}
