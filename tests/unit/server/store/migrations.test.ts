// Opening and migrating the space server's SQLite file: fresh, re-opened, too new, and a migration that fails.
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion, type Db } from '../../../../server/store/db';
import { migration0010 } from '../../../../server/store/migrations/0010-spaces';
import { migration0020 } from '../../../../server/store/migrations/0020-moderation';
import { migration0030 } from '../../../../server/store/migrations/0030-seats';
import { migration0040 } from '../../../../server/store/migrations/0040-members';
import { migration0050 } from '../../../../server/store/migrations/0050-pin-captions';
import { migration0060 } from '../../../../server/store/migrations/0060-summaries';
import { migration0070 } from '../../../../server/store/migrations/0070-block-counts';
import { migration0080 } from '../../../../server/store/migrations/0080-reports';
import { migration0090 } from '../../../../server/store/migrations/0090-schedule';
import { createSpaceStore } from '../../../../server/store/spaces';
import { createReportStore } from '../../../../server/store/reports';
import { MIGRATIONS, type Migration } from '../../../../server/store/migrations/index';

const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../server/store/migrations');
const LATEST = MIGRATIONS.at(-1)?.version ?? 0;

let dir: string;
let file: string;
const open: Db[] = [];

function track(db: Db): Db {
  open.push(db);
  return db;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-migrations-'));
  file = path.join(dir, 'podium.sqlite');
});

afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function tableNames(db: Db): string[] {
  return db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .all()
    .map((r) => r.name);
}

