// The podcast export: a copy of a recording's 24-bit mono WAV brought to a loudness target (−16 LUFS by default)
// with its true peak held under a ceiling (−1 dBTP) by a look-ahead limiter, then measured again to prove it.
// Streams in one-second chunks, so a file of any length costs the same memory, and awaits its reads, so it shares
// the event loop of the worker it runs in. It renders into a temporary file of its own and renames it into place only
// when finished and checked.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { RECORDING_SAMPLE_RATE } from '../../../common/recording';
import { PodiumError } from '../../../common/result';
import { interpolatedPeaks } from './loudness';
import { forEachPcmChunk, measureWavFile } from './pcm-read';
import { TrackFile } from './track-file';
import { readWavInfo, updateBextLoudness, type WavInfo } from './wav';

export interface NormalizeOptions {
  /** Integrated loudness to reach, LUFS. Default −16 (the usual podcast target). */
  targetLufs?: number;
  /** The highest true peak allowed, dBTP. Default −1. */
  ceilingDbtp?: number;
  /** 0…1 as the work proceeds, never going back. */
  onProgress?: (fraction: number) => void;
}

export interface NormalizeResult {
  /** Integrated loudness of the written file, measured after writing. */
  integrated: number | null;
  /** True peak of the written file, measured after writing. */
  truePeak: number | null;
  /** The gain applied before the limiter. */
  gainDb: number;
  /** Whether the limiter had to reduce any peak. */
  limited: boolean;
}

const CHUNK_FRAMES = RECORDING_SAMPLE_RATE;
const LOOKAHEAD_SECONDS = 0.005;
const RELEASE_SECONDS = 0.05;
/** The limiter aims this far under the ceiling: the gain's own movement can add a little to the peaks it shapes. */
const LIMITER_MARGIN_DB = 0.1;
/** How close to the target the result must measure before another pass is worth it. */
const LOUDNESS_TOLERANCE_LU = 0.2;
const MAX_PASSES = 3;

const dbToGain = (db: number) => 10 ** (db / 20);

/**
 * A look-ahead limiter on the 4× oversampled (true) peak. For each sample it finds the gain that keeps that
 * sample and its neighbouring interpolations under the ceiling, takes the minimum over the next `lookahead`
 * samples, lets it recover exponentially (release), and averages it over `lookahead` samples: since every value in
 * that average is at most the gain the sample needs, the peak is held without a hard corner in the gain.
 * Output lags input by lookahead + 5 samples; the caller feeds that much silence after the audio.
 */
class TruePeakLimiter {
  readonly delay: number;
  limited = false;
  private readonly lookahead: number;
  private readonly release: number;
  private readonly ceiling: number;
  private readonly work: Float64Array;
  private readonly peaks: Float64Array;
  private readonly x: Float64Array;
  private readonly xMask: number;
  private readonly dqIndex: Float64Array;
  private readonly dqValue: Float64Array;
  private readonly dqMask: number;
  private dqHead = 0;
  private dqTail = 0;
  private readonly relRing: Float64Array;
  private relSum: number;
  private relPrev = 1;
  /** The oldest of the last `lookahead` smoothed gains in relRing: the one the next replaces. */
  private slot = 0;
  private prevPeak = 0;
  private n = 0;

  constructor(sampleRate: number, ceiling: number, chunk: number) {
    this.lookahead = Math.max(1, Math.round(LOOKAHEAD_SECONDS * sampleRate));
    this.release = Math.exp(-1 / (RELEASE_SECONDS * sampleRate));
    this.ceiling = ceiling;
    this.delay = this.lookahead + 5;
    this.work = new Float64Array(11 + chunk);
    this.peaks = new Float64Array(chunk);
    const pow2 = (n: number) => 2 ** Math.ceil(Math.log2(n));
    this.x = new Float64Array(pow2(this.delay + 1));
    this.xMask = this.x.length - 1;
    this.dqIndex = new Float64Array(pow2(this.lookahead + 1));
    this.dqValue = new Float64Array(this.dqIndex.length);
    this.dqMask = this.dqIndex.length - 1;
    this.relRing = new Float64Array(this.lookahead).fill(1);
    this.relSum = this.lookahead;
  }

