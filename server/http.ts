// HTTP side of the space server: the listener page at /s/<spaceId>, its static assets, and a small public JSON API.
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { SPACE_ID_PATTERN } from '../common/space';
import type { SpaceStore } from './store/spaces';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export function securityHeaders(livekitUrl: string): Record<string, string> {
  const livekitOrigin = new URL(livekitUrl).origin.replace(/^http/, 'ws');
  const livekitHttp = livekitOrigin.replace(/^ws/, 'http');
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self' 'wasm-unsafe-eval'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: https:",
      `connect-src 'self' ${livekitOrigin} ${livekitHttp} ws: wss:`,
      "media-src 'self' blob: mediastream:",
      "worker-src 'self' blob:",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}

/**
 * Whether a request path names a public asset, judged on the decoded, normalised path that serveStatic will open —
 * so `/assets/..%2fstudio%2findex.html` is not an asset.
 */
export function isPublicAsset(urlPath: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return false;
  }
  // Anything that normalises to another path (dot segments, doubled slashes) or hides a backslash is refused.
  if (decoded.includes('\\') || path.posix.normalize(decoded) !== decoded) return false;
  return decoded.startsWith('/assets/') || decoded === '/favicon.svg';
}

/** Serves a file from `root` if `urlPath` names one inside it; refuses anything that escapes the root. */
export function serveStatic(root: string, urlPath: string, res: http.ServerResponse, extra: Record<string, string>): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return false;
  }
  const file = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
  if (!file.startsWith(path.resolve(root) + path.sep)) return false;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return false;
  }
  if (!stat.isFile()) return false;
  res.writeHead(200, {
    ...extra,
    'Content-Type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Content-Length': stat.size,
    'Cache-Control': urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  fs.createReadStream(file).pipe(res);
  return true;
}

function readJsonBody(req: http.IncomingMessage, limit: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error(`the request body is limited to ${limit} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new Error('the request body must be JSON'));
      }
    });
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, extra: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...extra, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(text);
}

export function createHttpHandler(opts: {
  store: SpaceStore;
  assetsDir: string;
  livekitUrl: string;
  listenerCount: (spaceId: string) => number;
  /** Handles POST /api/spaces for a studio using this server from afar; absent when the server is embedded. */
  createSpace?: (body: unknown, authorization: string | undefined) => { status: number; body: unknown };
}): http.RequestListener {
  const headers = securityHeaders(opts.livekitUrl);
  const listenerHtml = path.join(opts.assetsDir, 'listener', 'index.html');
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://local');
    if (req.method === 'POST' && url.pathname === '/api/spaces' && opts.createSpace) {
      const create = opts.createSpace;
      return void readJsonBody(req, 8 * 1024).then(
        (body) => {
          const reply = create(body, req.headers.authorization);
          sendJson(res, reply.status, reply.body, headers);
        },
        (error: Error) => sendJson(res, 400, { error: { code: 'bad_request', message: error.message } }, headers),
      );
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendJson(res, 405, { error: { code: 'bad_request', message: 'only GET is served here' } }, headers);
    }
    if (url.pathname === '/healthz') return sendJson(res, 200, { ok: true }, headers);
    const page = /^\/s\/([^/]+)\/?$/.exec(url.pathname);
    if (page) {
      // The page itself shows "no such space"; the status code tells crawlers and link previews the same.
      const known = SPACE_ID_PATTERN.test(page[1]!) && opts.store.get(page[1]!) !== null;
      if (!fs.existsSync(listenerHtml)) {
        res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
        return res.end('The listener page is not built. Run `npm run build` first.');
      }
      res.writeHead(known ? 200 : 404, { ...headers, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' });
      return res.end(fs.readFileSync(listenerHtml));
    }
    const api = /^\/api\/spaces\/([^/]+)$/.exec(url.pathname);
    if (api) {
      const space = SPACE_ID_PATTERN.test(api[1]!) ? opts.store.get(api[1]!) : null;
      if (!space) return sendJson(res, 404, { error: { code: 'not_found', message: 'no such space' } }, headers);
      return sendJson(res, 200, { space, listenerCount: opts.listenerCount(space.id) }, headers);
    }
    if (isPublicAsset(url.pathname) && serveStatic(opts.assetsDir, url.pathname, res, headers)) return;
    sendJson(res, 404, { error: { code: 'not_found', message: 'nothing here' } }, headers);
  };
}
