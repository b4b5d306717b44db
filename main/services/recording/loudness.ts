// Streaming loudness meter (ITU-R BS.1770-4, EBU R128 / Tech 3341 / Tech 3342) for one mono track: integrated
// loudness, loudness range and true peak, in constant memory, fast enough to run beside the recorder.
import type { Loudness } from '../../../common/recording';
import { PodiumError } from '../../../common/result';

export interface LoudnessMeter {
  /** Adds the next samples (mono, nominal range ±1). Chunks may be any size; the result does not depend on it. */
  push(samples: Float32Array): void;
  /** The figures so far. Cheap, and does not disturb the measurement: call it as often as you like. */
  result(): Loudness;
}

// ── K-weighting ─────────────────────────────────────────────────────────────────────────────────────────────────
interface KWeighting {
  b0: number;
  b1: number;
  b2: number;
  a1: number;
  a2: number;
  /** The second stage (RLB high-pass) has b = 1, −2, 1. */
  c1: number;
  c2: number;
}

/**
 * At 48 kHz the coefficients are BS.1770-4's own table, so the meter is the standard's. At other rates they are
 * derived from the analogue prototypes with the bilinear formulas libebur128 uses (which give the table at 48 kHz).
 */
function kWeighting(sampleRate: number): KWeighting {
  if (sampleRate === 48_000) {
    return {
      b0: 1.53512485958697,
      b1: -2.69169618940638,
      b2: 1.19839281085285,
      a1: -1.69065929318241,
      a2: 0.73248077421585,
      c1: -1.99004745483398,
      c2: 0.99007225036621,
    };
  }
  let f0 = 1681.974450955533;
  const gain = 3.999843853973347;
  let q = 0.7071752369554196;
  let k = Math.tan((Math.PI * f0) / sampleRate);
  const vh = 10 ** (gain / 20);
  const vb = vh ** 0.4996667741545416;
  let a0 = 1 + k / q + k * k;
  const shelf = {
    b0: (vh + (vb * k) / q + k * k) / a0,
    b1: (2 * (k * k - vh)) / a0,
    b2: (vh - (vb * k) / q + k * k) / a0,
    a1: (2 * (k * k - 1)) / a0,
    a2: (1 - k / q + k * k) / a0,
  };
  f0 = 38.13547087602444;
  q = 0.5003270373238773;
  k = Math.tan((Math.PI * f0) / sampleRate);
  a0 = 1 + k / q + k * k;
  return { ...shelf, c1: (2 * (k * k - 1)) / a0, c2: (1 - k / q + k * k) / a0 };
}

// ── True peak: BS.1770-4 Annex 2, 4× oversampling with the Recommendation's 48-tap polyphase FIR ──────────────
// Phase 3 is phase 0 reversed and phase 2 is phase 1 reversed, so each pair is computed as a sum and a difference
// of mirrored taps: half the multiplications, and max(|y0|, |y3|) = (|y0 + y3| + |y0 − y3|) / 2 needs neither alone.
const PHASE0 = [
  0.001708984375, 0.010986328125, -0.0196533203125, 0.033203125, -0.0594482421875, 0.1373291015625, 0.97216796875,
  -0.102294921875, 0.047607421875, -0.026611328125, 0.014892578125, -0.00830078125,
] as const;
const PHASE1 = [
  -0.0291748046875, 0.029296875, -0.0517578125, 0.089111328125, -0.16650390625, 0.465087890625, 0.779785156250,
  -0.2003173828125, 0.1015625, -0.0582275390625, 0.0330810546875, -0.0189208984375,
] as const;
const TAPS = 12;
/** How much an interpolated value can exceed the largest input under the filter (the larger phase's Σ|h|). */
const FIR_GAIN_BOUND = Math.max(
  PHASE0.reduce((s, h) => s + Math.abs(h), 0),
  PHASE1.reduce((s, h) => s + Math.abs(h), 0),
);
const pairSum = (h: readonly number[], j: number): number => h[j]! + h[TAPS - 1 - j]!;
const pairDiff = (h: readonly number[], j: number): number => h[j]! - h[TAPS - 1 - j]!;
const [S0, S1, S2, S3, S4, S5] = [0, 1, 2, 3, 4, 5].map((j) => pairSum(PHASE0, j)) as [number, number, number, number, number, number];
const [D0, D1, D2, D3, D4, D5] = [0, 1, 2, 3, 4, 5].map((j) => pairDiff(PHASE0, j)) as [number, number, number, number, number, number];
const [T0, T1, T2, T3, T4, T5] = [0, 1, 2, 3, 4, 5].map((j) => pairSum(PHASE1, j)) as [number, number, number, number, number, number];
const [E0, E1, E2, E3, E4, E5] = [0, 1, 2, 3, 4, 5].map((j) => pairDiff(PHASE1, j)) as [number, number, number, number, number, number];