  /** Takes `input` (any length up to the chunk size) and writes as many delayed, limited samples to `out`. */
  process(input: Float64Array, out: Float64Array): void {
    const length = input.length;
    const w = this.work;
    w.set(input, 11);
    interpolatedPeaks(w, 11, 11 + length, this.peaks);
    const { x, xMask, dqIndex, dqValue, dqMask, relRing, lookahead, release, ceiling, peaks, delay } = this;
    let { dqHead, dqTail, relSum, relPrev, prevPeak, n, slot } = this;
    let limited = this.limited;
    for (let j = 0; j < length; j++, n++) {
      x[n & xMask] = input[j]!;
      // Sample k = n − 6 sits between the interpolations of outputs n − 1 and n.
      const k = n - 6;
      const p = peaks[j]!;
      let d = Math.abs(x[k & xMask]!);
      if (p > d) d = p;
      if (prevPeak > d) d = prevPeak;
      prevPeak = p;
      const r = d > ceiling ? ceiling / d : 1;
      // Sliding minimum of r over [k − lookahead + 1, k] (a monotonic deque).
      while (dqTail > dqHead && dqValue[(dqTail - 1) & dqMask]! >= r) dqTail--;
      dqIndex[dqTail & dqMask] = k;
      dqValue[dqTail & dqMask] = r;
      dqTail++;
      const i = k - lookahead + 1;
      if (dqIndex[dqHead & dqMask]! < i) dqHead++;
      let rel = 1 - (1 - relPrev) * release;
      const m = dqValue[dqHead & dqMask]!;
      if (m < rel) rel = m;
      relPrev = rel;
      relSum += rel - relRing[slot]!;
      relRing[slot] = rel;
      if (++slot === lookahead) slot = 0;
      const g = relSum / lookahead;
      if (g < 1 - 1e-9) limited = true;
      out[j] = x[(n - delay) & xMask]! * (g < 1 ? g : 1);
    }
    w.copyWithin(0, length, length + 11);
    this.dqHead = dqHead;
    this.dqTail = dqTail;
    this.relSum = relSum;
    this.relPrev = relPrev;
    this.prevPeak = prevPeak;
    this.n = n;
    this.slot = slot;
    this.limited = limited;
  }
}

/** Renders `source` × gain through the limiter into a new 24-bit WAV at `file`. Returns whether it limited. */
async function render(source: string, info: WavInfo, file: string, gainDb: number, ceiling: number, progress: (frames: number) => void): Promise<boolean> {
  const limiter = new TruePeakLimiter(info.sampleRate, ceiling, CHUNK_FRAMES);
  const track = TrackFile.create(file, { bext: bextFrom(info), durable: false });
  try {
    const input = new Float64Array(CHUNK_FRAMES);
    const output = new Float64Array(CHUNK_FRAMES);
    const out32 = new Float32Array(CHUNK_FRAMES);
    // Output lags input by `delay`: output sample `delay + f` is audio frame f, and `delay` zeros after the audio
    // push its last samples out. (Before the audio, the limiter's state already is that of silence.)
    let produced = 0;
    const feed = (samples: Float32Array | null, count: number) => {
      const a = input.subarray(0, count);
      if (samples) a.set(samples);
      else a.fill(0);
      const o = output.subarray(0, count);
      limiter.process(a, o);
      const from = Math.max(0, limiter.delay - produced);
      const to = Math.min(count, limiter.delay + info.frames - produced);
      if (to > from) {
        out32.set(o.subarray(from, to));
        track.writeAt(produced + from - limiter.delay, out32.subarray(0, to - from));
      }
      produced += count;
    };
    await forEachPcmChunk(source, info, (samples) => {
      feed(samples, samples.length);
      progress(samples.length);
    }, dbToGain(gainDb));
    feed(null, limiter.delay);
    track.close();
  } catch (error) {
    track.abort();
    throw error;
  }
  return limiter.limited;
}

