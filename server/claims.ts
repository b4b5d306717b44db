// Who a join says it is: the role its credential proves on this connection alone — the host key, a co-host's seat
// credential, a co-host invite link's key or a one-person co-host offer's key (either takes a seat and hands out that
// seat's own credential) — and the name others
// will see. Kept apart from the protocol's plumbing (sessions.ts) because it is the decision every join rests on.
import { nameKey } from '../common/names';
import { PodiumError } from '../common/result';
import type { PublicSpace, Role } from '../common/space';
import { offerRefusal, type CohostOffers, type CohostOffer } from './cohost-offers';
import type { ModerationStore, Seat } from './store/moderation';
import type { SpaceStore } from './store/spaces';

export type Claim =
  | { role: 'host' }
  /** `offer`: the one-tap offer whose key took this seat (it is used up now). */
  | { role: 'cohost'; seat: Seat; issued: string | null; offer?: CohostOffer }
  | { role: 'listener' };

export interface ClaimDeps {
  store: SpaceStore;
  moderation: ModerationStore;
  /** The room's one-tap co-host offers; absent, no offer key is known. */
  offers?: CohostOffers;
}

/** The role this connection's credential proves. Throws a PodiumError the client is told about. */
export function claimFor(deps: ClaimDeps, space: PublicSpace, credential: string | undefined, subject: string, name: string, now: number): Claim {
  if (credential === undefined) return { role: 'listener' };
  if (deps.store.verifyHostKey(space.id, credential)) return { role: 'host' };
  const seat = deps.moderation.seatByCredential(space.id, credential);
  if (seat) {
    if (seat.revokedAt !== null) throw new PodiumError('forbidden', 'The host removed you as co-host of this space. Ask them for a new invite if that was a mistake.');
    return { role: 'cohost', seat, issued: null };
  }
  const offer = deps.offers?.find(credential) ?? null;
  if (offer) {
    const refused = offerRefusal(offer, now);
    if (refused) throw new PodiumError('forbidden', refused);
  } else if (!deps.moderation.verifyCohostKey(space.id, credential)) {
    throw new PodiumError('forbidden', 'that key is not valid for this space (a co-host invite may have been replaced)');
  }
  const seats = deps.moderation.activeSeats(space.id);
  // The invite plus someone's client key must not hand over *their* seat: a seat is re-entered only with its own
  // credential (the studio keeps it), and a lost one is replaced by the host removing the seat.
  if (seats.some((s) => s.holder === subject)) {
    throw new PodiumError('forbidden', 'you already hold a co-host seat in this space: open it from the studio you joined with, or ask the host to remove that seat and invite you again');
  }
  if (seats.length >= deps.moderation.settings(space.id).cohostLimit) {
    throw new PodiumError('forbidden', 'all co-host seats of this space are taken');
  }
  const taken = deps.moderation.takeSeat(space.id, subject, name, now);
  if (!offer) return { role: 'cohost', seat: taken.seat, issued: taken.credential };
  offer.state = 'used';
  return { role: 'cohost', seat: taken.seat, issued: taken.credential, offer };
}

/** The name this person asked for, unless it is the host's; then a neutral one and a notice saying why. */
export function nameFor(space: PublicSpace, role: Role, asked: string | undefined, id: string): { name: string; notice: string | null } {
  const fallback = `${role === 'cohost' ? 'Co-host' : 'Listener'} ${id.slice(1, 5)}`;
  if (!asked) return { name: fallback, notice: null };
  if (role !== 'host' && nameKey(asked) === nameKey(space.hostName)) {
    return { name: fallback, notice: `"${asked}" is the host's name, so others see you as ${fallback}. Pick another name.` };
  }
  return { name: asked, notice: null };
}
