// One-tap co-host offers (mod action 'cohost'): the host asks a listener or speaker, and that person gets a key of
// their own (you.cohostOffer) that takes a co-host seat when presented as a join credential — from Podium, where a
// co-host's tools are — once, within COHOST_OFFER_MS. An offer ends when it is used, declined, or withdrawn (the
// person was removed or blocked, the space ended), or when its time passes; a key presented after that is refused
// with the reason. Kept in memory with the room: a restart of the space server ends open offers (the host asks again).
import crypto from 'node:crypto';
import { COHOST_OFFER_MS } from '../common/protocol';
import { countOf } from '../common/text';
import { hashKey } from './store/spaces';

export type OfferState = 'open' | 'used' | 'declined' | 'withdrawn' | 'lapsed';

export interface CohostOffer {
  key: string;
  /** The participant asked. */
  targetId: string;
  targetName: string;
  /** The host's name, as the offer shows it. */
  from: string;
  expiresAt: number;
  state: OfferState;
}

/** How many ended offers are remembered, so a late key gets its reason rather than "not valid". */
const REMEMBERED = 128;

export class CohostOffers {
  private readonly byHash = new Map<string, CohostOffer>();

  /** The open offer to this participant, if any (one whose time passed counts as lapsed). */
  openFor(targetId: string, now: number): CohostOffer | null {
    for (const o of this.byHash.values()) if (o.targetId === targetId && o.state === 'open' && now <= o.expiresAt) return o;
    return null;
  }

  make(target: { id: string; name: string }, from: string, expiresAt: number): CohostOffer {
    // 24 random bytes: 32 URL-safe characters, inside the join credential's 16–128 pattern.
    const offer: CohostOffer = { key: crypto.randomBytes(24).toString('base64url'), targetId: target.id, targetName: target.name, from, expiresAt, state: 'open' };
    this.byHash.set(hashKey(offer.key), offer);
    this.prune();
    return offer;
  }

  /**
   * The offer a join credential belongs to (open or ended), or null if it is no offer's key. An open one whose time
   * passed stays open here: lapse() ends it, and tells the person and the host (sessions.ts).
   */
  find(credential: string): CohostOffer | null {
    return this.byHash.get(hashKey(credential)) ?? null;
  }

  /** Ends every open offer to this participant; returns those it ended. */
  endFor(targetId: string, state: Exclude<OfferState, 'open'>): CohostOffer[] {
    const ended = [...this.byHash.values()].filter((o) => o.targetId === targetId && o.state === 'open');
    for (const o of ended) o.state = state;
    return ended;
  }

  /** Whether this participant took a co-host seat with an offer (they co-host from a studio under another id). */
  took(targetId: string): boolean {
    for (const o of this.byHash.values()) if (o.targetId === targetId && o.state === 'used') return true;
    return false;
  }

  /** Ends every open offer (the space ended); returns those it ended. */
  endAll(state: Exclude<OfferState, 'open'>): CohostOffer[] {
    const ended = [...this.byHash.values()].filter((o) => o.state === 'open');
    for (const o of ended) o.state = state;
    return ended;
  }

  /** Open offers whose time has passed, now marked lapsed. */
  lapse(now: number): CohostOffer[] {
    const lapsed = [...this.byHash.values()].filter((o) => o.state === 'open' && now > o.expiresAt);
    for (const o of lapsed) o.state = 'lapsed';
    return lapsed;
  }

  private prune(): void {
    if (this.byHash.size <= REMEMBERED) return;
    for (const [hash, o] of this.byHash) {
      if (this.byHash.size <= REMEMBERED) break;
      if (o.state !== 'open') this.byHash.delete(hash);
    }
  }
}

/** Why a key that was an offer cannot be used at `now`, as the person presenting it is told; null if it can. */
export function offerRefusal(offer: CohostOffer, now: number): string | null {
  const state = offer.state === 'open' && now > offer.expiresAt ? 'lapsed' : offer.state;
  switch (state) {
    case 'open':
      return null;
    case 'used':
      return 'This co-host invitation has been used already. Ask the host to invite you again.';
    case 'declined':
      return 'You said no to this co-host invitation. Ask the host to invite you again if you changed your mind.';
    case 'withdrawn':
      return 'This co-host invitation was withdrawn. Ask the host to invite you again.';
    case 'lapsed':
      return `This co-host invitation has run out (they last ${countOf(COHOST_OFFER_MS / 60_000, 'minute')}). Ask the host to invite you again.`;
  }
}
