// What a request on the app scheme (podium-app://studio/...) is: a file of the built renderer, a recording the
// studio was handed a /media/ token for, or nothing. Decided on the URL alone, so the protocol handler in
// main/index.ts only opens what this returns.
import path from 'node:path';
import { APP_HOST, APP_SCHEME } from './app-page';

/** Recordings the studio plays: /media/<token> (MEDIA_PATH in main/services/studio.ts; a test keeps them equal). */
export const APP_MEDIA_PREFIX = '/media/';

export type AppRequest =
  | { kind: 'file'; file: string }
  | { kind: 'media'; token: string }
  | { kind: 'refuse'; status: 404 | 405 };

const NOT_FOUND = { kind: 'refuse', status: 404 } as const;

/**
 * One path segment of a built asset. Vite names them with letters, digits, `-`, `_` and `.`; the allowlist is the
 * traversal check: no `..` or `.` (a segment may not start with a dot), no backslash (a separator on Windows), no
 * `:` (a drive letter or an NTFS stream), no NUL or control byte, no empty segment (`//` would make an absolute path).
 */
const SEGMENT = /^[A-Za-z0-9_@~+-][A-Za-z0-9._@~+-]{0,199}$/;

/**
 * Maps a request to what may answer it. `/` is the studio page; everything else must name a file under `root`
 * exactly — judged on the percent-decoded path, so `%2e%2e`, `%2f` and `%5c` are the characters they encode. Only
 * GET and HEAD; only the studio's own host (a page cannot reach the files through podium-app://elsewhere/).
 */
export function resolveAppRequest(request: { url: string; method?: string }, root: string): AppRequest {
  const method = (request.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') return { kind: 'refuse', status: 405 };
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return NOT_FOUND;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.hostname.toLowerCase() !== APP_HOST || url.port || url.username || url.password) {
    return NOT_FOUND;
  }
  const raw = url.pathname;
  if (raw === '/') return { kind: 'file', file: path.join(root, 'studio', 'index.html') };
  if (raw.startsWith(APP_MEDIA_PREFIX)) {
    // The token is checked again where it is looked up; this only keeps anything path-like out.
    const token = raw.slice(APP_MEDIA_PREFIX.length);
    return /^[A-Za-z0-9_-]{1,64}$/.test(token) ? { kind: 'media', token } : NOT_FOUND;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return NOT_FOUND;
  }
  const segments = decoded.split('/');
  // A leading '/', then segments that each pass the allowlist.
  if (segments.shift() !== '' || segments.length === 0 || !segments.every((s) => SEGMENT.test(s))) return NOT_FOUND;
  const base = path.resolve(root);
  const file = path.resolve(base, ...segments);
  // Belt and braces: whatever the platform's path rules, the file stays under the root.
  if (!file.startsWith(base + path.sep)) return NOT_FOUND;
  return { kind: 'file', file };
}
