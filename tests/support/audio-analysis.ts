// Measurements on audio, used by tests to judge what a listener really heard.

/** RMS per block of `block` samples. */
export function envelope(samples: ArrayLike<number>, block: number): number[] {
  const out: number[] = [];
  for (let start = 0; start + block <= samples.length; start += block) {
    let sum = 0;
    for (let i = start; i < start + block; i++) sum += samples[i]! * samples[i]!;
    out.push(Math.sqrt(sum / block));
  }
  return out;
}

export function dbfs(linear: number): number {
  return linear > 0 ? 20 * Math.log10(linear) : -Infinity;
}

export function pearson(a: number[], b: number[]): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    num += x * y;
    da += x * x;
    db += y * y;
  }
  return da > 0 && db > 0 ? num / Math.sqrt(da * db) : 0;
}

/**
 * The best Pearson correlation between a received envelope and the envelope of a source that plays in a loop
 * (as Chromium's fake microphone does), over every circular lag of the source. Returns the lag (in blocks) too.
 */
export function bestLoopCorrelation(received: number[], loopSource: number[]): { r: number; lag: number } {
  let best = { r: -1, lag: 0 };
  const n = received.length;
  for (let lag = 0; lag < loopSource.length; lag++) {
    const aligned = Array.from({ length: n }, (_, i) => loopSource[(lag + i) % loopSource.length]!);
    const r = pearson(received, aligned);
    if (r > best.r) best = { r, lag };
  }
  return best;
}

export interface TrackedCorrelation {
  /** Pearson correlation of the whole received envelope with the source aligned window by window. */
  r: number;
  /** The source lag (blocks, as in bestLoopCorrelation) chosen for each window. */
  lags: number[];
  /** Where the alignment moved between windows: at which received block, and by how many blocks (+ = skipped ahead). */
  slips: { atBlock: number; blocks: number }[];
  /** Each window's first and end block in `received` (the last window takes the remainder), with its lag. */
  windows: { from: number; to: number; lag: number }[];
}

/**
 * Like bestLoopCorrelation, but the alignment may move by up to `maxStep` blocks from one window of `window` blocks
 * to the next: a jitter buffer under CPU starvation stretches or drops a few hundred ms of audio, after which a single
 * lag no longer fits the rest of the recording although every phrase still arrives intact. The lag path is the one
 * that maximises the sum of per-window correlations (Viterbi over circular lags); `r` is then measured over the
 * whole recording against that path. A time-reversed source given the same freedom is the control that keeps this
 * honest (it has the same energy and the same freedom, but not the same shape).
 */
export function trackedLoopCorrelation(
  received: number[],
  loopSource: number[],
  { window = 47, maxStep = 12 }: { window?: number; maxStep?: number } = {},
): TrackedCorrelation {
  const n = received.length;
  const len = loopSource.length;
  const count = Math.max(1, Math.floor(n / window));
  const bounds = Array.from({ length: count }, (_, w) => [w * window, w === count - 1 ? n : (w + 1) * window] as const);
  const score = bounds.map(([from, to]) => {
    const segment = received.slice(from, to);
    return Array.from({ length: len }, (_, lag) => pearson(segment, Array.from({ length: to - from }, (_, j) => loopSource[(lag + from + j) % len]!)));
  });
  let total = score[0]!.slice();
  const back: number[][] = [];
  for (let w = 1; w < count; w++) {
    const next = new Array<number>(len).fill(-Infinity);
    const from = new Array<number>(len).fill(0);
    for (let lag = 0; lag < len; lag++) {
      for (let d = -maxStep; d <= maxStep; d++) {
        const prev = (((lag + d) % len) + len) % len;
        const value = total[prev]! + score[w]![lag]!;
        if (value > next[lag]!) {
          next[lag] = value;
          from[lag] = prev;
        }
      }
    }
    back.push(from);
    total = next;
  }
  let lag = total.indexOf(Math.max(...total));
  const lags = [lag];
  for (let w = count - 2; w >= 0; w--) lags.unshift((lag = back[w]![lag]!));
  const aligned = received.map((_, i) => loopSource[(lags[Math.min(count - 1, Math.floor(i / window))]! + i) % len]!);
  const slips: TrackedCorrelation['slips'] = [];
  for (let w = 1; w < count; w++) {
    const d = ((((lags[w]! - lags[w - 1]!) % len) + len + Math.floor(len / 2)) % len) - Math.floor(len / 2);
    if (d !== 0) slips.push({ atBlock: bounds[w]![0], blocks: d });
  }
  return { r: pearson(received, aligned), lags, slips, windows: bounds.map(([from, to], w) => ({ from, to, lag: lags[w]! })) };
}

/** "+256 ms at 1.0 s, -21 ms at 7.0 s", or "none": slips of trackedLoopCorrelation, for a log line. */
export function describeSlips(slips: TrackedCorrelation['slips'], blocksPerSecond: number): string {
  const text = slips.map((x) => `${x.blocks > 0 ? '+' : ''}${Math.round((x.blocks * 1000) / blocksPerSecond)} ms at ${(x.atBlock / blocksPerSecond).toFixed(1)} s`);
  return text.join(', ') || 'none';
}

/**
 * Where a source said once sits inside a longer recording: the offset (in blocks) at which the recording's envelope
 * correlates best with the source's, and that correlation.
 */
export function locateOnce(recording: number[], source: number[]): { r: number; lag: number } {
  let best = { r: -1, lag: 0 };
  for (let lag = 0; lag + source.length <= recording.length; lag++) {
    const r = pearson(recording.slice(lag, lag + source.length), source);
    if (r > best.r) best = { r, lag };
  }
  return best;
}

/**
 * trackedLoopCorrelation for a source said once: the part of the recording around where it was found (with
 * `margin` blocks each side), against the source padded with as much silence, so the alignment may follow a jitter
 * buffer that stretched or dropped audio under CPU load. Returns the correlation and the control for the same
 * stretch of recording against the time-reversed source.
 */
export function trackedOnce(recording: number[], source: number[], margin = 50): { r: number; control: number; at: number; slips: TrackedCorrelation['slips'] } {
  const { lag } = locateOnce(recording, source);
  const from = Math.max(0, lag - margin);
  const segment = recording.slice(from, Math.min(recording.length, lag + source.length + margin));
  const pad = (s: number[]) => [...new Array<number>(lag - from).fill(0), ...s, ...new Array<number>(Math.max(0, segment.length - (lag - from) - s.length)).fill(0)];
  const tracked = trackedLoopCorrelation(segment, pad(source), { window: 50, maxStep: 12 });
  const control = trackedLoopCorrelation(segment, pad([...source].reverse()), { window: 50, maxStep: 12 }).r;
  return { r: tracked.r, control, at: lag, slips: tracked.slips };
}
