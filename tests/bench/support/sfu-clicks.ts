// Mouth-to-ear for tests/bench/sfu.ts: a fake microphone of sharp clicks, and the onset times of those clicks as the
// host's studio captured them and as a listener page receives them, on one clock.
//
// The "mouth" is the studio's own capture: an init script wraps getUserMedia in the host page, so every stream the
// studio opens is also tapped (a clone of its audio track: the same source, so in step with what the pipeline reads
// by construction). The "ear" is the listener page's remote audio element's track (a clone, as page-audio.ts taps it).
// Both are read with MediaStreamTrackProcessor; a click's time is its frame's timestamp plus the sample's offset in
// the frame, mapped to the page's clock (performance.timeOrigin + performance.now(), which every page of one browser
// shares) by the smallest (read time − timestamp) seen in the run: frames are read after they exist, never before,
// so the smallest gap is the mapping plus the least reading delay, and a late main thread cannot move an onset.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { FIXTURE_DIR } from '../../support/fixtures';

export const CLICK_PERIOD_MS = 700;
const CLICKS_PER_LOOP = 10;

/**
 * 7 s of 48 kHz mono: every 700 ms a 30 ms burst (1 kHz + 2.3 kHz, instant attack at about −4 dBFS, 10 ms decay)
 * over digital silence. Tonal rather than noise, so the studio's noise suppressor keeps it. The loop is a whole
 * number of periods, so the clicks stay periodic across the fake device's loop.
 */
