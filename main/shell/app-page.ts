// Which page is the studio's own: the desktop window loads podium-app://studio/, and only that page (its top-level
// frame) may call the IPC contract, hand main the recording port, or use the microphone.
// Compared by scheme and host after parsing, never by URL.origin: the WHATWG origin of a non-special scheme such
// as podium-app: is the string "null" in Node, so an origin comparison refuses the studio itself (issue 11) — and
// comparing "null" with "null" would accept every opaque origin.

export const APP_SCHEME = 'podium-app';
export const APP_HOST = 'studio';
/** What the window loads. */
export const APP_PAGE_URL = `${APP_SCHEME}://${APP_HOST}/`;

/**
 * How the scheme is registered with Chromium. standard: parsed like http (a host, dot segments resolved, a real
 * origin for 'self' in the CSP and for storage); secure: the page is a secure context, which getUserMedia and
 * AudioWorklet require; supportFetchAPI: the page fetches the RNNoise wasm; stream: recordings play from /media/
 * as a stream, so a long mix can be seeked without being read whole.
 */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
} as const;

/** A parsed URL, or null for anything URL cannot parse. */
export function parseUrl(raw: unknown): URL | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 8192) return null;
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/**
 * Whether a URL is on the studio's own scheme and host: podium-app://studio, with no user, password or port.
 * The host is compared without regard to case, because for a standard scheme Chromium lowercases it (STUDIO and
 * studio are one origin there); `studio.`, `studio.evil`, `evil` (also when written `studio@evil`) and a
 * percent-encoded `stud%69o` are other hosts.
 */
export function isAppUrl(raw: unknown): boolean {
  const url = parseUrl(raw);
  return (
    url !== null &&
    url.protocol === `${APP_SCHEME}:` &&
    url.hostname.toLowerCase() === APP_HOST &&
    url.port === '' &&
    url.username === '' &&
    url.password === ''
  );
}

/** The part of Electron's WebFrameMain this decision reads (event.senderFrame; null once the frame is gone). */
export interface SenderFrame {
  url: string;
  parent: unknown;
}

/** Only the app's own page, in its top-level frame, may call the contract: no iframe, no other scheme or host. */
export function isAppSender(frame: SenderFrame | null | undefined): boolean {
  return !!frame && frame.parent === null && isAppUrl(frame.url);
}
