// Text as people see it: counted and cut by grapheme clusters (what a reader calls one character: "🚀", "👩‍👩‍👧",
// "é" written as e + ◌́), never by UTF-16 code units — a code-unit cut leaves half an emoji ("M\uD83D" shows as "M�"),
// and a code-unit count makes 7 emoji read as "28/120". Used by the studio, the listener page and the server's limits.
// Also the few counting words every message needs ("1 listener", "no speakers"), so no screen says "All 0 listeners".

const segmenter = typeof Intl !== 'undefined' && 'Segmenter' in Intl ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;

/** The grapheme clusters of a string, in order. */
export function graphemes(text: string): string[] {
  if (!segmenter) return Array.from(text);
  const out: string[] = [];
  for (const { segment } of segmenter.segment(text)) out.push(segment);
  return out;
}

/** How many characters a reader sees. */
export function graphemeLength(text: string): number {
  if (!segmenter) return Array.from(text).length;
  let n = 0;
  const segments = segmenter.segment(text)[Symbol.iterator]();
  while (!segments.next().done) n++;
  return n;
}

/** The first `max` characters a reader sees, and whether anything was cut. Never splits an emoji or an accent. */
export function cutGraphemes(text: string, max: number): { text: string; cut: boolean } {
  if (max <= 0) return { text: '', cut: text.length > 0 };
  if (text.length <= max) return { text, cut: false };
  const parts = graphemes(text);
  if (parts.length <= max) return { text, cut: false };
  return { text: parts.slice(0, max).join(''), cut: true };
}

/**
 * Avatar initials: the first character of the first word and of the last word, upper-cased where that means
 * something ("Max 🚀" → "M🚀", "lena" → "L", "" → "?").
 */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/u).filter(Boolean);
  if (words.length === 0) return '?';
  const first = graphemes(words[0]!)[0] ?? '';
  const last = words.length > 1 ? (graphemes(words.at(-1)!)[0] ?? '') : '';
  const result = (first + last).toLocaleUpperCase();
  return result === '' ? '?' : result;
}

/**
 * A count with its noun: "1 listener", "2 listeners", "1,204 listeners"; with `zero`, what to say for none
 * ("no listeners"). `many` defaults to the noun plus "s".
 */
export function countOf(n: number, one: string, many = `${one}s`, zero?: string): string {
  if (n === 0 && zero !== undefined) return zero;
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

/** "Lena", "Lena and Max", "Lena, Max and Ada", "Lena, Max and 3 others". */
export function listNames(names: readonly string[], max = 3): string {
  if (names.length === 0) return '';
  if (names.length === 1) return names[0]!;
  if (names.length <= max) return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  const rest = names.length - (max - 1);
  return `${names.slice(0, max - 1).join(', ')} and ${countOf(rest, 'other')}`;
}
