// One-tap co-host offers (server/cohost-offers.ts) and the seat they take (server/claims.ts): a key of its own, one
// open offer per person, used once, refused with its reason once used, declined, withdrawn or run out — and the
// invite link working beside them as before.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientMessageSchema, COHOST_OFFER_MS } from '../../../common/protocol';
import { PodiumError } from '../../../common/result';
import type { PublicSpace } from '../../../common/space';
import { claimFor } from '../../../server/claims';
import { CohostOffers, offerRefusal } from '../../../server/cohost-offers';
import { openDatabase, type Db } from '../../../server/store/db';
import { createModerationStore, type ModerationStore } from '../../../server/store/moderation';
import { createSpaceStore, type SpaceStore } from '../../../server/store/spaces';

let dir: string;
let db: Db;
let store: SpaceStore;
let moderation: ModerationStore;
let space: PublicSpace;
let offers: CohostOffers;
const T = 5_000_000;
const subject = (n: number) => String(n).padStart(2, '0').repeat(32);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-offers-'));
  db = openDatabase(path.join(dir, 'podium.sqlite'));
  store = createSpaceStore(db);
  moderation = createModerationStore(db);
  space = store.create({ title: 'Open mic', description: '', hostName: 'Ann' }, T).space;
  offers = new CohostOffers();
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof PodiumError) return `${error.code}: ${error.message}`;
    throw error;
  }
  throw new Error('not refused');
}
const claim = (key: string, who: number, now = T) => claimFor({ store, moderation, offers }, space, key, subject(who), `Person ${who}`, now);

describe('CohostOffers', () => {
  it('makes a random key that a join accepts as a credential, one open offer per person', () => {
    const a = offers.make({ id: 'pa', name: 'Lena' }, 'Ann', T + COHOST_OFFER_MS);
    const b = offers.make({ id: 'pb', name: 'Max' }, 'Ann', T + COHOST_OFFER_MS);
    expect(a.key).toMatch(/^[A-Za-z0-9_-]{24,}$/);
    expect(a.key).not.toBe(b.key);
    expect(clientMessageSchema.safeParse({ type: 'join', spaceId: space.id, credential: a.key }).success).toBe(true);
    expect(offers.openFor('pa', T)).toBe(a);
    expect(offers.openFor('pa', T + COHOST_OFFER_MS + 1)).toBeNull();
    expect(offers.find(a.key)).toBe(a);
    expect(offers.find('x'.repeat(32))).toBeNull();
    expect(offerRefusal(a, T + COHOST_OFFER_MS)).toBeNull();
    // Past its time it is refused as run out, though only lapse() ends it (and tells the person).
    expect(offerRefusal(a, T + COHOST_OFFER_MS + 1)).toMatch(/run out/);
    expect(a.state).toBe('open');
  });

  it('ends offers for one person, for everyone, and lapses those whose time passed', () => {
    const a = offers.make({ id: 'pa', name: 'Lena' }, 'Ann', T + 10);
    const b = offers.make({ id: 'pb', name: 'Max' }, 'Ann', T + 1_000);
    expect(offers.lapse(T + 5)).toEqual([]);
    expect(offers.lapse(T + 11)).toEqual([a]);
    expect(a.state).toBe('lapsed');
    expect(offers.endFor('pb', 'declined')).toEqual([b]);
    expect(offers.endFor('pb', 'withdrawn')).toEqual([]);
    const c = offers.make({ id: 'pc', name: 'Cy' }, 'Ann', T + 1_000);
    expect(offers.endAll('withdrawn')).toEqual([c]);
    expect(offerRefusal(a, T)).toMatch(/run out \(they last 10 minutes\)/);
    expect(offerRefusal(b, T)).toMatch(/You said no/);
    expect(offerRefusal(c, T)).toMatch(/withdrawn/);
  });
});

describe('claiming a seat with an offer key', () => {
  it('takes a co-host seat once, with its own seat credential; the key used again is refused', () => {
    const offer = offers.make({ id: 'pa', name: 'Lena' }, 'Ann', T + COHOST_OFFER_MS);
    const first = claim(offer.key, 1);
    expect(first).toMatchObject({ role: 'cohost', issued: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/), offer });
    expect(offer.state).toBe('used');
    expect(moderation.activeSeats(space.id)).toHaveLength(1);
    // The seat's own credential is what brings this co-host back, not the offer.
    if (first.role !== 'cohost') throw new Error('no seat');
    expect(claim(first.issued!, 1)).toMatchObject({ role: 'cohost', issued: null });
    expect(refusal(() => claim(offer.key, 2))).toBe('forbidden: This co-host invitation has been used already. Ask the host to invite you again.');
    expect(moderation.activeSeats(space.id)).toHaveLength(1);
  });

  it('refuses a key that has run out, and one whose seats are full, changing nothing', () => {
    const late = offers.make({ id: 'pa', name: 'Lena' }, 'Ann', T + COHOST_OFFER_MS);
    expect(refusal(() => claim(late.key, 1, T + COHOST_OFFER_MS + 1))).toMatch(/^forbidden: This co-host invitation has run out/);
    moderation.updateSettings(space.id, { cohostLimit: 1 });
    moderation.takeSeat(space.id, subject(9), 'Seated', T);
    const full = offers.make({ id: 'pb', name: 'Max' }, 'Ann', T + COHOST_OFFER_MS);
    expect(refusal(() => claim(full.key, 2))).toBe('forbidden: all co-host seats of this space are taken');
    expect(full.state).toBe('open');
    expect(moderation.activeSeats(space.id)).toHaveLength(1);
  });

  it('leaves the invite link working as before, beside offers', () => {
    const link = moderation.rotateCohostKey(space.id);
    offers.make({ id: 'pa', name: 'Lena' }, 'Ann', T + COHOST_OFFER_MS);
    expect(claim(link, 3)).toMatchObject({ role: 'cohost', issued: expect.any(String) });
    expect(claim(link, 4)).toMatchObject({ role: 'cohost' });
    expect(refusal(() => claim('z'.repeat(32), 5))).toMatch(/^forbidden: that key is not valid for this space/);
  });
});
