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

// ── True peak: BS.1770-4 Annex 2, 4× oversampling ──────────────────────────────────────────────────────────────
// Annex 2 allows any interpolator that meets its requirements and gives a 48-tap example. That example's phases
// sit ⅛ sample off the input's and ripple by ±0.24 dB (it reads up to 0.2 dB low near 8 kHz and near DC between
// samples), which is too loose for a limiter that must promise a ceiling. So: a Kaiser-windowed sinc (β = 5, ±6
// input samples, 12 taps a phase, each phase scaled to unity gain at DC) interpolating at exactly ¼, ½ and ¾ of a
// sample: within ±0.04 dB to 16 kHz at 48 kHz (−0.1 dB at 18 kHz), and phase 0 is the sample itself, so true peak
// is never below sample peak. Phase ¾ mirrors phase ¼ and phase ½ is symmetric, so the taps are paired: 18
// multiplications a sample, and max(|y¼|, |y¾|) = (|y¼ + y¾| + |y¼ − y¾|) / 2 needs neither alone.
const TAPS = 12;
const KAISER_BETA = 5;

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 40; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
  }
  return sum;
}

/**
 * Taps for the value `quarter`/4 of a sample past w[n−6] (towards w[n−5]), applied to w[n−j] for j = 0…11: the
 * prototype 4·(j − 6) + quarter oversampled steps away, normalised to sum to 1.
 */
function phaseTaps(quarter: number): number[] {
  const half = 2 * TAPS;
  const taps = Array.from({ length: TAPS }, (_, j) => {
    const t = 4 * (j - 6) + quarter;
    const x = (Math.PI * t) / 4;
    const r = t / half;
    return (t === 0 ? 1 : Math.sin(x) / x) * (besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / besselI0(KAISER_BETA));
  });
  const dc = taps.reduce((a, b) => a + b, 0);
  return taps.map((c) => c / dc);
}
const QUARTER = phaseTaps(1);
const HALF = phaseTaps(2);
/** How much an interpolated value can exceed the largest input under the filter (the larger phase's Σ|h|). */
const FIR_GAIN_BOUND = Math.max(...[QUARTER, HALF].map((h) => h.reduce((s, c) => s + Math.abs(c), 0)));
const pairSum = (h: readonly number[], j: number): number => h[j]! + h[TAPS - 1 - j]!;
const pairDiff = (h: readonly number[], j: number): number => h[j]! - h[TAPS - 1 - j]!;
type Six = [number, number, number, number, number, number];
const [S0, S1, S2, S3, S4, S5] = [0, 1, 2, 3, 4, 5].map((j) => pairSum(QUARTER, j)) as Six;
const [D0, D1, D2, D3, D4, D5] = [0, 1, 2, 3, 4, 5].map((j) => pairDiff(QUARTER, j)) as Six;
const [H0, H1, H2, H3, H4, H5] = [0, 1, 2, 3, 4, 5].map((j) => HALF[j]!) as Six;

/** Outputs checked per bound test: a run whose inputs are all far below the peak so far is skipped whole. */
const PEAK_SEGMENT = 32;

/**
 * The filter over w[from..to): output n is made from w[n−11..n] (so from ≥ 11) and is twice the largest of |w[n−6]|
 * and its three interpolations towards w[n−5]. Written halved to out[n − from] when `out` is given; returns the
 * largest of them and `twicePeak`. The window slides through locals so each output loads one sample.
 */
function firRun(w: Float64Array, from: number, to: number, twicePeak: number, out: Float64Array | null): number {
  let x1 = w[from - 1]!, x2 = w[from - 2]!, x3 = w[from - 3]!, x4 = w[from - 4]!, x5 = w[from - 5]!, x6 = w[from - 6]!;
  let x7 = w[from - 7]!, x8 = w[from - 8]!, x9 = w[from - 9]!, x10 = w[from - 10]!, x11 = w[from - 11]!;
  for (let n = from; n < to; n++) {
    const x0 = w[n]!;
    const a0 = x0 + x11, a1 = x1 + x10, a2 = x2 + x9, a3 = x3 + x8, a4 = x4 + x7, a5 = x5 + x6;
    const d0 = x0 - x11, d1 = x1 - x10, d2 = x2 - x9, d3 = x3 - x8, d4 = x4 - x7, d5 = x5 - x6;
    const quarters =
      Math.abs(S0 * a0 + S1 * a1 + S2 * a2 + S3 * a3 + S4 * a4 + S5 * a5) +
      Math.abs(D0 * d0 + D1 * d1 + D2 * d2 + D3 * d3 + D4 * d4 + D5 * d5);
    const half = 2 * Math.abs(H0 * a0 + H1 * a1 + H2 * a2 + H3 * a3 + H4 * a4 + H5 * a5);
    const sample = 2 * Math.abs(x6);
    let p = quarters > half ? quarters : half;
    if (sample > p) p = sample;
    if (out !== null) out[n - from] = 0.5 * p;
    if (p > twicePeak) twicePeak = p;
    x11 = x10; x10 = x9; x9 = x8; x8 = x7; x7 = x6; x6 = x5; x5 = x4; x4 = x3; x3 = x2; x2 = x1; x1 = x0;
  }
  return twicePeak;
}

/**
 * The 4×-oversampled peak for each n in [from, to): out[n − from] is the largest of |w[n−6]| and |interpolated
 * value| at ¼, ½ and ¾ of the way to w[n−5] (w[n−11..n] are read, so from ≥ 11). For a limiter that must see
 * every inter-sample peak.
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
    // The samples are values of the signal too: counting them now tightens the bound below.
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