/** Outputs checked per bound test: a run whose inputs are all far below the peak so far is skipped whole. */
const PEAK_SEGMENT = 32;

/**
 * The filter over w[from..to): output n is made from w[n−11..n] (so from ≥ 11) and is twice the largest |value|
 * of its four interpolations, which lie between w[n−6] and w[n−5]. Written to out[n − from] when `out` is given;
 * returns the largest of them and `twicePeak`. The window slides through locals so each output loads one sample.
 */
function firRun(w: Float64Array, from: number, to: number, twicePeak: number, out: Float64Array | null): number {
  let x1 = w[from - 1]!, x2 = w[from - 2]!, x3 = w[from - 3]!, x4 = w[from - 4]!, x5 = w[from - 5]!, x6 = w[from - 6]!;
  let x7 = w[from - 7]!, x8 = w[from - 8]!, x9 = w[from - 9]!, x10 = w[from - 10]!, x11 = w[from - 11]!;
  for (let n = from; n < to; n++) {
    const x0 = w[n]!;
    const a0 = x0 + x11, a1 = x1 + x10, a2 = x2 + x9, a3 = x3 + x8, a4 = x4 + x7, a5 = x5 + x6;
    const d0 = x0 - x11, d1 = x1 - x10, d2 = x2 - x9, d3 = x3 - x8, d4 = x4 - x7, d5 = x5 - x6;
    const p03 =
      Math.abs(S0 * a0 + S1 * a1 + S2 * a2 + S3 * a3 + S4 * a4 + S5 * a5) +
      Math.abs(D0 * d0 + D1 * d1 + D2 * d2 + D3 * d3 + D4 * d4 + D5 * d5);
    const p12 =
      Math.abs(T0 * a0 + T1 * a1 + T2 * a2 + T3 * a3 + T4 * a4 + T5 * a5) +
      Math.abs(E0 * d0 + E1 * d1 + E2 * d2 + E3 * d3 + E4 * d4 + E5 * d5);
    const p = p03 > p12 ? p03 : p12;
    if (out !== null) out[n - from] = 0.5 * p;
    if (p > twicePeak) twicePeak = p;
    x11 = x10; x10 = x9; x9 = x8; x8 = x7; x7 = x6; x6 = x5; x5 = x4; x4 = x3; x3 = x2; x2 = x1; x1 = x0;
  }
  return twicePeak;
}

/**
 * The 4×-oversampled peak for each n in [from, to): out[n − from] is the largest |interpolated value| between
 * w[n−6] and w[n−5] (w[n−11..n] are read, so from ≥ 11). For a limiter that must see every inter-sample peak.
 */
export function interpolatedPeaks(w: Float64Array, from: number, to: number, out: Float64Array): void {
  firRun(w, from, to, 0, out);
}

/**
 * The largest |sample| or interpolated |value| for outputs from..to (as above), or `peak` if nothing beats it. A run whose
 * inputs cannot beat `peak` even at the filter's worst-case gain is skipped: exact, and it makes quiet or steady
 * passages after a louder one nearly free.
 */
function interpolatedPeak(w: Float64Array, from: number, to: number, peak: number): number {
  for (let s = from; s < to; s += PEAK_SEGMENT) {
    const end = Math.min(to, s + PEAK_SEGMENT);
    let m = 0;
    for (let i = s - (TAPS - 1); i < end; i++) {
      const a = Math.abs(w[i]!);
      if (a > m) m = a;
    }
    // True peak is never below sample peak, whatever the filter's ripple at the sample instants.
    if (m > peak) peak = m;
    if (m * FIR_GAIN_BOUND > peak) peak = 0.5 * firRun(w, s, end, 2 * peak, null);
  }
  return peak;
}

