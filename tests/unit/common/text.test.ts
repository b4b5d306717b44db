import { describe, expect, it } from 'vitest';
import { countOf, cutGraphemes, graphemeLength, graphemes, initials, listNames } from '../../../common/text';

describe('grapheme-safe text', () => {
  it('counts what a reader sees, not UTF-16 code units', () => {
    expect('🚀'.length).toBe(2);
    expect(graphemeLength('🚀🚀🚀🚀🚀🚀🚀')).toBe(7);
    expect(graphemeLength('👩‍👩‍👧')).toBe(1);
    expect(graphemeLength('e\u0301')).toBe(1);
    expect(graphemeLength('🇩🇪')).toBe(1);
    expect(graphemes('a🚀b')).toEqual(['a', '🚀', 'b']);
  });

  it('cuts between clusters and says whether it cut', () => {
    expect(cutGraphemes('🚀🚀🚀', 2)).toEqual({ text: '🚀🚀', cut: true });
    expect(cutGraphemes('👩‍👩‍👧x', 1)).toEqual({ text: '👩‍👩‍👧', cut: true });
    expect(cutGraphemes('abc', 3)).toEqual({ text: 'abc', cut: false });
    expect(cutGraphemes('🚀🚀', 2)).toEqual({ text: '🚀🚀', cut: false });
    expect(cutGraphemes('x'.repeat(500), 120).text).toHaveLength(120);
    const cut = cutGraphemes('🚀'.repeat(200), 120).text;
    expect(cut).not.toMatch(/[\uD800-\uDBFF]$/);
    expect(graphemeLength(cut)).toBe(120);
  });

  it('makes initials without splitting an emoji', () => {
    expect(initials('Max 🚀')).toBe('M🚀');
    expect(initials('lena')).toBe('L');
    expect(initials('  ada   lovelace ')).toBe('AL');
    expect(initials('🚀')).toBe('🚀');
    expect(initials('')).toBe('?');
    expect(initials('Émile Zola')).toBe('ÉZ');
    expect(initials('e\u0301mile')).toBe('E\u0301');
    expect(initials('Max 🚀')).not.toContain('\uFFFD');
  });

  it('counts with the right word, and says none when asked to', () => {
    expect(countOf(1, 'listener')).toBe('1 listener');
    expect(countOf(2, 'listener')).toBe('2 listeners');
    expect(countOf(1204, 'listener')).toBe('1,204 listeners');
    expect(countOf(0, 'listener')).toBe('0 listeners');
    expect(countOf(0, 'listener', undefined, 'no listeners')).toBe('no listeners');
    expect(countOf(3, 'person', 'people')).toBe('3 people');
  });

  it('lists names as a sentence', () => {
    expect(listNames([])).toBe('');
    expect(listNames(['Lena'])).toBe('Lena');
    expect(listNames(['Lena', 'Max'])).toBe('Lena and Max');
    expect(listNames(['Lena', 'Max', 'Ada'])).toBe('Lena, Max and Ada');
    expect(listNames(['Lena', 'Max', 'Ada', 'Bo', 'Cy'])).toBe('Lena, Max and 3 others');
  });
});
