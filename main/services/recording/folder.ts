// Where a recording lives on disk: its folder's name (the space's title and the start time, safe on every file
// system, Windows' device names included), its track files' names, its manifest (rewritten atomically, so a crash
// leaves the old or the new one, never half of one, and kept to a few MB because it is rewritten every second), the
// check that a file or folder Podium is about to touch really is inside the recordings folder (a recordings folder
// can be synced or shared: a link in it must not lead Podium to write elsewhere), and the lock that keeps two
// studios from recording into the same folder at once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { MARKER_LABEL_MAX, marker, recordingIdSchema, trackInfoSchema } from '../../../common/recording';
import { PodiumError } from '../../../common/result';
import { diskError as fileError } from './wav';

/** Names Windows keeps for devices: "CON" or "con.txt" is the console, not a file, and cannot be created. */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
/** A title's share of a folder name: with " 2026-11-30 17.05.09" and " (99)" the name stays under 150 bytes. */
export const TITLE_MAX_BYTES = 120;
/** A person's name in a track file name: "03 <name> (host).wav" stays under 100 bytes. */
export const TRACK_NAME_MAX_BYTES = 80;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The longest start of `text` within `maxBytes` of UTF-8: file systems count a name's bytes, not its letters (255
 * on most), and a cut between graphemes keeps every letter with its accents or vowel signs.
 */
function cutToBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let kept = '';
  let bytes = 0;
  for (const { segment } of graphemes.segment(text)) {
    bytes += Buffer.byteLength(segment);
    if (bytes > maxBytes) break;
    kept += segment;
  }
  return kept;
}

const trimEnds = (text: string) => text.replace(/^[\s.-]+|[\s.-]+$/g, '');

/**
 * Letters (with their combining marks, so Devanagari or decomposed accents survive), digits, spaces and a few
 * marks; everything else (slashes, colons, control characters) becomes a dash. At most `maxBytes` of UTF-8, and
 * never one of Windows' device names, which a file or folder there cannot have.
 */
