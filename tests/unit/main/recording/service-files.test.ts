// What the recording service serves, exports and deletes is a plain file or folder really inside the recordings
// folder, whatever the library row or the folder now holds (a link, a path); one recording is exported by one call
// at a time; and a media token serves only the file it was issued for, until its recording is deleted.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RECORDING_SAMPLE_RATE as RATE, encodePcmFrame, type RecordingEntry } from '../../../../common/recording';
import { openRecordingLibrary } from '../../../../main/services/recording/library';
import { createMediaTokens } from '../../../../main/services/recording/media-tokens';
import { normalizeWav } from '../../../../main/services/recording/normalize';
import { LIBRARY_FILE, createRecordingService, type RecordingService } from '../../../../main/services/recording/service';
import { readWavInfo } from '../../../../main/services/recording/wav';

const dirs: string[] = [];
const services: RecordingService[] = [];
afterEach(() => {
  for (const s of services.splice(0)) {
    try {
      s.close();
    } catch {
      // Closed by the test.
    }
  }
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-service-'));
  dirs.push(root);
  const options = { directory: path.join(root, 'recordings'), dataDir: path.join(root, 'data') };
  const open = () => {
    const service = createRecordingService(options);
    services.push(service);
    return service;
  };
  return { root, options, open };
}

/** A finished recording with `seconds` of tone on its mix. */
function record(service: RecordingService, seconds = 0.5): RecordingEntry {
  const active = service.start({ spaceId: 'abcde12345', title: 'Show' });
  service.addTrack({ id: active.id, track: { index: 0, kind: 'mix', participantId: '', name: 'Mix' } });
  for (let at = 0; at < seconds * RATE; at += RATE / 10) {
    const samples = Float32Array.from({ length: RATE / 10 }, (_, i) => 0.05 * Math.sin((2 * Math.PI * 440 * (at + i)) / RATE));
    service.ingest(new Uint8Array(encodePcmFrame({ track: 0, serial: active.serial, startFrame: at, samples })));
  }
  return service.stop({ id: active.id });
}

/** Rewrites the library row as malware or a bad sync could. (Service closed first.) */
function editRow(dataDir: string, entry: RecordingEntry): void {
  const library = openRecordingLibrary(path.join(dataDir, LIBRARY_FILE));
  library.put(entry);
  library.close();
}

describe('mediaFile', () => {
  it('plays the mix, and refuses a mix that became a link or a folder that leads outside', () => {
    const { root, open } = setup();
    const service = open();
    const entry = record(service);
    expect(service.mediaFile({ id: entry.id, file: 'mix' })).toBe(path.join(entry.folder, 'mix.wav'));
    expect(() => service.mediaFile({ id: entry.id, file: 'normalized' })).toThrow(/Export it for podcasts first/);

    const mix = path.join(entry.folder, 'mix.wav');
    const saved = fs.readFileSync(mix);
    fs.rmSync(mix);
    expect(() => service.mediaFile({ id: entry.id, file: 'mix' })).toThrow(/mix\.wav is missing/);
    const secret = path.join(root, 'secret.txt');
    fs.writeFileSync(secret, 'not for the studio page');
    fs.symlinkSync(secret, mix);
    expect(() => service.mediaFile({ id: entry.id, file: 'mix' })).toThrow(/does not play .*mix\.wav: it is a link/);

    // The whole folder swapped for a link to a folder elsewhere that holds a mix.wav.
    const elsewhere = path.join(root, 'elsewhere');
    fs.mkdirSync(elsewhere);
    fs.writeFileSync(path.join(elsewhere, 'mix.wav'), saved);
    fs.rmSync(entry.folder, { recursive: true });
    fs.symlinkSync(elsewhere, entry.folder);
    expect(() => service.mediaFile({ id: entry.id, file: 'mix' })).toThrow(/does not play .*: it is a link/);
  });
});

describe('normalize', () => {
  it('reads the mix by its bare name inside the folder, whatever the library row says', async () => {
    const { root, options, open } = setup();
    const first = open();
    const entry = record(first);
    first.close();
    // A valid mix outside the recordings folder, named by a tampered row.
    fs.mkdirSync(path.join(root, 'Music'));
    fs.copyFileSync(path.join(entry.folder, 'mix.wav'), path.join(root, 'Music', 'interview.wav'));
    editRow(options.dataDir, { ...entry, tracks: [{ ...entry.tracks[0]!, file: '../../Music/interview.wav' }] });
    const service = open();
    await expect(service.normalize({ id: entry.id })).rejects.toThrow(/interview\.wav is missing from/);
    expect(fs.existsSync(path.join(entry.folder, 'mix-normalized.wav'))).toBe(false);
  });

  it('exports one recording once at a time: a second call is refused in words, and the export is whole', async () => {
    const { open } = setup();
    const service = open();
    const entry = record(service, 3);
    const first = service.normalize({ id: entry.id });
    await expect(service.normalize({ id: entry.id })).rejects.toThrow('This recording is already being exported.');
    expect(() => service.delete({ id: entry.id })).toThrow(/Wait for the export to finish/);
    await expect(first).resolves.toMatchObject({ entry: { normalizedFile: 'mix-normalized.wav' } });
    expect(readWavInfo(path.join(entry.folder, 'mix-normalized.wav')).frames).toBe(3 * RATE);
    // Once done, it can be exported again.
    await expect(service.normalize({ id: entry.id })).resolves.toMatchObject({ entry: { normalizedFile: 'mix-normalized.wav' } });
    expect(fs.readdirSync(entry.folder).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('renders two exports of one file at once into files of their own (two studios, one folder)', async () => {
    const { open } = setup();
    const service = open();
    const entry = record(service, 3);
    const source = path.join(entry.folder, 'mix.wav');
    const destination = path.join(entry.folder, 'mix-normalized.wav');
    const results = await Promise.allSettled([normalizeWav(source, destination), normalizeWav(source, destination)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(readWavInfo(destination).frames).toBe(3 * RATE);
    expect(fs.readdirSync(entry.folder).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });
});

describe('delete', () => {
  it('refuses a folder whose real place is outside the recordings folder, and removes only a link', () => {
    const { root, options, open } = setup();
    const first = open();
    const entry = record(first);
    const linked = record(first);
    first.close();
    const victim = path.join(root, 'victim');
    fs.mkdirSync(path.join(victim, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(victim, 'sub', 'keep.txt'), 'precious');
    fs.symlinkSync(victim, path.join(options.directory, 'link'));
    editRow(options.dataDir, { ...entry, folder: path.join(options.directory, 'link', 'sub') });
    // A recording folder that is itself a link: the link goes, what it leads to stays.
    fs.rmSync(linked.folder, { recursive: true });
    fs.symlinkSync(victim, linked.folder);

    const service = open();
    expect(() => service.delete({ id: entry.id })).toThrow(/does not delete .*sub: it is outside the recordings folder/);
    expect(service.delete({ id: linked.id })).toEqual({ deleted: true });
    expect(fs.existsSync(linked.folder)).toBe(false);
    expect(fs.readFileSync(path.join(victim, 'sub', 'keep.txt'), 'utf8')).toBe('precious');
  });
});

describe('media tokens', () => {
  it('serves only the file a token was issued for, and forgets a deleted folder', () => {
    const { root } = setup();
    const show = path.join(root, 'Show');
    const show2 = path.join(root, 'Show 2');
    fs.mkdirSync(show);
    fs.mkdirSync(show2);
    const mix = path.join(show, 'mix.wav');
    const other = path.join(show2, 'mix.wav');
    fs.writeFileSync(mix, 'RIFF mix');
    fs.writeFileSync(other, 'RIFF other');
    const media = createMediaTokens();
    const token = media.issue(mix);
    const kept = media.issue(other);
    expect(media.issue(mix)).toBe(token);
    expect(media.resolve(token)).toBe(mix);

    // Deleted and a new file made at the same path (a new recording with the same name): the old token is dead.
    fs.rmSync(mix);
    fs.writeFileSync(mix, 'A NEW FILE AT THE SAME PATH');
    expect(media.resolve(token)).toBeNull();
    // A link planted at the path is never served, even through a fresh token.
    const fresh = media.issue(mix);
    fs.rmSync(mix);
    fs.symlinkSync('/etc/passwd', mix);
    expect(media.resolve(fresh)).toBeNull();
    expect(() => media.issue(mix)).toThrow(/not a file Podium can play/);

    fs.rmSync(mix);
    fs.writeFileSync(mix, 'RIFF mix');
    const again = media.issue(mix);
    expect(media.revokeFolder(show)).toBe(1);
    expect(media.resolve(again)).toBeNull();
    // "Show 2" only starts like "Show": its token lives on.
    expect(media.resolve(kept)).toBe(other);
  });
});
