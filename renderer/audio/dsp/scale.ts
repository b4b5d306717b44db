// Conversion between Web Audio floats ([-1, 1]) and the int16-like range RNNoise was trained on (±32768).
// Both directions write into caller-owned buffers so the audio thread never allocates. The scale is a power
// of two, so for finite input the round trip is exact; on the way back the model's output is clipped, because
// RNNoise may overshoot full scale and a NaN or out-of-range sample must never reach the published track.

export const RNNOISE_SCALE = 32768;

/** dst[i] = src[i] · 32768. No clipping: RNNoise takes float input, and clipping here would distort hot mics. */
export function toRnnoiseRange(src: Float32Array, dst: Float32Array): void {
  const n = src.length;
  if (dst.length < n) throw new RangeError(`destination holds ${dst.length} samples, need ${n}`);
  for (let i = 0; i < n; i++) dst[i] = src[i]! * RNNOISE_SCALE;
}

/**
 * dst[i] = src[i] / 32768, clamped to [-1, 1]; NaN becomes 0. Returns how many samples had to be fixed,
 * so callers can count clipping without a second pass.
 */
export function fromRnnoiseRange(src: Float32Array, dst: Float32Array): number {
  const n = src.length;
  if (dst.length < n) throw new RangeError(`destination holds ${dst.length} samples, need ${n}`);
  let fixed = 0;
  for (let i = 0; i < n; i++) {
    const v = src[i]! / RNNOISE_SCALE;
    if (v > 1) {
      dst[i] = 1;
      fixed++;
    } else if (v < -1) {
      dst[i] = -1;
      fixed++;
    } else if (v !== v) {
      // NaN: the only value not equal to itself.
      dst[i] = 0;
      fixed++;
    } else {
      dst[i] = v;
    }
  }
  return fixed;
}
