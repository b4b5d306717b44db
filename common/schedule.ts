// Scheduled spaces: what a host may send to schedule, reschedule or cancel one, and the time maths every side shares —
// the countdown ("starts in 2 h 14 min") and the start written out in the reader's own time zone. Times travel and
// are stored as UTC milliseconds; only what a person reads is local.
import { z } from 'zod';
import { spaceDescriptionSchema, spaceIdSchema, spaceTitleSchema } from './space';

/** How far ahead a space may be scheduled. */
export const MAX_SCHEDULE_AHEAD_MS = 366 * 24 * 3_600_000;
/** A start this close to now (or past it) is refused: by the time anyone reads the invite it has passed. */
export const MIN_SCHEDULE_LEAD_MS = 60_000;
/** How long calendars assume a space runs (they need an end). */
export const DEFAULT_DURATION_MS = 60 * 60_000;
/** The studio reminds its host this long before a scheduled start. */
export const HOST_REMINDER_MS = 10 * 60_000;

/** A UTC instant in ms. Bounded so nonsense (negative, year 275760) is refused before any clock comparison. */
export const startTimeSchema = z
  .number({ message: 'the start time must be a number of milliseconds since 1970 (UTC)' })
  .int('the start time must be a whole number of milliseconds')
  .min(Date.UTC(2000, 0, 1), 'the start time is not a real date')
  .max(Date.UTC(2200, 0, 1), 'the start time is not a real date');

export const scheduleSpaceSchema = z
  .object({ title: spaceTitleSchema, description: spaceDescriptionSchema.default(''), scheduledAt: startTimeSchema })
  .strict();
export type ScheduleSpaceInput = z.input<typeof scheduleSpaceSchema>;

export const rescheduleSpaceSchema = z
  .object({
    spaceId: spaceIdSchema,
    title: spaceTitleSchema.optional(),
    description: spaceDescriptionSchema.optional(),
    scheduledAt: startTimeSchema.optional(),
  })
  .strict()
  .refine((r) => r.title !== undefined || r.description !== undefined || r.scheduledAt !== undefined, 'say what changes: a title, a description or a start time');
export type RescheduleSpaceInput = z.input<typeof rescheduleSpaceSchema>;

export const cancelSpaceSchema = z.object({ spaceId: spaceIdSchema }).strict();

/**
 * Whether `at` may be a new start time, judged on the server's clock. Returns the reason it may not, or null.
 */
export function startTimeProblem(at: number, now: number): string | null {
  if (at <= now) return 'that start time has already passed — pick a time in the future';
  if (at < now + MIN_SCHEDULE_LEAD_MS) return 'that start time is less than a minute away — pick a later time, or start the space now';
  if (at > now + MAX_SCHEDULE_AHEAD_MS) return 'a space can be scheduled at most a year ahead';
  return null;
}

/**
 * The countdown as a person reads it: "starts in 2 h 14 min", "3 d 4 h", "45 min", "under a minute". Minutes are
 * rounded up, so "1 min" shows until the very start rather than "0 min".
 */
export function formatCountdown(msLeft: number): string {
  if (msLeft <= 0) return 'any moment now';
  if (msLeft < 60_000) return 'under a minute';
  const minutes = Math.ceil(msLeft / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return mins > 0 ? `${hours} h ${mins} min` : `${hours} h`;
  return `${mins} min`;
}

/**
 * The start written out for a reader in `timeZone` (an IANA name; undefined: the runtime's own), with the zone's
 * short name so nobody wonders whose 7 pm it is: "Sunday, 29 March 2026 at 19:00 CEST" (the words follow `locale`).
 */
export function formatLocalStart(at: number, timeZone?: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(at));
}

/** The offset of `timeZone` from UTC at instant `at`, in minutes (Europe/Berlin in summer: 120). */
export function zoneOffsetMinutes(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(at / 1000) * 1000) / 60_000);
}

/**
 * The UTC instant of a wall-clock time ("2026-03-29T02:30" as a datetime-local input gives it) in `timeZone`. A time
 * that a spring-forward skips is moved past the gap; a time an autumn fall-back repeats takes the earlier one.
 * Returns null for text that is no date and time.
 */
export function wallTimeToUtc(local: string, timeZone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null;
  const naive = Date.UTC(y, mo - 1, d, h, mi);
  if (new Date(naive).getUTCDate() !== d) return null;
  // Try the offsets in force just before and just after; the earlier instant that reads back right wins.
  const candidates = [zoneOffsetMinutes(naive - 86_400_000, timeZone), zoneOffsetMinutes(naive + 86_400_000, timeZone)]
    .map((offset) => naive - offset * 60_000)
    .sort((a, b) => a - b);
  for (const at of candidates) if (naive - zoneOffsetMinutes(at, timeZone) * 60_000 === at) return at;
  // In a spring-forward gap no instant reads back as this wall time: 02:30 becomes 03:30, past the gap.
  return candidates.at(-1)!;
}

/** The datetime-local text ("2026-03-29T19:00") of instant `at` in `timeZone`: for filling the form when editing. */
export function utcToWallTime(at: number, timeZone: string): string {
  const shifted = new Date(at + zoneOffsetMinutes(at, timeZone) * 60_000);
  return shifted.toISOString().slice(0, 16);
}

/**
 * Whether the studio should remind its host now of a space starting at `scheduledAt`: from HOST_REMINDER_MS before
 * the start until the start itself, once (`remindedAt` is when it last did, or null), and only while it is scheduled.
 * Returns also when to look again (null: never), so a caller sets one timer instead of polling.
 */
export function hostReminder(
  space: { status: string; scheduledAt?: number | null; cancelledAt?: number | null },
  now: number,
  reminded: boolean,
): { due: boolean; checkAt: number | null } {
  const at = space.scheduledAt ?? null;
  if (at === null || space.status !== 'scheduled' || space.cancelledAt || reminded) return { due: false, checkAt: null };
  const from = at - HOST_REMINDER_MS;
  if (now < from) return { due: false, checkAt: from };
  if (now < at) return { due: true, checkAt: null };
  return { due: false, checkAt: null };
}
