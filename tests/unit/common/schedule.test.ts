// Scheduling's time maths: the countdown, the start written out in the reader's zone (across DST changes in Berlin
// and New York), turning the form's wall time into UTC and back, refusing past starts, and the host's 10-minute reminder.
import { describe, expect, it } from 'vitest';
import {
  formatCountdown,
  formatLocalStart,
  hostReminder,
  HOST_REMINDER_MS,
  rescheduleSpaceSchema,
  scheduleSpaceSchema,
  startTimeProblem,
  utcToWallTime,
  wallTimeToUtc,
  zoneOffsetMinutes,
} from '../../../common/schedule';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('formatCountdown', () => {
  it('reads as hours and minutes, rounding minutes up so it never shows 0 min before the start', () => {
    expect(formatCountdown(2 * HOUR + 14 * MIN)).toBe('2 h 14 min');
    expect(formatCountdown(2 * HOUR + 13 * MIN + 1)).toBe('2 h 14 min');
    expect(formatCountdown(2 * HOUR)).toBe('2 h');
    expect(formatCountdown(45 * MIN)).toBe('45 min');
    expect(formatCountdown(61_000)).toBe('2 min');
    expect(formatCountdown(59_000)).toBe('under a minute');
    expect(formatCountdown(0)).toBe('any moment now');
    expect(formatCountdown(-5 * MIN)).toBe('any moment now');
    expect(formatCountdown(3 * 24 * HOUR + 4 * HOUR)).toBe('3 d 4 h');
    expect(formatCountdown(2 * 24 * HOUR)).toBe('2 d');
  });
});

describe('across a DST change', () => {
  // Europe/Berlin springs forward on 29 March 2026 at 01:00 UTC (02:00 CET -> 03:00 CEST).
  const berlinBefore = Date.UTC(2026, 2, 28, 18, 0); // Saturday 19:00 CET
  const berlinAfter = Date.UTC(2026, 2, 29, 17, 0); // Sunday 19:00 CEST
  it('Berlin: 19:00 on both sides of the change is a different UTC hour, and reads as 19:00 each time', () => {
    expect(wallTimeToUtc('2026-03-28T19:00', 'Europe/Berlin')).toBe(berlinBefore);
    expect(wallTimeToUtc('2026-03-29T19:00', 'Europe/Berlin')).toBe(berlinAfter);
    expect(formatLocalStart(berlinBefore, 'Europe/Berlin', 'en-GB')).toMatch(/Saturday, 28 March 2026 at 19:00 CET/);
    expect(formatLocalStart(berlinAfter, 'Europe/Berlin', 'en-GB')).toMatch(/Sunday, 29 March 2026 at 19:00 CEST/);
    expect(zoneOffsetMinutes(berlinBefore, 'Europe/Berlin')).toBe(60);
    expect(zoneOffsetMinutes(berlinAfter, 'Europe/Berlin')).toBe(120);
  });

  it('Berlin: a countdown across the change is 23 hours of real time, not 24', () => {
    const now = berlinBefore;
    expect(formatCountdown(berlinAfter - now)).toBe('23 h');
  });

  it('Berlin: a time the spring-forward skips moves past the gap; a time the fall-back repeats takes the first', () => {
    expect(wallTimeToUtc('2026-03-29T02:30', 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 29, 1, 30)); // 03:30 CEST
    expect(wallTimeToUtc('2026-10-25T02:30', 'Europe/Berlin')).toBe(Date.UTC(2026, 9, 25, 0, 30)); // 02:30 CEST
  });

  // America/New_York springs forward on 8 March 2026 at 07:00 UTC (02:00 EST -> 03:00 EDT).
  it('New York: the same space, read in New York and in Berlin, during the weeks their changes differ', () => {
    const at = wallTimeToUtc('2026-03-10T12:00', 'America/New_York')!; // EDT already, Berlin still CET
    expect(at).toBe(Date.UTC(2026, 2, 10, 16, 0));
    expect(formatLocalStart(at, 'America/New_York', 'en-US')).toMatch(/Tuesday, March 10, 2026 at 12:00 PM EDT/);
    expect(formatLocalStart(at, 'Europe/Berlin', 'en-GB')).toMatch(/Tuesday, 10 March 2026 at 17:00 CET/);
    const before = wallTimeToUtc('2026-03-07T12:00', 'America/New_York')!;
    expect(before).toBe(Date.UTC(2026, 2, 7, 17, 0)); // EST
    expect(formatCountdown(at - before)).toBe('2 d 23 h');
  });

  it('writes a UTC start back into the form in the host zone', () => {
    expect(utcToWallTime(berlinAfter, 'Europe/Berlin')).toBe('2026-03-29T19:00');
    expect(utcToWallTime(Date.UTC(2026, 2, 10, 16, 0), 'America/New_York')).toBe('2026-03-10T12:00');
  });

  it('refuses text that is no date', () => {
    expect(wallTimeToUtc('tomorrow', 'Europe/Berlin')).toBeNull();
    expect(wallTimeToUtc('2026-02-30T10:00', 'Europe/Berlin')).toBeNull();
    expect(wallTimeToUtc('2026-13-01T10:00', 'Europe/Berlin')).toBeNull();
  });
});

