// The owner's block list over a real SQLite file: the latest entries newest first and capped, one entry read alone,
// and a count kept by triggers that stays exact through new blocks, re-blocks (an upsert), unblocks, other owners and
// a re-opened file. What the server sends moderators (blocksMessage) is that capped list with the count.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blocksMessage } from '../../../../server/room';
import { openDatabase, type Db } from '../../../../server/store/db';
import { BLOCKS_SHOWN, createModerationStore, type ModerationStore } from '../../../../server/store/moderation';

let dir: string;
let file: string;
let db: Db;
let store: ModerationStore;
const subject = (i: number) => i.toString(16).padStart(64, '0');

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-blocks-'));
  file = path.join(dir, 'podium.sqlite');
  db = openDatabase(file);
  store = createModerationStore(db);
});

afterEach(() => {
  if (db.open) db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the block list', () => {
  it('lists the latest blocks first, at most BLOCKS_SHOWN, and counts them all', () => {
    db.transaction(() => {
      for (let i = 0; i < BLOCKS_SHOWN + 50; i++) store.block('owner-a', subject(i), `Troll ${i}`, 1_000 + i, 'host');
    })();
    const latest = store.blocks('owner-a');
    expect(latest).toHaveLength(BLOCKS_SHOWN);
    expect(latest[0]).toEqual({ subject: subject(BLOCKS_SHOWN + 49), name: `Troll ${BLOCKS_SHOWN + 49}`, at: 1_000 + BLOCKS_SHOWN + 49, byHost: true });
    expect(latest.at(-1)!.name).toBe('Troll 50');
    expect(store.blocks('owner-a', 3).map((b) => b.name)).toEqual([`Troll ${BLOCKS_SHOWN + 49}`, `Troll ${BLOCKS_SHOWN + 48}`, `Troll ${BLOCKS_SHOWN + 47}`]);
    expect(store.blockCount('owner-a')).toBe(BLOCKS_SHOWN + 50);
    expect(blocksMessage(store, 'owner-a')).toEqual({ type: 'blocks', blocks: latest, total: BLOCKS_SHOWN + 50 });
  });

  it('keeps the count exact through re-blocks, unblocks and other owners, and across a re-opened file', () => {
    store.block('owner-a', subject(1), 'Max', 10, 'cohost');
    store.block('owner-a', subject(2), 'Lou', 11, 'host');
    store.block('owner-b', subject(1), 'Max', 12, 'host');
    // The same person blocked again (renamed, by the host now): one block still, made by the host.
    store.block('owner-a', subject(1), 'Maxi', 13, 'host');
    expect(store.blockCount('owner-a')).toBe(2);
    expect(store.blockEntry('owner-a', subject(1))).toEqual({ subject: subject(1), name: 'Maxi', at: 13, byHost: true });
    expect(store.unblock('owner-a', subject(2))).toBe(true);
    expect(store.unblock('owner-a', subject(2))).toBe(false);
    expect(store.blockCount('owner-a')).toBe(1);
    expect(store.blockCount('owner-b')).toBe(1);
    expect(store.blockCount('nobody')).toBe(0);
    expect(store.blockEntry('owner-a', subject(2))).toBeNull();
    db.close();
    db = openDatabase(file);
    store = createModerationStore(db);
    expect(store.blockCount('owner-a')).toBe(1);
    expect(store.blocks('owner-a').map((b) => b.name)).toEqual(['Maxi']);
  });

  it('reads the latest blocks through an index, not by sorting the whole list', () => {
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT subject, name, at, added_by FROM blocks WHERE owner = ? ORDER BY at DESC LIMIT ?').all('o', 5) as { detail: string }[];
    const text = plan.map((p) => p.detail).join(' | ');
    expect(text).toMatch(/USING INDEX blocks_recent/);
    expect(text).not.toMatch(/TEMP B-TREE/);
  });
});