// ── Gating histograms ───────────────────────────────────────────────────────────────────────────────────────────
// Every block's loudness lands in a 0.01 LU bin from −70 to +10 LUFS (louder is clamped into the top bin) with its
// exact energy added to the bin's sum, so memory is constant for any duration and gating is exact except for
// blocks within 0.01 LU of a gate threshold: far inside the ±0.1 LU the meter promises.
const HIST_MIN = -70;
const HIST_MAX = 10;
const HIST_STEP = 0.01;
const HIST_BINS = Math.round((HIST_MAX - HIST_MIN) / HIST_STEP);
const ABSOLUTE_GATE = -70;
const RELATIVE_GATE = -10;
const LRA_RELATIVE_GATE = -20;

const lufs = (energy: number): number => -0.691 + 10 * Math.log10(energy);
const binOf = (loudness: number): number => Math.min(HIST_BINS - 1, Math.floor((loudness - HIST_MIN) / HIST_STEP));
const binCentre = (bin: number): number => HIST_MIN + (bin + 0.5) * HIST_STEP;

class Histogram {
  readonly counts = new Float64Array(HIST_BINS);
  readonly energies = new Float64Array(HIST_BINS);
  count = 0;
  energy = 0;

  /** Adds a block that passed the absolute gate. */
  add(energy: number, loudness: number): void {
    const bin = binOf(loudness);
    this.counts[bin]! += 1;
    this.energies[bin]! += energy;
    this.count += 1;
    this.energy += energy;
  }

  /** The first bin above `gate` dB below the mean loudness of everything here: where relative gating starts. */
  gateBin(gateLu: number): number {
    const threshold = lufs(this.energy / this.count) + gateLu;
    return Math.max(0, binOf(threshold) + (binCentre(binOf(threshold)) > threshold ? 0 : 1));
  }
}

// ── The meter ───────────────────────────────────────────────────────────────────────────────────────────────────
const CHUNK = 4096;
const SHORT_TERM_SUBBLOCKS = 30;
const MOMENTARY_SUBBLOCKS = 4;