describe('start times', () => {
  const now = Date.UTC(2026, 5, 1, 12);
  it('refuses a start in the past, or too close to now, or more than a year ahead, with a reason', () => {
    expect(startTimeProblem(now - MIN, now)).toMatch(/already passed/);
    expect(startTimeProblem(now, now)).toMatch(/already passed/);
    expect(startTimeProblem(now + 30_000, now)).toMatch(/less than a minute/);
    expect(startTimeProblem(now + 400 * 24 * HOUR, now)).toMatch(/a year ahead/);
    expect(startTimeProblem(now + 2 * HOUR, now)).toBeNull();
  });

  it('the schemas refuse junk and say what changes', () => {
    expect(scheduleSpaceSchema.safeParse({ title: 'x', scheduledAt: 'soon' }).success).toBe(false);
    expect(scheduleSpaceSchema.safeParse({ title: 'x', scheduledAt: 1.5 }).success).toBe(false);
    expect(scheduleSpaceSchema.safeParse({ title: '', scheduledAt: now }).success).toBe(false);
    expect(scheduleSpaceSchema.safeParse({ title: 'x', scheduledAt: now, extra: 1 }).success).toBe(false);
    expect(scheduleSpaceSchema.safeParse({ title: 'x', scheduledAt: now }).success).toBe(true);
    expect(rescheduleSpaceSchema.safeParse({ spaceId: 'abcde12345' }).success).toBe(false);
    expect(rescheduleSpaceSchema.safeParse({ spaceId: 'abcde12345', scheduledAt: now }).success).toBe(true);
  });
});

describe('hostReminder (the studio 10 minutes before a start)', () => {
  const at = Date.UTC(2026, 5, 1, 18);
  const space = { status: 'scheduled', scheduledAt: at };
  it('is due from 10 minutes before the start until the start, once', () => {
    expect(hostReminder(space, at - HOST_REMINDER_MS - 1, false)).toEqual({ due: false, checkAt: at - HOST_REMINDER_MS });
    expect(hostReminder(space, at - HOST_REMINDER_MS, false)).toEqual({ due: true, checkAt: null });
    expect(hostReminder(space, at - MIN, false)).toEqual({ due: true, checkAt: null });
    expect(hostReminder(space, at - MIN, true)).toEqual({ due: false, checkAt: null });
    expect(hostReminder(space, at, false)).toEqual({ due: false, checkAt: null });
  });
  it('never for a space that is live, ended, cancelled or not scheduled', () => {
    expect(hostReminder({ ...space, status: 'live' }, at - MIN, false).due).toBe(false);
    expect(hostReminder({ ...space, status: 'ended', cancelledAt: at - HOUR }, at - MIN, false).due).toBe(false);
    expect(hostReminder({ status: 'scheduled' }, at - MIN, false)).toEqual({ due: false, checkAt: null });
  });
});
