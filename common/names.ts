// Display names people choose: normalised (NFC, one space between words) and refused when they could deceive —
// control characters, bidirectional overrides that reorder what others read, names with nothing visible, and (on
// the server, which knows the host) a listener taking the host's own name.
import { graphemeLength } from './text';

export const NAME_MAX = 60;

// C0/C1 controls and line/paragraph separators.
const CONTROL = /[\p{Cc}\u2028\u2029]/u;
// Bidi embeddings, overrides, isolates and marks: they let a name display as something else entirely.
const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u;
// Characters that show nothing on their own: format characters (zero-width space/joiners, BOM, word joiner), spaces,
// combining marks, and the Hangul fillers that render as blank.
const INVISIBLE = /[\p{Cf}\p{Z}\p{M}\p{Default_Ignorable_Code_Point}\s\u3164\u115F\u1160\uFFA0\u2800]/gu;
// Code points with no meaning yet (unassigned), private-use ones and lone surrogates: a renderer may show nothing,
// or anything, for them.
const UNDEFINED = /[\p{Cn}\p{Co}\p{Cs}]/u;

export type NameCheck = { ok: true; name: string } | { ok: false; message: string };

export function normalizeDisplayName(raw: string): NameCheck {
  if (CONTROL.test(raw)) return { ok: false, message: 'a name cannot contain control characters or line breaks' };
  if (BIDI.test(raw)) return { ok: false, message: 'a name cannot contain direction-override characters' };
  if (UNDEFINED.test(raw)) return { ok: false, message: 'a name cannot contain unassigned or private-use characters' };
  const name = raw.normalize('NFC').replace(/\s+/gu, ' ').trim();
  if (name === '') return { ok: false, message: 'enter a name' };
  if (name.replace(INVISIBLE, '') === '') return { ok: false, message: 'a name needs at least one visible letter, digit or emoji' };
  if (graphemeLength(name) > NAME_MAX) return { ok: false, message: `a name is at most ${NAME_MAX} characters` };
  return { ok: true, name };
}

/** The form two names are compared in: case, compatibility forms and invisible characters do not make a name new. */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLocaleLowerCase('en').replace(INVISIBLE, '');
}
