// The podcast export: loudness target and true-peak ceiling as measured by an independent meter (the ebur128 crate,
// as WebAssembly), sample-exact length and alignment, silence refused, progress, and files left behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PodiumError } from '../../../../common/result';
import { measureSamples } from '../../../../main/services/recording/loudness';
import { normalizeWav } from '../../../../main/services/recording/normalize';
import { TrackFile } from '../../../../main/services/recording/track-file';
import { readWavInfo } from '../../../../main/services/recording/wav';
import { loadLoudnessReference } from '../../../support/ebur128';
import { prng } from '../../../support/prng';

const RATE = 48_000;

/** The independent reference at this file's rate. */
function loadReference() {
  const reference = loadLoudnessReference();
  return { integrated: (samples: Float32Array) => reference.integrated(RATE, samples), truePeak: (samples: Float32Array) => reference.truePeak(RATE, samples) };
}

/**
 * Speech-like: voiced syllables (harmonics of a 90–220 Hz pitch), gaps and pauses, phrase levels ±6 dB, plus loud
 * 2 ms plosives at 2–9 kHz whose peaks fall between samples: the peaks a +14 dB gain would push far over −1 dBTP.
 */
function speechLike(seed: number, seconds: number): Float32Array {
  const random = prng(seed);
  const out = new Float32Array(Math.round(seconds * RATE));
  let i = 0;
  let phase = 0;
  while (i < out.length) {
    const phraseGain = 10 ** ((-26 + 12 * random()) / 20);
    for (let s = 3 + Math.floor(random() * 8); s > 0 && i < out.length; s--) {
      const length = Math.round((0.12 + 0.2 * random()) * RATE);
      const f0 = 90 + 130 * random();
      const harmonics = Math.min(25, Math.floor(4000 / f0));
      for (let j = 0; j < length && i < out.length; j++, i++) {
        phase += (2 * Math.PI * f0) / RATE;
        const c2 = 2 * Math.cos(phase);
        let prev = 0;
        let cur = Math.sin(phase);
        let x = cur;
        for (let h = 2; h <= harmonics; h++) {
          const next = c2 * cur - prev;
          prev = cur;
          cur = next;
          x += cur / h;
        }
        out[i] = phraseGain * Math.sin((Math.PI * j) / length) ** 2 * 0.5 * x;
      }
      if (random() < 0.15) {
        const hz = 2000 + 7000 * random();
        const start = i - (length >> 1);
        const burst = Math.round(0.002 * RATE);
        const a = 10 ** ((-8 - 6 * random()) / 20);
        const p0 = 2 * Math.PI * random();
        for (let j = 0; j < burst && start + j < out.length; j++) {
          out[start + j]! += a * Math.sin((Math.PI * j) / burst) ** 2 * Math.sin(p0 + (2 * Math.PI * hz * j) / RATE);
        }
      }
      i += Math.round((0.03 + 0.12 * random()) * RATE);
    }
    i += Math.round((0.25 + 1.2 * random()) * RATE);
  }
  return out;
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-normalize-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const startedAt = new Date(2025, 2, 1, 18, 30, 5);

function writeTrack(name: string, samples: Float32Array, channels = 1): string {
  const file = path.join(dir, name);
  const track = TrackFile.create(file, { bext: { description: 'Mix', originator: 'Podium', originatorReference: 'r0123456789ab', startedAt }, durable: false, channels });
  track.writeAt(0, samples);
  track.close();
  return file;
}

/** The file's samples as floats, decoded the way TrackFile encoded them (2^23 − 1 is full scale). */
function readTrack(file: string): Float32Array {
  const info = readWavInfo(file);
  const bytes = fs.readFileSync(file).subarray(info.dataOffset, info.dataOffset + info.frames * 3);
  const out = new Float32Array(info.frames);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readIntLE(i * 3, 3) / 8_388_607;
  return out;
}

/** Scales a signal so the meter reads `lufs`. */
function atLoudness(samples: Float32Array, lufs: number): Float32Array {
  const gain = 10 ** ((lufs - measureSamples(RATE, samples).integrated!) / 20);
  return samples.map((x) => x * gain);
}

describe('normalizeWav', () => {
  it('brings loud-peaked speech at −30 LUFS to −16 LUFS with true peak ≤ −1 dBTP, by an independent meter', async () => {
    const input = atLoudness(speechLike(3, 45), -30);
    const source = writeTrack('mix.wav', input);
    const destination = path.join(dir, 'mix (podcast).wav');
    const result = await normalizeWav(source, destination);

    const output = readTrack(destination);
    expect(output.length).toBe(input.length);
    expect(readWavInfo(destination).frames).toBe(readWavInfo(source).frames);

    const reference = loadReference();
    // The gain alone would have sent the plosives over the ceiling: the limiter had real work.
    expect(reference.truePeak(input) + result.gainDb).toBeGreaterThan(2);
    expect(result.limited).toBe(true);
    expect(Math.abs(reference.integrated(output) - -16)).toBeLessThanOrEqual(0.5);
    expect(reference.truePeak(output)).toBeLessThanOrEqual(-1.0);
    // What it reports is what the file measures.
    const measured = measureSamples(RATE, output);
    expect(result.integrated!).toBeCloseTo(measured.integrated!, 6);
    expect(result.truePeak!).toBeCloseTo(measured.truePeak!, 6);
    expect(result.truePeak!).toBeLessThanOrEqual(-1.0);
    expect(readWavInfo(destination).loudness?.integrated).toBeCloseTo(result.integrated!, 2);
    expect(fs.readdirSync(dir).sort()).toEqual(['mix (podcast).wav', 'mix.wav']);
  });

  it('only changes the level of audio that needs no limiting, sample for sample, with no delay', async () => {
    const random = prng(5);
    const input = new Float32Array(5 * RATE);
    for (let i = 0; i < input.length; i++) input[i] = 0.05 * Math.sin((2 * Math.PI * 220 * i) / RATE) + 0.01 * (random() - 0.5);
    const source = writeTrack('quiet.wav', input);
    const destination = path.join(dir, 'out.wav');
    const result = await normalizeWav(source, destination, { targetLufs: -20, ceilingDbtp: -1 });
    expect(result.limited).toBe(false);
    const original = readTrack(source);
    const output = readTrack(destination);
    const gain = 10 ** (result.gainDb / 20);
    let worst = 0;
    for (let i = 0; i < output.length; i++) worst = Math.max(worst, Math.abs(output[i]! - original[i]! * gain));
    // Within rounding to 24 bits: one step either side.
    expect(worst).toBeLessThanOrEqual(1.01 / 8_388_607);
    expect(Math.abs(result.integrated! - -20)).toBeLessThan(0.05);
  });

  it('refuses silence with a message a person can act on, and leaves nothing behind', async () => {
    const source = writeTrack('silent.wav', new Float32Array(3 * RATE));
    const destination = path.join(dir, 'out.wav');
    const failure = await normalizeWav(source, destination).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PodiumError);
    expect((failure as PodiumError).code).toBe('invalid_state');
    expect((failure as PodiumError).message).toBe('There is no audio loud enough to normalise.');
    expect(fs.readdirSync(dir)).toEqual(['silent.wav']);
  });

  it('reports progress that only grows and ends at 1, lets timers run meanwhile, and replaces an earlier export', async () => {
    const source = writeTrack('mix.wav', atLoudness(speechLike(8, 12), -24));
    const destination = path.join(dir, 'out.wav');
    fs.writeFileSync(destination, 'an older export');
    const seen: number[] = [];
    // It shares its worker's event loop: timers keep firing while it works.
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await normalizeWav(source, destination, { onProgress: (f) => seen.push(f) }).finally(() => clearInterval(timer));
    expect(ticks).toBeGreaterThan(0);
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.at(-1)).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
    expect(readWavInfo(destination).frames).toBe(12 * RATE);
    expect(fs.readdirSync(dir).sort()).toEqual(['mix.wav', 'out.wav']);
  });

  it('refuses what is not a mono 24-bit track, and writing over its own source', async () => {
    const stereo = writeTrack('stereo.wav', new Float32Array(2 * RATE), 2);
    await expect(normalizeWav(stereo, path.join(dir, 'out.wav'))).rejects.toMatchObject({ code: 'bad_request' });
    const mono = writeTrack('mono.wav', new Float32Array(RATE).fill(0.1));
    await expect(normalizeWav(mono, mono)).rejects.toMatchObject({ code: 'bad_request' });
    await expect(normalizeWav(path.join(dir, 'missing.wav'), path.join(dir, 'out.wav'))).rejects.toBeInstanceOf(PodiumError);
  });
});
