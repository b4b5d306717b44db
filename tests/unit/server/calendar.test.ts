// The iCalendar the space server serves, read back with a real parser (ical.js): UTC start, the alarm, escaping,
// folding, and what a reschedule and a cancel change — through the real store on a real SQLite file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ICAL from 'ical.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { escapeText, foldLine, hostFeed, spaceInvite } from '../../../server/calendar';
import { openDatabase, type Db } from '../../../server/store/db';
import { createSpaceStore, type SpaceStore } from '../../../server/store/spaces';

let dir: string;
let db: Db;
let store: SpaceStore;
const NOW = Date.UTC(2026, 2, 20, 9, 0);
const START = Date.UTC(2026, 2, 29, 17, 0);
const ctx = { shareUrl: 'http://127.0.0.1:4000/s/abc', now: NOW, domain: '127.0.0.1' };

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-ics-'));
  db = openDatabase(path.join(dir, 'podium.sqlite'));
  store = createSpaceStore(db);
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function events(text: string): ICAL.Event[] {
  const cal = new ICAL.Component(ICAL.parse(text));
  return cal.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
}

const TRICKY = 'Tax, law; and \\ more\nSecond line — ünïcödé 🎙️';

describe('a space invite', () => {
  it('parses, with the UTC start, an hour long, a 10-minute display alarm, and every character back', () => {
    const { space } = store.schedule({ title: TRICKY, description: 'Bring questions, please; ok?', hostName: 'Lena', scheduledAt: START }, NOW);
    const text = spaceInvite(store.calendarEntry(space.id)!, ctx);
    const [event] = events(text);
    expect(event!.startDate.toJSDate().getTime()).toBe(START);
    expect(event!.startDate.zone.tzid).toBe('UTC');
    expect(event!.endDate.toJSDate().getTime()).toBe(START + 3_600_000);
    expect(event!.summary).toBe(TRICKY);
    expect(event!.description).toContain('Bring questions, please; ok?');
    expect(event!.uid).toBe(`${space.id}@127.0.0.1`);
    expect(event!.sequence).toBe(0);
    expect(event!.component.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(event!.component.getFirstPropertyValue('dtstamp')!.toString()).toBe('2026-03-20T09:00:00Z');
    const alarm = event!.component.getFirstSubcomponent('valarm')!;
    expect(alarm.getFirstPropertyValue('action')).toBe('DISPLAY');
    expect((alarm.getFirstPropertyValue('trigger') as ICAL.Duration).toSeconds()).toBe(-600);
    // Raw form: CRLF everywhere, Z times, and no line over 75 octets.
    expect(text).toContain('DTSTART:20260329T170000Z\r\n');
    expect(text.split('\r\n').slice(0, -1).every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('a reschedule moves the start and bumps SEQUENCE with the same UID; a cancel says CANCELLED, bumps it again and drops the alarm', () => {
    const { space } = store.schedule({ title: 'Launch', description: '', hostName: 'Lena', scheduledAt: START }, NOW);
    const first = events(spaceInvite(store.calendarEntry(space.id)!, ctx))[0]!;
    store.reschedule(space.id, { scheduledAt: START + 2 * 3_600_000 });
    const moved = events(spaceInvite(store.calendarEntry(space.id)!, ctx))[0]!;
    expect(moved.uid).toBe(first.uid);
    expect(moved.sequence).toBe(1);
    expect(moved.startDate.toJSDate().getTime()).toBe(START + 2 * 3_600_000);
    expect(store.cancel(space.id, NOW + 1000)?.cancelledAt).toBe(NOW + 1000);
    const cancelled = events(spaceInvite(store.calendarEntry(space.id)!, ctx))[0]!;
    expect(cancelled.uid).toBe(first.uid);
    expect(cancelled.sequence).toBe(2);
    expect(cancelled.component.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(cancelled.component.getFirstSubcomponent('valarm')).toBeNull();
    // Once cancelled, neither reschedule nor cancel changes anything.
    expect(store.reschedule(space.id, { scheduledAt: START })).toBeNull();
    expect(store.cancel(space.id, NOW + 2000)).toBeNull();
    expect(store.calendarEntry(space.id)!.sequence).toBe(2);
  });
});

describe("a host's feed", () => {
  it("lists the owner's announced spaces soonest first (not another owner's, nor spaces started at once), and follows changes", () => {
    const later = store.schedule({ title: 'Later', description: '', hostName: 'Lena', scheduledAt: START + 86_400_000 }, NOW, 'o1');
    const sooner = store.schedule({ title: 'Sooner', description: '', hostName: 'Lena', scheduledAt: START }, NOW, 'o1');
    store.schedule({ title: 'Someone else', description: '', hostName: 'Max', scheduledAt: START }, NOW, 'o2');
    store.create({ title: 'Unscheduled', description: '', hostName: 'Lena' }, NOW, 'o1');
    const feed = () => events(hostFeed('Lena', store.announced('o1', 0, 50), { now: NOW, domain: 'h', shareUrl: (id) => `http://h/s/${id}` }));
    expect(feed().map((e) => e.summary)).toEqual(['Sooner', 'Later']);
    store.reschedule(sooner.space.id, { scheduledAt: START + 2 * 86_400_000, title: 'Sooner, moved' });
    store.cancel(later.space.id, NOW);
    const after = feed();
    expect(after.map((e) => [e.summary, e.sequence, e.component.getFirstPropertyValue('status')])).toEqual([
      ['Cancelled: Later', 1, 'CANCELLED'],
      ['Sooner, moved', 1, 'CONFIRMED'],
    ]);
    expect(after[1]!.startDate.toJSDate().getTime()).toBe(START + 2 * 86_400_000);
    const cal = new ICAL.Component(ICAL.parse(hostFeed('Lena', [], { now: NOW, domain: 'h', shareUrl: () => '' })));
    expect(cal.getFirstPropertyValue('x-wr-calname')).toBe('Lena on Podium');
  });
});

describe("a host's feed, later", () => {
  it('keeps a space that went live and ended (a calendar keeps past events), and drops what is older than `since`', () => {
    const held = store.schedule({ title: 'Held', description: '', hostName: 'Lena', scheduledAt: START }, NOW, 'o1');
    store.setStatus(held.space.id, 'live', START);
    store.setStatus(held.space.id, 'ended', START + 3_600_000);
    const feed = (since: number) => events(hostFeed('Lena', store.announced('o1', since, 50), { now: NOW, domain: 'h', shareUrl: (id) => `http://h/s/${id}` }));
    expect(feed(0).map((e) => [e.summary, e.component.getFirstPropertyValue('status')])).toEqual([['Held', 'CONFIRMED']]);
    expect(feed(START + 1)).toEqual([]);
  });
});

describe('escaping and folding', () => {
  it('escapes backslash, semicolon, comma and every kind of newline', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf\rg')).toBe('a\\\\b\\;c\\,d\\ne\\nf\\ng');
  });
  it('folds at 75 octets without splitting a UTF-8 character, and unfolds to the same line', () => {
    const line = `SUMMARY:${'ü'.repeat(100)}🎙️${'x'.repeat(80)}`;
    const folded = foldLine(line);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(75);
    expect(parts.slice(1).every((p) => p.startsWith(' '))).toBe(true);
    expect(folded.replace(/\r\n /g, '')).toBe(line);
    expect(parts.join('').includes('\uFFFD')).toBe(false);
  });
});