export function makeClickWav(): string {
  const out = path.join(FIXTURE_DIR, 'clicks-700ms-v1.wav');
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(FIXTURE_DIR, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp.wav`;
  const period = CLICK_PERIOD_MS / 1000;
  // One period: the burst, then silence; repeated CLICKS_PER_LOOP times.
  execFileSync('sox', [
    '-R', '-n', '-r', '48000', '-c', '1', '-b', '16', tmp,
    'synth', '0.03', 'sine', '1000', 'sine', '2300', 'remix', '1,2', 'fade', 't', '0', '0.03', '0.01', 'gain', '-n', '-4',
    'pad', '0', String(period - 0.03),
    'repeat', String(CLICKS_PER_LOOP - 1),
  ]);
  fs.renameSync(tmp, out);
  return out;
}

/** tsx names nested functions with an `__name` helper that the page does not have (tests/bench/latency.ts). */
export async function shimTsxNames(page: Page): Promise<void> {
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
}

/** Host page: before any script of the page runs, keep a clone of every captured audio track (the latest last). */
export async function tapStudioCapture(page: Page): Promise<void> {
  await shimTsxNames(page);
  await page.addInitScript(() => {
    const md = navigator.mediaDevices;
    const original = md.getUserMedia.bind(md);
    const w = globalThis as unknown as { __benchCaptured?: MediaStreamTrack[] };
    w.__benchCaptured = [];
    md.getUserMedia = async (constraints?: MediaStreamConstraints) => {
      const stream = await original(constraints);
      const track = stream.getAudioTracks()[0];
      if (track) w.__benchCaptured!.push(track.clone());
      return stream;
    };
  });
}

export interface Onsets {
  /** Click onsets, ms on the shared clock (timeOrigin + now). */
  onsets: number[];
  /** The same onsets timed by when their frame was read instead (a check on the timestamp mapping). */
  onsetsRead: number[];
  frames: number;
  /** Median of (read time − mapped frame time): how late the page's main thread read frames. */
  readLagMs: number;
  /** Whether the tap ran the whole time (false: the track ended or the page could not read it). */
  complete: boolean;
  /** Loudest sample of the run, and the median of each frame's loudest (the floor between clicks). */
  peak: number;
  floor: number;
}

interface TapArgs {
  source: 'capture' | 'remote';
  seconds: number;
  /** An onset is the first sample above `on` after `quietMs` without one. */
  on: number;
  quietMs: number;
}

/** Runs in the page: collects onsets for `seconds`. */
async function tapOnsets({ source, seconds, on, quietMs }: TapArgs): Promise<Onsets> {
  let original: MediaStreamTrack | undefined;
  if (source === 'capture') {
    const captured = (globalThis as unknown as { __benchCaptured?: MediaStreamTrack[] }).__benchCaptured ?? [];
    original = [...captured].reverse().find((t) => t.readyState === 'live');
  } else {
    const el = document.querySelector<HTMLAudioElement>('audio[data-podium-remote-audio]');
    if (el?.srcObject instanceof MediaStream) original = el.srcObject.getAudioTracks()[0];
  }
  if (!original) throw new Error(`no ${source} audio track in this page`);
  type Proc = new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => { readable: ReadableStream<AudioData> };
  const Processor = (globalThis as unknown as { MediaStreamTrackProcessor: Proc }).MediaStreamTrackProcessor;
  const track = original.clone();
  const reader = new Processor({ track, maxBufferSize: 6000 }).readable.getReader();
  const clock = (): number => performance.timeOrigin + performance.now();
  const raw: { ts: number; read: number; offsets: number[]; peak: number }[] = [];
  let sinceLoud = Infinity; // seconds since the last sample above `on` (Infinity: the start counts as after a pause)
  const end = clock() + seconds * 1000;
  let complete = true;
  while (clock() < end) {
    const next = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), 2000))]);
    if (next === null || next.done) {
      complete = false;
      break;
    }
    const read = clock();
    const frame = next.value;
    const n = frame.numberOfFrames;
    const rate = frame.sampleRate;
    const samples = new Float32Array(n);
    frame.copyTo(samples, { planeIndex: 0, format: 'f32-planar' });
    const ts = frame.timestamp / 1000;
    frame.close();
    const offsets: number[] = [];
    let peak = 0;
    for (let i = 0; i < n; i++) {
      const v = Math.abs(samples[i]!);
      peak = Math.max(peak, v);
      if (v > on) {
        if (sinceLoud >= quietMs / 1000) offsets.push((i / rate) * 1000);
        sinceLoud = 0;
      } else sinceLoud += 1 / rate;
    }
    raw.push({ ts, read, offsets, peak });
  }
  void reader.cancel().catch(() => undefined);
  track.stop();
  // The mapping from frame timestamps to the clock: the smallest read − ts (see the header of sfu-clicks.ts).
  const shift = Math.min(...raw.map((f) => f.read - f.ts));
  const lags = raw.map((f) => f.read - (f.ts + shift)).sort((a, b) => a - b);
  const peaks = raw.map((f) => f.peak).sort((a, b) => a - b);
  return {
    onsets: raw.flatMap((f) => f.offsets.map((o) => f.ts + shift + o)),
    onsetsRead: raw.flatMap((f) => f.offsets.map((o) => f.read + o)),
    frames: raw.length,
    readLagMs: lags[Math.floor(lags.length / 2)] ?? NaN,
    complete,
    peak: peaks[peaks.length - 1] ?? 0,
    floor: peaks[Math.floor(peaks.length / 2)] ?? 0,
  };
}

/** Onsets of the studio's captured microphone (host page) or of the remote audio element (listener page). */
export function recordOnsets(page: Page, source: TapArgs['source'], seconds: number): Promise<Onsets> {
  return page.evaluate(tapOnsets, { source, seconds, on: 0.1, quietMs: 300 });
}

export interface MouthToEar {
  latencies: number[];
  /** Listener onsets with no host click 0–(period − 50) ms before them, and host clicks never heard. */
  unmatched: number;
  missed: number;
}

/** Each listener onset is matched to the latest host onset before it (the clicks are a period apart). */
export function matchOnsets(mouth: number[], ear: number[]): MouthToEar {
  const latencies: number[] = [];
  let unmatched = 0;
  const heard = new Set<number>();
  for (const t of ear) {
    let best = -1;
    for (let i = 0; i < mouth.length; i++) if (mouth[i]! <= t) best = i;
    const d = best >= 0 ? t - mouth[best]! : Infinity;
    if (d < CLICK_PERIOD_MS - 50) {
      latencies.push(d);
      heard.add(best);
    } else unmatched++;
  }
  // Host clicks a listener could have heard within the recording (not the last period's).
  const last = ear.length ? Math.max(...ear) : -Infinity;
  const missed = mouth.filter((m, i) => m < last - CLICK_PERIOD_MS && m > (ear[0] ?? Infinity) && !heard.has(i)).length;
  return { latencies, unmatched, missed };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
