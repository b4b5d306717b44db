// Queries over ticket_settings and tickets (migration 0100). Only each code's hash is stored; redeeming is one
// transaction, so two browsers racing with one code, or for the last place, cannot both get in.
import crypto from 'node:crypto';
import type { TicketCounts, TicketRow, TicketSettings } from '../../common/tickets';
import type { Db } from './db';

/** `fresh`: this redeem bound the ticket (its first use). */
export type Redeemed = { ok: true; ticketId: number; fresh: boolean } | { ok: false; reason: 'invalid' | 'used' | 'revoked' | 'full' };

export interface TicketStore {
  settings(spaceId: string): TicketSettings;
  setSettings(spaceId: string, change: Partial<TicketSettings>): TicketSettings;
  /** The key this space's codes are signed with (made on first use). */
  secret(spaceId: string): string;
  /** Stores the hashes of new codes; returns their ticket ids, in order. */
  issue(spaceId: string, codeHashes: readonly string[], label: string, now: number): number[];
  /** Admits `subject` with the ticket of this hash: its first redeemer, or the same person again. */
  redeem(spaceId: string, codeHash: string, holder: { subject: string; identity: string; name: string }, now: number): Redeemed;
  /** Whether this SFU identity holds a ticket of this space that is not revoked. */
  holds(spaceId: string, identity: string): boolean;
  /** Revokes a ticket; returns its holder's identity (null if never used), or undefined if no such ticket. */
  revoke(spaceId: string, id: number, now: number): { holderIdentity: string | null; alreadyRevoked: boolean } | undefined;
  counts(spaceId: string): TicketCounts;
  /** Newest first. */
  recent(spaceId: string, limit: number): TicketRow[];
}

interface Row {
  id: number;
  label: string;
  issued_at: number;
  holder_subject: string | null;
  holder_identity: string | null;
  holder_name: string | null;
  used_at: number | null;
  revoked_at: number | null;
}

const DEFAULTS = { required: false, capacity: 100 } as const;

export function createTicketStore(db: Db): TicketStore {
  const readSettings = db.prepare<[string], { required: number; capacity: number; secret: string }>('SELECT required, capacity, secret FROM ticket_settings WHERE space_id = ?');
  const insertSettings = db.prepare('INSERT OR IGNORE INTO ticket_settings (space_id, required, capacity, secret) VALUES (?, ?, ?, ?)');
  const updateSettings = db.prepare('UPDATE ticket_settings SET required = ?, capacity = ? WHERE space_id = ?');
  const insertTicket = db.prepare('INSERT INTO tickets (space_id, code_hash, label, issued_at) VALUES (?, ?, ?, ?)');
  const byHash = db.prepare<[string, string], Row>('SELECT * FROM tickets WHERE space_id = ? AND code_hash = ?');
  const byId = db.prepare<[string, number], Row>('SELECT * FROM tickets WHERE space_id = ? AND id = ?');
  const admitted = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM tickets WHERE space_id = ? AND holder_subject IS NOT NULL AND revoked_at IS NULL');
  const bind = db.prepare('UPDATE tickets SET holder_subject = ?, holder_identity = ?, holder_name = ?, used_at = ? WHERE id = ? AND holder_subject IS NULL AND revoked_at IS NULL');
  const rename = db.prepare('UPDATE tickets SET holder_name = ? WHERE id = ?');
  const holding = db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM tickets WHERE space_id = ? AND holder_identity = ? AND revoked_at IS NULL');
  const revokeRow = db.prepare('UPDATE tickets SET revoked_at = ? WHERE space_id = ? AND id = ? AND revoked_at IS NULL');
  const countRows = db.prepare<[string], { issued: number; used: number | null; revoked: number | null; admitted: number | null }>(
    'SELECT count(*) AS issued, sum(holder_subject IS NOT NULL) AS used, sum(revoked_at IS NOT NULL) AS revoked, sum(holder_subject IS NOT NULL AND revoked_at IS NULL) AS admitted FROM tickets WHERE space_id = ?',
  );
  const recentRows = db.prepare<[string, number], Row>('SELECT * FROM tickets WHERE space_id = ? ORDER BY id DESC LIMIT ?');

  function ensure(spaceId: string): { required: number; capacity: number; secret: string } {
    insertSettings.run(spaceId, 0, DEFAULTS.capacity, crypto.randomBytes(32).toString('hex'));
    return readSettings.get(spaceId)!;
  }

  const redeemTx = db.transaction((spaceId: string, codeHash: string, holder: { subject: string; identity: string; name: string }, now: number): Redeemed => {
    const row = byHash.get(spaceId, codeHash);
    if (!row) return { ok: false, reason: 'invalid' };
    if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
    if (row.holder_subject === holder.subject) {
      rename.run(holder.name, row.id);
      return { ok: true, ticketId: row.id, fresh: false };
    }
    if (row.holder_subject !== null) return { ok: false, reason: 'used' };
    const capacity = readSettings.get(spaceId)?.capacity ?? DEFAULTS.capacity;
    if (admitted.get(spaceId)!.n >= capacity) return { ok: false, reason: 'full' };
    bind.run(holder.subject, holder.identity, holder.name, now, row.id);
    return { ok: true, ticketId: row.id, fresh: true };
  });

  return {
    settings(spaceId) {
      const row = readSettings.get(spaceId);
      return row ? { required: row.required === 1, capacity: row.capacity } : { ...DEFAULTS };
    },
    setSettings(spaceId, change) {
      const row = ensure(spaceId);
      const next = { required: change.required ?? row.required === 1, capacity: change.capacity ?? row.capacity };
      updateSettings.run(next.required ? 1 : 0, next.capacity, spaceId);
      return next;
    },
    secret: (spaceId) => ensure(spaceId).secret,
    issue: db.transaction((spaceId: string, codeHashes: readonly string[], label: string, now: number) =>
      codeHashes.map((h) => Number(insertTicket.run(spaceId, h, label, now).lastInsertRowid)),
    ),
    redeem: (spaceId, codeHash, holder, now) => redeemTx(spaceId, codeHash, holder, now),
    holds: (spaceId, identity) => holding.get(spaceId, identity)!.n > 0,
    revoke(spaceId, id, now) {
      const row = byId.get(spaceId, id);
      if (!row) return undefined;
      if (row.revoked_at !== null) return { holderIdentity: row.holder_identity, alreadyRevoked: true };
      revokeRow.run(now, spaceId, id);
      return { holderIdentity: row.holder_identity, alreadyRevoked: false };
    },
    counts(spaceId) {
      const c = countRows.get(spaceId)!;
      return { issued: c.issued, used: c.used ?? 0, revoked: c.revoked ?? 0, admitted: c.admitted ?? 0 };
    },
    recent: (spaceId, limit) =>
      recentRows.all(spaceId, limit).map((r) => ({ id: r.id, label: r.label, issuedAt: r.issued_at, usedAt: r.used_at, revokedAt: r.revoked_at, holderName: r.holder_name })),
  };
}