/** The new file's bext: the source's, saying what was done to it. */
function bextFrom(info: WavInfo) {
  const src = info.bext;
  const [y, mo, d] = (src?.date ?? '').split(/\D/).map(Number);
  const [h, mi, s] = (src?.time ?? '').split(/\D/).map(Number);
  const parsed = y && mo && d ? new Date(y, mo - 1, d, h || 0, mi || 0, s || 0) : new Date(NaN);
  return {
    description: `${src?.description ? `${src.description} ` : ''}(normalised for podcasts)`.slice(0, 256),
    originator: src?.originator || 'Podium',
    originatorReference: src?.originatorReference ?? '',
    startedAt: Number.isNaN(parsed.getTime()) ? new Date() : parsed,
    codingHistory: `${src?.codingHistory?.replace(/\0+$/, '') ?? ''}A=PCM,F=${info.sampleRate},W=24,M=mono,T=Podium loudness normalisation\r\n`,
  };
}

/**
 * Writes `destination`: `source` brought to `targetLufs` with true peaks under `ceilingDbtp`. Measures first, applies
 * gain and the limiter, then measures what it wrote; if limiting cost loudness or a peak got through, it adjusts and
 * renders again (at most three times). The file appears at `destination` only when finished.
 */
export async function normalizeWav(source: string, destination: string, opts: NormalizeOptions = {}): Promise<NormalizeResult> {
  const target = opts.targetLufs ?? -16;
  const ceilingDb = opts.ceilingDbtp ?? -1;
  if (!Number.isFinite(target) || !Number.isFinite(ceilingDb) || ceilingDb > 0) {
    throw new PodiumError('bad_request', 'The loudness target and peak ceiling must be numbers, the ceiling at most 0 dBTP.');
  }
  if (path.resolve(source) === path.resolve(destination)) throw new PodiumError('bad_request', 'The export cannot replace the recording it is made from.');
  const info = readWavInfo(source);
  if (info.channels !== 1 || info.bitsPerSample !== 24 || info.sampleRate !== RECORDING_SAMPLE_RATE) {
    throw new PodiumError('bad_request', `${path.basename(source)} is not a 48 kHz 24-bit mono recording track.`);
  }

  // Progress in frames read: one measuring pass, then a render and a check per attempt (at least one).
  let done = 0;
  let expected = 3 * info.frames;
  let reported = 0;
  const progress = (frames: number) => {
    done += frames;
    const fraction = Math.min(0.99, expected > 0 ? done / expected : 0);
    if (fraction > reported) opts.onProgress?.((reported = fraction));
  };

  const measured = await measureWavFile(source, progress);
  if (measured.integrated === null) throw new PodiumError('invalid_state', 'There is no audio loud enough to normalise.');

  // A name of its own: two exports of one file at once (two studio windows) must not render into the same file.
  // (TrackFile creates it exclusively, so not even a link planted under the name is written through.)
  const partial = `${destination}.${process.pid}-${crypto.randomBytes(4).toString('hex')}.partial`;
  let gainDb = target - measured.integrated;
  let limiterDb = ceilingDb - LIMITER_MARGIN_DB;
  try {
    for (let pass = 1; ; pass++) {
      const limited = await render(source, info, partial, gainDb, dbToGain(limiterDb), progress);
      const result = await measureWavFile(partial, progress);
      const overshoot = result.truePeak === null ? 0 : result.truePeak - ceilingDb;
      const miss = result.integrated === null ? 0 : target - result.integrated;
      if (pass === MAX_PASSES || (overshoot <= 0 && Math.abs(miss) <= LOUDNESS_TOLERANCE_LU)) {
        if (overshoot > 0) throw new PodiumError('internal', `The export's peaks stayed ${overshoot.toFixed(2)} dB over the ceiling.`);
        updateBextLoudness(partial, result);
        fs.renameSync(partial, destination);
        opts.onProgress?.(1);
        return { integrated: result.integrated, truePeak: result.truePeak, gainDb, limited };
      }
      // Limiting lowered the loudness (more gain needed) or the gain's movement let a peak through (aim lower).
      gainDb += miss;
      if (overshoot > 0) limiterDb -= overshoot + 0.05;
      fs.rmSync(partial, { force: true });
      expected += 2 * info.frames;
    }
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  }
}
