// Recovery after a crash: a recording whose writer was killed leaves tracks with stale headers (at most about a
// second behind, see track-file.ts) and a manifest still saying "recording". At the next start each one is repaired
// from the files' sizes, measured, given its exports, and listed in the library as recovered, with what was kept.
// A folder locked by another live studio is someone else's recording in progress and is left alone.
import fs from 'node:fs';
import path from 'node:path';
import { RECORDING_SAMPLE_RATE as RATE, type Loudness, type RecordingEntry } from '../../../common/recording';
import { writeExports } from './finish';
import { lockHolder, readManifest, writeManifest, LOCK_FILE, type Manifest } from './folder';
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

async function recoverFolder(folder: string, manifest: Manifest, log: (line: string) => void): Promise<RecordingEntry> {
  let longest = 0;
  let size = 0;
  const tracks: RecordingEntry['tracks'] = [];
  const problems: string[] = [];
  for (const t of manifest.tracks) {
    const file = path.join(folder, t.file);
    try {
      const repaired = repairWav(file);
      longest = Math.max(longest, repaired.frames);
      size += fs.statSync(file).size;
      tracks.push({ index: t.index, kind: t.kind, participantId: t.participantId, name: t.name, file: t.file, loudness: await measure(file) });
    } catch (error) {
      problems.push(`${t.file}: ${(error as Error).message}`);
      log(`recovery: ${t.file} could not be repaired: ${(error as Error).message}`);
    }
  }
  const durationMs = Math.round((longest / RATE) * 1000);
  const message =
    `Podium stopped while this was recording. It repaired the files and kept ${describeDuration(durationMs)}.` +
    (problems.length ? ` Not recovered: ${problems.join('; ')}` : '');
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
  manifest.state = 'complete';
  manifest.message = message;
  try {
    writeExports(folder, manifest, entry, longest);
    writeManifest(folder, manifest);
  } catch (error) {
    log(`recovery: exports not written for ${folder}: ${(error as Error).message}`);
  }
  return entry;
}

/** Finds and repairs what the last run left unfinished; returns what it recovered. */
export async function recoverUnfinished(directory: string, library: RecordingLibrary, log: (line: string) => void = () => {}): Promise<RecordingEntry[]> {
  if (!fs.existsSync(directory)) return [];
  const holder = lockHolder(directory);
  if (holder && holder.pid !== process.pid) return [];
  // The library says which recordings were running; the folders say so too, in case the library was lost.
  const folders = new Set(library.unfinished().map((e) => e.folder));
  for (const name of fs.readdirSync(directory)) {
    const folder = path.join(directory, name);
    if (!folders.has(folder) && readManifest(folder)?.state === 'recording') folders.add(folder);
  }
  const recovered: RecordingEntry[] = [];
  for (const folder of folders) {
    const manifest = readManifest(folder);
    if (!manifest || manifest.state !== 'recording') {
      // Its folder is gone or unreadable: keep the row honest instead of leaving it "recording" forever.
      const stale = library.unfinished().find((e) => e.folder === folder);
      if (stale) library.put({ ...stale, status: 'failed', message: 'Podium stopped while this was recording, and its folder could not be read.' });
      continue;
    }
    const entry = await recoverFolder(folder, manifest, log);
    library.put(entry);
    recovered.push(entry);
    log(`recovered recording "${manifest.title}": ${entry.message}`);
  }
  try {
    fs.unlinkSync(path.join(directory, LOCK_FILE));
  } catch {
    // No stale lock.
  }
  return recovered;
}
