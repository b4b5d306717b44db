// The delay line: exact integer delay across block boundaries, bit-exact copies, zero delay as a no-op.
import { describe, expect, it } from 'vitest';
import { DelayLine } from '../../../../../renderer/audio/dsp/delay';
import { whiteNoise } from './helpers';

describe('DelayLine', () => {
  it('delays by exactly `delay` samples across uneven blocks, copying bits unchanged', () => {
    for (const d of [1, 127, 480, 960, 1000]) {
      const line = new DelayLine(d);
      const x = whiteNoise(5000, -6, d);
      const y = Float32Array.from(x);
      let pos = 0;
      for (const len of [7, 480, 33, 1024, 1, 2000, 1455]) {
        line.process(y.subarray(pos, pos + len));
        pos += len;
      }
      expect(pos).toBe(5000);
      for (let i = 0; i < d; i++) expect(y[i]).toBe(0);
      for (let i = d; i < 5000; i++) if (!Object.is(y[i], x[i - d])) throw new Error(`delay ${d}: sample ${i} differs`);
    }
  });

  it('is a no-op at delay 0 and rejects negative or fractional delays', () => {
    const line = new DelayLine(0);
    const x = Float32Array.of(1, 2, 3);
    line.process(x);
    expect(Array.from(x)).toEqual([1, 2, 3]);
    expect(() => new DelayLine(-1)).toThrow(RangeError);
    expect(() => new DelayLine(1.5)).toThrow(RangeError);
  });
});
