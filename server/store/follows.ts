// Who follows which host (keyed by the spaces' owner) and each owner's public calendar feed id. Following is a set:
// following twice, or unfollowing someone not followed, changes nothing. Every value goes through bound parameters.
import crypto from 'node:crypto';
import type { Db } from './db';

/** A feed id: 128 random bits, URL-safe — unguessable, so nobody can list a host's schedule without being given it. */
export const FEED_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export interface FollowStore {
  /** Returns whether this changed anything. */
  follow(owner: string, follower: string, now: number): boolean;
  unfollow(owner: string, follower: string): boolean;
  isFollowing(owner: string, follower: string): boolean;
  count(owner: string): number;
  /** The owner's feed id, made the first time it is asked for and the same ever after. */
  feedId(owner: string): string;
  /** Whose feed this id is, or null (also for text that is no feed id). */
  ownerOfFeed(feedId: string): string | null;
}

export function createFollowStore(db: Db): FollowStore {
  const insert = db.prepare('INSERT INTO follows (owner, follower, at) VALUES (?, ?, ?) ON CONFLICT (owner, follower) DO NOTHING');
  const remove = db.prepare('DELETE FROM follows WHERE owner = ? AND follower = ?');
  const one = db.prepare<[string, string], { n: number }>('SELECT 1 AS n FROM follows WHERE owner = ? AND follower = ?');
  const count = db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM follows WHERE owner = ?');
  const feedOf = db.prepare<[string], { feed_id: string }>('SELECT feed_id FROM host_feeds WHERE owner = ?');
  const addFeed = db.prepare('INSERT INTO host_feeds (owner, feed_id) VALUES (?, ?) ON CONFLICT (owner) DO NOTHING');
  const ownerOf = db.prepare<[string], { owner: string }>('SELECT owner FROM host_feeds WHERE feed_id = ?');
  return {
    follow: (owner, follower, now) => insert.run(owner, follower, now).changes === 1,
    unfollow: (owner, follower) => remove.run(owner, follower).changes === 1,
    isFollowing: (owner, follower) => one.get(owner, follower) !== undefined,
    count: (owner) => count.get(owner)?.n ?? 0,
    feedId(owner) {
      const existing = feedOf.get(owner);
      if (existing) return existing.feed_id;
      addFeed.run(owner, crypto.randomBytes(16).toString('base64url'));
      return feedOf.get(owner)!.feed_id;
    },
    ownerOfFeed: (feedId) => (FEED_ID_PATTERN.test(feedId) ? (ownerOf.get(feedId)?.owner ?? null) : null),
  };
}
