// Queries over the members table: what a member's standing in a space needs to survive a restart of the space
// server. Written through as it changes (one prepared statement per change), read once when a room is made.
import type { Role } from '../../common/space';
import type { Db } from './db';

export interface StoredMember {
  id: string;
  subject: string;
  name: string;
  role: Role;
  handRaisedAt: number | null;
  invited: boolean;
  mutedBy: string | null;
  joinedAt: number;
  seatId: string | null;
}

interface MemberRow {
  id: string;
  subject: string;
  name: string;
  role: Role;
  hand_raised_at: number | null;
  invited: number;
  muted_by: string | null;
  joined_at: number;
  seat_id: string | null;
}

export interface MemberStore {
  /** Writes (or replaces) one member's row. */
  save(spaceId: string, member: StoredMember): void;
  /** Drops one member's row; false if there was none. */
  remove(spaceId: string, id: string): boolean;
  /** Every kept member of a space, in the order they joined. */
  load(spaceId: string): StoredMember[];
  /** Drops every row of a space (it ended); returns how many went. */
  clear(spaceId: string): number;
}

const toStored = (r: MemberRow): StoredMember => ({
  id: r.id,
  subject: r.subject,
  name: r.name,
  role: r.role,
  handRaisedAt: r.hand_raised_at,
  invited: r.invited === 1,
  mutedBy: r.muted_by,
  joinedAt: r.joined_at,
  seatId: r.seat_id,
});

export function createMemberStore(db: Db): MemberStore {
  const q = {
    save: db.prepare(
      `INSERT INTO members (space_id, id, subject, name, role, hand_raised_at, invited, muted_by, joined_at, seat_id)
       VALUES (@spaceId, @id, @subject, @name, @role, @handRaisedAt, @invited, @mutedBy, @joinedAt, @seatId)
       ON CONFLICT (space_id, id) DO UPDATE SET subject = excluded.subject, name = excluded.name, role = excluded.role,
         hand_raised_at = excluded.hand_raised_at, invited = excluded.invited, muted_by = excluded.muted_by,
         joined_at = excluded.joined_at, seat_id = excluded.seat_id`,
    ),
    remove: db.prepare('DELETE FROM members WHERE space_id = ? AND id = ?'),
    load: db.prepare<[string], MemberRow>(
      'SELECT id, subject, name, role, hand_raised_at, invited, muted_by, joined_at, seat_id FROM members WHERE space_id = ? ORDER BY joined_at, id',
    ),
    clear: db.prepare('DELETE FROM members WHERE space_id = ?'),
  };
  return {
    save(spaceId, m) {
      q.save.run({ spaceId, ...m, invited: m.invited ? 1 : 0 });
    },
    remove: (spaceId, id) => q.remove.run(spaceId, id).changes > 0,
    load: (spaceId) => q.load.all(spaceId).map(toStored),
    clear: (spaceId) => q.clear.run(spaceId).changes,
  };
}
