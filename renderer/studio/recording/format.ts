// How the recording controls and the library write numbers for people: durations, clock times, sizes, loudness and
// dates. Pure, so it is tested in Node. Negative numbers use a real minus sign (U+2212), as the audio panel does.
import type { Loudness } from '../../../common/recording';

const MINUS = '\u2212';

/** "3 tracks", "1 track", "0 markers". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** "1 h 02 min" (seconds no longer matter), "12 min 4 s", "12 min", "4 s", "0 s". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return s > 0 ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}

/** "00:12:04": a recorder's clock, always with hours so it does not change width an hour in. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}

const UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/**
 * "812 MB", "1.4 GB", "0 B". Decimal units (1 GB = 1000³ bytes), as disks and most file managers count; one decimal
 * below 10 of a unit, where it still says something.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1000) return `${Math.max(0, Math.round(Number.isFinite(bytes) ? bytes : 0))} B`;
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  // 999.96 MB would round to "1000 MB": say "1.0 GB" instead.
  if (value >= 999.5 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const shown = value < 9.95 ? value.toFixed(1) : String(Math.round(value));
  return `${shown} ${UNITS[unit]}`;
}

/** A signed figure with a real minus sign; `plus` adds "+" to positive values (true peak over 0, gain). */
export function signed(value: number, digits = 1, plus = false): string {
  const text = Math.abs(value).toFixed(digits);
  if (Number(text) === 0) return (0).toFixed(digits);
  if (value < 0) return `${MINUS}${text}`;
  return plus ? `+${text}` : text;
}

/** A meter's reading: "−12 dB", "−∞ dB" for silence. */
export function formatLevel(db: number): string {
  return db === -Infinity || db <= -100 ? `${MINUS}∞ dB` : `${signed(db, 0)} dB`;
}

/**
 * "−19.2 LUFS · LRA 6 LU · −1.3 dBTP"; "Silent" when everything was below the gate; "—" before it is measured.
 * The loudness range is given in whole LU: its tenths are noise.
 */
export function formatLoudness(loudness: Loudness | null): string {
  if (!loudness) return '—';
  const parts: string[] = [];
  parts.push(loudness.integrated === null ? 'Silent' : `${signed(loudness.integrated)} LUFS`);
  if (loudness.range !== null) parts.push(`LRA ${signed(loudness.range, 0)} LU`);
  if (loudness.truePeak !== null) parts.push(`${signed(loudness.truePeak, 1, true)} dBTP`);
  return parts.join(' · ');
}

/** "14 Mar 2025, 16:05" in the reader's own locale (the arguments are for tests). */
export function formatDate(at: number, locale?: string, timeZone?: string): string {
  return new Date(at).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
}

export const LOW_DISK_BYTES = 2_000_000_000;
export const CRITICAL_DISK_BYTES = 500_000_000;
export const LOW_DISK_MS = 30 * 60_000;
/** Below this much audio, the write rate is too young to predict anything from. */
const RATE_MIN_MS = 5_000;

export interface DiskOutlook {
  level: 'ok' | 'low' | 'critical' | 'unknown';
  /** How much longer the disk lasts at the rate so far; null until there is a rate (or no free figure). */
  msLeft: number | null;
}

/** How worried to be about the recording's disk: red under 500 MB, amber under 2 GB or under ~30 minutes left. */
export function diskOutlook(freeBytes: number | null, bytesWritten: number, writtenMs: number): DiskOutlook {
  if (freeBytes === null) return { level: 'unknown', msLeft: null };
  const msLeft = writtenMs >= RATE_MIN_MS && bytesWritten > 0 ? (freeBytes / bytesWritten) * writtenMs : null;
  if (freeBytes < CRITICAL_DISK_BYTES) return { level: 'critical', msLeft };
  if (freeBytes < LOW_DISK_BYTES || (msLeft !== null && msLeft < LOW_DISK_MS)) return { level: 'low', msLeft };
  return { level: 'ok', msLeft };
}

/**
 * "41 GB free · about 19 h left", "1.3 GB free · about 24 min left": an estimate, so in whole minutes, and in whole
 * hours once there are two or more; the time only once it can be estimated.
 */
export function formatDisk(freeBytes: number | null, outlook: DiskOutlook): string {
  if (freeBytes === null) return 'Free space unknown';
  const free = `${formatBytes(freeBytes)} free`;
  const ms = outlook.msLeft;
  if (ms === null) return free;
  if (ms >= 48 * 3600_000) return `${free} · more than 2 days left`;
  if (ms >= 2 * 3600_000) return `${free} · about ${Math.floor(ms / 3600_000)} h left`;
  if (ms < 60_000) return `${free} · less than a minute left`;
  return `${free} · about ${formatDuration(Math.floor(ms / 60_000) * 60_000)} left`;
}

/** Seconds of audio recorded as silence, for the "can't keep up" warning: "0.4 s" under 10 s, whole seconds after. */
export function formatDropped(ms: number): string {
  const s = ms / 1000;
  return s < 10 ? `${s.toFixed(1)} s` : `${Math.round(s)} s`;
}
