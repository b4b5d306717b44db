// Pure framing for the capture taps: render quanta (128 or 480 samples) in, fixed chunks of ~100 ms out, each with
// the frame position of its first sample on the AudioContext's clock. If the clock ever jumps (a suspended context
// resumed), the partial chunk goes out as it is and a new one starts at the new position: positions never lie.
export const CHUNK_SAMPLES = 4800;

export interface Chunk {
  startFrame: number;
  samples: Float32Array;
}

export class Chunker {
  private buffer: Float32Array;
  private filled = 0;
  private startFrame = 0;

  constructor(
    private readonly emit: (chunk: Chunk) => void,
    private readonly size = CHUNK_SAMPLES,
  ) {
    this.buffer = new Float32Array(size);
  }

  push(block: Float32Array, blockStartFrame: number): void {
    if (this.filled > 0 && blockStartFrame !== this.startFrame + this.filled) this.flush();
    let offset = 0;
    while (offset < block.length) {
      if (this.filled === 0) this.startFrame = blockStartFrame + offset;
      const take = Math.min(block.length - offset, this.size - this.filled);
      this.buffer.set(block.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === this.size) this.flush();
    }
  }

  /** Sends what is buffered (a new array each time: it is transferred to the page and not reused). */
  flush(): void {
    if (this.filled === 0) return;
    const samples = this.filled === this.size ? this.buffer : this.buffer.slice(0, this.filled);
    this.emit({ startFrame: this.startFrame, samples });
    this.buffer = new Float32Array(this.size);
    this.filled = 0;
  }
}

/**
 * Cuts a chunk to the part at or after `origin` (the recording's first frame) and re-bases it there; null when all
 * of it is earlier.
 */
export function rebase(chunk: Chunk, origin: number): Chunk | null {
  const end = chunk.startFrame + chunk.samples.length;
  if (end <= origin) return null;
  const skip = Math.max(0, origin - chunk.startFrame);
  return { startFrame: chunk.startFrame + skip - origin, samples: skip ? chunk.samples.subarray(skip) : chunk.samples };
}

export function peakDb(samples: Float32Array): number {
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = Math.abs(samples[i]!);
    if (v > peak) peak = v;
  }
  return peak > 0 ? 20 * Math.log10(peak) : -Infinity;
}
