// A room writing its members' standing through to a real SQLite file, and a room made after a "restart" (the file
// re-opened) getting them back: who writes and who does not, what comes back, and how.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seatIdentity } from '../../../server/identity';
import { createRateLimiter } from '../../../server/rate-limit';
import { SpaceRoom, type Member } from '../../../server/room';
import { keeperFor, restoreMembers } from '../../../server/room-keeping';
import { openDatabase, type Db } from '../../../server/store/db';
import { createModerationStore, type ModerationStore } from '../../../server/store/moderation';
import { createSpaceStore } from '../../../server/store/spaces';

let dir: string;
let file: string;
let db: Db;
let moderation: ModerationStore;
let spaceId: string;
const rooms: SpaceRoom[] = [];
const logged: string[] = [];

function open(): void {
  db = openDatabase(file);
  moderation = createModerationStore(db);
}

function newRoom(keeping = true): SpaceRoom {
  const room = new SpaceRoom(spaceId, { space: () => {}, stage: () => {}, reports: () => {} }, createRateLimiter(40, 80), keeping ? keeperFor(moderation, spaceId, (l) => logged.push(l)) : null);
  rooms.push(room);
  return room;
}

const rows = () => moderation.members.load(spaceId);
const subject = (n: number) => String(n).padStart(2, '0').repeat(32);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-keeping-'));
  file = path.join(dir, 'podium.sqlite');
  open();
  spaceId = createSpaceStore(db).create({ title: 'Show', description: '', hostName: 'Ann' }, 1).space.id;
  logged.length = 0;
});

