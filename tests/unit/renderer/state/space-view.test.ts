// The client's picture of a space, built from protocol messages alone.
import { describe, expect, it } from 'vitest';
import type { Participant } from '../../../../common/protocol';
import { EMPTY_VIEW, handQueue, reduceSpace } from '../../../../renderer/state/space-view';

const person = (id: string, handRaisedAt: number | null = null): Participant => ({
  id,
  subject: id.repeat(4),
  name: id.toUpperCase(),
  role: 'listener',
  handRaisedAt,
  invited: false,
  connected: true,
  joinedAt: 1,
});

describe('reduceSpace', () => {
  it('applies roster deltas and orders the hand queue by arrival', () => {
    let v = reduceSpace(EMPTY_VIEW, { type: 'roster', participants: [person('a'), person('b', 30)], now: 1000 }, 400);
    expect(v.clockOffset).toBe(600);
    v = reduceSpace(v, { type: 'rosterDelta', upsert: [person('c', 10), person('a', 20)], remove: ['b'], now: 2000 }, 2100);
    expect([...v.roster.keys()].sort()).toEqual(['a', 'c']);
    expect(handQueue(v).map((p) => p.id)).toEqual(['c', 'a']);
    // The studio's clock runs 100 ms ahead of the server's: waiting times are corrected by that.
    expect(v.clockOffset).toBe(-100);
  });

  it('keeps a bounded audit log, appending or replacing', () => {
    const entry = (id: number) => ({ id, at: id, actor: 'Ann', action: 'approved', target: 'Bob', detail: null });
    let v = reduceSpace(EMPTY_VIEW, { type: 'audit', entries: [entry(1)], append: false });
    v = reduceSpace(v, { type: 'audit', entries: Array.from({ length: 600 }, (_, i) => entry(i + 2)), append: true });
    expect(v.audit).toHaveLength(500);
    expect(v.audit.at(-1)!.id).toBe(601);
    v = reduceSpace(v, { type: 'audit', entries: [entry(9)], append: false });
    expect(v.audit.map((e) => e.id)).toEqual([9]);
  });

  it('turns a burst of reactions into a handful of floating emoji, and keeps notices short', () => {
    let v = reduceSpace(EMPTY_VIEW, { type: 'reactions', items: [{ emoji: '👏', count: 50 }, { emoji: '🔥', count: 2 }] });
    expect(v.reactions.map((r) => r.emoji)).toEqual(['👏', '👏', '👏', '🔥', '🔥']);
    for (let i = 0; i < 10; i++) v = reduceSpace(v, { type: 'notice', text: `n${i}` });
    expect(v.notices.map((n) => n.text)).toEqual(['n6', 'n7', 'n8', 'n9']);
  });

  it('tells "no such space" from other errors, and a removal drops the media grant', () => {
    expect(reduceSpace(EMPTY_VIEW, { type: 'error', code: 'not_found', message: 'x' }).notFound).toBe(true);
    const withMedia = reduceSpace(EMPTY_VIEW, { type: 'media', media: { url: 'ws://x', token: 't', identity: 'p', canPublish: false } });
    const removed = reduceSpace(withMedia, { type: 'removed', message: 'Ann removed you.' });
    expect(removed).toMatchObject({ removed: 'Ann removed you.', media: null });
  });
});
