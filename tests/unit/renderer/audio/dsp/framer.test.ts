// Re-framing 128 ↔ 480: the latency formula, losslessness with an identity processor, exact impulse timing at
// every phase of the 1920-sample cycle, frames seen by the processor, aliasing and misuse.
import { describe, expect, it } from 'vitest';
import { gcd, reframeLatency, Reframer } from '../../../../../renderer/audio/dsp/framer';
import { runQuanta, whiteNoise } from './helpers';

const identity = (): void => {};

describe('reframeLatency', () => {
  it('is 448 samples for 480-sample frames and 128-sample quanta', () => {
    expect(gcd(480, 128)).toBe(32);
    expect(reframeLatency(480, 128)).toBe(448);
  });

  it('equals the worst shortfall of a primer-less pipeline, for several quantum sizes', () => {
    for (const q of [128, 256, 96, 160, 480, 100, 441]) {
      // Output needed after m quanta minus output produced by then, over a full cycle (lcm(480, q)/q ≤ 480 quanta).
      let worst = 0;
      for (let m = 1; m <= 480; m++) worst = Math.max(worst, m * q - Math.floor((m * q) / 480) * 480);
      expect(reframeLatency(480, q), `quantum ${q}`).toBe(worst);
    }
  });
});

describe('Reframer', () => {
  it('is lossless: identity processing returns the input exactly, delayed by exactly `latency`', () => {
    const f = new Reframer({ frameSize: 480, quantumSize: 128, onFrame: identity });
    const x = whiteNoise(48_000, -10, 3);
    const y = runQuanta(f, x);
    expect(f.latency).toBe(448);
    for (let i = 0; i < 448; i++) expect(y[i]).toBe(0);
    let mismatches = 0;
    for (let i = 0; i + 448 < y.length; i++) if (!Object.is(y[i + 448], x[i])) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('moves an impulse by exactly `latency` at every phase of the 1920-sample cycle', () => {
    const wrong: number[] = [];
    for (let at = 0; at < 1920; at++) {
      const f = new Reframer({ frameSize: 480, quantumSize: 128, onFrame: identity });
      const x = new Float32Array(at + 448 + 640);
      x[at] = 1;
      const y = runQuanta(f, x);
      const peak = y.indexOf(1);
      let sum = 0;
      for (const v of y) sum += Math.abs(v);
      if (peak !== at + 448 || sum !== 1) wrong.push(at);
    }
    expect(wrong).toEqual([]);
  });

  it('hands the processor consecutive, complete 480-sample frames and emits what it wrote', () => {
    const seen: number[] = [];
    const f = new Reframer({
      frameSize: 480,
      quantumSize: 128,
      onFrame: (frame) => {
        expect(frame.length).toBe(480);
        for (let i = 0; i < frame.length; i++) {
          seen.push(frame[i]!);
          frame[i] = -frame[i]!;
        }
      },
    });
    const x = new Float32Array(128 * 30).map((_, i) => i + 1);
    const y = runQuanta(f, x);
    expect(seen.length).toBe(Math.floor(x.length / 480) * 480);
    expect(seen).toEqual(Array.from(x.subarray(0, seen.length)));
    for (let i = 0; i + 448 < y.length; i++) expect(y[i + 448]).toBe(-x[i]!);
  });

  it('works in place (input and output the same buffer)', () => {
    const f = new Reframer({ frameSize: 480, quantumSize: 128, onFrame: identity });
    const x = whiteNoise(128 * 40, -6, 9);
    const buf = Float32Array.from(x);
    for (let i = 0; i < buf.length; i += 128) {
      const q = buf.subarray(i, i + 128);
      f.process(q, q);
    }
    for (let i = 0; i + 448 < buf.length; i++) expect(buf[i + 448]).toBe(x[i]);
  });

  it('supports other quantum sizes with their own minimal latency', () => {
    const f = new Reframer({ frameSize: 480, quantumSize: 160, onFrame: identity });
    expect(f.latency).toBe(320);
    const x = whiteNoise(160 * 50, -6, 4);
    const y = runQuanta(f, x, 160);
    for (let i = 0; i + 320 < y.length; i++) expect(y[i + 320]).toBe(x[i]);
  });

  it('adds nothing when the quantum is the frame (480-sample render quanta): each frame is processed and returned in place', () => {
    let calls = 0;
    const f = new Reframer({
      frameSize: 480,
      quantumSize: 480,
      onFrame: (frame) => {
        calls++;
        for (let i = 0; i < frame.length; i++) frame[i] = frame[i]! * 2;
      },
    });
    expect(f.latency).toBe(0);
    const x = whiteNoise(480 * 20, -6, 9);
    const y = runQuanta(f, x, 480);
    expect(calls).toBe(20);
    for (let i = 0; i < y.length; i++) expect(y[i]).toBe(Math.fround(x[i]! * 2));
  });

  it('rejects a quantum of the wrong size instead of silently breaking its latency', () => {
    const f = new Reframer({ frameSize: 480, quantumSize: 128, onFrame: identity });
    expect(() => f.process(new Float32Array(64), new Float32Array(64))).toThrow(RangeError);
    expect(() => new Reframer({ frameSize: 0, quantumSize: 128, onFrame: identity })).toThrow(RangeError);
  });

  it('reset() returns to the primed state', () => {
    const f = new Reframer({ frameSize: 480, quantumSize: 128, onFrame: identity });
    runQuanta(f, whiteNoise(1000, -6, 5));
    f.reset();
    const x = new Float32Array(2048);
    x[10] = 0.5;
    const y = runQuanta(f, x);
    expect(y.indexOf(0.5)).toBe(458);
  });
});
