// The one Content-Security-Policy of Podium's pages: the studio (Electron's app scheme and the web studio) and the
// listener page (served by the space server). One definition, so a directive the RNNoise stage or LiveKit needs is
// added once and no shell drifts into a looser copy.

/** Which page is being served; the listener page also names the LiveKit it connects to. */
export type CspPage = { page: 'studio' } | { page: 'listener'; livekitUrl: string };

// Both pages run the same code paths for audio: scripts only from the page's own origin, plus WebAssembly
// compilation for RNNoise; the mic pipeline plays blobs and MediaStreams; worklets and workers load from 'self' or
// blob:. Nothing may frame a page (clickjacking a Go live button), and no <base> or form can redirect anything.
const SHARED: readonly string[] = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  // Pins show images from https sites (X cards, link previews); data: for inline icons.
  "img-src 'self' data: https:",
  "media-src 'self' blob: mediastream:",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

/**
 * Where each page may connect.
 * - studio: its own space server and any other one it co-hosts on (ws/wss), LiveKit anywhere (wss, and https for
 *   livekit-client's connection check), and the embedded LiveKit and space server on loopback over plain http.
 * - listener: its space server ('self' and ws/wss) and the LiveKit this server uses, over ws(s) and http(s) — the
 *   http origin because livekit-client checks a failed connection with a plain fetch.
 * Throws on a LiveKit URL that is not a ws/http URL: the settings schema refuses those, so this is a bug, not input.
 */
function connectSources(page: CspPage): string {
  if (page.page === 'studio') return "connect-src 'self' ws: wss: http://127.0.0.1:* https:";
  const livekit = new URL(page.livekitUrl);
  if (!/^(wss?|https?):$/.test(livekit.protocol)) throw new Error(`LiveKit URL must be ws(s) or http(s): ${page.livekitUrl}`);
  const ws = livekit.origin.replace(/^http/, 'ws');
  const http = ws.replace(/^ws/, 'http');
  return `connect-src 'self' ${ws} ${http} ws: wss:`;
}

export function contentSecurityPolicy(page: CspPage): string {
  return [...SHARED, connectSources(page)].join('; ');
}
