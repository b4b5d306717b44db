// Co-host invites as the listener page meets them, as pure functions (tested in Node). A co-host moderates from the
// Podium studio, so this page never joins with an invite key: a link /s/<id>#cohost=<key> opened in a browser shows
// "open this in Podium" (a podium:// link) or joins as a plain listener, with the key taken out of the address bar.
// A one-tap offer (you.cohostOffer) is turned into the same two links: one for the desktop app, one for the web studio.
import { toAppLink } from '../../common/links';
import { SPACE_ID_PATTERN } from '../../common/space';
import { countOf } from '../../common/text';

/** What studios accept as an invite key (renderer/studio/invite-link.ts, common/links.ts fromAppLink). */
export const INVITE_KEY_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

/** The co-host key in a location hash ("#cohost=<key>"), or null when there is none or it is not a key. */
export function inviteKeyIn(hash: string): string | null {
  const key = new URLSearchParams(hash.replace(/^#/, '')).get('cohost');
  return key !== null && INVITE_KEY_PATTERN.test(key) ? key : null;
}

/** The space id of a listener page path (/s/<id>), or null. */
export function spaceIdIn(pathname: string): string | null {
  const id = /^\/s\/([^/]+)\/?$/.exec(pathname)?.[1] ?? '';
  return SPACE_ID_PATTERN.test(id) ? id : null;
}

export type PageMode = 'bad-link' | 'invite' | 'space';

/** What the page opens as: not a space link; a co-host invite (ask first, never join with it); a listener link. */
export function pageModeFor(pathname: string, hash: string): PageMode {
  if (spaceIdIn(pathname) === null) return 'bad-link';
  // Anything that says cohost= is treated as an invite, even a damaged one: the page must not join with it, and the
  // invite screen is where the person decides.
  return new URLSearchParams(hash.replace(/^#/, '')).has('cohost') ? 'invite' : 'space';
}

/** The address without its co-host key (other hash parts kept), for history.replaceState. */
export function withoutInviteKey(href: string): string {
  const url = new URL(href);
  const params = new URLSearchParams(url.hash.replace(/^#/, ''));
  params.delete('cohost');
  const rest = params.toString();
  url.hash = rest ? `#${rest}` : '';
  // URL keeps a bare "#" when the hash is set to ''; an address bar should not show it.
  return url.href.replace(/#$/, '');
}

export interface InviteLinks {
  /** The podium:// link that opens the invite in the desktop studio (null if the page's address cannot make one). */
  appLink: string | null;
  /** The web invite link a web studio's "Join as co-host" accepts. */
  webLink: string;
}

/** The two ways into a co-host seat for `key`, from this page's origin and path; null when the path is no space. */
export function inviteLinks(origin: string, pathname: string, key: string): InviteLinks | null {
  const id = spaceIdIn(pathname);
  if (id === null || !INVITE_KEY_PATTERN.test(key)) return null;
  return { appLink: toAppLink(`${origin}${pathname}#cohost=${key}`), webLink: `${origin}/s/${id}#cohost=${key}` };
}

/** How long a co-host offer still stands, said gently ("The offer stands for 9 more minutes."). */
export function offerLapseText(expiresAt: number, now: number): string {
  const left = expiresAt - now;
  if (left <= 0) return 'This offer has lapsed. The host can ask again.';
  if (left < 60_000) return 'The offer stands for less than a minute.';
  return `The offer stands for ${countOf(Math.ceil(left / 60_000), 'more minute')}.`;
}
