// A recording's place on disk: names that every file system takes (cut by bytes, never mid-letter, never a Windows
// device name), track names recovery may trust, a manifest kept to a few MB however long the show, files replaced
// rather than written through a planted link, and the check that a path really lies inside the recordings folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { projectFileName } from '../../../../main/services/recording/finish';
import {
  MANIFEST_FILE,
  MANIFEST_LIMITS,
  createRecordingFolder,
  isTrackFileName,
  readManifest,
  recordingFolderName,
  replaceFile,
  safeName,
  trackFileName,
  whyNotInside,
  writeManifest,
  type Manifest,
} from '../../../../main/services/recording/folder';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-folder-'));
  dirs.push(dir);
  return dir;
}

const at = new Date(2026, 10, 30, 17, 5, 9);
const bytes = (text: string) => Buffer.byteLength(text);

describe('recording names', () => {
  it('keeps a folder name under 150 bytes whatever the script, and the folder can be made', () => {
    const root = tempDir();
    for (const title of ['𝐁𝐨𝐥𝐝 '.repeat(20), '\u{20000}'.repeat(60), '語'.repeat(120), 'a'.repeat(120)]) {
      const name = recordingFolderName(title, at);
      expect(bytes(name)).toBeLessThanOrEqual(145);
      expect(name).toMatch(/ 2026-11-30 17\.05\.09$/);
      expect(fs.existsSync(createRecordingFolder(root, name))).toBe(true);
    }
    expect(bytes(trackFileName(3, '\u{20000}'.repeat(60), 'host'))).toBeLessThanOrEqual(100);
  });

  it('keeps vowel signs and combining accents with their letters, and never cuts through one', () => {
    expect(safeName('नमस्ते दुनिया')).toBe('नमस्ते दुनिया');
    expect(safeName('q\u0307 x')).toBe('q\u0307 x');
    const devanagari = 'क्षि'.repeat(40);
    const cut = safeName(devanagari, 50);
    expect(bytes(cut)).toBeLessThanOrEqual(50);
    expect(devanagari.startsWith(cut)).toBe(true);
    // What follows the cut starts a new letter: no vowel sign or virama was left behind.
    expect(devanagari.slice(cut.length)).toMatch(/^क/);
  });

  it('never names a file or folder after a Windows device, with or without an extension, in any case', () => {
    const devices = ['CON', 'prn', 'Aux', 'NUL', 'com1', 'COM9', 'lpt1', 'LPT9', 'COM¹'];
    for (const device of devices) {
      for (const title of [device, `${device}.txt`, `${device.toLowerCase()}.tar.gz`, `${device} .x`, `${device}.`]) {
        const name = safeName(title);
        expect(name.split('.')[0]!.trimEnd(), title).not.toMatch(/^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i);
      }
      expect(projectFileName(device)).not.toMatch(/^(con|prn|aux|nul|com.|lpt.)\.RPP$/i);
    }
    expect(safeName('CON')).toBe('_CON');
    expect(projectFileName('nul')).toBe('_nul.RPP');
    // Words that merely start like one stay as they are.
    expect(safeName('Console')).toBe('Console');
    expect(safeName('COM10')).toBe('COM10');
  });

  it('trusts only bare track names Podium writes', () => {
    for (const good of ['mix.wav', '03 Ann.wav', '01 Ann (host).wav', trackFileName(7, 'नमस्ते', 'speaker')]) expect(isTrackFileName(good), good).toBe(true);
    for (const bad of ['../../Music/interview.wav', '/etc/passwd', 'sub/03 Ann.wav', '..\\03 Ann.wav', 'C:03 Ann.wav', '03 Ann.txt', 'notes.wav', '..', '']) {
      expect(isTrackFileName(bad), bad).toBe(false);
    }
  });
});

function manifestWith(stage: Manifest['stage'], markers: Manifest['markers']): Manifest {
  return { format: 1, id: 'r0123456789ab', serial: 1, title: 'Show', spaceId: 'abcde12345', startedAt: 0, state: 'recording', tracks: [], markers, stage, message: null };
}

