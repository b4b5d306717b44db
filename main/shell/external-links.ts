// Which links the desktop studio may hand to the system browser. Pins are pasted by other people, so a link is
// never opened on a click alone: the shell asks first, showing the host the link really goes to.
import { parseUrl } from './app-page';

export interface ExternalAsk {
  /** The URL to open, as the parser wrote it back (what the browser will get). */
  url: string;
  /** The host as the URL parser reads it: international names in their xn-- form, so a look-alike shows. */
  host: string;
  /** The question for the dialog; it names the host. */
  message: string;
  /** The dialog's detail line: the whole URL. */
  detail: string;
}

export type ExternalDecision = { open: false; reason: string } | { ask: ExternalAsk };

/** Longer than any link a person pastes; a longer one only serves to hide where it goes. */
const MAX_URL_LENGTH = 2048;

/**
 * https only. Not http, even for localhost: the studio has no reason to open a page on this machine in a browser,
 * and a pinned http://127.0.0.1:<port>/… link would let whoever pinned it make a GET to a local service under the
 * host's own browser session. No other scheme (file:, javascript:, a custom app's handler…) and no user or password
 * in the URL, the classic way to make `https://trusted.example@evil.example/` read like the first host.
 */
export function externalOpenDecision(raw: unknown): ExternalDecision {
  if (typeof raw !== 'string' || raw.length > MAX_URL_LENGTH) return { open: false, reason: 'not a link the studio opens' };
  const url = parseUrl(raw.trim());
  if (!url) return { open: false, reason: 'not a URL' };
  if (url.protocol !== 'https:') return { open: false, reason: `only https links are opened (this is ${url.protocol})` };
  if (url.username || url.password) return { open: false, reason: 'links with a user name or password are not opened' };
  if (!url.hostname) return { open: false, reason: 'the link names no host' };
  const host = url.hostname;
  return {
    ask: {
      url: url.href,
      host,
      message: `Open a link to ${host} in your browser?`,
      detail: `It was shared in the space, so check that this is where you want to go:\n\n${url.href}`,
    },
  };
}
