// Measuring what a page really plays: the RMS envelope of one remote participant's audio, tapped with Web Audio.
// Besides fixed-length recordings, it waits on what is heard (sound arriving, or silence that lasts) instead of on
// the clock, because how long the SFU and a jitter buffer take varies a lot on a loaded machine.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

export const ENVELOPE_BLOCK = 1024;
export const BLOCKS_PER_SECOND = 48_000 / ENVELOPE_BLOCK;

interface TapArgs {
  block: number;
  identity: string | undefined;
  /** record: `seconds` of audio; sound: until a block above `db`; quiet: until `quietSeconds` in a row stay below `db`. */
  mode: 'record' | 'sound' | 'quiet';
  seconds: number;
  db: number;
  quietSeconds: number;
  /** Wall-clock limit for 'sound' and 'quiet' (then met = false), and a safety net for 'record'. */
  timeoutMs: number;
}

export interface Tapped {
  /** RMS per block of ENVELOPE_BLOCK samples at 48 kHz, from the start of the tap. */
  env: number[];
  /** Whether the condition of 'sound' or 'quiet' was met (always true for a complete 'record'). */
  met: boolean;
  elapsedMs: number;
}

/**
 * Runs in the page. Reads the element's track through a MediaStreamTrackProcessor: every 10 ms frame the track
 * delivers is queued (up to `maxBufferSize`) until the page's main thread reads it, and carries its timestamp. A
 * ScriptProcessorNode, used here before, hands its buffers to the main thread through a double buffer that the audio
 * thread overwrites when the main thread is late: on a starved machine it measured plateaus of one repeated buffer and
 * spans of silence that were in none of the audio actually sent or played (three taps of one speaker — her microphone,
 * her sent track, and the listener's element — each garbled at different moments). Frames here are placed by their
 * timestamps, so a late main thread delays the measurement but cannot change it.
 *
 * Silence the track does not deliver still counts as silence: a gap between two frames' timestamps is zeros, and so
 * is time with no frame at all — for more than STALL_MS, or after the track ended or left the element — filled by
 * the wall clock, as the element plays nothing then.
 */
async function tap({ block, identity, mode, seconds, db, quietSeconds, timeoutMs }: TapArgs): Promise<Tapped> {
  const STALL_MS = 1000;
  const selector = identity ? `audio[data-podium-remote-audio][data-identity="${identity}"]` : 'audio[data-podium-remote-audio]';
  const el = document.querySelector<HTMLAudioElement>(selector);
  if (!el || !(el.srcObject instanceof MediaStream)) throw new Error(`no remote audio element ${selector}`);
  const original = el.srcObject.getAudioTracks()[0];
  if (!original) throw new Error(`remote audio element ${selector} has no audio track`);
  const Processor = (globalThis as unknown as { MediaStreamTrackProcessor?: new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => { readable: ReadableStream<AudioData> } })
    .MediaStreamTrackProcessor;
  if (!Processor) throw new Error('this browser has no MediaStreamTrackProcessor');
  const started = performance.now();
  // A clone, so that ending the tap (cancelling the stream) never touches the track the page plays.
  const track = original.clone();
  const reader = new Processor({ track, maxBufferSize: 6000 }).readable.getReader();
  const env: number[] = [];
  const level = 10 ** (db / 20);
  const blocksPerSecond = 48000 / block;
  const quietBlocks = Math.ceil(quietSeconds * blocksPerSecond);
  // Position in 48 kHz samples from the first frame; the open block's sum of squares and sample count (at the
  // track's own rate, which need not be 48 kHz).
  let position = 0;
  let sum = 0;
  let count = 0;
  let done = false;
  const conditionMet = (): boolean =>
    mode === 'record'
      ? env.length >= Math.round(seconds * blocksPerSecond)
      : mode === 'sound'
        ? env.length > 0 && env[env.length - 1]! > level
        : env.length >= quietBlocks && env.slice(-quietBlocks).every((v) => v < level);
  // Advances the position by `span` 48 kHz samples whose energy is `energy` over `samples` samples, closing every
  // block it passes; a block's RMS is over the samples that fell in it (silence: none, RMS 0).
  const advance = (span: number, energy: (from: number, to: number) => [number, number]): void => {
    let at = 0;
    while (at < span && !done) {
      const blockEnd = (Math.floor(position / block) + 1) * block;
      const step = Math.min(span - at, blockEnd - position);
      const [e, n] = energy(at, at + step);
      sum += e;
      count += n;
      position += step;
      at += step;
      if (position >= blockEnd - 1e-6) {
        env.push(count > 0 ? Math.sqrt(sum / count) : 0);
        sum = 0;
        count = 0;
        if (conditionMet()) done = true;
      }
    }
  };
  const silence = (span: number): void => advance(span, () => [0, 0]);
  // The wall clock's silence is provisional: a frame that then arrives says by its timestamp how much of that time
  // really was silent, and the measurement is rolled back to where the last frame ended and redone from it.
  type Mark = { position: number; sum: number; count: number; blocks: number };
  let mark: Mark | null = null;
  const fillSince = (ms: number): void => {
    mark ??= { position, sum, count, blocks: env.length };
    ({ position, sum, count } = mark);
    env.length = mark.blocks;
    silence(Math.round((ms / 1000) * 48000));
  };
  let lastEnd: number | null = null; // timestamp (s) where the last frame ended
  let lastFrameAt = performance.now();
  let ended = false;
  const deadline = started + timeoutMs;
  const stream = el.srcObject;
  const ticker = setInterval(() => {
    // The element stops playing this track when the track ends or the element lets go of it (the tap reads a clone,
    // which outlives both).
    if (!ended && (original.readyState === 'ended' || el.srcObject !== stream || !stream.getAudioTracks().includes(original) || !el.isConnected)) {
      ended = true;
      lastFrameAt = performance.now();
      mark = null;
    }
    const idleMs = performance.now() - lastFrameAt;
    if (!done && (ended || idleMs > STALL_MS)) fillSince(idleMs);
  }, 50);
  try {
    while (!done && performance.now() < deadline) {
      const next = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), Math.max(0, deadline - performance.now())))]);
      if (next === null || done) break;
      if (next.done) {
        // The track ended: from here on the element plays nothing, which the ticker counts as it passes.
        if (!ended) {
          ended = true;
          lastFrameAt = performance.now();
          mark = null;
        }
        await new Promise<void>((r) => {
          const check = setInterval(() => {
            if (done || performance.now() >= deadline) {
              clearInterval(check);
              r();
            }
          }, 20);
        });
        break;
      }
      const frame = next.value;
      if (ended) {
        frame.close();
        continue;
      }
      const rate = frame.sampleRate;
      const n = frame.numberOfFrames;
      const samples = new Float32Array(n);
      frame.copyTo(samples, { planeIndex: 0, format: 'f32-planar' });
      const ts = frame.timestamp / 1e6;
      frame.close();
      // (Set by the ticker, which TypeScript's narrowing of `mark = null` above does not see.)
      const provisional = mark as Mark | null;
      if (provisional) {
        ({ position, sum, count } = provisional);
        env.length = provisional.blocks;
        mark = null;
      }
      // A gap in the timestamps is time the track delivered nothing: silence.
      if (lastEnd !== null) {
        const gap = Math.round((ts - lastEnd) * 48000);
        if (gap > 0) silence(gap);
      }
      lastEnd = ts + n / rate;
      lastFrameAt = performance.now();
      const scale = 48000 / rate;
      advance(n * scale, (from, to) => {
        let e = 0;
        const a = Math.round(from / scale);
        const b = Math.min(n, Math.round(to / scale));
        for (let i = a; i < b; i++) e += samples[i]! * samples[i]!;
        return [e, b - a];
      });
    }
  } finally {
    clearInterval(ticker);
    void reader.cancel().catch(() => undefined);
    track.stop();
  }
  return { env, met: done, elapsedMs: performance.now() - started };
}

