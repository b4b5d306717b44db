// A noisy-room fixture for the fake microphone: espeak-ng speech (makeSpeechWav) with long noise-only gaps, over
// stationary pink noise from sox at a known level. Also written: the clean speech on the same timeline, so a test
// can tell which parts of a recording are speech and which are noise alone. Cached under .cache/fixtures.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { FIXTURE_DIR, makeSpeechWav, readWavMono16 } from './fixtures';

export const NOISY_SENTENCES = [
  'Good evening, and welcome to the show.',
  'Tonight we talk about recording at home.',
  'Raise your hand to ask a question.',
];

export interface NoisyFixture {
  /** Speech plus noise: what the fake microphone plays (in a loop). */
  wav: string;
  /** The speech alone, sample-aligned with `wav`. */
  cleanWav: string;
  sampleRate: number;
  /** RMS of the noise alone, dBFS. */
  noiseDb: number;
  /** Seconds of noise alone between utterances (plus the speech files' own 0.5 s pads each side). */
  gapSeconds: number;
  durationSeconds: number;
}

export interface NoisyOptions {
  noise?: 'pinknoise' | 'brownnoise' | 'whitenoise';
  noiseDb?: number;
  gapSeconds?: number;
}

/** Writes 16-bit mono PCM; samples are clipped to [-1, 1). */
export function writeWavMono16(file: string, samples: Float32Array, sampleRate: number): void {
  const data = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.max(-1, Math.min(32767 / 32768, samples[i]!));
    data.writeInt16LE(Math.round(v * 32768), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([header, data]));
  fs.renameSync(tmp, file);
}

function rms(samples: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

export function makeNoisySpeechWav(options: NoisyOptions = {}): NoisyFixture {
  const noise = options.noise ?? 'pinknoise';
  const noiseDb = options.noiseDb ?? -40;
  const gapSeconds = options.gapSeconds ?? 1;
  const recipe = JSON.stringify({ v: 1, noise, noiseDb, gapSeconds, NOISY_SENTENCES });
  const key = crypto.createHash('sha1').update(recipe).digest('hex').slice(0, 12);
  const wav = path.join(FIXTURE_DIR, `noisy-${key}.wav`);
  const cleanWav = path.join(FIXTURE_DIR, `noisy-${key}-clean.wav`);
  const sampleRate = 48_000;

  if (!fs.existsSync(wav) || !fs.existsSync(cleanWav)) {
    const parts = NOISY_SENTENCES.map((text) => readWavMono16(makeSpeechWav(text)).samples);
    const gap = Math.round(gapSeconds * sampleRate);
    // Noise first and last too, so the loop seam falls in a gap and every utterance has a gap on both sides.
    const length = parts.reduce((n, p) => n + p.length + gap, gap);
    const clean = new Float32Array(length);
    let at = gap;
    for (const p of parts) {
      clean.set(p, at);
      at += p.length + gap;
    }
    // Repeatable (-R) so the cached file and a regenerated one are the same noise.
    const noiseFile = path.join(FIXTURE_DIR, `noise-${key}.wav`);
    execFileSync('sox', ['-R', '-n', '-r', String(sampleRate), '-c', '1', '-b', '16', noiseFile, 'synth', String(length / sampleRate), noise, 'vol', '0.5']);
    const raw = readWavMono16(noiseFile).samples;
    fs.rmSync(noiseFile, { force: true });
    const gain = 10 ** (noiseDb / 20) / rms(raw);
    const mixed = new Float32Array(length);
    for (let i = 0; i < length; i++) mixed[i] = clean[i]! + (raw[i] ?? 0) * gain;
    fs.mkdirSync(FIXTURE_DIR, { recursive: true });
    writeWavMono16(cleanWav, clean, sampleRate);
    writeWavMono16(wav, mixed, sampleRate);
  }
  const durationSeconds = readWavMono16(cleanWav).samples.length / sampleRate;
  return { wav, cleanWav, sampleRate, noiseDb, gapSeconds, durationSeconds };
}

export interface StretchLevels {
  /** Envelope correlation with the clean speech at the best loop lag, and that lag (blocks). */
  r: number;
  lag: number;
  /** Mean power of the noise-only blocks and of the speech blocks, dBFS. */
  noiseDb: number;
  speechDb: number;
  noiseBlocks: number;
  speechBlocks: number;
}

function meanPowerDb(values: number[]): number {
  const mean = values.reduce((sum, v) => sum + v * v, 0) / Math.max(1, values.length);
  return mean > 0 ? 10 * Math.log10(mean) : -Infinity;
}

/**
 * Splits a received RMS envelope into noise-only and speech blocks by lining it up with the clean speech's
 * envelope (the best circular lag, since the fake microphone loops), then measures each. A block is noise-only
 * when the clean speech is exactly silent for `guard` blocks either side, which absorbs alignment error, jitter
 * and the tails of words; it is speech when the clean speech is within 15 dB of its loudest block.
 */
export function stretchLevels(received: number[], cleanEnv: number[], best: { r: number; lag: number }, guard = 4): StretchLevels {
  const n = cleanEnv.length;
  const at = (i: number) => cleanEnv[(((best.lag + i) % n) + n) % n]!;
  const loudest = Math.max(...cleanEnv);
  const noise: number[] = [];
  const speech: number[] = [];
  for (let i = 0; i < received.length; i++) {
    let silent = true;
    for (let k = -guard; k <= guard && silent; k++) if (at(i + k) > 0) silent = false;
    if (silent) noise.push(received[i]!);
    else if (at(i) >= loudest * 10 ** (-15 / 20)) speech.push(received[i]!);
  }
  return {
    r: best.r,
    lag: best.lag,
    noiseDb: meanPowerDb(noise),
    speechDb: meanPowerDb(speech),
    noiseBlocks: noise.length,
    speechBlocks: speech.length,
  };
}
