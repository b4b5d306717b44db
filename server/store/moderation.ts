// Queries for moderation state: settings and co-host invite per space, pins, bans, blocks and the audit log.
import crypto from 'node:crypto';
import type { ParsedPin, Pin, SpaceSettings } from '../../common/moderation';
import type { AuditEntry, BlockEntry } from '../../common/protocol';
import type { Db } from './db';
import { hashKey } from './spaces';

interface PinRow {
  id: string;
  url: string;
  kind: 'x' | 'link';
  handle: string | null;
  post_id: string | null;
  site: string;
  pinned_by: string;
  pinned_at: number;
}

export interface ModerationStore {
  settings(spaceId: string): SpaceSettings;
  updateSettings(spaceId: string, change: Partial<SpaceSettings>): SpaceSettings;
  owner(spaceId: string): string;
  /** Makes a new co-host invite key (the previous one stops working) and returns it. */
  rotateCohostKey(spaceId: string): string;
  verifyCohostKey(spaceId: string, key: string): boolean;
  pins(spaceId: string): Pin[];
  addPin(spaceId: string, pin: ParsedPin, by: string, now: number): Pin;
  removePin(spaceId: string, pinId: string): boolean;
  ban(spaceId: string, subject: string, name: string, now: number): void;
  isBanned(spaceId: string, subject: string): boolean;
  block(owner: string, subject: string, name: string, now: number): void;
  unblock(owner: string, subject: string): boolean;
  isBlocked(owner: string, subject: string): boolean;
  blocks(owner: string): BlockEntry[];
  audit(spaceId: string, entry: Omit<AuditEntry, 'id'>): AuditEntry;
  auditLog(spaceId: string, limit: number): AuditEntry[];
}

function sameHash(stored: string | null, key: string): boolean {
  if (!stored) return false;
  const a = Buffer.from(stored, 'hex');
  const b = Buffer.from(hashKey(key), 'hex');
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export function createModerationStore(db: Db): ModerationStore {
  const q = {
    settings: db.prepare<[string], { request_policy: SpaceSettings['requestPolicy']; speaker_limit: number; cohost_limit: number }>(
      'SELECT request_policy, speaker_limit, cohost_limit FROM spaces WHERE id = ?',
    ),
    setSettings: db.prepare('UPDATE spaces SET request_policy = ?, speaker_limit = ?, cohost_limit = ? WHERE id = ?'),
    owner: db.prepare<[string], { owner: string }>('SELECT owner FROM spaces WHERE id = ?'),
    setCohostKey: db.prepare('UPDATE spaces SET cohost_key_hash = ? WHERE id = ?'),
    cohostKey: db.prepare<[string], { cohost_key_hash: string | null }>('SELECT cohost_key_hash FROM spaces WHERE id = ?'),
    pins: db.prepare<[string], PinRow>('SELECT * FROM pins WHERE space_id = ? ORDER BY position, pinned_at'),
    nextPos: db.prepare<[string], { p: number }>('SELECT COALESCE(MAX(position), 0) + 1 AS p FROM pins WHERE space_id = ?'),
    addPin: db.prepare(
      `INSERT INTO pins (id, space_id, url, kind, handle, post_id, site, pinned_by, pinned_at, position)
       VALUES (@id, @spaceId, @url, @kind, @handle, @postId, @site, @by, @now, @position)`,
    ),
    removePin: db.prepare('DELETE FROM pins WHERE space_id = ? AND id = ?'),
    ban: db.prepare('INSERT OR IGNORE INTO bans (space_id, subject, name, at) VALUES (?, ?, ?, ?)'),
    isBanned: db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM bans WHERE space_id = ? AND subject = ?'),
    block: db.prepare('INSERT OR REPLACE INTO blocks (owner, subject, name, at) VALUES (?, ?, ?, ?)'),
    unblock: db.prepare('DELETE FROM blocks WHERE owner = ? AND subject = ?'),
    isBlocked: db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM blocks WHERE owner = ? AND subject = ?'),
    blocks: db.prepare<[string], BlockEntry>('SELECT subject, name, at FROM blocks WHERE owner = ? ORDER BY at DESC'),
    audit: db.prepare('INSERT INTO audit (space_id, at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)'),
    auditLog: db.prepare<[string, number], AuditEntry>(
      'SELECT id, at, actor, action, target, detail FROM (SELECT * FROM audit WHERE space_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id',
    ),
  };
  const toPin = (r: PinRow): Pin => ({
    id: r.id,
    url: r.url,
    kind: r.kind,
    handle: r.handle,
    postId: r.post_id,
    site: r.site,
    pinnedBy: r.pinned_by,
    pinnedAt: r.pinned_at,
  });

  const store: ModerationStore = {
    settings(spaceId) {
      const r = q.settings.get(spaceId);
      if (!r) throw new Error(`no space ${spaceId}`);
      return { requestPolicy: r.request_policy, speakerLimit: r.speaker_limit, cohostLimit: r.cohost_limit };
    },
    updateSettings(spaceId, change) {
      const next = { ...store.settings(spaceId), ...change };
      q.setSettings.run(next.requestPolicy, next.speakerLimit, next.cohostLimit, spaceId);
      return next;
    },
    owner: (spaceId) => q.owner.get(spaceId)?.owner ?? 'studio',
    rotateCohostKey(spaceId) {
      const key = crypto.randomBytes(24).toString('base64url');
      q.setCohostKey.run(hashKey(key), spaceId);
      return key;
    },
    verifyCohostKey: (spaceId, key) => sameHash(q.cohostKey.get(spaceId)?.cohost_key_hash ?? null, key),
    pins: (spaceId) => q.pins.all(spaceId).map(toPin),
    addPin(spaceId, pin, by, now) {
      const id = crypto.randomBytes(6).toString('hex');
      const position = q.nextPos.get(spaceId)?.p ?? 1;
      q.addPin.run({ id, spaceId, ...pin, by, now, position });
      return { id, ...pin, pinnedBy: by, pinnedAt: now };
    },
    removePin: (spaceId, pinId) => q.removePin.run(spaceId, pinId).changes > 0,
    ban: (spaceId, subject, name, now) => void q.ban.run(spaceId, subject, name, now),
    isBanned: (spaceId, subject) => (q.isBanned.get(spaceId, subject)?.n ?? 0) > 0,
    block: (owner, subject, name, now) => void q.block.run(owner, subject, name, now),
    unblock: (owner, subject) => q.unblock.run(owner, subject).changes > 0,
    isBlocked: (owner, subject) => (q.isBlocked.get(owner, subject)?.n ?? 0) > 0,
    blocks: (owner) => q.blocks.all(owner),
    audit(spaceId, entry) {
      const info = q.audit.run(spaceId, entry.at, entry.actor, entry.action, entry.target, entry.detail);
      return { id: Number(info.lastInsertRowid), ...entry };
    },
    auditLog: (spaceId, limit) => q.auditLog.all(spaceId, limit),
  };
  return store;
}
