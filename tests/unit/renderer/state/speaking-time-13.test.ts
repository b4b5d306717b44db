// Speaking time, measured from the SFU's "speaking now" list as it changes.
import { describe, expect, it } from 'vitest';
import { EMPTY_SPEAKING, speakingTotals, stepSpeaking } from '../../../../renderer/state/speaking-time';

describe('stepSpeaking', () => {
  it('credits each stretch to whoever was speaking during it, and nothing before live', () => {
    let c = stepSpeaking(EMPTY_SPEAKING, ['a'], 500, false);
    expect(c).toBe(EMPTY_SPEAKING);
    expect(c.counted).toBe(false);
    c = stepSpeaking(c, [], 1_000, true); // live, nobody speaking
    c = stepSpeaking(c, ['a'], 2_000, true);
    c = stepSpeaking(c, ['a', 'b'], 5_000, true); // a alone for 3 s
    c = stepSpeaking(c, ['b'], 6_500, true); // a and b together for 1.5 s
    c = stepSpeaking(c, [], 7_000, true); // b alone for 0.5 s
    expect(speakingTotals(c, 60_000)).toEqual({ a: 4_500, b: 2_000 });
    expect(c.counted).toBe(true);
  });

  it('counts the running stretch in the totals without changing the clock', () => {
    const c = stepSpeaking(stepSpeaking(EMPTY_SPEAKING, [], 0, true), ['host'], 1_000, true);
    expect(speakingTotals(c, 4_000)).toEqual({ host: 3_000 });
    expect(speakingTotals(c, 4_000)).toEqual({ host: 3_000 });
    expect(c.totals).toEqual({});
  });

  it('returns the same clock for the same speakers in another order (no re-render), a new one when they change', () => {
    const c = stepSpeaking(EMPTY_SPEAKING, ['a', 'b'], 0, true);
    expect(stepSpeaking(c, ['b', 'a'], 900, true)).toBe(c);
    expect(stepSpeaking(c, ['b'], 900, true)).not.toBe(c);
  });

  it('stops at the end: the time up to it counts, nothing after', () => {
    let c = stepSpeaking(EMPTY_SPEAKING, ['a'], 0, true);
    c = stepSpeaking(c, ['a'], 10_000, false);
    expect(c.since).toBeNull();
    expect(speakingTotals(c, 99_000)).toEqual({ a: 10_000 });
    // Samples after the end change nothing.
    expect(stepSpeaking(c, ['a'], 20_000, false)).toBe(c);
  });

  it('never subtracts time when the clock steps back, and counts a duplicated identity once', () => {
    let c = stepSpeaking(EMPTY_SPEAKING, ['a', 'a'], 5_000, true);
    c = stepSpeaking(c, ['b'], 4_000, true);
    c = stepSpeaking(c, [], 6_000, true);
    expect(speakingTotals(c, 6_000)).toEqual({ b: 2_000 });
    const d = stepSpeaking(stepSpeaking(EMPTY_SPEAKING, ['a', 'a'], 0, true), [], 1_000, true);
    expect(speakingTotals(d, 1_000)).toEqual({ a: 1_000 });
  });
});
