// Queries for moderation state: settings and co-host invite per space, pins, bans, blocks, the audit log, and each
// member's standing (members.ts), so all of it outlives a restart of the space server.
import crypto from 'node:crypto';
import type { ParsedPin, Pin, SpaceSettings } from '../../common/moderation';
import type { AuditEntry, BlockEntry } from '../../common/protocol';
import type { Db } from './db';
import { createMemberStore, type MemberStore } from './members';
import { hashKey } from './spaces';
import { createSummaryStore, type SummaryStore } from './summary';

export type BlockAuthor = 'host' | 'cohost';

export interface Seat {
  id: string;
  spaceId: string;
  /** Hash of the client key of the person who took it. */
  holder: string;
  name: string;
  takenAt: number;
  revokedAt: number | null;
}

interface SeatRow {
  id: string;
  space_id: string;
  holder: string;
  name: string;
  taken_at: number;
  revoked_at: number | null;
}
const toSeat = (r: SeatRow): Seat => ({ id: r.id, spaceId: r.space_id, holder: r.holder, name: r.name, takenAt: r.taken_at, revokedAt: r.revoked_at });

interface PinRow {
  id: string;
  url: string;
  kind: 'x' | 'link';
  handle: string | null;
  post_id: string | null;
  site: string;
  pinned_by: string;
  pinned_at: number;
  caption: string;
}

export interface ModerationStore {
  settings(spaceId: string): SpaceSettings;
  updateSettings(spaceId: string, change: Partial<SpaceSettings>): SpaceSettings;
  owner(spaceId: string): string;
  /** Makes a new co-host invite key (the previous one stops working) and returns it. */
  rotateCohostKey(spaceId: string): string;
  verifyCohostKey(spaceId: string, key: string): boolean;
  /** Takes a co-host seat for `holder` (the hash of their client key) and returns its credential. */
  takeSeat(spaceId: string, holder: string, name: string, now: number): { seat: Seat; credential: string };
  /** The seat a credential belongs to, revoked or not; null if it is no seat's credential in this space. */
  seatByCredential(spaceId: string, credential: string): Seat | null;
  activeSeats(spaceId: string): Seat[];
  revokeSeat(spaceId: string, seatId: string, now: number): boolean;
  pins(spaceId: string): Pin[];
  /** `caption`: the host's words with the card, already checked (checkPinCaption); '' for none. */
  addPin(spaceId: string, pin: ParsedPin, by: string, now: number, caption?: string): Pin;
  /** Changes a pin's caption; false if there is no such pin. */
  setPinCaption(spaceId: string, pinId: string, caption: string): boolean;
  removePin(spaceId: string, pinId: string): boolean;
  /** Bans a person (their client key's hash) and the SFU identity they had from this space. */
  ban(spaceId: string, ban: { subject: string; identity: string; name: string }, now: number): void;
  isBanned(spaceId: string, subject: string): boolean;
  /** Takes a ban back: only when the removal it was part of could not happen on the SFU. */
  unban(spaceId: string, subject: string): void;
  /** Whether an SFU identity in this space's room belongs to someone removed from it. */
  isBannedIdentity(spaceId: string, identity: string): boolean;
  /** A block made by the host stays the host's even when a co-host blocks the same person again. */
  block(owner: string, subject: string, name: string, now: number, by: BlockAuthor): void;
  blockAuthor(owner: string, subject: string): BlockAuthor | null;
  unblock(owner: string, subject: string): boolean;
  isBlocked(owner: string, subject: string): boolean;
  /** The owner's latest blocks, newest first (at most `limit`: a block list only grows). */
  blocks(owner: string, limit?: number): BlockEntry[];
  /** One block, or null: what an unblock or a new block needs, without reading the list. */
  blockEntry(owner: string, subject: string): BlockEntry | null;
  /** How many people the owner has blocked (kept by triggers: no count over the list). */
  blockCount(owner: string): number;
  audit(spaceId: string, entry: Omit<AuditEntry, 'id'>): AuditEntry;
  auditLog(spaceId: string, limit: number): AuditEntry[];
  /** Members' standing (role, hand, invite, mute, seat), written through as it changes. */
  members: MemberStore;
  /** A space's running figures for its summary (server/summary.ts), written through as they change. */
  summary: SummaryStore;
}

/** How many of the latest blocks a moderator's studio is sent (the rest are counted, not listed). */
export const BLOCKS_SHOWN = 50;

