// The RNNoise binding against the real wasm builds: loading both models (the low-CPU one from bytes, as in a
// worklet), each model's intrinsic delay (the facts the stage's alignment rests on), VAD, noise reduction,
// state isolation, survival of wasm memory growth, and misuse.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { FRAME_SIZE, MODEL_DELAY_SAMPLES, type NsModel } from '../../../../../renderer/audio/dsp/denoiser';
import { createDenoiseState, loadLowCpuModel, type RnnoiseModule, rnnoiseDenoiser } from '../../../../../renderer/audio/dsp/rnnoise';
import { lowCpuWasmPath, loadModels } from '../../../../bench/models';
import { findDelay, rmsDb } from '../../../../bench/signal';
import { makeSpeechWav, readWavMono16 } from '../../../../support/fixtures';
import { brownNoise, whiteNoise } from './helpers';

const require = createRequire(import.meta.url);
let models: Record<NsModel, RnnoiseModule>;
let speech: Float32Array;

beforeAll(async () => {
  models = await loadModels();
  speech = readWavMono16(makeSpeechWav()).samples;
});

/** Whole signal (floats in [-1, 1]) through one fresh state, frame by frame; returns output and VADs. */
function denoise(module: RnnoiseModule, x: Float32Array): { y: Float32Array; vad: number[] } {
  const state = createDenoiseState(module);
  const frames = Math.floor(x.length / FRAME_SIZE);
  const y = new Float32Array(frames * FRAME_SIZE);
  const frame = new Float32Array(FRAME_SIZE);
  const vad: number[] = [];
  for (let f = 0; f < frames; f++) {
    for (let i = 0; i < FRAME_SIZE; i++) frame[i] = x[f * FRAME_SIZE + i]! * 32768;
    vad.push(state.processFrame(frame));
    for (let i = 0; i < FRAME_SIZE; i++) y[f * FRAME_SIZE + i] = frame[i]! / 32768;
  }
  state.destroy();
  return { y, vad };
}

const MODELS: NsModel[] = ['quality', 'lowCpu'];

describe.each(MODELS)('RNNoise %s model', (model) => {
  it(`delays its output by exactly ${MODEL_DELAY_SAMPLES[model]} samples (speech cross-correlation)`, () => {
    const { y } = denoise(models[model], speech);
    expect(findDelay(speech.subarray(0, y.length), y, 3000)).toBe(MODEL_DELAY_SAMPLES[model]);
  });

  it('delays clicks placed off the frame grid by the same amount', () => {
    // Clicks on top of speech (a click alone is noise to RNNoise); subtracting the click-free run isolates them.
    const base = speech.subarray(48_000, 48_000 * 3).map((v) => v * 0.5);
    const clicked = Float32Array.from(base);
    const at = [9637, 24_037, 43_237, 62_437];
    for (const a of at) clicked[a] = clicked[a]! + 0.7;
    const a = denoise(models[model], base).y;
    const b = denoise(models[model], clicked).y;
    for (const c of at) {
      let peak = 0;
      let where = -1;
      for (let i = c; i < c + 2400; i++) {
        const d = Math.abs(b[i]! - a[i]!);
        if (d > peak) {
          peak = d;
          where = i - c;
        }
      }
      expect(where, `click at ${c}`).toBe(MODEL_DELAY_SAMPLES[model]);
    }
  });

  it('returns a voice probability: high in speech, low in silence', () => {
    const { vad } = denoise(models[model], speech);
    for (const v of vad) expect(v >= 0 && v <= 1).toBe(true);
    const lead = vad.slice(5, 45); // the fixture starts with 0.5 s of silence
    const max = Math.max(...vad);
    expect(Math.max(...lead)).toBeLessThan(0.5);
    expect(max).toBeGreaterThan(0.9);
  });

  it('keeps speech level within 1 dB on clean input', () => {
    const { y } = denoise(models[model], speech);
    const d = MODEL_DELAY_SAMPLES[model];
    const out = rmsDb(y, d, y.length);
    const inp = rmsDb(speech, 0, y.length - d);
    expect(Math.abs(out - inp)).toBeLessThan(1);
  });

  it('states are independent: interleaving two streams changes neither', () => {
    const x1 = speech.subarray(0, 48_000);
    const x2 = whiteNoise(48_000, -30, 2);
    const solo1 = denoise(models[model], x1).y;
    const solo2 = denoise(models[model], x2).y;
    const s1 = createDenoiseState(models[model]);
    const s2 = createDenoiseState(models[model]);
    const f1 = new Float32Array(FRAME_SIZE);
    const f2 = new Float32Array(FRAME_SIZE);
    let worst = 0;
    for (let f = 0; f < 100; f++) {
      for (let i = 0; i < FRAME_SIZE; i++) {
        f1[i] = x1[f * FRAME_SIZE + i]! * 32768;
        f2[i] = x2[f * FRAME_SIZE + i]! * 32768;
      }
      s1.processFrame(f1);
      s2.processFrame(f2);
      for (let i = 0; i < FRAME_SIZE; i++) {
        worst = Math.max(worst, Math.abs(f1[i]! / 32768 - solo1[f * FRAME_SIZE + i]!), Math.abs(f2[i]! / 32768 - solo2[f * FRAME_SIZE + i]!));
      }
    }
    s1.destroy();
    s2.destroy();
    expect(worst).toBe(0);
  });
});

