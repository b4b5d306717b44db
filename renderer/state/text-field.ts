// Text fields limited by what a reader counts (grapheme clusters, common/text.ts), not by UTF-16 code units: the
// counter says "7/120" for seven emoji, and a paste that was too long is cut without breaking an emoji — and says so.
import { cutGraphemes, graphemeLength } from '../../common/text';

export interface LimitedText {
  /** What the field holds now. */
  value: string;
  /** The typed or pasted text was longer than the limit and was cut. */
  cut: boolean;
}

/** `raw` as the field may hold it: at most `max` characters. */
export function limitText(raw: string, max: number): LimitedText {
  const { text, cut } = cutGraphemes(raw, max);
  return { value: text, cut };
}

/** "7/120". */
export function counterText(value: string, max: number): string {
  return `${graphemeLength(value)}/${max}`;
}

/** What to say after a cut: "Cut to 120 characters — the title's limit." */
export function cutNotice(max: number, what: string): string {
  return `Cut to ${max} characters — the ${what}'s limit.`;
}
