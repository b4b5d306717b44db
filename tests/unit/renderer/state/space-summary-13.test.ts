// The end-of-space summary as a person reads it: the server's figures and the studio's speaking time, in words.
import { describe, expect, it } from 'vitest';
import type { SpaceSummary } from '../../../../common/protocol';
import { spanText, summaryModel } from '../../../../renderer/state/space-summary';

const base: SpaceSummary = {
  startedAt: 1_000_000,
  endedAt: 1_000_000 + 42 * 60_000 + 7_000,
  peakListeners: 12,
  totalListeners: 31,
  speakers: [
    { id: 'p1', name: 'Max 🚀', role: 'speaker', stageMs: 5 * 60_000 },
    { id: 'p0', name: 'Lena', role: 'host', stageMs: 42 * 60_000 },
    { id: 'p2', name: 'Ada', role: 'speaker', stageMs: 9 * 60_000 },
  ],
  reactions: [
    { emoji: '🔥', count: 3 },
    { emoji: '👏', count: 20 },
  ],
  hands: 4,
};

describe('spanText', () => {
  it('reads as a person says it', () => {
    expect(spanText(0)).toBe('0 s');
    expect(spanText(45_400)).toBe('45 s');
    expect(spanText(60_000)).toBe('1 min');
    expect(spanText(185_000)).toBe('3 min 5 s');
    expect(spanText(3_600_000)).toBe('1 h');
    expect(spanText(3_720_000 + 30_000)).toBe('1 h 2 min');
    expect(spanText(-5)).toBe('0 s');
  });
});

describe('summaryModel', () => {
  it('turns the figures into lines, with singular and plural right', () => {
    const m = summaryModel(base, { p0: 600_000, p1: 65_000 });
    expect(m.headline).toBe('Ended after 42 min 7 s');
    expect(m.figures.map((f) => `${f.value} ${f.label}`)).toEqual([
      '42 min 7 s on air',
      '12 listeners at the peak',
      '31 listeners in all',
      '23 reactions',
      '4 hands raised',
    ]);
    const one = summaryModel({ ...base, peakListeners: 1, totalListeners: 1, hands: 1, reactions: [{ emoji: '👏', count: 1 }] });
    expect(one.figures.slice(1).map((f) => `${f.value} ${f.label}`)).toEqual(['1 listener at the peak', '1 listener in all', '1 reaction', '1 hand raised']);
    const none = summaryModel({ ...base, peakListeners: 0, totalListeners: 0, hands: 0, reactions: [], speakers: [] });
    expect(none.figures.slice(1).map((f) => `${f.value} ${f.label}`)).toEqual(['0 listeners at the peak', '0 listeners in all', '0 reactions', '0 hands raised']);
    expect(none.reactionsLine).toBe('No reactions');
    expect(none.speakers).toEqual([]);
  });

  it('lists the host first, then speakers by how long they spoke, each with stage and speaking time', () => {
    const m = summaryModel(base, { p0: 600_000, p1: 65_000 });
    expect(m.speakers.map((s) => [s.name, s.stage, s.spoke])).toEqual([
      ['Lena', '42 min', '10 min'],
      ['Max 🚀', '5 min', '1 min 5 s'],
      ['Ada', '9 min', '0 s'],
    ]);
    expect(m.speakers[1]!.spokeMs).toBe(65_000);
  });

  it('says nothing about speaking time this studio did not hear', () => {
    const m = summaryModel(base, {}, false);
    expect(m.speakers.every((s) => s.spoke === null)).toBe(true);
  });

  it('orders reactions by count and handles a space that never went live', () => {
    const m = summaryModel({ ...base, startedAt: null });
    expect(m.reactions.map((r) => r.text)).toEqual(['👏 20', '🔥 3']);
    expect(m.headline).toBe('Ended before it went live');
    expect(m.figures[0]!.value).toBe('—');
  });
});
