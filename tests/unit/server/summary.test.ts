// A space's running figures (server/summary.ts) over a real SQLite file: counted only while live, exact, written as
// they change, and the same after the file is re-opened (a restart) — including a stretch on stage that was open
// when the server went down. Also the stores issue 13 added to: pin captions and live title/description edits.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePinUrl, type ParsedPin } from '../../../common/moderation';
import { spaceSummarySchema } from '../../../common/protocol';
import { openDatabase, type Db } from '../../../server/store/db';
import { createModerationStore, type ModerationStore } from '../../../server/store/moderation';
import { createSpaceStore, type SpaceStore } from '../../../server/store/spaces';
import { SpaceTally } from '../../../server/summary';

let dir: string;
let file: string;
let db: Db;
let spaces: SpaceStore;
let moderation: ModerationStore;
let spaceId: string;
let clock: number;
const now = () => clock;
const logged: string[] = [];

function open(): void {
  db = openDatabase(file);
  spaces = createSpaceStore(db);
  moderation = createModerationStore(db);
}
const tally = () => new SpaceTally(spaceId, moderation.summary, now, (l) => logged.push(l));
const subject = (n: number) => String(n).padStart(2, '0').repeat(32);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-summary-'));
  file = path.join(dir, 'podium.sqlite');
  open();
  clock = 1_000_000;
  spaceId = spaces.create({ title: 'Open mic', description: '', hostName: 'Ann' }, clock).space.id;
  logged.length = 0;
});
afterEach(() => {
  if (db.open) db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('SpaceTally', () => {
  it('counts nothing before the space is live', () => {
    const t = tally();
    t.listener(subject(1));
    t.listenersNow(5);
    t.hand();
    t.reaction('👏');
    t.flushReactions();
    t.observe({ id: 'pa', name: 'Ann', role: 'host' });
    expect(t.summary({ startedAt: null, endedAt: clock })).toEqual({
      startedAt: null,
      endedAt: clock,
      peakListeners: 0,
      totalListeners: 0,
      speakers: [],
      reactions: [],
      hands: 0,
    });
    expect(moderation.summary.load(spaceId)).toMatchObject({ peakListeners: 0, hands: 0, stage: [] });
  });

  it('counts a scripted space exactly: peak and distinct listeners, hands, reactions, stage time and highest role', () => {
    const t = tally();
    t.start();
    const startedAt = clock;
    t.observe({ id: 'ph', name: 'Ann', role: 'host' });
    for (const n of [1, 2, 3]) t.listener(subject(n));
    t.listenersNow(3);
    // One leaves, another joins, the first comes back (same key): peak 3, four different people.
    t.listenersNow(2);
    t.listener(subject(4));
    t.listenersNow(3);
    t.listener(subject(1));
    t.hand();
    t.hand();
    for (const e of ['👏', '👏', '🔥', '👏', '❤️'] as const) t.reaction(e);
    t.flushReactions();
    clock += 10_000;
    t.observe({ id: 'pb', name: 'Bob', role: 'speaker' });
    clock += 30_000;
    t.observe({ id: 'pb', name: 'Bob', role: 'listener' }); // moved to the listeners: 30 s
    clock += 5_000;
    t.observe({ id: 'pb', name: 'Bobby', role: 'speaker' }); // back on stage, renamed
    clock += 2_000;
    t.observe({ id: 'pb', name: 'Bobby', role: 'cohost' }); // highest role goes up, stretch goes on
    clock += 3_000;
    t.end(clock);
    const s = t.summary({ startedAt, endedAt: clock });
    expect(spaceSummarySchema.parse(s)).toEqual(s);
    expect(s).toEqual({
      startedAt,
      endedAt: startedAt + 50_000,
      peakListeners: 3,
      totalListeners: 4,
      speakers: [
        { id: 'ph', name: 'Ann', role: 'host', stageMs: 50_000 },
        { id: 'pb', name: 'Bobby', role: 'cohost', stageMs: 35_000 },
      ],
      reactions: [
        { emoji: '👏', count: 3 },
        { emoji: '🔥', count: 1 },
        { emoji: '❤️', count: 1 },
      ],
      hands: 2,
    });
    // After the end nothing more is counted.
    t.hand();
    t.listenersNow(10);
    t.observe({ id: 'pc', name: 'Cy', role: 'speaker' });
    expect(t.summary({ startedAt, endedAt: startedAt + 50_000 })).toEqual(s);
    expect(logged).toEqual([]);
  });

  it('loses nothing across a restart: the figures, and a stretch on stage that was open, come back from the file', () => {
    const t = tally();
    t.start();
    const startedAt = clock;
    t.observe({ id: 'ph', name: 'Ann', role: 'host' });
    t.listener(subject(1));
    t.listener(subject(2));
    t.listenersNow(2);
    t.hand();
    t.reaction('🎉');
    t.reaction('🎉');
    t.flushReactions();
    t.reaction('👀'); // counted, not yet written: a restart right now would lose it, as it loses the batch
    clock += 20_000;
    // kill -9: nothing closes, the file is re-opened by a new process.
    db.close();
    open();
    clock += 4_000;
    const again = tally();
    again.start();
    again.observe({ id: 'ph', name: 'Ann', role: 'host' }); // the restored host: the open stretch goes on
    again.listener(subject(2)); // rejoins: counted once
    again.listener(subject(3));
    again.listenersNow(1); // fewer now: the peak stays
    again.end(clock + 6_000);
    expect(again.summary({ startedAt, endedAt: clock + 6_000 })).toEqual({
      startedAt,
      endedAt: clock + 6_000,
      peakListeners: 2,
      totalListeners: 3,
      speakers: [{ id: 'ph', name: 'Ann', role: 'host', stageMs: 30_000 }],
      reactions: [{ emoji: '🎉', count: 2 }],
      hands: 1,
    });
    // An ended space's figures read back the same from the file alone.
    db.close();
    open();
    expect(tally().summary({ startedAt, endedAt: clock + 6_000 }).speakers).toEqual([{ id: 'ph', name: 'Ann', role: 'host', stageMs: 30_000 }]);
  });

  it('logs a failed write and goes on counting in memory', () => {
    const t = tally();
    t.start();
    db.close(); // every write now throws
    t.hand();
    t.listener(subject(1));
    expect(t.summary({ startedAt: clock, endedAt: clock })).toMatchObject({ hands: 1, totalListeners: 1 });
    expect(logged.join('\n')).toMatch(/could not count a hand of space/);
  });
});

describe('stores added for issue 13', () => {
  const pinOf = (url: string): ParsedPin => {
    const parsed = parsePinUrl(url);
    if (!parsed.ok) throw new Error(parsed.message);
    return parsed.pin;
  };

  it('keeps a pin caption, changes it, and leaves it out when there is none', () => {
    const a = moderation.addPin(spaceId, pinOf('x.com/podium/status/1'), 'Ann', clock, 'The thread 🚀 we discuss');
    const b = moderation.addPin(spaceId, pinOf('https://example.org/a'), 'Ann', clock);
    expect(a).toMatchObject({ url: 'https://x.com/podium/status/1', caption: 'The thread 🚀 we discuss' });
    expect(b).not.toHaveProperty('caption');
    db.close();
    open();
    expect(moderation.pins(spaceId).map((p) => [p.url, p.caption])).toEqual([
      ['https://x.com/podium/status/1', 'The thread 🚀 we discuss'],
      ['https://example.org/a', undefined],
    ]);
    expect(moderation.setPinCaption(spaceId, a.id, '')).toBe(true);
    expect(moderation.pins(spaceId)[0]).not.toHaveProperty('caption');
    expect(moderation.setPinCaption(spaceId, 'nope', 'x')).toBe(false);
  });

  it('changes a title and/or description while scheduled or live, never once ended', () => {
    expect(spaces.setDetails(spaceId, { title: 'Late mic' })).toMatchObject({ title: 'Late mic', description: '' });
    expect(spaces.setDetails(spaceId, { description: 'Bring a song' })).toMatchObject({ title: 'Late mic', description: 'Bring a song' });
    spaces.setStatus(spaceId, 'live', clock);
    expect(spaces.setDetails(spaceId, { title: "Robert'); DROP TABLE spaces;--", description: '' })).toMatchObject({
      title: "Robert'); DROP TABLE spaces;--",
      description: '',
    });
    spaces.setStatus(spaceId, 'ended', clock + 1);
    expect(spaces.setDetails(spaceId, { title: 'After' })).toMatchObject({ title: "Robert'); DROP TABLE spaces;--", status: 'ended' });
  });
});
