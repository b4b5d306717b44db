// Float ↔ RNNoise range: exact scale, exact round trip, clipping and NaN protection on the way back.
import { describe, expect, it } from 'vitest';
import { fromRnnoiseRange, RNNOISE_SCALE, toRnnoiseRange } from '../../../../../renderer/audio/dsp/scale';
import { whiteNoise } from './helpers';

describe('toRnnoiseRange / fromRnnoiseRange', () => {
  it('maps full scale to ±32768', () => {
    const dst = new Float32Array(4);
    toRnnoiseRange(Float32Array.of(1, -1, 0.5, 0), dst);
    expect(Array.from(dst)).toEqual([32768, -32768, 16384, 0]);
    expect(RNNOISE_SCALE).toBe(32768);
  });

  it('round-trips every in-range float exactly (the scale is a power of two)', () => {
    const x = whiteNoise(48_000, -8, 11); // peaks at 0.69
    const extremes = Float32Array.of(1, -1, 0.99999994, -0.99999994, 1.4e-45, -1.4e-45, 1e-30, 0);
    for (const src of [x, extremes]) {
      const mid = new Float32Array(src.length);
      const back = new Float32Array(src.length);
      toRnnoiseRange(src, mid);
      expect(fromRnnoiseRange(mid, back)).toBe(0);
      const a = new Uint32Array(src.buffer, src.byteOffset, src.length);
      const b = new Uint32Array(back.buffer, back.byteOffset, back.length);
      expect(b).toEqual(a);
    }
  });

  it('clips overshoot to ±1 and replaces NaN with 0, counting each fix', () => {
    const out = new Float32Array(6).fill(7);
    const fixed = fromRnnoiseRange(Float32Array.of(40000, -40000, Number.NaN, 32768, -16384, Number.POSITIVE_INFINITY), out);
    expect(Array.from(out)).toEqual([1, -1, 0, 1, -0.5, 1]);
    expect(fixed).toBe(4);
  });

  it('writes into the caller buffer and refuses one that is too short', () => {
    const dst = new Float32Array(8);
    toRnnoiseRange(new Float32Array(8).fill(0.25), dst);
    expect(dst[7]).toBe(8192);
    expect(() => toRnnoiseRange(new Float32Array(8), new Float32Array(4))).toThrow(RangeError);
    expect(() => fromRnnoiseRange(new Float32Array(8), new Float32Array(4))).toThrow(RangeError);
  });
});
