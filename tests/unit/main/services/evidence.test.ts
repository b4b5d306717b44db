// The evidence store on a real folder: a clip arrives in parts and is written once whole (a WAV and its description,
// private); what is listed is what was written; bad parts, oversized clips and too many at once are refused; and
// nothing but a listed clip can be turned into a file path.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVIDENCE_MAX_BYTES, splitParts } from '../../../../common/evidence';
import { clipFileName, createEvidenceStore, MAX_CLIPS_PER_SPACE } from '../../../../main/services/evidence';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-evidence-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const KEY = 'person:p0123456789abcdef';
const pcmOf = (samples: Int16Array) => new Uint8Array(samples.buffer);
const send = (store: ReturnType<typeof createEvidenceStore>, bytes: Uint8Array, at = 1000, key = KEY) => {
  const parts = splitParts(bytes);
  return parts.map((p, part) => store.save({ spaceId: 'abcde12345', key, at, name: 'Sam', part, parts: parts.length, pcm: Buffer.from(p).toString('base64') }));
};

describe('evidence store', () => {
  it('writes a clip once all its parts are in, and lists it with its length and waveform', () => {
    const store = createEvidenceStore(dir);
    const samples = Int16Array.from({ length: 16_000 * 10 }, (_, i) => (i < 80_000 ? 0 : 16384));
    const answers = send(store, pcmOf(samples));
    expect(answers.map((a) => a.saved)).toEqual([false, false, false, true]);
    const [clip] = store.list('abcde12345');
    expect(clip).toMatchObject({ file: clipFileName(KEY, 1000), key: KEY, at: 1000, name: 'Sam', durationMs: 10_000 });
    expect(clip!.peaks.slice(0, 3)).toEqual([0, 0, 0]);
    expect(clip!.peaks.at(-1)).toBe(0.5);
    const file = store.file('abcde12345', clip!.file);
    const wav = fs.readFileSync(file);
    expect(wav.length).toBe(44 + samples.length * 2);
    expect(wav.readInt16LE(44 + 2 * 100_000)).toBe(16384);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    // A restarted store (a new process) lists what is on disk.
    expect(createEvidenceStore(dir).list('abcde12345')).toEqual([clip]);
  });

  it('refuses a clip over 30 s, parts that disagree, and more than four clips assembling at once', () => {
    const store = createEvidenceStore(dir);
    expect(() => send(store, new Uint8Array(EVIDENCE_MAX_BYTES + 2))).toThrow(/at most 30 seconds/);
    store.save({ spaceId: 'abcde12345', key: KEY, at: 1, name: 'Sam', part: 0, parts: 2, pcm: 'AAAAAA==' });
    expect(() => store.save({ spaceId: 'abcde12345', key: KEY, at: 1, name: 'Sam', part: 1, parts: 3, pcm: 'AAAAAA==' })).toThrow(/agree/);
    for (const at of [2, 3, 4]) store.save({ spaceId: 'abcde12345', key: KEY, at, name: 'Sam', part: 0, parts: 2, pcm: 'AAAAAA==' });
    expect(() => store.save({ spaceId: 'abcde12345', key: KEY, at: 5, name: 'Sam', part: 0, parts: 2, pcm: 'AAAAAA==' })).toThrow(/several evidence clips/);
    expect(store.list('abcde12345')).toEqual([]);
  });

  it('keeps at most 50 clips per space', () => {
    const store = createEvidenceStore(dir);
    for (let at = 0; at < MAX_CLIPS_PER_SPACE; at++) send(store, new Uint8Array(64), at);
    expect(() => send(store, new Uint8Array(64), 999)).toThrow(/50 evidence clips already/);
    expect(store.list('abcde12345')).toHaveLength(MAX_CLIPS_PER_SPACE);
  });

  it('drops an unfinished clip after a minute', () => {
    let now = 0;
    const store = createEvidenceStore(dir, () => now);
    for (const at of [1, 2, 3, 4]) store.save({ spaceId: 'abcde12345', key: KEY, at, name: 'Sam', part: 0, parts: 2, pcm: 'AAAAAA==' });
    now = 61_000;
    expect(store.save({ spaceId: 'abcde12345', key: KEY, at: 9, name: 'Sam', part: 0, parts: 1, pcm: 'AAAAAA==' })).toEqual({ saved: true });
  });

  it('gives a path only for a listed clip: no traversal, no other file', () => {
    const store = createEvidenceStore(dir);
    send(store, new Uint8Array(320));
    fs.writeFileSync(path.join(dir, 'abcde12345', 'other.wav'), 'x');
    for (const bad of ['../x.wav', 'other.wav', `${clipFileName(KEY, 1000)}.json`, clipFileName(KEY, 999)]) {
      expect(() => store.file('abcde12345', bad)).toThrow(/no such evidence clip/);
    }
    expect(() => store.file('zzzzz99999', clipFileName(KEY, 1000))).toThrow(/no such evidence clip/);
    expect(store.list('abcde12345').map((c) => c.file)).toEqual([clipFileName(KEY, 1000)]);
  });
});
