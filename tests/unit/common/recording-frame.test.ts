// The binary PCM frame between the studio's taps and the recorder: what goes in comes out, and every malformed
// frame is refused whole with a reason — nothing of it would reach a file.
import { describe, expect, it } from 'vitest';
import { PCM_HEADER_BYTES, PCM_MAX_SAMPLES, decodePcmFrame, encodePcmFrame } from '../../../common/recording';

const samples = Float32Array.from({ length: 480 }, (_, i) => Math.sin(i / 10) * 0.5);

function frameBytes(overrides: { track?: number; startFrame?: number; n?: number } = {}): Uint8Array {
  return new Uint8Array(encodePcmFrame({ track: overrides.track ?? 2, serial: 77, startFrame: overrides.startFrame ?? 96_000, samples }));
}

describe('PCM frames', () => {
  it('round-trips header and samples exactly', () => {
    const decoded = decodePcmFrame(frameBytes());
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.frame.track).toBe(2);
    expect(decoded.frame.serial).toBe(77);
    expect(decoded.frame.startFrame).toBe(96_000);
    expect([...decoded.frame.samples]).toEqual([...samples]);
  });

  it('reads a frame that sits at an odd offset inside a larger buffer (a WebSocket message slice)', () => {
    const bytes = frameBytes();
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    const decoded = decodePcmFrame(big.subarray(3));
    expect(decoded.ok && decoded.frame.samples[10]).toBeCloseTo(samples[10]!, 6);
  });

  it('refuses every malformed frame with a reason', () => {
    const cases: Array<[string, (b: Uint8Array) => Uint8Array]> = [
      ['too short', (b) => b.subarray(0, 10)],
      ['bad magic', (b) => (b[0] = 0x00, b)],
      ['bad version', (b) => (b[4] = 9, b)],
      ['track out of range', (b) => (new DataView(b.buffer).setUint16(6, 999, true), b)],
      ['negative start', (b) => (new DataView(b.buffer).setFloat64(12, -1, true), b)],
      ['fractional start', (b) => (new DataView(b.buffer).setFloat64(12, 1.5, true), b)],
      ['NaN start', (b) => (new DataView(b.buffer).setFloat64(12, NaN, true), b)],
      ['zero samples', (b) => (new DataView(b.buffer).setUint32(20, 0, true), b)],
      ['too many samples', (b) => (new DataView(b.buffer).setUint32(20, PCM_MAX_SAMPLES + 1, true), b)],
      ['length disagrees with count', (b) => b.subarray(0, b.length - 4)],
      ['a NaN sample', (b) => (new DataView(b.buffer).setFloat32(PCM_HEADER_BYTES + 8, NaN, true), b)],
      ['an infinite sample', (b) => (new DataView(b.buffer).setFloat32(PCM_HEADER_BYTES, Infinity, true), b)],
    ];
    for (const [name, spoil] of cases) {
      const decoded = decodePcmFrame(spoil(frameBytes()));
      expect(decoded.ok, name).toBe(false);
      if (!decoded.ok) expect(decoded.message.length, name).toBeGreaterThan(5);
    }
  });
});
