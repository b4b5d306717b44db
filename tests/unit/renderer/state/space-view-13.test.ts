// Issue 13's additions to the client's picture of a space: the end-of-space summary, reactions from people on
// stage, and which request a refusal answers.
import { describe, expect, it } from 'vitest';
import type { SpaceSummary } from '../../../../common/protocol';
import { EMPTY_VIEW, FLOATS, reduceSpace } from '../../../../renderer/state/space-view';

const space = { id: 'abcdefghij', title: 'T', description: '', hostName: 'Lena', status: 'live' as const, createdAt: 1, startedAt: 2, endedAt: null };
const summary: SpaceSummary = { startedAt: 2, endedAt: 100, peakListeners: 2, totalListeners: 3, speakers: [], reactions: [], hands: 1 };

describe('reduceSpace, issue 13', () => {
  it('keeps the audit log, pins and blocks when the space ends, and stores the summary', () => {
    let v = reduceSpace(EMPTY_VIEW, { type: 'audit', entries: [{ id: 1, at: 1, actor: 'Lena', action: 'muted {target}', target: 'Max', detail: null }], append: false });
    v = reduceSpace(v, { type: 'blocks', blocks: [{ subject: 'a'.repeat(64), name: 'Troll', at: 3 }] });
    v = reduceSpace(v, {
      type: 'stage',
      members: [],
      handCount: 0,
      pins: [{ id: 'x1', url: 'https://example.com/', kind: 'link', handle: null, postId: null, site: 'example.com', pinnedBy: 'Lena', pinnedAt: 4 }],
      settings: { requestPolicy: 'everyone', speakerLimit: 10, cohostLimit: 2 },
      recording: null,
    } as never);
    v = reduceSpace(v, { type: 'space', space: { ...space, status: 'ended', endedAt: 100 }, listenerCount: 0 } as never);
    v = reduceSpace(v, { type: 'summary', summary });
    expect(v.audit).toHaveLength(1);
    expect(v.blocks).toHaveLength(1);
    expect(v.pins).toHaveLength(1);
    expect(v.summary).toEqual(summary);
    expect(EMPTY_VIEW.summary).toBeNull();
  });

  it('floats reactions from the people on stage who sent them, the rest anonymously, a handful at most', () => {
    const v = reduceSpace(EMPTY_VIEW, {
      type: 'reactions',
      items: [
        { emoji: '👏', count: 9, from: ['pa', 'pb', 'pa'] },
        { emoji: '🔥', count: 1 },
      ],
    });
    expect(v.reactions.map((r) => [r.emoji, r.from ?? null])).toEqual([
      ['👏', 'pa'],
      ['👏', 'pb'],
      ['👏', null],
      ['🔥', null],
    ]);
    // More senders than the handful: the handful is all theirs.
    const many = reduceSpace(EMPTY_VIEW, { type: 'reactions', items: [{ emoji: '🎉', count: 8, from: ['1', '2', '3', '4', '5', '6', '7', '8'] }] });
    expect(many.reactions.map((r) => r.from)).toEqual(['1', '2', '3']);
  });

  it('spends a budget of floats per second: a clapping crowd animates a few emoji, and senders on stage float first', () => {
    const batch = { type: 'reactions' as const, items: [{ emoji: '👏' as const, count: 40 }, { emoji: '🔥' as const, count: 30 }, { emoji: '😂' as const, count: 20 }] };
    // At one moment: nine wanted (three per emoji), the burst allows FLOATS.burst; more batches at that moment add none.
    let v = reduceSpace(EMPTY_VIEW, batch, 10_000);
    expect(v.reactions).toHaveLength(FLOATS.burst);
    for (let i = 0; i < 5; i++) v = reduceSpace(v, batch, 10_000);
    expect(v.reactions).toHaveLength(FLOATS.burst);
    // A second later, FLOATS.perSecond more.
    v = reduceSpace(v, batch, 11_000);
    expect(v.reactions).toHaveLength(FLOATS.burst + FLOATS.perSecond);
    // Half a second later there is room for three: a sender on stage gets theirs before the anonymous crowd.
    v = reduceSpace(v, { type: 'reactions', items: [{ emoji: '👏', count: 12 }, { emoji: '🎉', count: 1, from: ['pann'] }] }, 11_500);
    expect(v.reactions.slice(-3).map((r) => [r.emoji, r.from ?? null])).toEqual([
      ['👏', null],
      ['👏', null],
      ['🎉', 'pann'],
    ]);
    // However long the flood, no more are alive than the page can animate smoothly.
    for (let t = 12_000; t < 60_000; t += 120) v = reduceSpace(v, batch, t);
    expect(v.reactions.length).toBeLessThanOrEqual(16);
  });

  it('remembers which request a refusal answers', () => {
    const v = reduceSpace(EMPTY_VIEW, { type: 'error', ref: 'details', code: 'bad_request', message: 'a title is at most 120 characters' }, 5);
    expect(v.error).toEqual({ code: 'bad_request', message: 'a title is at most 120 characters', at: 5, ref: 'details' });
    const plain = reduceSpace(EMPTY_VIEW, { type: 'error', code: 'forbidden', message: 'no' }, 5);
    expect(plain.error).toEqual({ code: 'forbidden', message: 'no', at: 5 });
  });
});
