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

/** Runs in the page. An element whose track ends while tapped yields zeros from then on. */
async function tap({ block, identity, mode, seconds, db, quietSeconds, timeoutMs }: TapArgs): Promise<Tapped> {
  const selector = identity ? `audio[data-podium-remote-audio][data-identity="${identity}"]` : 'audio[data-podium-remote-audio]';
  const el = document.querySelector<HTMLAudioElement>(selector);
  if (!el || !(el.srcObject instanceof MediaStream)) throw new Error(`no remote audio element ${selector}`);
  const started = performance.now();
  const ctx = new AudioContext({ sampleRate: 48000 });
  await ctx.resume();
  const source = ctx.createMediaStreamSource(el.srcObject);
  const processor = ctx.createScriptProcessor(block, 1, 1);
  const env: number[] = [];
  const level = 10 ** (db / 20);
  const blocksPerSecond = 48000 / block;
  const met = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    processor.onaudioprocess = (e) => {
      const d = e.inputBuffer.getChannelData(0);
      let sum = 0;
      for (let i = 0; i < d.length; i++) sum += d[i]! * d[i]!;
      const rms = Math.sqrt(sum / d.length);
      env.push(rms);
      const quietBlocks = Math.ceil(quietSeconds * blocksPerSecond);
      const done =
        mode === 'record'
          ? env.length >= Math.round(seconds * blocksPerSecond)
          : mode === 'sound'
            ? rms > level
            : env.length >= quietBlocks && env.slice(-quietBlocks).every((v) => v < level);
      if (done) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    source.connect(processor);
    processor.connect(ctx.destination);
  });
  processor.onaudioprocess = null;
  processor.disconnect();
  source.disconnect();
  await ctx.close();
  return { env, met, elapsedMs: performance.now() - started };
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