afterEach(() => {
  for (const r of rooms.splice(0)) r.dispose();
  if (db.open) db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function join(room: SpaceRoom, n: number, name: string, at: number): Member {
  const m = room.member(subject(n), `p${n}`, name, at);
  room.touched(m);
  return m;
}

describe('writing through', () => {
  it('writes nothing for a plain listener, however many come and go', () => {
    const room = newRoom();
    for (let i = 0; i < 300; i++) {
      const m = join(room, i, `L${i}`, i);
      room.forget(m);
    }
    expect(rows()).toEqual([]);
  });

  it('keeps a hand while it is up, and drops the row when it comes down', () => {
    const room = newRoom();
    const lou = join(room, 1, 'Lou', 10);
    lou.handRaisedAt = 20;
    room.touched(lou);
    expect(rows()).toEqual([expect.objectContaining({ id: 'p1', role: 'listener', handRaisedAt: 20, name: 'Lou', joinedAt: 10 })]);
    lou.handRaisedAt = null;
    room.touched(lou);
    expect(rows()).toEqual([]);
  });

  it('follows role, mute, invite and name, and forgets whoever is forgotten', () => {
    const room = newRoom();
    const sam = join(room, 2, 'Sam', 10);
    sam.role = 'speaker';
    sam.mutedBy = 'Ann';
    room.touched(sam);
    const ivy = join(room, 3, 'Ivy', 11);
    ivy.invited = true;
    ivy.name = 'Ivy B';
    room.touched(ivy);
    expect(rows().map((r) => [r.id, r.role, r.mutedBy, r.invited, r.name])).toEqual([
      ['p2', 'speaker', 'Ann', false, 'Sam'],
      ['p3', 'listener', null, true, 'Ivy B'],
    ]);
    room.forget(ivy);
    expect(rows().map((r) => r.id)).toEqual(['p2']);
  });

  it('lets every row of an ended space go, and writes nothing for it after', () => {
    const room = newRoom();
    const sam = join(room, 2, 'Sam', 10);
    sam.role = 'speaker';
    room.touched(sam);
    room.stopKeeping();
    expect(rows()).toEqual([]);
    sam.handRaisedAt = 5;
    room.touched(sam);
    expect(rows()).toEqual([]);
  });

  it('a write that fails is logged; the room carries on in memory', () => {
    const room = newRoom();
    db.close();
    const lou = join(room, 1, 'Lou', 10);
    lou.handRaisedAt = 20;
    expect(() => room.touched(lou)).not.toThrow();
    expect(logged.join('\n')).toMatch(/could not keep p1's place/);
    expect(room.members.get('p1')?.handRaisedAt).toBe(20);
  });
});

describe('coming back after a restart', () => {
  it('gives everyone kept their standing back, away from the restart on, hands in their queue order', () => {
    const before = newRoom();
    const seat = moderation.takeSeat(spaceId, subject(9), 'Cleo', 5).seat;
    // A co-host's member id comes from their seat, as the join makes it.
    const co = before.member(subject(9), seatIdentity(seat.id), 'Cleo', 5);
    co.role = 'cohost';
    co.seatId = seat.id;
    before.touched(co);
    const liv = join(before, 4, 'Liv', 30);
    liv.handRaisedAt = 40;
    before.touched(liv);
    const lou = join(before, 1, 'Lou', 31);
    lou.handRaisedAt = 35;
    before.touched(lou);
    const sam = join(before, 2, 'Sam', 20);
    sam.role = 'speaker';
    sam.mutedBy = 'Ann';
    before.touched(sam);
    join(before, 7, 'Pat', 25);
    db.close();

    open();
    const after = newRoom();
    restoreMembers(after, moderation, 1_000);
    const got = [...after.members.values()];
    expect(got.map((m) => m.id).sort()).toEqual([seatIdentity(seat.id), 'p1', 'p2', 'p4'].sort());
    for (const m of got) {
      expect(m.sessions.size).toBe(0);
      expect(m.awaySince).toBe(1_000);
    }
    expect(after.members.get(seatIdentity(seat.id))).toMatchObject({ role: 'cohost', seatId: seat.id, name: 'Cleo', joinedAt: 5 });
    expect(after.members.get('p2')).toMatchObject({ role: 'speaker', mutedBy: 'Ann', joinedAt: 20 });
    const queue = got.filter((m) => m.handRaisedAt !== null).sort((a, b) => a.handRaisedAt! - b.handRaisedAt!);
    expect(queue.map((m) => m.name)).toEqual(['Lou', 'Liv']);
    // Away members are not counted or listed as present, as after any leave.
    expect(after.listenerCount()).toBe(0);
    expect(after.handCount()).toBe(0);
    expect(after.stageMembers()).toEqual([
      { id: seatIdentity(seat.id), name: 'Cleo', role: 'cohost', away: true },
      { id: 'p2', name: 'Sam', role: 'speaker', away: true },
    ]);
  });

  it('does not bring back a co-host whose seat was revoked in the meantime, and forgets their row', () => {
    const before = newRoom();
    const seat = moderation.takeSeat(spaceId, subject(9), 'Cleo', 5).seat;
    const co = before.member(subject(9), seatIdentity(seat.id), 'Cleo', 5);
    co.role = 'cohost';
    co.seatId = seat.id;
    before.touched(co);
    moderation.revokeSeat(spaceId, seat.id, 6);
    const after = newRoom();
    restoreMembers(after, moderation, 1_000);
    expect(after.members.size).toBe(0);
    expect(rows()).toEqual([]);
  });

  it('still seats a co-host who holds a seat but has no row (a seat taken before members were kept)', () => {
    const seat = moderation.takeSeat(spaceId, subject(9), 'Cleo', 5).seat;
    const after = newRoom();
    restoreMembers(after, moderation, 1_000);
    expect(after.members.get(seatIdentity(seat.id))).toMatchObject({ role: 'cohost', seatId: seat.id, awaySince: 1_000 });
  });

  it('a restored member who changes is written again; one who returns to plain listening loses the row', () => {
    const before = newRoom();
    const lou = join(before, 1, 'Lou', 10);
    lou.handRaisedAt = 20;
    before.touched(lou);
    const after = newRoom();
    restoreMembers(after, moderation, 1_000);
    const back = after.members.get('p1')!;
    back.handRaisedAt = null;
    after.touched(back);
    expect(rows()).toEqual([]);
  });
});