function columns(db: Db, table: string): string[] {
  return db
    .prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`)
    .all()
    .map((r) => r.name);
}

describe('the migration list', () => {
  it('has strictly increasing versions and names', () => {
    expect(MIGRATIONS.length).toBeGreaterThan(0);
    for (let i = 1; i < MIGRATIONS.length; i++) expect(MIGRATIONS[i]!.version).toBeGreaterThan(MIGRATIONS[i - 1]!.version);
    for (const m of MIGRATIONS) expect(m.name).not.toBe('');
  });

  it('registers every migration file, with the version its file name gives', () => {
    const files = fs.readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{4}-.+\.ts$/.test(f));
    const fromFiles = files.map((f) => Number(f.slice(0, 4))).sort((a, b) => a - b);
    expect(MIGRATIONS.map((m) => m.version)).toEqual(fromFiles);
  });
});

describe('openDatabase', () => {
  it('brings a fresh file to the latest schema, in WAL mode with foreign keys on', () => {
    const db = track(openDatabase(file));
    expect(fs.existsSync(file)).toBe(true);
    expect(schemaVersion(db)).toBe(LATEST);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('creates the folder the file lives in', () => {
    const nested = path.join(dir, 'a', 'b', 'podium.sqlite');
    track(openDatabase(nested));
    expect(fs.existsSync(nested)).toBe(true);
  });

  it('makes the spaces table STRICT: a value of the wrong type is refused', () => {
    const db = track(openDatabase(file));
    const insert = db.prepare(
      `INSERT INTO spaces (id, title, host_name, host_key_hash, status, created_at) VALUES ('abcde12345', 't', 'h', 'x', 'scheduled', ?)`,
    );
    expect(() => insert.run('yesterday')).toThrow(/cannot store TEXT value in INTEGER column/i);
    expect(() => insert.run(1)).not.toThrow();
  });

  it('re-opening a migrated file changes nothing and keeps the data', () => {
    const first = track(openDatabase(file));
    first
      .prepare(`INSERT INTO spaces (id, title, host_name, host_key_hash, status, created_at) VALUES ('abcde12345', 't', 'h', 'x', 'live', 1)`)
      .run();
    const tablesBefore = tableNames(first);
    first.close();
    const again = track(openDatabase(file));
    expect(schemaVersion(again)).toBe(LATEST);
    expect(tableNames(again)).toEqual(tablesBefore);
    expect(again.prepare('SELECT COUNT(*) AS n FROM spaces').get()).toEqual({ n: 1 });
  });

  it('refuses a database written by a newer Podium, says so, and leaves it untouched', () => {
    const newer = new Database(file);
    newer.pragma(`user_version = ${LATEST + 5}`);
    newer.close();
    expect(() => track(openDatabase(file))).toThrow(new RegExp(`newer Podium.*schema ${LATEST + 5}.*knows ${LATEST}`));
    const check = track(new Database(file, { readonly: true }));
    expect(schemaVersion(check)).toBe(LATEST + 5);
    expect(tableNames(check)).toEqual([]);
  });

  // Regression guard, fixed (server/store/db.ts openDatabase): when migrate() throws, the Database handle is never closed, so the
  // refused file (and its -wal/-shm) stays open for the life of the process.
  it.runIf(process.platform === 'linux')('closes the file again when it refuses it', () => {
    const newer = new Database(file);
    newer.pragma(`user_version = ${LATEST + 1}`);
    newer.close();
    const openFds = () =>
      fs.readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith(file);
        } catch {
          return false;
        }
      });
    expect(openFds()).toEqual([]);
    expect(() => openDatabase(file)).toThrow(/newer Podium/);
    expect(openFds()).toEqual([]);
  });

  it('rolls back every migration of a run when one fails', () => {
    const migrations: Migration[] = [
      { version: 1, name: 'first', up: 'CREATE TABLE first_table (x INTEGER) STRICT;' },
      { version: 2, name: 'broken', up: 'CREATE TABLE second_table (x INTEGER; -- bad SQL' },
    ];
    expect(() => track(openDatabase(file, migrations))).toThrow();
    const check = track(new Database(file, { readonly: true }));
    expect(schemaVersion(check)).toBe(0);
    expect(tableNames(check)).not.toContain('first_table');
  });

  it('applies only the pending migrations on a later run', () => {
    const v1: Migration[] = [{ version: 1, name: 'a', up: 'CREATE TABLE a (x INTEGER) STRICT; INSERT INTO a VALUES (1);' }];
    track(openDatabase(file, v1)).close();
    const v2: Migration[] = [...v1, { version: 2, name: 'b', up: 'CREATE TABLE b (y TEXT) STRICT;' }];
    const db = track(openDatabase(file, v2));
    expect(schemaVersion(db)).toBe(2);
    expect(tableNames(db)).toEqual(['a', 'b']);
    // Had migration 1 run again, CREATE TABLE a would have thrown; its row is still the only one.
    expect(db.prepare('SELECT COUNT(*) AS n FROM a').get()).toEqual({ n: 1 });
  });

  it('keeps an already-applied schema when a later migration fails', () => {
    const v1: Migration[] = [{ version: 1, name: 'a', up: 'CREATE TABLE a (x INTEGER) STRICT;' }];
    track(openDatabase(file, v1)).close();
    const bad: Migration[] = [...v1, { version: 2, name: 'b', up: 'CREATE TABLE b (y TEXT) STRICT;' }, { version: 3, name: 'c', up: 'NOT SQL' }];
    expect(() => track(openDatabase(file, bad))).toThrow();
    const check = track(new Database(file, { readonly: true }));
    expect(schemaVersion(check)).toBe(1);
    expect(tableNames(check)).toEqual(['a']);
  });
});

describe('migration 0010-spaces', () => {
  it('creates the spaces table with its columns and index', () => {
    const db = track(openDatabase(file, [migration0010]));
    expect(columns(db, 'spaces').sort()).toEqual(
      ['created_at', 'description', 'ended_at', 'host_key_hash', 'host_name', 'id', 'started_at', 'status', 'title'].sort(),
    );
    const indexes = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'spaces'").all();
    expect(indexes.map((i) => i.name)).toContain('spaces_created_at');
  });

  it('refuses a status outside scheduled/live/ended, a duplicate id and a missing host key hash', () => {
    const db = track(openDatabase(file));
    const insert = db.prepare(
      'INSERT INTO spaces (id, title, host_name, host_key_hash, status, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    expect(() => insert.run('aaaaaaaaaa', 't', 'h', 'x', 'bogus', 1)).toThrow(/CHECK constraint/i);
    for (const status of ['scheduled', 'live', 'ended']) insert.run(`${status.padEnd(10, 'x')}`, 't', 'h', 'x', status, 1);
    expect(() => insert.run('livexxxxxx', 't', 'h', 'x', 'live', 1)).toThrow(/UNIQUE|PRIMARY KEY/i);
    expect(() => insert.run('bbbbbbbbbb', 't', 'h', null, 'live', 1)).toThrow(/NOT NULL/i);
  });

  it('defaults the description to empty and leaves start/end times null', () => {
    const db = track(openDatabase(file));
    db.prepare(`INSERT INTO spaces (id, title, host_name, host_key_hash, status, created_at) VALUES ('cccccccccc', 't', 'h', 'x', 'scheduled', 5)`).run();
    expect(db.prepare("SELECT description, started_at, ended_at FROM spaces WHERE id = 'cccccccccc'").get()).toEqual({
      description: '',
      started_at: null,
      ended_at: null,
    });
  });
});

describe('0020-moderation', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-mig20-'));
    file = path.join(dir, 'podium.sqlite');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('upgrades a 0010 database that already holds spaces, giving them the default settings', () => {
    const old = openDatabase(file, [migration0010]);
    old.prepare(`INSERT INTO spaces (id, title, host_name, host_key_hash, status, created_at) VALUES ('aaaaaaaaaa', 't', 'h', 'x', 'live', 1)`).run();
    old.close();
    const db = openDatabase(file, [migration0010, migration0020]);
    try {
      expect(schemaVersion(db)).toBe(20);
      const row = db.prepare('SELECT owner, request_policy, speaker_limit, cohost_limit, cohost_key_hash FROM spaces').get();
      expect(row).toEqual({ owner: 'studio', request_policy: 'everyone', speaker_limit: 10, cohost_limit: 2, cohost_key_hash: null });
      expect(() => db.prepare(`UPDATE spaces SET request_policy = 'anyone'`).run()).toThrow(/CHECK constraint/i);
      for (const table of ['pins', 'bans', 'blocks', 'audit']) {
        expect(db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table)).toEqual({ n: 1 });
      }
      // Removing a space takes its pins, bans and audit entries with it.
      db.prepare(`INSERT INTO pins (id, space_id, url, kind, site, pinned_by, pinned_at, position) VALUES ('p1', 'aaaaaaaaaa', 'https://a.b', 'link', 'a.b', 'h', 1, 1)`).run();
      db.prepare(`DELETE FROM spaces`).run();
      expect(db.prepare('SELECT COUNT(*) AS n FROM pins').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});

describe('0030-seats', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-mig30-'));
    file = path.join(dir, 'podium.sqlite');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('upgrades a 0020 database: old bans get the SFU identity they keep out, old blocks count as the host\'s', () => {
    const old = openDatabase(file, [migration0010, migration0020]);
    old.prepare(`INSERT INTO spaces (id, title, host_name, host_key_hash, status, created_at) VALUES ('aaaaaaaaaa', 't', 'h', 'x', 'live', 1)`).run();
    const subject = 'ab'.repeat(32);
    old.prepare(`INSERT INTO bans (space_id, subject, name, at) VALUES ('aaaaaaaaaa', ?, 'Max', 1)`).run(subject);
    old.prepare(`INSERT INTO blocks (owner, subject, name, at) VALUES ('studio', ?, 'Max', 1)`).run(subject);
    old.close();
    const db = openDatabase(file, [migration0010, migration0020, migration0030]);
    try {
      expect(schemaVersion(db)).toBe(30);
      expect(db.prepare('SELECT identity FROM bans').get()).toEqual({ identity: `p${'ab'.repeat(8)}` });
      expect(db.prepare('SELECT added_by FROM blocks').get()).toEqual({ added_by: 'host' });
      expect(() => db.prepare(`UPDATE blocks SET added_by = 'anyone'`).run()).toThrow(/CHECK constraint/i);
      db.prepare(`INSERT INTO cohost_seats (id, space_id, credential_hash, holder, name, taken_at) VALUES ('s1', 'aaaaaaaaaa', 'h1', 'x', 'Ann', 1)`).run();
      // A seat credential is one person's: the same hash cannot be stored twice.
      expect(() => db.prepare(`INSERT INTO cohost_seats (id, space_id, credential_hash, holder, name, taken_at) VALUES ('s2', 'aaaaaaaaaa', 'h1', 'y', 'Bo', 1)`).run()).toThrow(/UNIQUE/i);
      db.prepare(`DELETE FROM spaces`).run();
      expect(db.prepare('SELECT COUNT(*) AS n FROM cohost_seats').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});

describe('0040-members', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-mig40-'));
    file = path.join(dir, 'podium.sqlite');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('upgrades a 0030 database that holds a live space and a seat: a STRICT members table that goes with its space', () => {
    const old = openDatabase(file, [migration0010, migration0020, migration0030]);
    old.prepare(`INSERT INTO spaces (id, title, host_name, host_key_hash, status, created_at) VALUES ('aaaaaaaaaa', 't', 'h', 'x', 'live', 1)`).run();
    old.prepare(`INSERT INTO cohost_seats (id, space_id, credential_hash, holder, name, taken_at) VALUES ('s1', 'aaaaaaaaaa', 'h1', 'x', 'Ann', 1)`).run();
    old.close();
    const db = openDatabase(file, [migration0010, migration0020, migration0030, migration0040]);
    try {
      expect(schemaVersion(db)).toBe(40);
      expect(columns(db, 'members').sort()).toEqual(
        ['hand_raised_at', 'id', 'invited', 'joined_at', 'muted_by', 'name', 'role', 'seat_id', 'space_id', 'subject'].sort(),
      );
      // What was there before is untouched.
      expect(db.prepare('SELECT status FROM spaces').get()).toEqual({ status: 'live' });
      const insert = db.prepare(
        `INSERT INTO members (space_id, id, subject, name, role, hand_raised_at, invited, muted_by, joined_at, seat_id) VALUES ('aaaaaaaaaa', ?, 'x', 'Ann', ?, ?, ?, NULL, 1, ?)`,
      );
      insert.run('p1', 'cohost', null, 0, 's1');
      insert.run('p2', 'listener', 5, 1, null);
      expect(() => insert.run('p3', 'owner', null, 0, null)).toThrow(/CHECK constraint/i);
      expect(() => insert.run('p3', 'listener', null, 2, null)).toThrow(/CHECK constraint/i);
      expect(() => insert.run('p3', 'listener', 'soon', 0, null)).toThrow(/cannot store TEXT value in INTEGER column/i);
      expect(() => insert.run('p3', 'cohost', null, 0, 'no-such-seat')).toThrow(/FOREIGN KEY/i);
      // One row per member of a space.
      expect(() => insert.run('p2', 'listener', 6, 0, null)).toThrow(/UNIQUE|PRIMARY KEY/i);
      db.prepare(`DELETE FROM spaces`).run();
      expect(db.prepare('SELECT COUNT(*) AS n FROM members').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });
});

describe('0050-pin-captions', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-mig50-'));
    file = path.join(dir, 'podium.sqlite');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('upgrades a 0040 database that holds pins: they keep everything and get an empty caption', () => {
    const upTo40 = [migration0010, migration0020, migration0030, migration0040];
    const old = openDatabase(file, upTo40);
    old.prepare(`INSERT INTO spaces (id, title, host_name, host_key_hash, status, created_at) VALUES ('aaaaaaaaaa', 't', 'h', 'x', 'live', 1)`).run();
    old.prepare(`INSERT INTO pins (id, space_id, url, kind, site, pinned_by, pinned_at, position) VALUES ('p1', 'aaaaaaaaaa', 'https://a.b', 'link', 'a.b', 'h', 1, 1)`).run();
    old.close();
    const db = openDatabase(file, [...upTo40, migration0050]);
    try {
      expect(schemaVersion(db)).toBe(50);
      expect(db.prepare('SELECT id, url, caption FROM pins').get()).toEqual({ id: 'p1', url: 'https://a.b', caption: '' });
      // STRICT still: a caption is text (bytes are refused; SQLite's STRICT turns a number into its text).
      expect(() => db.prepare(`UPDATE pins SET caption = ?`).run(Buffer.from('caption'))).toThrow(/cannot store BLOB value in TEXT column/i);
      expect(() => db.prepare(`UPDATE pins SET caption = NULL`).run()).toThrow(/NOT NULL/i);
    } finally {
      db.close();
    }
  });
});

describe('0060-summaries', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-mig60-'));
    file = path.join(dir, 'podium.sqlite');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('upgrades a 0050 database holding a live space: STRICT figure tables that refuse nonsense and go with their space', () => {
    const upTo50 = [migration0010, migration0020, migration0030, migration0040, migration0050];
    const old = openDatabase(file, upTo50);
    old.prepare(`INSERT INTO spaces (id, title, host_name, host_key_hash, status, created_at) VALUES ('aaaaaaaaaa', 't', 'h', 'x', 'live', 1)`).run();
    old.close();
    const db = openDatabase(file, [...upTo50, migration0060]);
    try {
      expect(schemaVersion(db)).toBe(60);
      expect(db.prepare('SELECT status FROM spaces').get()).toEqual({ status: 'live' });
      expect(columns(db, 'space_totals').sort()).toEqual(['hands', 'peak_listeners', 'space_id']);
      expect(columns(db, 'space_reactions').sort()).toEqual(['count', 'emoji', 'space_id']);
      expect(columns(db, 'space_listeners').sort()).toEqual(['space_id', 'subject']);
      expect(columns(db, 'space_stage').sort()).toEqual(['first_at', 'id', 'name', 'role', 'since', 'space_id', 'stage_ms']);
      db.prepare(`INSERT INTO space_totals (space_id, peak_listeners, hands) VALUES ('aaaaaaaaaa', 3, 2)`).run();
      expect(() => db.prepare(`UPDATE space_totals SET hands = -1`).run()).toThrow(/CHECK constraint/i);
      expect(() => db.prepare(`INSERT INTO space_totals (space_id) VALUES ('nosuchspac')`).run()).toThrow(/FOREIGN KEY/i);
      db.prepare(`INSERT INTO space_reactions (space_id, emoji, count) VALUES ('aaaaaaaaaa', '👏', 5)`).run();
      expect(() => db.prepare(`INSERT INTO space_reactions (space_id, emoji, count) VALUES ('aaaaaaaaaa', '🔥', 0)`).run()).toThrow(/CHECK constraint/i);
      db.prepare(`INSERT INTO space_listeners (space_id, subject) VALUES ('aaaaaaaaaa', 'x')`).run();
      expect(() => db.prepare(`INSERT INTO space_listeners (space_id, subject) VALUES ('aaaaaaaaaa', 'x')`).run()).toThrow(/UNIQUE|PRIMARY KEY/i);
      const stage = db.prepare(`INSERT INTO space_stage (space_id, id, name, role, stage_ms, since, first_at) VALUES ('aaaaaaaaaa', ?, 'Ann', ?, ?, NULL, 1)`);
      stage.run('p1', 'host', 1000);
      // A listener has no stage time; time is never negative.
      expect(() => stage.run('p2', 'listener', 0)).toThrow(/CHECK constraint/i);
      expect(() => stage.run('p3', 'speaker', -5)).toThrow(/CHECK constraint/i);
      expect(() => stage.run('p4', 'speaker', 'long')).toThrow(/cannot store TEXT value in INTEGER column/i);
      db.prepare(`DELETE FROM spaces`).run();
      for (const table of ['space_totals', 'space_reactions', 'space_listeners', 'space_stage']) {
        expect(db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get()).toEqual({ n: 0 });
      }
    } finally {
      db.close();
    }
  });
});

describe('0070-block-counts', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-mig70-'));
    file = path.join(dir, 'podium.sqlite');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('upgrades a 0060 database holding blocks: each owner counted, and the count follows inserts, upserts and deletes', () => {
    const upTo60 = [migration0010, migration0020, migration0030, migration0040, migration0050, migration0060];
    const old = openDatabase(file, upTo60);
    const block = old.prepare(`INSERT INTO blocks (owner, subject, name, at, added_by) VALUES (?, ?, 'x', 1, 'host')`);
    for (const [owner, subject] of [['a', '1'], ['a', '2'], ['a', '3'], ['b', '1']]) block.run(owner, subject);
    old.close();
    const db = openDatabase(file, [...upTo60, migration0070]);
    try {
      expect(schemaVersion(db)).toBe(70);
      const counts = () => db.prepare('SELECT owner, n FROM block_counts ORDER BY owner').all();
      expect(counts()).toEqual([{ owner: 'a', n: 3 }, { owner: 'b', n: 1 }]);
      db.prepare(`INSERT INTO blocks (owner, subject, name, at, added_by) VALUES ('c', '1', 'x', 2, 'host')`).run();
      // An upsert that finds the block already there updates it and counts nothing.
      db.prepare(`INSERT INTO blocks (owner, subject, name, at, added_by) VALUES ('a', '1', 'y', 3, 'cohost') ON CONFLICT (owner, subject) DO UPDATE SET name = excluded.name`).run();
      db.prepare(`DELETE FROM blocks WHERE owner = 'a' AND subject = '2'`).run();
      db.prepare(`DELETE FROM blocks WHERE owner = 'a' AND subject = 'nope'`).run();
      expect(counts()).toEqual([{ owner: 'a', n: 2 }, { owner: 'b', n: 1 }, { owner: 'c', n: 1 }]);
      expect(() => db.prepare(`UPDATE block_counts SET n = -1 WHERE owner = 'a'`).run()).toThrow(/CHECK constraint/i);
    } finally {
      db.close();
    }
  });
});

describe('0080-reports', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-mig80-'));
    file = path.join(dir, 'podium.sqlite');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('upgrades a 0070 database: one open report per reporter and target, again once decided; reports go with their space', () => {
    const upTo70 = [migration0010, migration0020, migration0030, migration0040, migration0050, migration0060, migration0070];
    const old = openDatabase(file, upTo70);
    old.prepare(`INSERT INTO spaces (id, title, host_name, host_key_hash, status, created_at) VALUES ('abcde12345', 't', 'h', 'x', 'live', 1)`).run();
    old.close();
    const db = openDatabase(file, [...upTo70, migration0080]);
    try {
      expect(schemaVersion(db)).toBe(80);
      const store = createReportStore(db);
      const base = { spaceId: 'abcde12345', targetKey: 'person:p0123456789abcdef', targetName: 'Sam', targetRole: 'speaker', targetSubject: 's', targetJoinedAt: 1, reporterSubject: 'r1', reporterName: 'Lia', reason: 'spam' as const, note: '', at: 10, forAdmin: false };
      expect(store.add(base)).toBe(true);
      expect(store.add({ ...base, reason: 'harassment', at: 11 })).toBe(false);
      expect(store.add({ ...base, reporterSubject: 'r2', at: 12 })).toBe(true);
      expect(store.openCount('abcde12345')).toBe(2);
      expect(store.decide('abcde12345', base.targetKey, { action: 'dismiss', by: 'Ann', at: 20, auditId: null })).toBe(2);
      expect(store.decide('abcde12345', base.targetKey, { action: 'mute', by: 'Ann', at: 21, auditId: null })).toBe(0);
      expect(store.add({ ...base, at: 30 })).toBe(true);
      expect(store.cases('abcde12345').map((c) => [c.reporters, c.decision?.action ?? 'open'])).toEqual([
        [1, 'open'],
        [2, 'dismiss'],
      ]);
      expect(() => db.prepare(`INSERT INTO reports (space_id, target_key, target_name, reporter_subject, reporter_name, reason, at) VALUES ('abcde12345', 'k', 'n', 'r', 'n', 'rude', 1)`).run()).toThrow(/CHECK constraint/i);
      db.prepare(`DELETE FROM spaces WHERE id = 'abcde12345'`).run();
      expect(store.all('abcde12345')).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('upgrades a 0080 database holding spaces: they read as unscheduled, can be scheduled, and follows are a STRICT set', () => {
    const upTo80 = [migration0010, migration0020, migration0030, migration0040, migration0050, migration0060, migration0070, migration0080];
    const old = openDatabase(file, upTo80);
    old.prepare(`INSERT INTO spaces (id, title, host_name, host_key_hash, status, created_at) VALUES ('abcde12345', 't', 'h', 'x', 'scheduled', 1)`).run();
    old.close();
    const db = openDatabase(file, [...upTo80, migration0090]);
    try {
      expect(schemaVersion(db)).toBe(90);
      const spaces = createSpaceStore(db);
      expect(spaces.get('abcde12345')).not.toHaveProperty('scheduledAt');
      expect(spaces.calendarEntry('abcde12345')?.sequence).toBe(0);
      expect(spaces.reschedule('abcde12345', { scheduledAt: 5_000 })?.scheduledAt).toBe(5_000);
      expect(columns(db, 'follows')).toEqual(['owner', 'follower', 'at']);
      db.prepare(`INSERT INTO follows (owner, follower, at) VALUES ('studio', 'f', 1)`).run();
      expect(() => db.prepare(`INSERT INTO follows (owner, follower, at) VALUES ('studio', 'f', 2)`).run()).toThrow(/UNIQUE|PRIMARY/i);
      expect(() => db.prepare(`INSERT INTO follows (owner, follower, at) VALUES ('studio', 'g', 'soon')`).run()).toThrow(/cannot store/i);
      expect(() => db.prepare(`UPDATE spaces SET ics_sequence = -1`).run()).toThrow(/CHECK constraint/i);
    } finally {
      db.close();
    }
  });
});