export function safeName(text: string, maxBytes = TITLE_MAX_BYTES): string {
  const cleaned = text
    .normalize('NFC')
    .replace(/[^\p{L}\p{M}\p{N} _\-.()&,']/gu, '-')
    .replace(/-{2,}/g, '-');
  const name = trimEnds(cutToBytes(trimEnds(cleaned), maxBytes));
  if (!name) return 'Untitled';
  // Windows looks at the part before the first dot, trailing spaces ignored: "nul.txt" and "COM1 .x" are devices.
  if (WINDOWS_DEVICE.test(name.split('.')[0]!.trimEnd())) return trimEnds(cutToBytes(`_${name}`, maxBytes));
  return name;
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
  return `${pad(index)} ${safeName(name, TRACK_NAME_MAX_BYTES)}${kind === 'host' ? ' (host)' : ''}.wav`;
}

/**
 * Whether `name` is a track file name Podium writes ("mix.wav" or "<2 digits> <name>.wav"): a bare name, never a
 * path, so a manifest that came from elsewhere cannot point recovery at a file outside its folder.
 */
export function isTrackFileName(name: string): boolean {
  if (name !== path.posix.basename(name) || name !== path.win32.basename(name)) return false;
  return name === 'mix.wav' || /^\d{2} [^/\\:\0]+\.wav$/u.test(name);
}

/** A failure in a recordings folder, in words (see wav.ts: one table of file-system errors for the recorder). */
export function diskError(error: unknown, folder: string, action: 'create' | 'write' = 'write'): PodiumError {
  return fileError(error, path.join(folder, '…'), action);
}

// ── Manifest ─────────────────────────────────────────────────────────────────────────────────────────────────────
export const MANIFEST_FILE = 'recording.json';

/**
 * What one recording's manifest may hold. It is rewritten on the recorder's one-second tick, so its size is time the
 * writer's thread is not writing audio: at these limits it stays under 4 MB (about 20 ms to write) even with names
 * in a three-byte script, where 5,000 snapshots of 200 people and 10,000 markers made 254 MB and 4–6 s a write.
 * The recorder stops adding at these limits; writeManifest trims to them too, so no build can write more.
 */
export const MANIFEST_LIMITS = {
  markers: 2_000,
  /** As common/recording.ts caps a marker's label. */
  labelChars: MARKER_LABEL_MAX,
  stageSnapshots: 2_000,
  /** The host, 10 co-hosts and 50 speakers, with room to spare. */
  membersPerSnapshot: 64,
  /** All snapshots together: a busy stage changes often, and each change is a whole snapshot. */
  stageMembers: 6_000,
} as const;
/** Larger than any manifest Podium writes; a bigger one is not read (parsing it would stall the start). */
export const MANIFEST_READ_MAX_BYTES = 64 * 1024 * 1024;

export const manifestSchema = z.object({
  format: z.literal(1),
  id: recordingIdSchema,
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

/** `manifest` within MANIFEST_LIMITS: the first markers and snapshots are kept, as the recorder keeps them. */
export function boundedManifest(manifest: Manifest): Manifest {
  const { markers, stageSnapshots, membersPerSnapshot, stageMembers } = MANIFEST_LIMITS;
  let total = 0;
  let fits = 0;
  let trimmed = false;
  for (const snapshot of manifest.stage) {
    if (fits === stageSnapshots) break;
    const count = Math.min(snapshot.members.length, membersPerSnapshot);
    if (total + count > stageMembers) break;
    if (count < snapshot.members.length) trimmed = true;
    total += count;
    fits++;
  }
  if (!trimmed && fits === manifest.stage.length && manifest.markers.length <= markers) return manifest;
  return {
    ...manifest,
    markers: manifest.markers.slice(0, markers),
    stage: manifest.stage.slice(0, fits).map((s) => (s.members.length > membersPerSnapshot ? { ...s, members: s.members.slice(0, membersPerSnapshot) } : s)),
  };
}

/**
 * Writes `file` whole through a temporary beside it: a crash leaves the old file or the new one, and a link planted
 * at either name is replaced, never written through (the temporary is created afresh, exclusively).
 */
export function replaceFile(file: string, text: string): void {
  const temp = `${file}.tmp`;
  fs.rmSync(temp, { force: true });
  try {
    fs.writeFileSync(temp, text, { flag: 'wx' });
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
}

export function writeManifest(folder: string, manifest: Manifest): void {
  replaceFile(path.join(folder, MANIFEST_FILE), JSON.stringify(boundedManifest(manifest)));
}

/** The folder's manifest, or why it cannot be used, in words for the log (`absent`: there is none at all). */
export function inspectManifest(folder: string): { manifest: Manifest } | { problem: string; absent?: true } {
  const file = path.join(folder, MANIFEST_FILE);
  let text: string;
  try {
    const stat = fs.lstatSync(file);
    if (!stat.isFile()) return { problem: `${MANIFEST_FILE} is not a plain file` };
    if (stat.size > MANIFEST_READ_MAX_BYTES) return { problem: `${MANIFEST_FILE} is ${Math.round(stat.size / 1e6)} MB, more than Podium ever writes` };
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { problem: `there is no ${MANIFEST_FILE}`, absent: true };
    return { problem: `${MANIFEST_FILE} cannot be read (${code ?? 'unknown error'})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { problem: `${MANIFEST_FILE} is not valid JSON` };
  }
  const checked = manifestSchema.safeParse(json);
  if (checked.success) return { manifest: checked.data };
  const issue = checked.error.issues[0];
  return { problem: `${MANIFEST_FILE} is not one Podium wrote (${issue ? `${issue.path.join('.') || 'top'}: ${issue.message}` : 'unknown shape'})` };
}

export function readManifest(folder: string): Manifest | null {
  const read = inspectManifest(folder);
  return 'manifest' in read ? read.manifest : null;
}

// ── Inside the recordings folder ─────────────────────────────────────────────────────────────────────────────────
/** whyNotInside's answer for a path with nothing there (callers tell "not found" from "not allowed"). */
export const MISSING = 'it is missing';

/**
 * Why Podium must not touch `target`, or null when it may. It must be a plain folder or file (not a link: a synced
 * or shared recordings folder can carry one to anywhere), and its real path must lie inside the recordings folder
 * `root`. A file about to be changed in place must have no other name either: a hard link would carry the change
 * to that other name.
 */
export function whyNotInside(root: string, target: string, kind: 'folder' | 'file' | 'file to change'): string | null {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(target);
  } catch {
    return MISSING;
  }
  if (stat.isSymbolicLink()) return 'it is a link to somewhere else';
  if (kind === 'folder' ? !stat.isDirectory() : !stat.isFile()) return kind === 'folder' ? 'it is not a folder' : 'it is not a plain file';
  if (kind === 'file to change' && stat.nlink > 1) return 'it has other names on disk (a hard link)';
  let real: string;
  let realRoot: string;
  try {
    real = fs.realpathSync(target);
    realRoot = fs.realpathSync(root);
  } catch {
    return 'its real location cannot be resolved';
  }
  const relative = path.relative(realRoot, real);
  if (!relative || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return 'it is outside the recordings folder';
  return null;
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
