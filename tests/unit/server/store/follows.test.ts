// Follows on a real SQLite file: idempotent both ways, per owner, and still there after the file is opened again;
// a host's feed id is made once, unguessable, and found again after reopening.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../../server/store/db';
import { createFollowStore, FEED_ID_PATTERN } from '../../../../server/store/follows';

let dir: string;
let file: string;
const open: Db[] = [];
const db = () => {
  const d = openDatabase(file);
  open.push(d);
  return d;
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-follows-'));
  file = path.join(dir, 'podium.sqlite');
});
afterEach(() => {
  for (const d of open.splice(0)) if (d.open) d.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('follows', () => {
  it('following twice is one follow; unfollowing twice changes nothing the second time; owners are apart', () => {
    const follows = createFollowStore(db());
    expect(follows.follow('studio', 'a'.repeat(64), 1)).toBe(true);
    expect(follows.follow('studio', 'a'.repeat(64), 2)).toBe(false);
    expect(follows.follow('studio', 'b'.repeat(64), 3)).toBe(true);
    expect(follows.follow('o123', 'a'.repeat(64), 4)).toBe(true);
    expect(follows.count('studio')).toBe(2);
    expect(follows.count('o123')).toBe(1);
    expect(follows.unfollow('studio', 'b'.repeat(64))).toBe(true);
    expect(follows.unfollow('studio', 'b'.repeat(64))).toBe(false);
    expect(follows.count('studio')).toBe(1);
    expect(follows.isFollowing('studio', 'a'.repeat(64))).toBe(true);
    expect(follows.isFollowing('studio', 'b'.repeat(64))).toBe(false);
  });

  it('survives closing and reopening the SQLite file, feed id included', () => {
    const first = db();
    const follows = createFollowStore(first);
    follows.follow('studio', 'a'.repeat(64), 1);
    const feed = follows.feedId('studio');
    expect(feed).toMatch(FEED_ID_PATTERN);
    expect(follows.feedId('studio')).toBe(feed);
    expect(follows.feedId('o1')).not.toBe(feed);
    first.close();
    const again = createFollowStore(db());
    expect(again.isFollowing('studio', 'a'.repeat(64))).toBe(true);
    expect(again.count('studio')).toBe(1);
    expect(again.follow('studio', 'a'.repeat(64), 5)).toBe(false);
    expect(again.feedId('studio')).toBe(feed);
    expect(again.ownerOfFeed(feed)).toBe('studio');
    expect(again.ownerOfFeed('x'.repeat(22))).toBeNull();
    expect(again.ownerOfFeed("' OR 1=1 --")).toBeNull();
  });
});
