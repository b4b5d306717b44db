// podium:// links: a share link or co-host invite wrapped so the desktop studio opens it.
// podium://open/<host[:port]>/<spaceId>[#cohost=<key>] ↔ http(s)://<host[:port]>/s/<spaceId>[#cohost=<key>]
import { SPACE_ID_PATTERN } from './space';

export const LINK_SCHEME = 'podium';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/;

export function toAppLink(webUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(webUrl);
  } catch {
    return null;
  }
  const id = /^\/s\/([a-z0-9]{10})$/.exec(url.pathname)?.[1];
  if (!id || (url.protocol !== 'https:' && url.protocol !== 'http:')) return null;
  return `${LINK_SCHEME}://open/${url.host}/${id}${url.hash}`;
}

/** The web link a podium:// link stands for, or null if it is not one of ours (never anything but /s/<id>). */
export function fromAppLink(appLink: string): string | null {
  const m = /^podium:\/\/open\/([A-Za-z0-9.\-[\]:]+)\/([a-z0-9]{10})(#cohost=[A-Za-z0-9_-]{16,128})?$/.exec(appLink.trim());
  if (!m || !SPACE_ID_PATTERN.test(m[2]!)) return null;
  const host = m[1]!;
  // Plain http only for this machine; anything else must be https.
  const scheme = LOOPBACK.test(host) ? 'http' : 'https';
  return `${scheme}://${host}/s/${m[2]}${m[3] ?? ''}`;
}

