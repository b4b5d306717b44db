// Shared fixtures for the DSP tests: deterministic Float32Array signals, stand-in denoisers with known
// behaviour, and a driver that pushes a whole signal through anything with a 128-sample process().
import { type DenoiserFactory, type FrameDenoiser } from '../../../../../renderer/audio/dsp/denoiser';

export const SR = 48_000;

/** mulberry32: tiny, seedable, good enough for test noise. */
export function rng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform white noise with the given RMS in dBFS. */
export function whiteNoise(length: number, rmsDb: number, seed = 1): Float32Array {
  const r = rng(seed);
  const a = 10 ** (rmsDb / 20) * Math.sqrt(3);
  const x = new Float32Array(length);
  for (let i = 0; i < length; i++) x[i] = (r() * 2 - 1) * a;
  return x;
}

/** Leaky-integrated (brown-ish) noise with the given RMS in dBFS. */
export function brownNoise(length: number, rmsDb: number, seed = 1): Float32Array {
  const r = rng(seed);
  const x = new Float32Array(length);
  let y = 0;
  let sum = 0;
  for (let i = 0; i < length; i++) {
    y = 0.998 * y + (r() * 2 - 1) * 0.05;
    x[i] = y;
    sum += y * y;
  }
  const g = 10 ** (rmsDb / 20) / Math.sqrt(sum / length);
  for (let i = 0; i < length; i++) x[i] = x[i]! * g;
  return x;
}

export function sine(length: number, amplitude: number, frequency: number): Float32Array {
  const x = new Float32Array(length);
  for (let i = 0; i < length; i++) x[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / SR);
  return x;
}

/** Runs `x` through `stage` in 128-sample quanta (x is zero-padded to whole quanta). */
export function runQuanta(stage: { process(input: Float32Array, output: Float32Array): void }, x: Float32Array, quantum = 128): Float32Array {
  const n = Math.ceil(x.length / quantum) * quantum;
  const input = new Float32Array(n);
  input.set(x);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += quantum) stage.process(input.subarray(i, i + quantum), out.subarray(i, i + quantum));
  return out;
}

export function maxJump(x: Float32Array, start = 1, end = x.length): number {
  let m = 0;
  for (let i = Math.max(1, start); i < end; i++) m = Math.max(m, Math.abs(x[i]! - x[i - 1]!));
  return m;
}

export interface FakeLog {
  created: number;
  destroyed: number;
  frames: number;
}

/**
 * A stand-in model: output = gain · input delayed by `delaySamples` (in the ±32768 domain), returning
 * `vad(frameIndex)`. With gain 1 and delay 0 it is an identity processor.
 */
export function fakeDenoiser(options: { gain?: number; delaySamples?: number; vad?: (frame: number) => number; log?: FakeLog } = {}): DenoiserFactory {
  const gain = options.gain ?? 1;
  const delaySamples = options.delaySamples ?? 0;
  return {
    delaySamples,
    create(): FrameDenoiser {
      if (options.log) options.log.created++;
      const line = new Float32Array(Math.max(1, delaySamples));
      let pos = 0;
      let frame = 0;
      return {
        processFrame(f: Float32Array): number {
          if (options.log) options.log.frames++;
          for (let i = 0; i < f.length; i++) {
            let v = f[i]!;
            if (delaySamples > 0) {
              const d = line[pos]!;
              line[pos] = v;
              pos = (pos + 1) % delaySamples;
              v = d;
            }
            f[i] = v * gain;
          }
          return options.vad ? options.vad(frame++) : 0.9;
        },
        destroy(): void {
          if (options.log) options.log.destroyed++;
        },
      };
    },
  };
}