interface BlockRow {
  subject: string;
  name: string;
  at: number;
  added_by: BlockAuthor;
}
const toBlock = (r: BlockRow): BlockEntry => ({ subject: r.subject, name: r.name, at: r.at, byHost: r.added_by === 'host' });

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
      `INSERT INTO pins (id, space_id, url, kind, handle, post_id, site, pinned_by, pinned_at, position, caption)
       VALUES (@id, @spaceId, @url, @kind, @handle, @postId, @site, @by, @now, @position, @caption)`,
    ),
    setPinCaption: db.prepare('UPDATE pins SET caption = ? WHERE space_id = ? AND id = ?'),
    removePin: db.prepare('DELETE FROM pins WHERE space_id = ? AND id = ?'),
    seatByHash: db.prepare<[string, string], SeatRow>('SELECT * FROM cohost_seats WHERE space_id = ? AND credential_hash = ?'),
    activeSeats: db.prepare<[string], SeatRow>('SELECT * FROM cohost_seats WHERE space_id = ? AND revoked_at IS NULL ORDER BY taken_at'),
    addSeat: db.prepare('INSERT INTO cohost_seats (id, space_id, credential_hash, holder, name, taken_at) VALUES (?, ?, ?, ?, ?, ?)'),
    revokeSeat: db.prepare('UPDATE cohost_seats SET revoked_at = ? WHERE space_id = ? AND id = ? AND revoked_at IS NULL'),
    ban: db.prepare('INSERT OR IGNORE INTO bans (space_id, subject, identity, name, at) VALUES (?, ?, ?, ?, ?)'),
    unban: db.prepare('DELETE FROM bans WHERE space_id = ? AND subject = ?'),
    isBanned: db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM bans WHERE space_id = ? AND subject = ?'),
    isBannedIdentity: db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM bans WHERE space_id = ? AND identity = ?'),
    block: db.prepare(
      `INSERT INTO blocks (owner, subject, name, at, added_by) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (owner, subject) DO UPDATE SET name = excluded.name, at = excluded.at,
         added_by = CASE WHEN blocks.added_by = 'host' THEN 'host' ELSE excluded.added_by END`,
    ),
    blockAuthor: db.prepare<[string, string], { added_by: BlockAuthor }>('SELECT added_by FROM blocks WHERE owner = ? AND subject = ?'),
    unblock: db.prepare('DELETE FROM blocks WHERE owner = ? AND subject = ?'),
    isBlocked: db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM blocks WHERE owner = ? AND subject = ?'),
    blocks: db.prepare<[string, number], BlockRow>('SELECT subject, name, at, added_by FROM blocks WHERE owner = ? ORDER BY at DESC LIMIT ?'),
    blockEntry: db.prepare<[string, string], BlockRow>('SELECT subject, name, at, added_by FROM blocks WHERE owner = ? AND subject = ?'),
    blockCount: db.prepare<[string], { n: number }>('SELECT n FROM block_counts WHERE owner = ?'),
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
    ...(r.caption ? { caption: r.caption } : {}),
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
    takeSeat(spaceId, holder, name, now) {
      const credential = crypto.randomBytes(24).toString('base64url');
      const id = crypto.randomBytes(12).toString('hex');
      q.addSeat.run(id, spaceId, hashKey(credential), holder, name, now);
      return { seat: { id, spaceId, holder, name, takenAt: now, revokedAt: null }, credential };
    },
    // The stored hash is looked up by value: a SHA-256 of a 192-bit random credential leaks nothing by timing.
    seatByCredential(spaceId, credential) {
      const row = q.seatByHash.get(spaceId, hashKey(credential));
      return row ? toSeat(row) : null;
    },
    activeSeats: (spaceId) => q.activeSeats.all(spaceId).map(toSeat),
    revokeSeat: (spaceId, seatId, now) => q.revokeSeat.run(now, spaceId, seatId).changes > 0,
    pins: (spaceId) => q.pins.all(spaceId).map(toPin),
    addPin(spaceId, pin, by, now, caption = '') {
      const id = crypto.randomBytes(6).toString('hex');
      const position = q.nextPos.get(spaceId)?.p ?? 1;
      // Only the parsed pin's own fields are bound: named parameters must match the statement exactly.
      const { url, kind, handle, postId, site } = pin;
      q.addPin.run({ id, spaceId, url, kind, handle, postId, site, by, now, position, caption });
      return { id, ...pin, pinnedBy: by, pinnedAt: now, ...(caption ? { caption } : {}) };
    },
    setPinCaption: (spaceId, pinId, caption) => q.setPinCaption.run(caption, spaceId, pinId).changes > 0,
    removePin: (spaceId, pinId) => q.removePin.run(spaceId, pinId).changes > 0,
    ban: (spaceId, ban, now) => void q.ban.run(spaceId, ban.subject, ban.identity, ban.name, now),
    unban: (spaceId, subject) => void q.unban.run(spaceId, subject),
    isBanned: (spaceId, subject) => (q.isBanned.get(spaceId, subject)?.n ?? 0) > 0,
    isBannedIdentity: (spaceId, identity) => (q.isBannedIdentity.get(spaceId, identity)?.n ?? 0) > 0,
    block: (owner, subject, name, now, by) => void q.block.run(owner, subject, name, now, by),
    blockAuthor: (owner, subject) => q.blockAuthor.get(owner, subject)?.added_by ?? null,
    unblock: (owner, subject) => q.unblock.run(owner, subject).changes > 0,
    isBlocked: (owner, subject) => (q.isBlocked.get(owner, subject)?.n ?? 0) > 0,
    blocks: (owner, limit = BLOCKS_SHOWN) => q.blocks.all(owner, limit).map(toBlock),
    blockEntry(owner, subject) {
      const row = q.blockEntry.get(owner, subject);
      return row ? toBlock(row) : null;
    },
    blockCount: (owner) => q.blockCount.get(owner)?.n ?? 0,
    audit(spaceId, entry) {
      const info = q.audit.run(spaceId, entry.at, entry.actor, entry.action, entry.target, entry.detail);
      return { id: Number(info.lastInsertRowid), ...entry };
    },
    auditLog: (spaceId, limit) => q.auditLog.all(spaceId, limit),
    members: createMemberStore(db),
    summary: createSummaryStore(db),
  };
  return store;
}
