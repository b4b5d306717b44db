// The members store over a real SQLite file: a member's standing written, replaced, dropped, read back after the file
// is re-opened (a restart), and gone with its space.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../../server/store/db';
import { createMemberStore, type MemberStore, type StoredMember } from '../../../../server/store/members';
import { createModerationStore } from '../../../../server/store/moderation';
import { createSpaceStore } from '../../../../server/store/spaces';

let dir: string;
let file: string;
let db: Db;
let members: MemberStore;
let spaceId: string;
let other: string;

const member = (over: Partial<StoredMember> = {}): StoredMember => ({
  id: 'p0123456789abcdef',
  subject: 'ab'.repeat(32),
  name: 'Lou',
  role: 'listener',
  handRaisedAt: 1_000,
  invited: false,
  mutedBy: null,
  joinedAt: 500,
  seatId: null,
  ...over,
});

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-members-'));
  file = path.join(dir, 'podium.sqlite');
  db = openDatabase(file);
  members = createMemberStore(db);
  const spaces = createSpaceStore(db);
  spaceId = spaces.create({ title: 'Show', description: '', hostName: 'Ann' }, 1).space.id;
  other = spaces.create({ title: 'Other', description: '', hostName: 'Bo' }, 2).space.id;
});

afterEach(() => {
  if (db.open) db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('members', () => {
  it('keeps what it was given, across a re-open of the file', () => {
    const lou = member();
    const cleoSeat = createModerationStore(db).takeSeat(spaceId, 'cd'.repeat(32), 'Cleo', 3).seat;
    const cleo = member({ id: 'pcleo', subject: 'cd'.repeat(32), name: 'Cleo', role: 'cohost', handRaisedAt: null, seatId: cleoSeat.id, joinedAt: 3 });
    const sam = member({ id: 'psam', name: 'Sam', role: 'speaker', handRaisedAt: null, mutedBy: 'Ann', invited: true, joinedAt: 700 });
    for (const m of [sam, lou, cleo]) members.save(spaceId, m);
    db.close();
    db = openDatabase(file);
    members = createMemberStore(db);
    // In the order they joined: the stage's order, and a stable one for the roster.
    expect(members.load(spaceId)).toEqual([cleo, lou, sam]);
    expect(members.load(other)).toEqual([]);
  });

  it('replaces a row on save (the latest standing wins) and drops one on remove', () => {
    members.save(spaceId, member());
    members.save(spaceId, member({ role: 'speaker', handRaisedAt: null, name: 'Lou Reed' }));
    expect(members.load(spaceId)).toEqual([member({ role: 'speaker', handRaisedAt: null, name: 'Lou Reed' })]);
    expect(members.remove(spaceId, 'p0123456789abcdef')).toBe(true);
    expect(members.remove(spaceId, 'p0123456789abcdef')).toBe(false);
    expect(members.load(spaceId)).toEqual([]);
  });

  it('keeps the same person apart in two spaces, and clears one space without touching the other', () => {
    members.save(spaceId, member());
    members.save(other, member({ handRaisedAt: 9 }));
    expect(members.clear(spaceId)).toBe(1);
    expect(members.load(spaceId)).toEqual([]);
    expect(members.load(other)).toEqual([member({ handRaisedAt: 9 })]);
  });

  it('refuses what cannot be a member: an unknown role, a space that does not exist, a wrong type', () => {
    expect(() => members.save(spaceId, member({ role: 'owner' as StoredMember['role'] }))).toThrow(/CHECK constraint/i);
    expect(() => members.save('nosuchspace', member())).toThrow(/FOREIGN KEY/i);
    expect(() => members.save(spaceId, member({ handRaisedAt: 'soon' as unknown as number }))).toThrow(/cannot store TEXT value in INTEGER column/i);
    expect(members.load(spaceId)).toEqual([]);
  });

  it('goes with its space', () => {
    members.save(spaceId, member());
    db.prepare('DELETE FROM spaces WHERE id = ?').run(spaceId);
    expect(db.prepare('SELECT COUNT(*) AS n FROM members').get()).toEqual({ n: 0 });
  });
});
