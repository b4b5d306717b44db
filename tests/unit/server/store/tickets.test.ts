// The ticket store over a real SQLite file: issuing keeps only hashes, a ticket binds to the first person who redeems
// it (the same person may come back; anyone else is refused), revoking frees its place and ends its holder's right to
// be there, capacity holds, and all of it survives closing and reopening the file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion, type Db } from '../../../../server/store/db';
import { MIGRATIONS } from '../../../../server/store/migrations/index';
import { createSpaceStore } from '../../../../server/store/spaces';
import { createTicketStore, type TicketStore } from '../../../../server/store/tickets';
import { newTicketCode, ticketHash } from '../../../../server/tickets';

let dir: string;
let file: string;
let db: Db;
let tickets: TicketStore;
let spaceId: string;
const person = (n: number) => ({ subject: n.toString(16).padStart(64, '0'), identity: `p${n.toString(16).padStart(16, '0')}`, name: `Person ${n}` });

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-tickets-'));
  file = path.join(dir, 'podium.sqlite');
  db = openDatabase(file);
  spaceId = createSpaceStore(db).create({ title: 'Ticketed', description: '', hostName: 'Ann' }, 1_000).space.id;
  tickets = createTicketStore(db);
});

afterEach(() => {
  if (db.open) db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function issue(n: number, label = ''): string[] {
  const secret = tickets.secret(spaceId);
  const codes = Array.from({ length: n }, () => newTicketCode(secret, spaceId));
  tickets.issue(spaceId, codes.map((c) => ticketHash(spaceId, c)), label, 2_000);
  return codes;
}
const redeem = (code: string, who: ReturnType<typeof person>) => tickets.redeem(spaceId, ticketHash(spaceId, code), who, 3_000);

describe('the ticket store', () => {
  it('starts with tickets off and keeps its settings', () => {
    expect(tickets.settings(spaceId)).toEqual({ required: false, capacity: 100 });
    expect(tickets.setSettings(spaceId, { required: true })).toEqual({ required: true, capacity: 100 });
    expect(tickets.setSettings(spaceId, { capacity: 3 })).toEqual({ required: true, capacity: 3 });
  });

  it('stores only hashes of the codes', () => {
    const codes = issue(3, 'Shop');
    const raw = fs.readFileSync(file).toString('latin1') + (fs.existsSync(`${file}-wal`) ? fs.readFileSync(`${file}-wal`).toString('latin1') : '');
    for (const c of codes) expect(raw).not.toContain(c);
    expect(tickets.counts(spaceId)).toEqual({ issued: 3, used: 0, revoked: 0, admitted: 0 });
    expect(tickets.recent(spaceId, 10).map((t) => t.label)).toEqual(['Shop', 'Shop', 'Shop']);
  });

  it('binds a ticket to its first redeemer: the same person may come back, another is refused', () => {
    const [code] = issue(1);
    const first = redeem(code!, person(1));
    expect(first).toMatchObject({ ok: true });
    expect(redeem(code!, person(1))).toEqual({ ...first, fresh: false });
    expect(redeem(code!, person(2))).toEqual({ ok: false, reason: 'used' });
    expect(tickets.holds(spaceId, person(1).identity)).toBe(true);
    expect(tickets.holds(spaceId, person(2).identity)).toBe(false);
    expect(tickets.counts(spaceId)).toEqual({ issued: 1, used: 1, revoked: 0, admitted: 1 });
  });

  it('refuses a code it never issued, and a code of another space', () => {
    expect(redeem(newTicketCode(tickets.secret(spaceId), spaceId), person(1))).toEqual({ ok: false, reason: 'invalid' });
    const other = createSpaceStore(db).create({ title: 'Other', description: '', hostName: 'Bo' }, 1_000).space.id;
    const theirs = newTicketCode(tickets.secret(other), other);
    tickets.issue(other, [ticketHash(other, theirs)], '', 2_000);
    expect(redeem(theirs, person(1))).toEqual({ ok: false, reason: 'invalid' });
  });

  it('revoking ends the holder’s right and refuses the code to everyone, the holder included', () => {
    const [code] = issue(1);
    const r = redeem(code!, person(1));
    if (!r.ok) throw new Error('not admitted');
    expect(tickets.revoke(spaceId, r.ticketId, 4_000)).toEqual({ holderIdentity: person(1).identity, alreadyRevoked: false });
    expect(tickets.holds(spaceId, person(1).identity)).toBe(false);
    expect(redeem(code!, person(1))).toEqual({ ok: false, reason: 'revoked' });
    expect(redeem(code!, person(2))).toEqual({ ok: false, reason: 'revoked' });
    expect(tickets.revoke(spaceId, r.ticketId, 5_000)).toEqual({ holderIdentity: person(1).identity, alreadyRevoked: true });
    expect(tickets.revoke(spaceId, 999, 5_000)).toBeUndefined();
    expect(tickets.counts(spaceId)).toEqual({ issued: 1, used: 1, revoked: 1, admitted: 0 });
  });

  it('admits up to the capacity; a holder still comes back when full; a revoked ticket frees its place', () => {
    tickets.setSettings(spaceId, { required: true, capacity: 2 });
    const codes = issue(4);
    const a = redeem(codes[0]!, person(1));
    expect(redeem(codes[1]!, person(2))).toMatchObject({ ok: true });
    expect(redeem(codes[2]!, person(3))).toEqual({ ok: false, reason: 'full' });
    expect(redeem(codes[0]!, person(1))).toEqual({ ...a, fresh: false });
    if (!a.ok) throw new Error('not admitted');
    tickets.revoke(spaceId, a.ticketId, 4_000);
    expect(redeem(codes[2]!, person(3))).toMatchObject({ ok: true });
    expect(redeem(codes[3]!, person(4))).toEqual({ ok: false, reason: 'full' });
  });

  it('keeps tickets, bindings, revocations and settings through closing and reopening the file', () => {
    tickets.setSettings(spaceId, { required: true, capacity: 5 });
    const secret = tickets.secret(spaceId);
    const codes = issue(3, 'Mailing');
    const a = redeem(codes[0]!, person(1));
    const b = redeem(codes[1]!, person(2));
    if (!b.ok) throw new Error('not admitted');
    tickets.revoke(spaceId, b.ticketId, 4_000);
    db.close();
    db = openDatabase(file);
    tickets = createTicketStore(db);
    expect(tickets.settings(spaceId)).toEqual({ required: true, capacity: 5 });
    expect(tickets.secret(spaceId)).toBe(secret);
    expect(tickets.counts(spaceId)).toEqual({ issued: 3, used: 2, revoked: 1, admitted: 1 });
    expect(redeem(codes[0]!, person(1))).toEqual({ ...a, fresh: false });
    expect(redeem(codes[0]!, person(3))).toEqual({ ok: false, reason: 'used' });
    expect(redeem(codes[1]!, person(2))).toEqual({ ok: false, reason: 'revoked' });
    expect(redeem(codes[2]!, person(3))).toMatchObject({ ok: true });
    expect(tickets.recent(spaceId, 10).map((t) => [t.label, t.holderName, t.revokedAt !== null])).toEqual([
      ['Mailing', 'Person 3', false],
      ['Mailing', 'Person 2', true],
      ['Mailing', 'Person 1', false],
    ]);
  });
});

describe('0100-tickets', () => {
  it('upgrades the database before it, keeping its spaces; tickets go with their space; a code hash is unique', () => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir);
    const before = MIGRATIONS.filter((m) => m.version < 100);
    const old = openDatabase(file, before);
    old.prepare(`INSERT INTO spaces (id, title, host_name, host_key_hash, status, created_at) VALUES ('abcde12345', 't', 'h', 'x', 'live', 1)`).run();
    old.close();
    db = openDatabase(file);
    expect(schemaVersion(db)).toBe(100);
    tickets = createTicketStore(db);
    tickets.setSettings('abcde12345', { required: true, capacity: 2 });
    tickets.issue('abcde12345', ['a'.repeat(64)], 'x', 1);
    expect(() => tickets.issue('abcde12345', ['a'.repeat(64)], 'y', 2)).toThrow(/UNIQUE/i);
    expect(() => db.prepare(`UPDATE ticket_settings SET capacity = 0`).run()).toThrow(/CHECK constraint/i);
    db.prepare(`DELETE FROM spaces WHERE id = 'abcde12345'`).run();
    expect(tickets.counts('abcde12345')).toEqual({ issued: 0, used: 0, revoked: 0, admitted: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM ticket_settings').get()).toEqual({ n: 0 });
  });
});
