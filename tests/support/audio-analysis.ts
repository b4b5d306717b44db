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

function pearson(a: number[], b: number[]): number {
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
