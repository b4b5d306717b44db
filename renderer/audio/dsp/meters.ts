// Level statistics the stage keeps for the UI's meters, computed per 480-sample frame without allocating:
// frame RMS in dBFS (same scale and floor as renderer/audio/levels.ts) and a noise-floor estimate, taken as a
// low percentile of frame levels over the recent non-speech frames. A percentile (not a mean or minimum) keeps
// the estimate steady through single quiet dropouts and through the occasional speech frame the VAD misses.

import { SILENCE_DB, toDb } from '../levels';

export function frameRmsDb(frame: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < frame.length; i++) {
    const v = frame[i]!;
    sum += v * v;
  }
  return toDb(Math.sqrt(sum / Math.max(1, frame.length)));
}

export interface NoiseFloorOptions {
  /** How many qualifying frames the estimate looks back over (300 frames of 10 ms = the last 3 s of pauses). */
  windowFrames?: number;
  /** Which low percentile of the window counts as the floor, 0..1. */
  percentile?: number;
}

/** Histogram resolution; the estimate is reported to the nearest half dB, plenty for a meter. */
const BIN_DB = 0.5;
/** Levels above +12 dBFS (possible with float input) are counted in the top bin. */
const TOP_DB = 12;

/**
 * A sliding-window percentile over dB values via a histogram: O(1) to add a frame, O(bins) to query,
 * where sorting the window every frame would cost far more on the audio thread.
 */
export class NoiseFloorTracker {
  private readonly window: Int16Array;
  private readonly bins: Uint16Array;
  private readonly percentile: number;
  private head = 0;
  private count = 0;

  constructor(options: NoiseFloorOptions = {}) {
    const windowFrames = options.windowFrames ?? 300;
    this.percentile = Math.min(1, Math.max(0, options.percentile ?? 0.1));
    this.window = new Int16Array(windowFrames);
    this.bins = new Uint16Array(Math.ceil((TOP_DB - SILENCE_DB) / BIN_DB) + 1);
  }

  /** Adds one frame's level in dBFS. */
  add(db: number): void {
    const bin = this.binOf(db);
    if (this.count === this.window.length) {
      // Evict the oldest entry: the ring is full, so the write position holds it.
      this.bins[this.window[this.head]!]!--;
    } else {
      this.count++;
    }
    this.window[this.head] = bin;
    this.bins[bin]!++;
    this.head = (this.head + 1) % this.window.length;
  }

  /** The estimate in dBFS, or SILENCE_DB before any frame was added. */
  get floorDb(): number {
    if (this.count === 0) return SILENCE_DB;
    // Rank of the percentile (at least the first entry), found by walking the cumulative histogram.
    const rank = Math.max(1, Math.ceil(this.percentile * this.count));
    let seen = 0;
    for (let b = 0; b < this.bins.length; b++) {
      seen += this.bins[b]!;
      if (seen >= rank) return SILENCE_DB + b * BIN_DB;
    }
    return TOP_DB;
  }

  get frames(): number {
    return this.count;
  }

  reset(): void {
    this.bins.fill(0);
    this.window.fill(0);
    this.head = 0;
    this.count = 0;
  }

  private binOf(db: number): number {
    if (!(db > SILENCE_DB)) return 0; // also catches NaN
    const b = Math.round((Math.min(db, TOP_DB) - SILENCE_DB) / BIN_DB);
    return Math.min(this.bins.length - 1, b);
  }
}
