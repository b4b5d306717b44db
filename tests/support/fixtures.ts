// Test fixtures made here, never downloaded: speech from espeak-ng, resampled by sox to 48 kHz mono 16-bit.
// Cached under .cache/fixtures by content of the recipe, so repeated runs are fast.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURE_DIR = path.join(ROOT, '.cache', 'fixtures');

export const SPEECH_TEXT =
  'Welcome to Podium. This is a live audio space, and you are listening to the host. ' +
  'Seven quick brown foxes jumped over the lazy dog, then sat down to talk about audio. ' +
  'One, two, three, four, five.';

export function makeSpeechWav(text = SPEECH_TEXT, voice = 'en-us'): string {
  const key = crypto.createHash('sha1').update(`v2\n${voice}\n${text}`).digest('hex').slice(0, 12);
  const out = path.join(FIXTURE_DIR, `speech-${key}.wav`);
  if (fs.existsSync(out)) return out;
  fs.mkdirSync(FIXTURE_DIR, { recursive: true });
  const raw = path.join(FIXTURE_DIR, `speech-${key}-raw.wav`);
  execFileSync('espeak-ng', ['-v', voice, '-s', '150', '-w', raw, text]);
  // Half a second of silence each side gives the loop clear pauses, which the envelope test relies on.
  const tmp = `${out}.${process.pid}.tmp.wav`;
  // -R: sox dithers the 16-bit output with random noise; repeatable dither makes every run's fixture identical
  // (without it the "silent" pads differ from run to run, and so does what a voice detector makes of them).
  execFileSync('sox', ['-R', raw, '-r', '48000', '-c', '1', '-b', '16', tmp, 'norm', '-3', 'pad', '0.5', '0.5']);
  fs.renameSync(tmp, out);
  fs.rmSync(raw, { force: true });
  return out;
}

/** Reads a 16-bit PCM mono WAV into floats in [-1, 1). */
export function readWavMono16(file: string): { sampleRate: number; samples: Float32Array } {
  const buf = fs.readFileSync(file);
  if (buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${file} is not a WAV file`);
  let offset = 12;
  let sampleRate = 0;
  let channels = 0;
  let bits = 0;
  while (offset + 8 <= buf.length) {
    const id = buf.toString('ascii', offset, offset + 4);
    const size = buf.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      channels = buf.readUInt16LE(body + 2);
      sampleRate = buf.readUInt32LE(body + 4);
      bits = buf.readUInt16LE(body + 14);
    } else if (id === 'data') {
      if (channels !== 1 || bits !== 16) throw new Error(`${file}: expected mono 16-bit, got ${channels} ch ${bits} bit`);
      const n = Math.floor(Math.min(size, buf.length - body) / 2);
      const samples = new Float32Array(n);
      for (let i = 0; i < n; i++) samples[i] = buf.readInt16LE(body + i * 2) / 32768;
      return { sampleRate, samples };
    }
    offset = body + size + (size % 2);
  }
  throw new Error(`${file} has no data chunk`);
}
