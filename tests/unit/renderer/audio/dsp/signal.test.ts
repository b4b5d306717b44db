// The benchmark's measuring tools (tests/bench/signal.ts), checked lightly on signals with known answers.
import { describe, expect, it } from 'vitest';
import {
  advance,
  fft,
  findDelay,
  maskedRmsDb,
  median,
  mixAtSnr,
  rms,
  rmsDb,
  siSdr,
  speechMasks,
} from '../../../../bench/signal';
import { sine, whiteNoise } from './helpers';

describe('bench signal math', () => {
  it('rms / rmsDb of a sine and of silence', () => {
    expect(rms(sine(48_000, 0.5, 1000))).toBeCloseTo(0.5 / Math.SQRT2, 6);
    expect(rmsDb(sine(48_000, 1, 1000))).toBeCloseTo(-3.0103, 3);
    expect(rmsDb(new Float32Array(10))).toBe(-200);
  });

  it('fft round-trips and puts a cosine in its bin', () => {
    const n = 1024;
    const re = new Float64Array(n).map((_, i) => Math.cos((2 * Math.PI * 5 * i) / n));
    const im = new Float64Array(n);
    const orig = Float64Array.from(re);
    fft(re, im);
    expect(re[5]).toBeCloseTo(n / 2, 6);
    expect(Math.abs(re[6]!)).toBeLessThan(1e-9);
    fft(re, im, true);
    for (let i = 0; i < n; i++) expect(re[i]).toBeCloseTo(orig[i]!, 9);
  });

  it('findDelay finds positive and negative lags in noise', () => {
    const x = whiteNoise(20_000, -10, 1);
    const noise = whiteNoise(20_000, -16, 2);
    for (const d of [0, 1, 123, 1408, -57]) {
      const y = new Float32Array(x.length);
      for (let i = 0; i < y.length; i++) {
        const j = i - d;
        y[i] = (j >= 0 && j < x.length ? x[j]! : 0) + noise[i]!;
      }
      expect(findDelay(x, y, 2000)).toBe(d);
    }
  });

  it('SI-SDR ignores gain, and equals the SNR for independent white noise', () => {
    const s = whiteNoise(96_000, -10, 3);
    expect(siSdr(s.map((v) => v * 0.3), s)).toBeGreaterThan(120);
    const n = whiteNoise(96_000, -20, 4);
    expect(siSdr(s.map((v, i) => v + n[i]!), s)).toBeCloseTo(10, 0);
    expect(siSdr(s.map((v, i) => 2 * (v + n[i]!)), s)).toBeCloseTo(10, 0);
  });

  it('advance() undoes a delay', () => {
    const x = Float32Array.of(0, 0, 1, 2, 3);
    expect(Array.from(advance(x, 2))).toEqual([1, 2, 3, 0, 0]);
  });

  it('speechMasks separates bursts from pauses, with guard frames; mixAtSnr hits the SNR exactly', () => {
    // 0.5 s pause, 1 s tone, 1 s pause, 0.5 s tone.
    const x = new Float32Array(48_000 * 3);
    const tone = sine(x.length, 0.3, 200);
    for (let i = 24_000; i < 72_000; i++) x[i] = tone[i]!;
    for (let i = 120_000; i < 144_000; i++) x[i] = tone[i]!;
    const { active, pause } = speechMasks(x, 480, 40, 60, 5);
    expect(active.flags.reduce((a, b) => a + b, 0)).toBe(150);
    expect(pause.flags[50 + 4]).toBe(0); // within the guard after the first tone
    expect(pause.flags[50 + 100 + 10]).toBe(1);
    expect(pause.flags[10]).toBe(1);
    for (const snr of [0, 5, 10]) {
      const { noise } = mixAtSnr(x, whiteNoise(x.length, -30, 5), active, snr);
      expect(maskedRmsDb(x, active) - rmsDb(noise)).toBeCloseTo(snr, 2);
    }
  });

  it('median of odd and even lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