async function run(page: Page, args: Omit<TapArgs, 'block'>): Promise<Tapped> {
  const t0 = Date.now();
  const result = await page.evaluate(tap, { ...args, block: ENVELOPE_BLOCK });
  // For investigating audio under load: PODIUM_AUDIO_DUMP=<dir> keeps every envelope taken, with its arguments.
  const dump = process.env.PODIUM_AUDIO_DUMP;
  if (dump) {
    fs.mkdirSync(dump, { recursive: true });
    const caller = new Error().stack?.split('\n').find((l) => l.includes('.test.ts'))?.trim();
    fs.writeFileSync(path.join(dump, `${t0}-${args.mode}.json`), JSON.stringify({ t0, caller, ...args, ...result }));
  }
  return result;
}

/**
 * Records the RMS envelope (blocks of ENVELOPE_BLOCK samples at 48 kHz) of the remote audio element of
 * `identity` — or of the first remote audio element when no identity is given — for `seconds` of audio.
 */
export async function recordRemoteEnvelope(page: Page, seconds: number, identity?: string): Promise<number[]> {
  const { env, met } = await run(page, { identity, mode: 'record', seconds, db: 0, quietSeconds: 0, timeoutMs: seconds * 3000 + 10_000 });
  if (!met) throw new Error(`recording ${seconds} s of remote audio took more than ${seconds * 3 + 10} s`);
  return env;
}

/** Resolves once the remote audio has a block louder than `db` dBFS; throws after `timeoutMs` with the loudest heard. */
export async function waitForRemoteSound(page: Page, identity: string | undefined, { db = -40, timeoutMs = 15_000 } = {}): Promise<Tapped> {
  const result = await run(page, { identity, mode: 'sound', seconds: 0, db, quietSeconds: 0, timeoutMs });
  if (!result.met) {
    const loudest = Math.max(0, ...result.env);
    throw new Error(`no block above ${db} dBFS from ${identity ?? 'the remote audio'} in ${timeoutMs} ms (loudest ${(20 * Math.log10(loudest)).toFixed(1)} dBFS)`);
  }
  return result;
}

/**
 * Taps the remote audio until `quietSeconds` in a row stay below `db` dBFS, or `timeoutMs`. Returns the envelope;
 * `met` says whether it went quiet. Choose `quietSeconds` longer than any pause in what is being played.
 */
export function recordUntilQuiet(page: Page, identity: string | undefined, { db = -50, quietSeconds = 3, timeoutMs = 15_000 } = {}): Promise<Tapped> {
  return run(page, { identity, mode: 'quiet', seconds: 0, db, quietSeconds, timeoutMs });
}
