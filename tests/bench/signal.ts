// Signal math shared by the noise-suppression benchmark and the DSP unit tests: levels, SI-SDR, delay by
// FFT cross-correlation, SNR mixing and speech/pause segmentation. Plain TypeScript over typed arrays, in
// double precision, because measurement errors here would be mistaken for properties of the denoiser.

export function rms(x: Float32Array, start = 0, end = x.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += x[i]! * x[i]!;
  return Math.sqrt(sum / Math.max(1, end - start));
}

/** 20·log10, floored at -200 dB so silence stays a finite number in tables. */
export function toDb(linear: number): number {
  return linear > 1e-10 ? 20 * Math.log10(linear) : -200;
}

export function rmsDb(x: Float32Array, start = 0, end = x.length): number {
  return toDb(rms(x, start, end));
}

export function energy(x: Float32Array, start = 0, end = x.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += x[i]! * x[i]!;
  return sum;
}

/**
 * Scale-invariant SDR (Le Roux et al. 2019) of `estimate` against `reference`, both already time-aligned and
 * mean-removed by the caller if needed: the reference is scaled by the optimal gain, and what remains is error.
 */
export function siSdr(estimate: Float32Array, reference: Float32Array, start = 0, end = Math.min(estimate.length, reference.length)): number {
  let dot = 0;
  let refE = 0;
  for (let i = start; i < end; i++) {
    dot += estimate[i]! * reference[i]!;
    refE += reference[i]! * reference[i]!;
  }
  if (refE === 0) return Number.NaN;
  const alpha = dot / refE;
  let targetE = 0;
  let errE = 0;
  for (let i = start; i < end; i++) {
    const t = alpha * reference[i]!;
    const e = estimate[i]! - t;
    targetE += t * t;
    errE += e * e;
  }
  if (errE === 0) return Number.POSITIVE_INFINITY;
  return 10 * Math.log10(targetE / errE);
}

/** In-place iterative radix-2 FFT; `re.length` must be a power of two. `inverse` includes the 1/n scale. */
export function fft(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (n !== im.length || (n & (n - 1)) !== 0) throw new RangeError('fft needs equal power-of-two lengths');
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const tr = re[i]!;
      re[i] = re[j]!;
      re[j] = tr;
      const ti = im[i]!;
      im[i] = im[j]!;
      im[j] = ti;
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    const half = len >> 1;
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < half; k++) {
        const a = i + k;
        const b = a + half;
        const xr = re[b]! * cr - im[b]! * ci;
        const xi = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
        const ncr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = ncr;
      }
    }
  }
  if (inverse) {
    for (let i = 0; i < n; i++) {
      re[i] = re[i]! / n;
      im[i] = im[i]! / n;
    }
  }
}

/**
 * The lag L in [-maxLag, maxLag] maximising Σ reference[i]·delayed[i+L], i.e. how many samples `delayed` lags
 * `reference` (negative if it leads). FFT-based, so it is fast on long signals; integer lags only.
 */
export function findDelay(reference: Float32Array, delayed: Float32Array, maxLag: number): number {
  let n = 1;
  while (n < reference.length + delayed.length) n <<= 1;
  const ar = new Float64Array(n);
  const ai = new Float64Array(n);
  const br = new Float64Array(n);
  const bi = new Float64Array(n);
  ar.set(reference);
  br.set(delayed);
  fft(ar, ai);
  fft(br, bi);
  // conj(A)·B: its inverse transform is the cross-correlation, lag L at index L (negative lags wrap to n + L).
  for (let k = 0; k < n; k++) {
    const r = ar[k]! * br[k]! + ai[k]! * bi[k]!;
    const i = ar[k]! * bi[k]! - ai[k]! * br[k]!;
    ar[k] = r;
    ai[k] = i;
  }
  fft(ar, ai, true);
  let best = Number.NEGATIVE_INFINITY;
  let bestLag = 0;
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    const v = ar[lag >= 0 ? lag : n + lag]!;
    if (v > best) {
      best = v;
      bestLag = lag;
    }
  }
  return bestLag;
}

/** `x` advanced by `delay` samples (x[i + delay]), zero-padded at the end; same length as x. */
export function advance(x: Float32Array, delay: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i + delay < x.length; i++) if (i + delay >= 0) out[i] = x[i + delay]!;
  return out;
}

export interface FrameMask {
  frameSize: number;
  /** One flag per frame. */
  flags: Uint8Array;
}

