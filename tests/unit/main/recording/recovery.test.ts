// Recovery at start against a recordings folder it cannot trust (synced, shared, or a "crashed recording" folder a
// co-host sent): manifests that name files elsewhere, links, bad or borrowed ids, one folder that fails, and a
// finished recording whose exports could not be written. Real files in temp folders; the service as the studio runs it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RECORDING_SAMPLE_RATE as RATE, encodePcmFrame, type RecordingEntry } from '../../../../common/recording';
import { projectFileName } from '../../../../main/services/recording/finish';
import { MANIFEST_FILE, type Manifest } from '../../../../main/services/recording/folder';
import { openRecordingLibrary, type RecordingLibrary } from '../../../../main/services/recording/library';
import { recoverUnfinished } from '../../../../main/services/recording/recovery';
import { LIBRARY_FILE, createRecordingService, type RecordingService } from '../../../../main/services/recording/service';

const dirs: string[] = [];
const closers: Array<{ close(): void }> = [];
afterEach(() => {
  for (const c of closers.splice(0)) {
    try {
      c.close();
    } catch {
      // Closed by the test.
    }
  }
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-recovery-'));
  dirs.push(root);
  const directory = path.join(root, 'recordings');
  const dataDir = path.join(root, 'data');
  const logs: string[] = [];
  const open = async (): Promise<RecordingService> => {
    const service = createRecordingService({ directory, dataDir, log: (line) => logs.push(line) });
    closers.push(service);
    await service.ready;
    return service;
  };
  return { root, directory, dataDir, logs, open };
}

/** A finished recording with half a second of tone on its mix. */
function record(service: RecordingService, title: string): RecordingEntry {
  const active = service.start({ spaceId: 'abcde12345', title });
  service.addTrack({ id: active.id, track: { index: 0, kind: 'mix', participantId: '', name: 'Mix' } });
  const samples = Float32Array.from({ length: RATE / 2 }, (_, i) => 0.25 * Math.sin((2 * Math.PI * 440 * i) / RATE));
  service.ingest(new Uint8Array(encodePcmFrame({ track: 0, serial: active.serial, startFrame: 0, samples })));
  return service.stop({ id: active.id });
}

const manifestPath = (folder: string) => path.join(folder, MANIFEST_FILE);
const readJson = (folder: string) => JSON.parse(fs.readFileSync(manifestPath(folder), 'utf8')) as Manifest;
const writeJson = (folder: string, manifest: Manifest) => fs.writeFileSync(manifestPath(folder), JSON.stringify(manifest));

/** What a kill -9 leaves: the manifest and the library row still say "recording". (Service closed first.) */
function unfinish(dataDir: string, entry: RecordingEntry, manifest: Partial<Manifest> = {}): void {
  writeJson(entry.folder, { ...readJson(entry.folder), state: 'recording', message: null, ...manifest });
  const library = openRecordingLibrary(path.join(dataDir, LIBRARY_FILE));
  library.put({ ...entry, status: 'recording', message: null });
  library.close();
}

/** A playable WAV outside the recordings folder that a repair would change (three stray bytes at its end). */
function victimWav(root: string, from: string): { file: string; bytes: Buffer } {
  fs.mkdirSync(path.join(root, 'Music'), { recursive: true });
  const file = path.join(root, 'Music', 'interview.wav');
  fs.writeFileSync(file, Buffer.concat([fs.readFileSync(from), Buffer.from([1, 2, 3])]));
  return { file, bytes: fs.readFileSync(file) };
}

function foreignManifest(over: Partial<Manifest>): Manifest {
  return {
    format: 1,
    id: `r${crypto.randomBytes(6).toString('hex')}`,
    serial: 1,
    title: 'Sent by a co-host',
    spaceId: 'abcde12345',
    startedAt: Date.now(),
    state: 'recording',
    tracks: [],
    markers: [],
    stage: [],
    message: null,
    ...over,
  };
}

describe('recovery trusts nothing a manifest names', () => {
  it('repairs only bare track names inside the folder, and says what it skipped', async () => {
    const ctx = setup();
    const first = await ctx.open();
    const entry = record(first, 'Show');
    first.close();
    const victim = victimWav(ctx.root, path.join(entry.folder, 'mix.wav'));
    const manifest = readJson(entry.folder);
    unfinish(ctx.dataDir, entry, {
      tracks: [...manifest.tracks, { index: 1, kind: 'speaker', participantId: 'p1', name: 'Eve', file: '../../Music/interview.wav' }],
    });

    const service = await ctx.open();
    const [recovered] = service.status().recovered;
    expect(fs.readFileSync(victim.file)).toEqual(victim.bytes);
    expect(recovered!.tracks.map((t) => t.file)).toEqual(['mix.wav']);
    expect(recovered!.message).toContain('Not recovered: "../../Music/interview.wav" (not a track file name Podium writes)');
    expect(ctx.logs.join('\n')).toMatch(/interview\.wav.*was not repaired/);
    // The export reads the mix by its bare name inside the folder.
    await expect(service.normalize({ id: recovered!.id })).resolves.toMatchObject({ entry: { normalizedFile: 'mix-normalized.wav' } });
  });

  it('does not repair a track file that is a link, and says so', async () => {
    const ctx = setup();
    const first = await ctx.open();
    const entry = record(first, 'Show');
    first.close();
    const victim = victimWav(ctx.root, path.join(entry.folder, 'mix.wav'));
    fs.rmSync(path.join(entry.folder, 'mix.wav'));
    fs.symlinkSync(victim.file, path.join(entry.folder, 'mix.wav'));
    unfinish(ctx.dataDir, entry);

    const service = await ctx.open();
    expect(fs.readFileSync(victim.file)).toEqual(victim.bytes);
    const [recovered] = service.status().recovered;
    expect(recovered!.tracks).toEqual([]);
    expect(recovered!.message).toContain('Not recovered: mix.wav (it is a link to somewhere else)');
  });

  it('does not follow a linked folder, nor a library row that leads outside the recordings folder', async () => {
    const ctx = setup();
    const first = await ctx.open();
    const entry = record(first, 'Show');
    first.close();
    // A link in the recordings folder to a folder elsewhere that holds a "recording" manifest.
    const documents = path.join(ctx.root, 'Documents');
    fs.mkdirSync(documents);
    writeJson(documents, foreignManifest({ title: 'notes' }));
    fs.symlinkSync(documents, path.join(ctx.directory, 'Linked'));
    // And the library row of a crashed recording edited to name a folder outside.
    const outside = path.join(ctx.root, 'outside');
    fs.cpSync(entry.folder, outside, { recursive: true });
    unfinish(ctx.dataDir, { ...entry, folder: outside });
    writeJson(outside, { ...readJson(outside), state: 'recording' });
    const before = fs.readdirSync(outside).map((f) => [f, fs.readFileSync(path.join(outside, f))]);

    const service = await ctx.open();
    expect(service.status().recovered).toEqual([]);
    expect(fs.readdirSync(documents)).toEqual([MANIFEST_FILE]);
    expect(ctx.logs.join('\n')).toMatch(/Linked was not looked at: it is a link/);
    expect(fs.readdirSync(outside).map((f) => [f, fs.readFileSync(path.join(outside, f))])).toEqual(before);
    const row = service.list().find((e) => e.id === entry.id)!;
    expect(row.status).toBe('failed');
    expect(row.message).toMatch(/did not repair its folder: it is outside the recordings folder/);
  });
});

describe('one bad folder does not spoil recovery', () => {
  it('skips a manifest whose id is not a recording id, and repairs the others at the same start', async () => {
    const ctx = setup();
    const first = await ctx.open();
    const good = record(first, 'Good');
    first.close();
    unfinish(ctx.dataDir, good);
    const bad = path.join(ctx.directory, 'A bad one');
    fs.mkdirSync(bad);
    writeJson(bad, foreignManifest({ id: 'not-an-id' }));

    const service = await ctx.open();
    expect(service.status().recovered.map((e) => e.id)).toEqual([good.id]);
    expect(ctx.logs.join('\n')).toMatch(/A bad one was not repaired: recording\.json is not one Podium wrote \(id: /);
  });

  it('carries on past a folder that fails in a way nobody foresaw', async () => {
    const ctx = setup();
    const first = await ctx.open();
    const a = record(first, 'First');
    const b = record(first, 'Second');
    first.close();
    unfinish(ctx.dataDir, a);
    unfinish(ctx.dataDir, b);
    const library = openRecordingLibrary(path.join(ctx.dataDir, LIBRARY_FILE));
    closers.push(library);
    const flaky: RecordingLibrary = {
      ...library,
      put: (entry) => {
        if (entry.id === a.id) throw new Error('disk I/O error');
        library.put(entry);
      },
    };
    const recovered = await recoverUnfinished(ctx.directory, flaky, (line) => ctx.logs.push(line));
    expect(recovered.map((e) => e.id)).toEqual([b.id]);
    expect(ctx.logs.join('\n')).toMatch(/First .* was not repaired: disk I\/O error/);
  });

  it('does not let a manifest take over the id of a recording already in the library', async () => {
    const ctx = setup();
    const first = await ctx.open();
    const real = record(first, 'Real show');
    first.close();
    const decoy = path.join(ctx.directory, 'Decoy');
    fs.mkdirSync(decoy);
    writeJson(decoy, foreignManifest({ id: real.id, title: 'Decoy' }));

    const service = await ctx.open();
    expect(service.status().recovered).toEqual([]);
    expect(service.list().map((e) => [e.id, e.folder, e.status])).toEqual([[real.id, real.folder, 'complete']]);
    expect(ctx.logs.join('\n')).toMatch(new RegExp(`Decoy was not repaired: recording ${real.id} is already in the library`));
  });
});

describe('a finished recording stays finished', () => {
  it('is complete on disk when an export cannot be written, and is not recovered at the next start', async () => {
    const ctx = setup();
    const first = await ctx.open();
    const active = first.start({ spaceId: 'abcde12345', title: 'Show' });
    first.addTrack({ id: active.id, track: { index: 0, kind: 'mix', participantId: '', name: 'Mix' } });
    // A folder where the REAPER project goes: the same failure as Windows refusing a name.
    fs.mkdirSync(path.join(active.folder, projectFileName('Show')));
    const entry = first.stop({ id: active.id });
    expect(readJson(entry.folder).state).toBe('complete');
    expect(fs.existsSync(path.join(entry.folder, 'markers.txt'))).toBe(true);
    expect(ctx.logs.join('\n')).toMatch(/Could not write Show\.RPP/);
    first.close();

    for (let start = 1; start <= 2; start++) {
      const service = await ctx.open();
      expect(service.status().recovered).toEqual([]);
      expect(service.list()[0]!.status).toBe('complete');
      service.close();
    }
  });

  it('keeps its library row when its manifest still says "recording", and settles the manifest', async () => {
    const ctx = setup();
    const first = await ctx.open();
    const entry = record(first, 'Show');
    await first.normalize({ id: entry.id });
    first.close();
    // What an earlier build left when an export failed at stop: the manifest never said "complete".
    writeJson(entry.folder, { ...readJson(entry.folder), state: 'recording' });

    const service = await ctx.open();
    expect(service.status().recovered).toEqual([]);
    expect(service.list()[0]).toMatchObject({ status: 'complete', normalizedFile: 'mix-normalized.wav', message: null });
    expect(readJson(entry.folder).state).toBe('complete');
  });
});
