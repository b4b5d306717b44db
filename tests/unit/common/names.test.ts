// Display names: what a person may be called in a space, and what is refused because it could deceive others.
import { describe, expect, it } from 'vitest';
import { nameKey, normalizeDisplayName } from '../../../common/names';
import { displayNameSchema } from '../../../common/space';

const ok = (raw: string) => {
  const r = normalizeDisplayName(raw);
  if (!r.ok) throw new Error(`refused ${JSON.stringify(raw)}: ${r.message}`);
  return r.name;
};
const refused = (raw: string) => {
  const r = normalizeDisplayName(raw);
  return r.ok ? null : r.message;
};

describe('display names', () => {
  it('keeps ordinary names in any script, normalised to NFC with single spaces', () => {
    expect(ok('  Ann   Lee ')).toBe('Ann Lee');
    expect(ok('Zoë')).toBe('Zoë');
    expect(ok('Zoe\u0308')).toBe('Zo\u00eb'); // decomposed ë becomes one code point
    expect(ok('محمد')).toBe('محمد');
    expect(ok('李小龙')).toBe('李小龙');
    expect(ok('👩‍💻 dev')).toBe('👩‍💻 dev'); // the zero-width joiner inside an emoji is fine
  });

  it('refuses control characters and line breaks', () => {
    expect(refused('Ann\u0000')).toMatch(/control/);
    expect(refused('Ann\nBob')).toMatch(/control|line/);
    expect(refused('Ann\u2028')).toMatch(/control|line/);
    expect(refused('\u0085Ann')).toMatch(/control/);
  });

  it('refuses direction overrides that make a name read as something else', () => {
    for (const c of ['\u202E', '\u202D', '\u2066', '\u2067', '\u2068', '\u2069', '\u200F', '\u061C']) {
      expect(refused(`Ann${c}nimda`), `U+${c.codePointAt(0)!.toString(16)}`).toMatch(/direction/);
    }
  });

  it('refuses names with nothing visible', () => {
    for (const raw of ['\u200B', '\u200B\u200C\u200D', '\uFEFF', '\u3164\u3164', '\u2800', '\u0301']) {
      expect(refused(raw), JSON.stringify(raw)).toMatch(/visible|enter a name/);
    }
    expect(refused(' \u00A0 ')).toBe('enter a name');
  });

  it('refuses unassigned and private-use code points, which can render as nothing (or as anything)', () => {
    for (const raw of ['Ann\u2065', 'Ann\uFFF0', 'Ann\u{E0080}', 'Ann\u{E01F0}', 'Ann\uE000', 'Ann\uD800']) {
      expect(refused(raw), JSON.stringify(raw)).toMatch(/unassigned|visible|control/);
    }
    // Default-ignorable characters do not count as something visible, nor make a name different.
    expect(refused('\u180E\u115F')).toMatch(/visible/);
    expect(nameKey('A\u00ADnn')).toBe(nameKey('Ann'));
  });

    it('refuses names over 60 characters, counting emoji as one each', () => {
    expect(ok('😀'.repeat(60))).toHaveLength(120);
    expect(refused('a'.repeat(61))).toMatch(/60/);
  });

  it('compares names regardless of case, compatibility forms and invisible characters', () => {
    expect(nameKey('Ann')).toBe(nameKey('ANN'));
    expect(nameKey('Ａｎｎ')).toBe(nameKey('ann')); // full-width letters
    expect(nameKey('A\u200Bnn')).toBe(nameKey('Ann'));
    expect(nameKey('Anna')).not.toBe(nameKey('Ann'));
  });

  it('is what the protocol schema applies, with the reason as its message', () => {
    expect(displayNameSchema.parse('  Max  ')).toBe('Max');
    const bad = displayNameSchema.safeParse('Max\u202E');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/direction/);
  });
});
