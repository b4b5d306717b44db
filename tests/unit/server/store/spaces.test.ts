// The spaces store over a real SQLite file: ids and host keys, status transitions, listing, and persistence.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseClientMessage } from '../../../../common/protocol';
import { SPACE_ID_PATTERN } from '../../../../common/space';
import { openDatabase, type Db } from '../../../../server/store/db';
import { createSpaceStore, hashKey, newSpaceId, type SpaceStore } from '../../../../server/store/spaces';

let dir: string;
let file: string;
let db: Db;
let store: SpaceStore;

const input = (title = 'Morning show') => ({ title, description: 'coffee talk', hostName: 'Ann' });

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-spaces-'));
  file = path.join(dir, 'podium.sqlite');
  db = openDatabase(file);
  store = createSpaceStore(db);
});

afterEach(() => {
  if (db.open) db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function reopen(): void {
  db.close();
  db = openDatabase(file);
  store = createSpaceStore(db);
}

describe('create', () => {
  it('returns a scheduled space with a 10-character id and a host key', () => {
    const { space, hostKey } = store.create(input(), 1_000);
    expect(space.id).toMatch(SPACE_ID_PATTERN);
    expect(space).toEqual({
      id: space.id,
      title: 'Morning show',
      description: 'coffee talk',
      hostName: 'Ann',
      status: 'scheduled',
      createdAt: 1_000,
      startedAt: null,
      endedAt: null,
    });
    expect(hostKey.length).toBeGreaterThanOrEqual(32);
  });

  it('hands out a host key the space protocol accepts as a credential', () => {
    const { space, hostKey } = store.create(input(), 1);
    const parsed = parseClientMessage(JSON.stringify({ type: 'join', spaceId: space.id, credential: hostKey }));
    expect(parsed.ok).toBe(true);
  });

  it('gives every space its own id and key', () => {
    const made = Array.from({ length: 50 }, (_, i) => store.create(input(`s${i}`), i));
    expect(new Set(made.map((m) => m.space.id)).size).toBe(50);
    expect(new Set(made.map((m) => m.hostKey)).size).toBe(50);
    for (let i = 0; i < 200; i++) expect(newSpaceId()).toMatch(SPACE_ID_PATTERN);
  });

  it('stores only a hash of the host key, never the key itself', () => {
    const { space, hostKey } = store.create(input(), 1);
    const row = db.prepare('SELECT * FROM spaces WHERE id = ?').get(space.id);
    const rowText = JSON.stringify(row);
    expect(rowText).not.toContain(hostKey);
    expect(rowText).toContain(hashKey(hostKey));
    db.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = Buffer.concat(
      [file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)),
    );
    expect(bytes.includes(Buffer.from(hostKey))).toBe(false);
    expect(bytes.includes(Buffer.from(hashKey(hostKey)))).toBe(true);
  });

  it('keeps quotes and SQL-looking text as plain data', () => {
    const title = "Bobby'); DROP TABLE spaces; --";
    const { space } = store.create(input(title), 1);
    expect(store.get(space.id)?.title).toBe(title);
    expect(store.list(10)).toHaveLength(1);
  });
});

describe('host keys', () => {
  it('verifies the right key only, for the right space only', () => {
    const a = store.create(input('a'), 1);
    const b = store.create(input('b'), 2);
    expect(store.verifyHostKey(a.space.id, a.hostKey)).toBe(true);
    expect(store.verifyHostKey(a.space.id, b.hostKey)).toBe(false);
    expect(store.verifyHostKey(a.space.id, a.hostKey + 'x')).toBe(false);
    expect(store.verifyHostKey(a.space.id, '')).toBe(false);
    expect(store.verifyHostKey('zzzzzzzzzz', a.hostKey)).toBe(false);
  });

  it('rotating the key invalidates the old one and validates the new one', () => {
    const { space, hostKey } = store.create(input(), 1);
    const fresh = store.rotateHostKey(space.id);
    expect(fresh).not.toBeNull();
    expect(fresh).not.toBe(hostKey);
    expect(store.verifyHostKey(space.id, hostKey)).toBe(false);
    expect(store.verifyHostKey(space.id, fresh!)).toBe(true);
  });

  it('rotating the key of an unknown space returns null', () => {
    expect(store.rotateHostKey('zzzzzzzzzz')).toBeNull();
  });
});

describe('status', () => {
  it('goes scheduled → live → ended with the times recorded', () => {
    const { space } = store.create(input(), 100);
    const live = store.setStatus(space.id, 'live', 200);
    expect(live).toMatchObject({ status: 'live', startedAt: 200, endedAt: null });
    const ended = store.setStatus(space.id, 'ended', 300);
    expect(ended).toMatchObject({ status: 'ended', startedAt: 200, endedAt: 300 });
    expect(store.get(space.id)).toEqual(ended);
  });

  it('keeps the first start time when live is set again', () => {
    const { space } = store.create(input(), 100);
    store.setStatus(space.id, 'live', 200);
    expect(store.setStatus(space.id, 'live', 250)).toMatchObject({ status: 'live', startedAt: 200 });
  });

  it('treats ended as final: neither live nor a second end changes it', () => {
    const { space } = store.create(input(), 100);
    store.setStatus(space.id, 'live', 200);
    store.setStatus(space.id, 'ended', 300);
    expect(store.setStatus(space.id, 'live', 400)).toMatchObject({ status: 'ended', startedAt: 200, endedAt: 300 });
    expect(store.setStatus(space.id, 'ended', 500)).toMatchObject({ status: 'ended', endedAt: 300 });
  });

  it('can end a space that never went live', () => {
    const { space } = store.create(input(), 100);
    expect(store.setStatus(space.id, 'ended', 150)).toMatchObject({ status: 'ended', startedAt: null, endedAt: 150 });
  });

  it('returns null for an unknown space and creates nothing', () => {
    expect(store.setStatus('zzzzzzzzzz', 'live', 1)).toBeNull();
    expect(store.get('zzzzzzzzzz')).toBeNull();
    expect(store.list(10)).toEqual([]);
  });
});

describe('live', () => {
  it('lists the live spaces only, in the order they went live, also after a re-open (what a restart brings back)', () => {
    const [a, b, c, d] = ['A', 'B', 'C', 'D'].map((t) => store.create(input(t), 1).space);
    store.setStatus(b!.id, 'live', 300);
    store.setStatus(a!.id, 'live', 400);
    store.setStatus(c!.id, 'live', 200);
    store.setStatus(c!.id, 'ended', 500);
    reopen();
    expect(store.live().map((s) => s.title)).toEqual(['B', 'A']);
    expect(store.live().map((s) => s.id)).not.toContain(d!.id);
  });
});

describe('list', () => {
  it('lists newest first and honours the limit', () => {
    const ids = [300, 100, 200].map((t) => store.create(input(`t${t}`), t).space.id);
    expect(store.list(10).map((s) => s.createdAt)).toEqual([300, 200, 100]);
    expect(store.list(2).map((s) => s.id)).toEqual([ids[0], ids[2]]);
  });

  it('breaks ties by creation order, newest first', () => {
    const ids = ['a', 'b', 'c'].map((t) => store.create(input(t), 500).space.id);
    expect(store.list(10).map((s) => s.id)).toEqual([...ids].reverse());
  });

  it('never exposes the host key hash', () => {
    const { hostKey } = store.create(input(), 1);
    const text = JSON.stringify(store.list(10));
    expect(text).not.toContain(hashKey(hostKey));
    expect(text).not.toContain('host_key');
  });
});

describe('persistence', () => {
  it('a space, its status and its host key survive closing and reopening the file', () => {
    const { space, hostKey } = store.create(input(), 100);
    store.setStatus(space.id, 'live', 200);
    reopen();
    expect(store.get(space.id)).toMatchObject({ id: space.id, title: 'Morning show', status: 'live', startedAt: 200 });
    expect(store.verifyHostKey(space.id, hostKey)).toBe(true);
  });

  it('a rotated key is the one that survives', () => {
    const { space, hostKey } = store.create(input(), 100);
    const fresh = store.rotateHostKey(space.id)!;
    reopen();
    expect(store.verifyHostKey(space.id, hostKey)).toBe(false);
    expect(store.verifyHostKey(space.id, fresh)).toBe(true);
  });
});
