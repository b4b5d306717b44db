// The pin form's words (pure: tested in Node): what a typed link will pin, and a caption kept within its limit.
import { parsePinUrl, PIN_CAPTION_MAX } from '../../../common/moderation';
import { cutGraphemes, graphemeLength } from '../../../common/text';

/** "Pins @name's post on X (https://x.com/name/status/1)" for a link that would be accepted; null otherwise. */
export function pinPreview(raw: string): string | null {
  if (raw.trim() === '') return null;
  const parsed = parsePinUrl(raw);
  if (!parsed.ok) return null;
  const { pin } = parsed;
  return pin.kind === 'x' ? `Pins @${pin.handle}’s post on X: ${pin.url}` : `Pins a link to ${pin.site}: ${pin.url}`;
}

/** A caption as typed or pasted, cut to PIN_CAPTION_MAX characters as a reader counts them (never half an emoji). */
export function captionInput(raw: string): { text: string; length: number; cut: boolean } {
  const { text, cut } = cutGraphemes(raw, PIN_CAPTION_MAX);
  return { text, length: graphemeLength(text), cut };
}
