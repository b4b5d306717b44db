// Recovery after a crash: a recording whose writer was killed leaves tracks with stale headers (at most about a
// second behind, see track-file.ts) and a manifest still saying "recording". At the next start each one is repaired
// from the files' sizes, measured, given its exports, and listed in the library as recovered, with what was kept.
// A folder locked by another live studio is someone else's recording in progress and is left alone.
// The recordings folder may be synced or shared, so a manifest is not trusted: its track files must be bare names
// Podium writes, links are not followed, nothing outside the recordings folder is touched, a manifest may not take
// over another recording's id, and one folder that goes wrong never stops the others. What is skipped is logged and
// said in the recording's message.
import fs from 'node:fs';
import path from 'node:path';
import { RECORDING_SAMPLE_RATE as RATE, type Loudness, type RecordingEntry } from '../../../common/recording';
import { writeExports } from './finish';
import { inspectManifest, isTrackFileName, lockHolder, whyNotInside, writeManifest, LOCK_FILE, MANIFEST_FILE, type Manifest } from './folder';
import type { RecordingLibrary } from './library';
import { measureWavFile } from './pcm-read';
import { repairWav } from './wav';

export function describeDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

async function measure(file: string): Promise<Loudness | null> {
  try {
    return await measureWavFile(file);
  } catch {
    return null;
  }
}

/** Repairs and measures the tracks the manifest lists, skipping (and naming) any it may not touch. */
async function recoverFolder(directory: string, folder: string, manifest: Manifest, log: (line: string) => void) {
  let longest = 0;
  let size = 0;
  const tracks: RecordingEntry['tracks'] = [];
  const problems: string[] = [];
  const skip = (name: string, why: string) => {
    problems.push(`${name} (${why})`);
    log(`recovery: ${name} in ${folder} was not repaired: ${why}`);
  };
  for (const t of manifest.tracks) {
    if (!isTrackFileName(t.file)) {
      skip(JSON.stringify(t.file.slice(0, 100)), 'not a track file name Podium writes');
      continue;
    }
    const file = path.join(folder, t.file);
    const why = whyNotInside(directory, file, 'file to change');
    if (why) {
      skip(t.file, why);
      continue;
    }
    try {
      const repaired = repairWav(file);
      longest = Math.max(longest, repaired.frames);
      size += fs.statSync(file).size;
      tracks.push({ index: t.index, kind: t.kind, participantId: t.participantId, name: t.name, file: t.file, loudness: await measure(file) });
    } catch (error) {
      skip(t.file, (error as Error).message);
    }
  }
  const durationMs = Math.round((longest / RATE) * 1000);
  const message =
    `Podium stopped while this was recording. It repaired the files and kept ${describeDuration(durationMs)}.` +
    (problems.length ? ` Not recovered: ${problems.join('; ')}.` : '');
  const entry: RecordingEntry = {
    id: manifest.id,
    title: manifest.title,
    spaceId: manifest.spaceId,
    folder,
    startedAt: manifest.startedAt,
    durationMs,
    sizeBytes: size,
    tracks,
    markerCount: manifest.markers.length,
    status: 'recovered',
    message,
    loudness: tracks.find((t) => t.kind === 'mix')?.loudness ?? null,
    normalizedFile: null,
  };
  return { entry, frames: longest };
}

function sameFolder(a: string, b: string): boolean {
  if (path.resolve(a) === path.resolve(b)) return true;
  try {
    return fs.realpathSync(a) === fs.realpathSync(b);
  } catch {
    return false;
  }
}

/** Settles one folder: the recovered entry, or null when there was nothing (or nothing allowed) to recover. */
async function recoverOne(directory: string, folder: string, library: RecordingLibrary, log: (line: string) => void): Promise<RecordingEntry | null> {
  const row = library.byFolder(folder);
  const skip = (why: string) => {
    log(`recovery: ${folder} was not repaired: ${why}`);
    // A row left "recording" would be retried at every start; it says what happened instead.
    if (row?.status === 'recording') {
      library.put({ ...row, status: 'failed', message: `Podium stopped while this was recording, and did not repair its folder: ${why}.` });
    }
    return null;
  };
  const outside = whyNotInside(directory, folder, 'folder');
  if (outside) return skip(outside);
  const read = inspectManifest(folder);
  if ('problem' in read) return skip(read.problem);
  const manifest = read.manifest;
  if (row && row.id !== manifest.id) return skip(`its ${MANIFEST_FILE} names recording ${manifest.id}, the library ${row.id}`);
  const owner = row ?? library.get(manifest.id);
  if (owner && !sameFolder(owner.folder, folder)) {
    // Copied or crafted: the id is taken, and the library's row stays with the folder it names.
    log(`recovery: ${folder} was not repaired: recording ${manifest.id} is already in the library, at ${owner.folder}`);
    return null;
  }
  if (owner && owner.status !== 'recording') {
    // The library heard the end but the manifest did not (an earlier build wrote it after the exports, and one
    // failed): the library's row is right, and the manifest is brought in line so that this is not redone.
    if (manifest.state === 'recording') {
      writeManifest(folder, { ...manifest, state: owner.status === 'failed' ? 'failed' : 'complete', message: owner.message });
      log(`recovery: ${folder} had finished; its ${MANIFEST_FILE} now says so`);
    }
    return null;
  }
  const { entry, frames } = await recoverFolder(directory, folder, manifest, log);
  // The library first: if Podium stops again before the manifest is written, the rule above settles it next time.
  library.put(entry);
  try {
    writeExports(folder, { ...manifest, state: 'complete', message: entry.message }, entry, frames);
  } catch (error) {
    log(`recovery: ${(error as Error).message}`);
  }
  log(`recovered recording "${manifest.title}": ${entry.message}`);
  return entry;
}

/** Finds and repairs what the last run left unfinished; returns what it recovered. */
export async function recoverUnfinished(directory: string, library: RecordingLibrary, log: (line: string) => void = () => {}): Promise<RecordingEntry[]> {
  if (!fs.existsSync(directory)) return [];
  const holder = lockHolder(directory);
  if (holder && holder.pid !== process.pid) return [];
  // The library says which recordings were running; the folders say so too, in case the library was lost. Links
  // in the recordings folder are not followed (a Dirent of a link is not a directory).
  const folders = new Set(library.unfinished().map((e) => e.folder));
  for (const found of fs.readdirSync(directory, { withFileTypes: true })) {
    const folder = path.join(directory, found.name);
    if (found.isSymbolicLink()) log(`recovery: ${folder} was not looked at: it is a link to somewhere else`);
    if (!found.isDirectory() || folders.has(folder)) continue;
    const read = inspectManifest(folder);
    if ('manifest' in read) {
      if (read.manifest.state === 'recording') folders.add(folder);
    } else if (!read.absent) {
      log(`recovery: ${folder} was not repaired: ${read.problem}`);
    }
  }
  const recovered: RecordingEntry[] = [];
  for (const folder of folders) {
    // One folder that goes wrong in an unforeseen way must not cost the others their repair.
    try {
      const entry = await recoverOne(directory, folder, library, log);
      if (entry) recovered.push(entry);
    } catch (error) {
      log(`recovery: ${folder} was not repaired: ${(error as Error).message}`);
    }
  }
  try {
    fs.unlinkSync(path.join(directory, LOCK_FILE));
  } catch {
    // No stale lock.
  }
  return recovered;
}