/** Per-frame level of `x` in dB (frameSize-sample frames; the last partial frame is dropped). */
export function frameLevels(x: Float32Array, frameSize: number): Float64Array {
  const frames = Math.floor(x.length / frameSize);
  const out = new Float64Array(frames);
  for (let f = 0; f < frames; f++) out[f] = rmsDb(x, f * frameSize, (f + 1) * frameSize);
  return out;
}

/**
 * Speech and pause frames of a clean recording: active = within `activeRangeDb` of the loudest frame; pause =
 * more than `pauseRangeDb` below it and at least `guardFrames` away from any active frame (so onsets, decays
 * and the denoiser's release are not counted as pause).
 */
export function speechMasks(
  clean: Float32Array,
  frameSize = 480,
  activeRangeDb = 40,
  pauseRangeDb = 60,
  guardFrames = 5,
): { active: FrameMask; pause: FrameMask } {
  const levels = frameLevels(clean, frameSize);
  let max = Number.NEGATIVE_INFINITY;
  for (const l of levels) max = Math.max(max, l);
  const active = new Uint8Array(levels.length);
  const quiet = new Uint8Array(levels.length);
  for (let f = 0; f < levels.length; f++) {
    active[f] = levels[f]! > max - activeRangeDb ? 1 : 0;
    quiet[f] = levels[f]! < max - pauseRangeDb ? 1 : 0;
  }
  const pause = new Uint8Array(levels.length);
  for (let f = 0; f < levels.length; f++) {
    if (!quiet[f]) continue;
    let near = false;
    for (let g = Math.max(0, f - guardFrames); g <= Math.min(levels.length - 1, f + guardFrames) && !near; g++) {
      // Anything not quiet nearby (speech or its faint edges) disqualifies the frame.
      if (!quiet[g]) near = true;
    }
    pause[f] = near ? 0 : 1;
  }
  return { active: { frameSize, flags: active }, pause: { frameSize, flags: pause } };
}

/** Total energy of `x` over the frames flagged in `mask`, from `startFrame` on. */
export function maskedEnergy(x: Float32Array, mask: FrameMask, startFrame = 0): { energy: number; samples: number } {
  let e = 0;
  let samples = 0;
  for (let f = startFrame; f < mask.flags.length; f++) {
    if (!mask.flags[f]) continue;
    const s = f * mask.frameSize;
    const end = Math.min(x.length, s + mask.frameSize);
    e += energy(x, s, end);
    samples += end - s;
  }
  return { energy: e, samples };
}

/** RMS in dB over the masked frames. */
export function maskedRmsDb(x: Float32Array, mask: FrameMask, startFrame = 0): number {
  const { energy: e, samples } = maskedEnergy(x, mask, startFrame);
  return toDb(Math.sqrt(e / Math.max(1, samples)));
}

/**
 * speech + g·noise with g chosen so that (active-speech RMS) / (noise RMS over the same span) is exactly
 * `snrDb`. Returns the mixture and the scaled noise (for checking).
 */
export function mixAtSnr(speech: Float32Array, noise: Float32Array, active: FrameMask, snrDb: number): { mix: Float32Array; noise: Float32Array } {
  const n = speech.length;
  if (noise.length < n) throw new RangeError('noise is shorter than speech');
  const speechDb = maskedRmsDb(speech, active);
  const noiseDb = rmsDb(noise, 0, n);
  const g = 10 ** ((speechDb - snrDb - noiseDb) / 20);
  const scaled = new Float32Array(n);
  const mix = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    scaled[i] = noise[i]! * g;
    mix[i] = speech[i]! + scaled[i]!;
  }
  return { mix, noise: scaled };
}

/**
 * Energy of x[start, end) between lo and hi Hz (one zero-padded FFT of the whole span; Parseval-scaled so that
 * the full band gives the time-domain energy). For comparing where in frequency two signals put their energy.
 */
export function bandEnergy(x: Float32Array, sampleRate: number, lo: number, hi: number, start = 0, end = x.length): number {
  let n = 1;
  while (n < end - start) n <<= 1;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = start; i < end; i++) re[i - start] = x[i]!;
  fft(re, im);
  let sum = 0;
  for (let k = 0; k <= n / 2; k++) {
    const f = (k * sampleRate) / n;
    if (f < lo || f >= hi) continue;
    sum += (re[k]! * re[k]! + im[k]! * im[k]!) * (k === 0 || k === n / 2 ? 1 : 2);
  }
  return sum / n;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