describe('the manifest', () => {
  it('at its limits, with names in a three-byte script, stays under 4 MB and writes in well under 100 ms', () => {
    const dir = tempDir();
    const { stageSnapshots, stageMembers, markers, labelChars } = MANIFEST_LIMITS;
    const perSnapshot = Math.floor(stageMembers / stageSnapshots);
    const name = '語'.repeat(120);
    const stage = Array.from({ length: stageSnapshots }, (_, s) => ({
      frame: s * 48_000,
      members: Array.from({ length: perSnapshot }, (_, i) => ({ participantId: `p${s}-${i}`.padEnd(40, 'x'), name, role: 'speaker' })),
    }));
    const marks = Array.from({ length: markers }, (_, i) => ({ frame: i, kind: 'manual' as const, label: '語'.repeat(labelChars) }));
    const manifest = manifestWith(stage, marks);
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      writeManifest(dir, manifest);
      best = Math.min(best, performance.now() - t0);
    }
    const size = fs.statSync(path.join(dir, MANIFEST_FILE)).size;
    console.log(`manifest at its limits: ${(size / 1e6).toFixed(2)} MB, written in ${best.toFixed(1)} ms`);
    expect(size).toBeLessThan(4 * 1024 * 1024);
    expect(best).toBeLessThan(100);
    const back = readManifest(dir)!;
    expect(back.stage).toHaveLength(stageSnapshots);
    expect(back.markers).toHaveLength(markers);
  });

  it('is trimmed to its limits when a recorder holds more', () => {
    const dir = tempDir();
    const member = (i: number) => ({ participantId: `p${i}`.padEnd(40, 'x'), name: 'N'.repeat(120), role: 'speaker' });
    const stage = Array.from({ length: 1_000 }, (_, s) => ({ frame: s, members: Array.from({ length: 200 }, (_, i) => member(i)) }));
    const marks = Array.from({ length: 10_000 }, (_, i) => ({ frame: i, kind: 'manual' as const, label: 'L'.repeat(120) }));
    writeManifest(dir, manifestWith(stage, marks));
    expect(fs.statSync(path.join(dir, MANIFEST_FILE)).size).toBeLessThan(4 * 1024 * 1024);
    const back = readManifest(dir)!;
    expect(back.markers).toHaveLength(MANIFEST_LIMITS.markers);
    expect(back.stage.every((s) => s.members.length <= MANIFEST_LIMITS.membersPerSnapshot)).toBe(true);
    expect(back.stage.reduce((n, s) => n + s.members.length, 0)).toBeLessThanOrEqual(MANIFEST_LIMITS.stageMembers);
    expect(back.stage[0]!.frame).toBe(0);
  });

  it('refuses an id that is not a recording id', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify({ ...manifestWith([], []), id: '../not-an-id' }));
    expect(readManifest(dir)).toBeNull();
  });

  it('replaces a link planted at the manifest or its temporary, never writing through it', () => {
    const dir = tempDir();
    const victim = path.join(dir, 'victim.txt');
    fs.writeFileSync(victim, 'precious');
    const folder = path.join(dir, 'rec');
    fs.mkdirSync(folder);
    fs.symlinkSync(victim, path.join(folder, `${MANIFEST_FILE}.tmp`));
    writeManifest(folder, manifestWith([], []));
    fs.symlinkSync(victim, path.join(folder, 'markers.txt'));
    replaceFile(path.join(folder, 'markers.txt'), 'labels');
    expect(fs.readFileSync(victim, 'utf8')).toBe('precious');
    expect(fs.lstatSync(path.join(folder, 'markers.txt')).isSymbolicLink()).toBe(false);
    expect(readManifest(folder)?.id).toBe('r0123456789ab');
  });
});

describe('whyNotInside', () => {
  it('allows plain files and folders inside, and names what is wrong with anything else', () => {
    const root = tempDir();
    const recordings = path.join(root, 'recordings');
    const outside = path.join(root, 'outside');
    fs.mkdirSync(path.join(recordings, 'show'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(recordings, 'show', 'mix.wav'), 'x');
    fs.writeFileSync(path.join(outside, 'interview.wav'), 'x');
    fs.symlinkSync(outside, path.join(recordings, 'linked'));
    fs.symlinkSync(path.join(outside, 'interview.wav'), path.join(recordings, 'show', '01 Ann.wav'));
    fs.linkSync(path.join(outside, 'interview.wav'), path.join(recordings, 'show', '02 Bea.wav'));

    expect(whyNotInside(recordings, path.join(recordings, 'show'), 'folder')).toBeNull();
    expect(whyNotInside(recordings, path.join(recordings, 'show', 'mix.wav'), 'file to change')).toBeNull();
    expect(whyNotInside(recordings, path.join(recordings, 'linked'), 'folder')).toMatch(/link/);
    expect(whyNotInside(recordings, path.join(recordings, 'linked', 'interview.wav'), 'file')).toMatch(/outside the recordings folder/);
    expect(whyNotInside(recordings, path.join(recordings, 'show', '01 Ann.wav'), 'file')).toMatch(/link/);
    expect(whyNotInside(recordings, path.join(recordings, 'show', '02 Bea.wav'), 'file to change')).toMatch(/hard link/);
    expect(whyNotInside(recordings, path.join(recordings, 'show', 'gone.wav'), 'file')).toMatch(/missing/);
    expect(whyNotInside(recordings, outside, 'folder')).toMatch(/outside/);
    expect(whyNotInside(recordings, recordings, 'folder')).toMatch(/outside/);
  });

  it('follows a recordings folder that is itself a link (a folder on another disk)', () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, 'disk', 'show'), { recursive: true });
    fs.symlinkSync(path.join(root, 'disk'), path.join(root, 'recordings'));
    expect(whyNotInside(path.join(root, 'recordings'), path.join(root, 'recordings', 'show'), 'folder')).toBeNull();
  });
});
