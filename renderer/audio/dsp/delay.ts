// A fixed integer delay line, applied in place to blocks of any length. It time-aligns the dry signal with the
// denoised one, and pads a faster model's output up to the stage's common delay, so the two always line up
// sample for sample. Samples are only copied, never scaled, so a delayed dry signal stays bit-exact.

export class DelayLine {
  readonly delay: number;
  private readonly buf: Float32Array;
  private pos = 0;

  constructor(delay: number) {
    if (!Number.isInteger(delay) || delay < 0) throw new RangeError(`delay must be a non-negative integer, got ${delay}`);
    this.delay = delay;
    this.buf = new Float32Array(Math.max(1, delay));
  }

  /** Replaces block[i] with the sample that entered `delay` samples earlier (zeros at first). */
  process(block: Float32Array): void {
    if (this.delay === 0) return;
    const buf = this.buf;
    const len = buf.length;
    let p = this.pos;
    for (let i = 0; i < block.length; i++) {
      const out = buf[p]!;
      buf[p] = block[i]!;
      block[i] = out;
      p = p + 1 === len ? 0 : p + 1;
    }
    this.pos = p;
  }

  reset(): void {
    this.buf.fill(0);
    this.pos = 0;
  }
}
