// Lossless re-framing between the AudioWorklet's 128-sample render quanta and RNNoise's 480-sample frames.
// Quanta are collected into a frame; each full frame is handed to a callback that rewrites it in place; processed
// frames queue in an output ring that is read back out in quanta. The output ring starts primed with exactly
// `latency` zeros, the least that never runs dry, so the re-framing delay is fixed and known:
//   latency = frameSize - gcd(frameSize, quantumSize)        (480 / 128 → 448 samples)
// Proof of the bound: after m quanta, m·q samples were consumed and ⌊m·q/F⌋·F produced, so the primer must
// cover max_m (m·q mod F) = F - gcd(F, q). Nothing allocates after construction.

export type FrameCallback = (frame: Float32Array) => void;

export interface ReframerOptions {
  /** Samples per processed frame (480 for RNNoise at 48 kHz). */
  frameSize: number;
  /** Samples per call to process() (the render quantum, 128 in today's Web Audio). */
  quantumSize: number;
  /** Rewrites one full frame in place; called synchronously from process(). */
  onFrame: FrameCallback;
}

export function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) {
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

/** The smallest fixed delay with which `quantumSize` blocks can be re-framed into `frameSize` frames and back. */
export function reframeLatency(frameSize: number, quantumSize: number): number {
  return frameSize - gcd(frameSize, quantumSize);
}

export class Reframer {
  readonly frameSize: number;
  readonly quantumSize: number;
  /** Output sample n is the processed version of input sample n - latency. */
  readonly latency: number;

  private readonly onFrame: FrameCallback;
  private readonly frame: Float32Array;
  private fill = 0;
  private readonly ring: Float32Array;
  private readPos = 0;
  private writePos = 0;
  private count = 0;

  constructor(options: ReframerOptions) {
    const { frameSize, quantumSize } = options;
    if (!Number.isInteger(frameSize) || frameSize <= 0) throw new RangeError(`frameSize must be a positive integer`);
    if (!Number.isInteger(quantumSize) || quantumSize <= 0) throw new RangeError(`quantumSize must be a positive integer`);
    this.frameSize = frameSize;
    this.quantumSize = quantumSize;
    this.latency = reframeLatency(frameSize, quantumSize);
    this.onFrame = options.onFrame;
    this.frame = new Float32Array(frameSize);
    // Occupancy peaks right after a frame lands: at most `latency` left over plus one frame.
    this.ring = new Float32Array(this.latency + frameSize);
    this.reset();
  }

  /** Back to the primed state: empty frame, `latency` zeros queued. Does not call onFrame. */
  reset(): void {
    this.frame.fill(0);
    this.fill = 0;
    this.ring.fill(0);
    this.readPos = 0;
    this.count = this.latency;
    this.writePos = this.latency % this.ring.length;
  }

  /** Consumes one quantum and produces one quantum, `latency` samples behind. `input` and `output` may alias. */
  process(input: Float32Array, output: Float32Array): void {
    const q = this.quantumSize;
    // The latency guarantee only holds for a constant quantum; a different size is a wiring bug, not data.
    if (input.length !== q || output.length !== q) {
      throw new RangeError(`Reframer expects ${q}-sample quanta, got ${input.length} in / ${output.length} out`);
    }
    const frame = this.frame;
    const frameSize = this.frameSize;
    const ring = this.ring;
    const cap = ring.length;

    // Take the whole input first so that input and output may be the same buffer.
    let i = 0;
    while (i < q) {
      const take = Math.min(q - i, frameSize - this.fill);
      for (let k = 0; k < take; k++) frame[this.fill + k] = input[i + k]!;
      this.fill += take;
      i += take;
      if (this.fill === frameSize) {
        this.onFrame(frame);
        let w = this.writePos;
        for (let k = 0; k < frameSize; k++) {
          ring[w] = frame[k]!;
          w = w + 1 === cap ? 0 : w + 1;
        }
        this.writePos = w;
        this.count += frameSize;
        this.fill = 0;
      }
    }

    // Cannot underrun: the primer is exactly the worst-case shortfall (see header).
    let r = this.readPos;
    for (let k = 0; k < q; k++) {
      output[k] = ring[r]!;
      r = r + 1 === cap ? 0 : r + 1;
    }
    this.readPos = r;
    this.count -= q;
  }
}
