// Level math for meters, pure so it is tested in Node: RMS and peak of a block, in dBFS, floored at -100.
export const SILENCE_DB = -100;

export function toDb(linear: number): number {
  return linear > 0 ? Math.max(SILENCE_DB, 20 * Math.log10(linear)) : SILENCE_DB;
}

export function blockLevels(samples: Float32Array): { rmsDb: number; peakDb: number } {
  let sum = 0;
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!;
    sum += v * v;
    const a = Math.abs(v);
    if (a > peak) peak = a;
  }
  return { rmsDb: toDb(Math.sqrt(sum / Math.max(1, samples.length))), peakDb: toDb(peak) };
}

/** Maps dBFS to 0..1 for a meter bar whose scale runs from `floorDb` to 0 dBFS. */
export function meterFraction(db: number, floorDb = -60): number {
  return Math.min(1, Math.max(0, (db - floorDb) / -floorDb));
}
