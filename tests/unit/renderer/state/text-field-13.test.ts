// Fields counted and cut by what a reader sees.
import { describe, expect, it } from 'vitest';
import { counterText, cutNotice, limitText } from '../../../../renderer/state/text-field';

describe('limited text fields', () => {
  it('counts emoji as one character each: 7 rockets are 7/120, not 28/120', () => {
    const seven = '🚀'.repeat(7);
    expect(seven.length).toBe(14);
    expect(counterText(seven, 120)).toBe('7/120');
    expect(counterText('👩‍👩‍👧 family', 120)).toBe('8/120');
    expect(counterText('', 120)).toBe('0/120');
  });

  it('keeps text within the limit as it is', () => {
    expect(limitText('Friday design chat', 120)).toEqual({ value: 'Friday design chat', cut: false });
    expect(limitText('🚀'.repeat(120), 120)).toEqual({ value: '🚀'.repeat(120), cut: false });
  });

  it('cuts a long paste at the limit without splitting an emoji, and says so', () => {
    const pasted = 'x'.repeat(119) + '👩‍👩‍👧' + 'y'.repeat(380);
    const out = limitText(pasted, 120);
    expect(out.cut).toBe(true);
    expect(out.value).toBe('x'.repeat(119) + '👩‍👩‍👧');
    expect(counterText(out.value, 120)).toBe('120/120');
    expect(cutNotice(120, 'title')).toBe("Cut to 120 characters — the title's limit.");
    const halves = limitText('M🚀🚀', 2);
    expect(halves.value).toBe('M🚀');
    expect(halves.value).not.toMatch(/[\uD800-\uDBFF]$/);
  });
});
