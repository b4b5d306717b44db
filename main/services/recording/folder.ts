// Where a recording lives on disk: its folder's name (the space's title and the start time, safe on every file
// system), its track files' names, its manifest (rewritten atomically, so a crash leaves the old or the new one, never
// half of one), and the lock that keeps two studios from recording into the same folder at once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { marker, trackInfoSchema } from '../../../common/recording';
import { PodiumError } from '../../../common/result';
import { diskError as fileError } from './wav';

/** Letters, digits, spaces and a few marks; everything else (slashes, colons, control characters) becomes a dash. */
export function safeName(text: string, max = 60): string {
  const cleaned = text
    .normalize('NFC')
    .replace(/[^\p{L}\p{N} _\-.()&,']/gu, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[\s.-]+|[\s.-]+$/g, '');
  const cut = [...cleaned].slice(0, max).join('').trim();
  return cut || 'Untitled';
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** "Morning show 2026-11-30 17.05.09": sorts by time within a title, and has no colon (Windows forbids it). */
export function recordingFolderName(title: string, startedAt: Date): string {
  const d = startedAt;
  const stamp = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}.${pad(d.getMinutes())}.${pad(d.getSeconds())}`;
  return `${safeName(title)} ${stamp}`;
}

/** Creates the folder; a name already taken gets " (2)", " (3)"… */
export function createRecordingFolder(directory: string, name: string): string {
  for (let n = 1; n < 100; n++) {
    const candidate = path.join(directory, n === 1 ? name : `${name} (${n})`);
    try {
      fs.mkdirSync(candidate);
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw diskError(error, directory, 'create');
    }
  }
  throw new PodiumError('unavailable', `Could not make a new folder in ${directory}.`);
}

export function trackFileName(index: number, name: string, kind: string): string {
  if (kind === 'mix') return 'mix.wav';
  return `${pad(index)} ${safeName(name, 40)}${kind === 'host' ? ' (host)' : ''}.wav`;
}

/** A failure in a recordings folder, in words (see wav.ts: one table of file-system errors for the recorder). */
export function diskError(error: unknown, folder: string, action: 'create' | 'write' = 'write'): PodiumError {
  return fileError(error, path.join(folder, '…'), action);
}

// ── Manifest ─────────────────────────────────────────────────────────────────────────────────────────────────────
export const MANIFEST_FILE = 'recording.json';

export const manifestSchema = z.object({
  format: z.literal(1),
  id: z.string(),
  serial: z.number().int(),
  title: z.string(),
  spaceId: z.string(),
  startedAt: z.number().int(),
  state: z.enum(['recording', 'complete', 'failed']),
  tracks: z.array(trackInfoSchema.extend({ file: z.string() })),
  markers: z.array(marker),
  stage: z.array(
    z.object({ frame: z.number().int(), members: z.array(z.object({ participantId: z.string(), name: z.string(), role: z.string() })) }),
  ),
  message: z.string().nullable(),
});
export type Manifest = z.infer<typeof manifestSchema>;

export function writeManifest(folder: string, manifest: Manifest): void {
  const file = path.join(folder, MANIFEST_FILE);
  const temp = `${file}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(manifest, null, 1));
  fs.renameSync(temp, file);
}

export function readManifest(folder: string): Manifest | null {
  try {
    const checked = manifestSchema.safeParse(JSON.parse(fs.readFileSync(path.join(folder, MANIFEST_FILE), 'utf8')));
    return checked.success ? checked.data : null;
  } catch {
    return null;
  }
}

// ── Lock ─────────────────────────────────────────────────────────────────────────────────────────────────────────
export const LOCK_FILE = '.recording.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds the folder's lock now, if a live process on this machine does. */
export function lockHolder(directory: string): { pid: number; host: string } | null {
  try {
    const held = JSON.parse(fs.readFileSync(path.join(directory, LOCK_FILE), 'utf8')) as { pid?: unknown; host?: unknown };
    if (typeof held.pid !== 'number' || typeof held.host !== 'string') return null;
    if (held.host === os.hostname() && held.pid !== process.pid && !alive(held.pid)) return null;
    return { pid: held.pid, host: held.host };
  } catch {
    return null;
  }
}

/**
 * Takes the lock for this process or refuses in words. A lock left by a process that died (a crash) is taken over:
 * that is the case recovery repairs.
 */
export function takeLock(directory: string): () => void {
  const file = path.join(directory, LOCK_FILE);
  const holder = lockHolder(directory);
  if (holder && holder.pid !== process.pid) {
    throw new PodiumError(
      'invalid_state',
      `Another Podium studio (process ${holder.pid}${holder.host === os.hostname() ? '' : ` on ${holder.host}`}) is recording into ${directory}. Stop that recording first.`,
    );
  }
  try {
    fs.writeFileSync(file, JSON.stringify({ pid: process.pid, host: os.hostname() }));
  } catch (error) {
    throw diskError(error, directory, 'create');
  }
  return () => {
    try {
      if (lockHolder(directory)?.pid === process.pid) fs.unlinkSync(file);
    } catch {
      // The folder went away; nothing to release.
    }
  };
}