describe('RNNoise noise reduction', () => {
  it('quality model: white noise alone comes out at least 15 dB lower', () => {
    const x = whiteNoise(48_000 * 3, -30, 7);
    const { y } = denoise(models.quality, x);
    // Skip the first second: the recurrent state needs a moment to classify the noise.
    expect(rmsDb(y, 48_000, y.length)).toBeLessThan(rmsDb(x, 48_000, y.length) - 15);
  });

  it('low-CPU model: brown noise alone comes out at least 15 dB lower', () => {
    // Not white noise: the 0.1 model removes only 1–17 dB of it, depending on the realisation (see the bench).
    const x = brownNoise(48_000 * 3, -30, 7);
    const { y } = denoise(models.lowCpu, x);
    expect(rmsDb(y, 48_000, y.length)).toBeLessThan(rmsDb(x, 48_000, y.length) - 15);
  });
});

describe('RNNoise binding', () => {
  it('loads the low-CPU build from an ArrayBuffer or a Buffer, copying the bytes before returning', async () => {
    const bytes = fs.readFileSync(lowCpuWasmPath());
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const pending = loadLowCpuModel(ab);
    // Detach the caller's buffer straight away, as a postMessage transfer would: the load must not notice.
    structuredClone(ab, { transfer: [ab] });
    expect(ab.byteLength).toBe(0);
    const fromBuffer = loadLowCpuModel(bytes);
    bytes.fill(0); // and a Buffer reused right after the call
    for (const m of await Promise.all([pending, fromBuffer])) {
      const s = createDenoiseState(m);
      expect(s.processFrame(new Float32Array(FRAME_SIZE))).toBeGreaterThanOrEqual(0);
      s.destroy();
    }
  });

  it('keeps working when wasm memory grows under a live state (HEAPF32 is re-read)', async () => {
    const m = await loadLowCpuModel(fs.readFileSync(lowCpuWasmPath()));
    const x = speech.subarray(0, 48_000);
    const reference = denoise(m, x).y;
    const state = createDenoiseState(m);
    const frame = new Float32Array(FRAME_SIZE);
    const out = new Float32Array(reference.length);
    const heapBefore = m.HEAPF32.buffer;
    for (let f = 0; f < 100; f++) {
      if (f === 50) {
        // Allocate until the heap grows: the old HEAPF32 view is detached from then on.
        const ptrs: number[] = [];
        while (m.HEAPF32.buffer === heapBefore) ptrs.push(m._malloc(1 << 20));
        for (const p of ptrs) m._free(p);
      }
      for (let i = 0; i < FRAME_SIZE; i++) frame[i] = x[f * FRAME_SIZE + i]! * 32768;
      state.processFrame(frame);
      for (let i = 0; i < FRAME_SIZE; i++) out[f * FRAME_SIZE + i] = frame[i]! / 32768;
    }
    state.destroy();
    expect(m.HEAPF32.buffer).not.toBe(heapBefore);
    expect(out).toEqual(reference);
  });

  it('rejects wrong frame sizes and use after destroy; destroy is idempotent', () => {
    const s = createDenoiseState(models.quality);
    expect(() => s.processFrame(new Float32Array(128))).toThrow(RangeError);
    s.destroy();
    expect(() => s.destroy()).not.toThrow();
    expect(() => s.processFrame(new Float32Array(FRAME_SIZE))).toThrow(/destroy/);
  });

  it('the low-CPU SIMD build is the RNNoise 0.1 model: same output as the plain 0.1 build in @jitsi/rnnoise-wasm', async () => {
    // The plain build, through its own Emscripten glue, as the reference the SIMD build replaced.
    const { default: createPlain } = await import('@jitsi/rnnoise-wasm/dist/rnnoise.js');
    const plain = await createPlain({ wasmBinary: new Uint8Array(fs.readFileSync(require.resolve('@jitsi/rnnoise-wasm/dist/rnnoise.wasm'))) });
    const x = speech.subarray(0, 48_000 * 2);
    const a = denoise(plain, x).y;
    const b = denoise(models.lowCpu, x).y;
    let worst = 0;
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    // SIMD reorders float sums, so not bit-identical; a different model would differ by orders of magnitude more.
    expect(worst).toBeLessThan(1e-5);
    expect(rmsDb(b)).toBeGreaterThan(-60);
  });

  it('refuses bytes that are not an RNNoise build, with a clear error', async () => {
    await expect(loadLowCpuModel(new Uint8Array([1, 2, 3, 4]))).rejects.toThrow(WebAssembly.CompileError);
    // A valid module without RNNoise's exports: (module (memory (export "memory") 1))
    const empty = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 5, 3, 1, 0, 1, 7, 10, 1, 6, 109, 101, 109, 111, 114, 121, 2, 0]);
    await expect(loadLowCpuModel(empty)).rejects.toThrow(/not an RNNoise build/);
  });

  it('rnnoiseDenoiser() reports the measured delay of each model', () => {
    expect(rnnoiseDenoiser(models.quality, 'quality').delaySamples).toBe(960);
    expect(rnnoiseDenoiser(models.lowCpu, 'lowCpu').delaySamples).toBe(480);
  });
});
