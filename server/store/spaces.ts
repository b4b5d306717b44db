// Queries over the spaces table. Every value goes through bound parameters.
import crypto from 'node:crypto';
import type { PublicSpace, SpaceStatus } from '../../common/space';
import type { Db } from './db';

interface SpaceRow {
  id: string;
  title: string;
  description: string;
  host_name: string;
  host_key_hash: string;
  status: SpaceStatus;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  scheduled_at: number | null;
  cancelled_at: number | null;
  ics_sequence: number;
}

/** A space as calendars see it: its public shape plus the SEQUENCE its invites carry. */
export interface CalendarSpace {
  space: PublicSpace;
  sequence: number;
}

function toPublic(row: SpaceRow): PublicSpace {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    hostName: row.host_name,
    status: row.status,
    createdAt: row.created_at,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    // Only said when set: a space started at once reads as it did before scheduling existed.
    ...(row.scheduled_at !== null ? { scheduledAt: row.scheduled_at } : {}),
    ...(row.cancelled_at !== null ? { cancelledAt: row.cancelled_at } : {}),
  };
}

export function hashKey(key: string): string {
  return crypto.createHash('sha256').update(key).digest('hex');
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
export function newSpaceId(): string {
  const bytes = crypto.randomBytes(10);
  return Array.from(bytes, (b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('');
}

export interface SpaceStore {
  /** `owner` is whose block list the space's blocks go to ('studio' for the embedded server's one host). */
  create(input: { title: string; description: string; hostName: string }, now: number, owner?: string): {
    space: PublicSpace;
    hostKey: string;
  };
  get(id: string): PublicSpace | null;
  list(limit: number): PublicSpace[];
  verifyHostKey(id: string, key: string): boolean;
  /** Rotates and returns a new host key (the studio re-opening a space it made before a restart). */
  rotateHostKey(id: string): string | null;
  setStatus(id: string, status: SpaceStatus, now: number): PublicSpace | null;
  /** Every live space: a restarted server brings their rooms back at once, before anyone reconnects. */
  live(): PublicSpace[];
  /** A new title and/or description (already checked by the common schemas); an ended space keeps its own. */
  setDetails(id: string, change: { title?: string; description?: string }): PublicSpace | null;
  /** A space announced for `scheduledAt` (UTC ms, already checked against the clock by the caller). */
  schedule(input: { title: string; description: string; hostName: string; scheduledAt: number }, now: number, owner?: string): {
    space: PublicSpace;
    hostKey: string;
  };
  /**
   * New details and/or start for a space that is still scheduled (not live, ended or cancelled): null when there is
   * none such. Bumps the calendar SEQUENCE.
   */
  reschedule(id: string, change: { title?: string; description?: string; scheduledAt?: number }): PublicSpace | null;
  /** Cancels a scheduled space (it ends, marked cancelled); null when it is not scheduled. Bumps the SEQUENCE. */
  cancel(id: string, now: number): PublicSpace | null;
  calendarEntry(id: string): CalendarSpace | null;
  /**
   * An owner's announced spaces for their feed and the studio, whatever became of them (to come, live, ended,
   * cancelled: a calendar keeps past events), whose announced start is after `since`, soonest first.
   */
  announced(owner: string, since: number, limit: number): CalendarSpace[];
}

export function createSpaceStore(db: Db): SpaceStore {
  const insert = db.prepare(
    `INSERT INTO spaces (id, title, description, host_name, host_key_hash, status, created_at, owner)
     VALUES (@id, @title, @description, @hostName, @hash, 'scheduled', @now, @owner)`,
  );
  const byId = db.prepare<[string], SpaceRow>('SELECT * FROM spaces WHERE id = ?');
  const recent = db.prepare<[number], SpaceRow>('SELECT * FROM spaces ORDER BY created_at DESC, rowid DESC LIMIT ?');
  const setKey = db.prepare('UPDATE spaces SET host_key_hash = ? WHERE id = ?');
  const toLive = db.prepare(
    `UPDATE spaces SET status = 'live', started_at = COALESCE(started_at, ?) WHERE id = ? AND status != 'ended'`,
  );
  const liveSpaces = db.prepare<[], SpaceRow>(`SELECT * FROM spaces WHERE status = 'live' ORDER BY started_at`);
  const toEnded = db.prepare(`UPDATE spaces SET status = 'ended', ended_at = ? WHERE id = ? AND status != 'ended'`);
  // A changed title or description is a changed invite too: calendars take it only with a higher SEQUENCE.
  const setDetails = db.prepare(
    `UPDATE spaces SET title = COALESCE(@title, title), description = COALESCE(@description, description),
       ics_sequence = ics_sequence + (scheduled_at IS NOT NULL)
     WHERE id = @id AND status != 'ended'`,
  );
  const insertScheduled = db.prepare(
    `INSERT INTO spaces (id, title, description, host_name, host_key_hash, status, created_at, owner, scheduled_at)
     VALUES (@id, @title, @description, @hostName, @hash, 'scheduled', @now, @owner, @scheduledAt)`,
  );
  const reschedule = db.prepare(
    `UPDATE spaces SET title = COALESCE(@title, title), description = COALESCE(@description, description),
       scheduled_at = COALESCE(@scheduledAt, scheduled_at), ics_sequence = ics_sequence + 1
     WHERE id = @id AND status = 'scheduled' AND cancelled_at IS NULL`,
  );
  const cancel = db.prepare(
    `UPDATE spaces SET status = 'ended', ended_at = @now, cancelled_at = @now, ics_sequence = ics_sequence + 1
     WHERE id = @id AND status = 'scheduled' AND cancelled_at IS NULL`,
  );
  const announced = db.prepare<{ owner: string; since: number; limit: number }, SpaceRow>(
    `SELECT * FROM spaces WHERE owner = @owner AND scheduled_at IS NOT NULL AND scheduled_at >= @since
     ORDER BY scheduled_at, rowid LIMIT @limit`,
  );

  return {
    create(input, now, owner = 'studio') {
      const hostKey = crypto.randomBytes(24).toString('base64url');
      const id = newSpaceId();
      insert.run({ id, ...input, hash: hashKey(hostKey), now, owner });
      return { space: toPublic(byId.get(id) as SpaceRow), hostKey };
    },
    get(id) {
      const row = byId.get(id);
      return row ? toPublic(row) : null;
    },
    list(limit) {
      return recent.all(limit).map(toPublic);
    },
    verifyHostKey(id, key) {
      const row = byId.get(id);
      if (!row) return false;
      const a = Buffer.from(row.host_key_hash, 'hex');
      const b = Buffer.from(hashKey(key), 'hex');
      return a.length === b.length && crypto.timingSafeEqual(a, b);
    },
    rotateHostKey(id) {
      if (!byId.get(id)) return null;
      const key = crypto.randomBytes(24).toString('base64url');
      setKey.run(hashKey(key), id);
      return key;
    },
    setStatus(id, status, now) {
      if (status === 'live') toLive.run(now, id);
      else if (status === 'ended') toEnded.run(now, id);
      return this.get(id);
    },
    live: () => liveSpaces.all().map(toPublic),
    schedule(input, now, owner = 'studio') {
      const hostKey = crypto.randomBytes(24).toString('base64url');
      const id = newSpaceId();
      insertScheduled.run({ id, ...input, hash: hashKey(hostKey), now, owner });
      return { space: toPublic(byId.get(id) as SpaceRow), hostKey };
    },
    reschedule(id, change) {
      const done = reschedule.run({
        id,
        title: change.title ?? null,
        description: change.description ?? null,
        scheduledAt: change.scheduledAt ?? null,
      });
      return done.changes === 1 ? this.get(id) : null;
    },
    cancel(id, now) {
      return cancel.run({ id, now }).changes === 1 ? this.get(id) : null;
    },
    calendarEntry(id) {
      const row = byId.get(id);
      return row ? { space: toPublic(row), sequence: row.ics_sequence } : null;
    },
    announced(owner, since, limit) {
      return announced.all({ owner, since, limit }).map((row) => ({ space: toPublic(row), sequence: row.ics_sequence }));
    },
    setDetails(id, change) {
      setDetails.run({ id, title: change.title ?? null, description: change.description ?? null });
      return this.get(id);
    },
  };
}