export function createLoudnessMeter(sampleRate: number): LoudnessMeter {
  if (!Number.isFinite(sampleRate) || sampleRate < 8000 || sampleRate > 384_000) {
    throw new PodiumError('bad_request', `A loudness meter needs a sample rate between 8 and 384 kHz, not ${sampleRate}.`);
  }
  const k = kWeighting(sampleRate);
  // Gating blocks are built from 100 ms sub-blocks: 400 ms blocks every 100 ms (75 % overlap) for the integrated
  // loudness and 3 s blocks every 100 ms for the range, so all the meter keeps is the last 30 sub-block energies.
  const subBlockLength = Math.round(sampleRate / 10);
  const recent = new Float64Array(SHORT_TERM_SUBBLOCKS);
  let subBlocks = 0;
  let subLeft = subBlockLength;
  let subSum = 0;
  let s1 = 0, s2 = 0, t1 = 0, t2 = 0;

  const blocks = new Histogram();
  const shortTerm = new Histogram();

  // The FIR sees the last 11 samples of the previous push ahead of the new ones.
  const work = new Float64Array(TAPS - 1 + CHUNK);
  let peak = 0;

  const endSubBlock = (energy: number): void => {
    recent[subBlocks % SHORT_TERM_SUBBLOCKS] = energy;
    subBlocks += 1;
    if (subBlocks >= MOMENTARY_SUBBLOCKS) addBlock(blocks, MOMENTARY_SUBBLOCKS);
    if (subBlocks >= SHORT_TERM_SUBBLOCKS) addBlock(shortTerm, SHORT_TERM_SUBBLOCKS);
  };
  const addBlock = (into: Histogram, length: number): void => {
    let sum = 0;
    for (let i = subBlocks - length; i < subBlocks; i++) sum += recent[i % SHORT_TERM_SUBBLOCKS]!;
    const energy = sum / length;
    if (energy <= 0) return;
    const loudness = lufs(energy);
    if (loudness > ABSOLUTE_GATE) into.add(energy, loudness);
  };

  const pushChunk = (samples: Float32Array, offset: number, length: number): void => {
    const { b0, b1, b2, a1, a2, c1, c2 } = k;
    const w = work;
    const base = TAPS - 1;
    // Filter state in locals for the loop: V8 keeps those in registers, not closure variables.
    let v1 = s1, v2 = s2, u1 = t1, u2 = t2;
    let i = 0;
    while (i < length) {
      const run = Math.min(subLeft, length - i);
      let sum = 0;
      for (let j = offset + i, o = base + i, end = offset + i + run; j < end; j++, o++) {
        const x = samples[j]!;
        w[o] = x;
        // Transposed direct form II, in doubles: the high-pass's poles sit close to 1.
        const y = b0 * x + v1;
        v1 = b1 * x - a1 * y + v2;
        v2 = b2 * x - a2 * y;
        const z = y + u1;
        u1 = -2 * y - c1 * z + u2;
        u2 = y - c2 * z;
        sum += z * z;
      }
      subSum += sum;
      subLeft -= run;
      i += run;
      if (subLeft === 0) {
        endSubBlock(subSum / subBlockLength);
        subSum = 0;
        subLeft = subBlockLength;
      }
    }
    // Decaying filter state would otherwise sink into subnormal numbers after a loud passage, which are slow.
    s1 = Math.abs(v1) < 1e-30 ? 0 : v1;
    s2 = Math.abs(v2) < 1e-30 ? 0 : v2;
    t1 = Math.abs(u1) < 1e-30 ? 0 : u1;
    t2 = Math.abs(u2) < 1e-30 ? 0 : u2;
    peak = interpolatedPeak(w, base, base + length, peak);
    w.copyWithin(0, length, length + base);
  };

  const truePeak = (): number => {
    // The filter centres on its input, so the last 11 samples still have interpolations after them; finish those
    // on a copy (against trailing zeros) so that measuring mid-stream changes nothing.
    const tail = new Float64Array(2 * (TAPS - 1));
    tail.set(work.subarray(0, TAPS - 1));
    return interpolatedPeak(tail, TAPS - 1, tail.length, peak);
  };

  return {
    push(samples: Float32Array): void {
      for (let offset = 0; offset < samples.length; offset += CHUNK) {
        pushChunk(samples, offset, Math.min(CHUNK, samples.length - offset));
      }
    },
    result(): Loudness {
      const tp = truePeak();
      return { integrated: integrated(blocks), range: range(shortTerm), truePeak: tp > 0 ? 20 * Math.log10(tp) : null };
    },
  };
}

/** BS.1770-4: the mean energy of the blocks above the absolute gate and above (their mean − 10 LU). */
function integrated(blocks: Histogram): number | null {
  if (blocks.count === 0) return null;
  let count = 0;
  let energy = 0;
  for (let bin = blocks.gateBin(RELATIVE_GATE); bin < HIST_BINS; bin++) {
    count += blocks.counts[bin]!;
    energy += blocks.energies[bin]!;
  }
  return count > 0 ? lufs(energy / count) : null;
}

/**
 * EBU Tech 3342: the spread between the 10th and 95th percentiles of the 3 s short-term loudness, over blocks above
 * −70 LUFS and above (their mean − 20 LU). Percentiles by nearest rank, as libebur128 takes them.
 */
function range(shortTerm: Histogram): number | null {
  if (shortTerm.count === 0) return null;
  const first = shortTerm.gateBin(LRA_RELATIVE_GATE);
  let total = 0;
  for (let bin = first; bin < HIST_BINS; bin++) total += shortTerm.counts[bin]!;
  if (total === 0) return null;
  const low = Math.round((total - 1) * 0.1);
  const high = Math.round((total - 1) * 0.95);
  let lowLoudness = NaN;
  let seen = 0;
  for (let bin = first; bin < HIST_BINS; bin++) {
    seen += shortTerm.counts[bin]!;
    if (Number.isNaN(lowLoudness) && seen > low) lowLoudness = binCentre(bin);
    if (seen > high) return binCentre(bin) - lowLoudness;
  }
  return null;
}

/** Measures a whole signal at once: for tests and short clips. */
export function measureSamples(sampleRate: number, samples: Float32Array): Loudness {
  const meter = createLoudnessMeter(sampleRate);
  meter.push(samples);
  return meter.result();
}
