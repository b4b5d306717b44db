// A room's members across a restart of the space server: what each one's standing is written through to (SQLite's
// members table), and how a room made after a restart gets its people back. Everyone comes back away — no
// connection yet — with the away grace starting at the restart, so a speaker who reconnects within it is still a
// speaker, and one who does not is moved to the listeners as if they had left just then.
import type { MemberKeeper, SpaceRoom } from './room';
import { seatIdentity } from './identity';
import type { ModerationStore } from './store/moderation';

/** Writes through to SQLite; a failed write is logged, never thrown into the action that changed the member. */
export function keeperFor(moderation: ModerationStore, spaceId: string, log: (line: string) => void): MemberKeeper {
  const guard = (what: string, write: () => void): void => {
    try {
      write();
    } catch (error) {
      log(`could not ${what} in space ${spaceId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return {
    save: (m) => guard(`keep ${m.id}'s place`, () => moderation.members.save(spaceId, m)),
    remove: (id) => guard(`forget ${id}`, () => void moderation.members.remove(spaceId, id)),
    clear: () => guard('forget its members', () => void moderation.members.clear(spaceId)),
  };
}

/**
 * Fills a new room with the members SQLite kept (unless `kept` is false: an ended space, whose leftover rows go),
 * then with seated co-hosts who have no row (seats taken before members were kept). A co-host row whose seat was
 * revoked in the meantime is no co-host's any more: dropped.
 */
export function restoreMembers(room: SpaceRoom, moderation: ModerationStore, now: number, opts: { kept: boolean } = { kept: true }): void {
  const seats = moderation.activeSeats(room.spaceId);
  const seated = new Set(seats.map((s) => s.id));
  if (!opts.kept) moderation.members.clear(room.spaceId);
  for (const row of opts.kept ? moderation.members.load(room.spaceId) : []) {
    if (row.role === 'cohost' && (row.seatId === null || !seated.has(row.seatId))) {
      moderation.members.remove(room.spaceId, row.id);
      continue;
    }
    room.restore(row, now);
  }
  // Seated co-hosts are members whether or not they are connected: the host sees them and can remove them.
  for (const seat of seats) {
    if (room.members.has(seatIdentity(seat.id))) continue;
    const m = room.member(seat.holder, seatIdentity(seat.id), seat.name, seat.takenAt);
    m.role = 'cohost';
    m.seatId = seat.id;
    m.awaySince = now;
  }
}
