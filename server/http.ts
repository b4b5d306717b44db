// HTTP side of the space server: the listener page at /s/<spaceId>, its static assets, and a small public JSON API.
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { contentSecurityPolicy } from '../common/csp';
import { SPACE_ID_PATTERN } from '../common/space';
import { requestPath } from './request-target';
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
  return {
    'Content-Security-Policy': contentSecurityPolicy({ page: 'listener', livekitUrl }),
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
  // A file that vanishes or fails mid-read ends this response only; an unhandled stream error would end the process.
  fs.createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
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

/** iCalendar text: an attachment to download (an invite), or inline for calendar apps that subscribe (a feed). */
function sendCalendar(res: http.ServerResponse, text: string, filename: string | null, extra: Record<string, string>): void {
  res.writeHead(200, {
    ...extra,
    'Content-Type': 'text/calendar; charset=utf-8',
    'Cache-Control': 'no-cache',
    ...(filename ? { 'Content-Disposition': `attachment; filename="${filename}"` } : {}),
  });
  res.end(text);
}

/** What POST /api/spaces answers; `headers` carries e.g. Retry-After. */
export interface CreateSpaceReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function createHttpHandler(opts: {
  store: SpaceStore;
  assetsDir: string;
  livekitUrl: string;
  listenerCount: (spaceId: string) => number;
  /** A space's invite as iCalendar text ("Add to calendar"), or null for no such space. */
  spaceInvite?: (spaceId: string) => string | null;
  /** A host's calendar feed by its feed id, or null for no such feed. */
  hostFeed?: (feedId: string) => string | null;
  /** Handles POST /api/spaces for a studio using this server from afar; absent when the server is embedded. */
  createSpace?: (body: unknown, authorization: string | undefined, remoteAddress: string) => CreateSpaceReply;
  /** Handles GET /api/admin/reports (the server admin's reports); absent without an admin token. */
  adminReports?: (authorization: string | undefined, remoteAddress: string) => CreateSpaceReply;
}): http.RequestListener {
  const headers = securityHeaders(opts.livekitUrl);
  const listenerHtml = path.join(opts.assetsDir, 'listener', 'index.html');
  return (req, res) => {
    const pathname = requestPath(req.url);
    if (pathname === null) {
      return sendJson(res, 400, { error: { code: 'bad_request', message: 'the request target must be a path' } }, headers);
    }
    if (req.method === 'POST' && pathname === '/api/spaces' && opts.createSpace) {
      const create = opts.createSpace;
      const remoteAddress = req.socket.remoteAddress ?? 'unknown';
      return void readJsonBody(req, 8 * 1024)
        .then(
          (body) => {
            const reply = create(body, req.headers.authorization, remoteAddress);
            sendJson(res, reply.status, reply.body, { ...headers, ...reply.headers });
          },
          (error: Error) => sendJson(res, 400, { error: { code: 'bad_request', message: error.message } }, headers),
        )
        .catch(() => failResponse(res, headers));
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendJson(res, 405, { error: { code: 'bad_request', message: 'only GET is served here' } }, headers);
    }
    if (pathname === '/healthz') return sendJson(res, 200, { ok: true }, headers);
    if (pathname === '/api/admin/reports') {
      if (!opts.adminReports) return sendJson(res, 404, { error: { code: 'not_found', message: 'this server has no admin token, so no admin API' } }, headers);
      const reply = opts.adminReports(req.headers.authorization, req.socket.remoteAddress ?? 'unknown');
      return sendJson(res, reply.status, reply.body, { ...headers, ...reply.headers });
    }
    const page = /^\/s\/([^/]+)\/?$/.exec(pathname);
    if (page) {
      // The page itself shows "no such space"; the status code tells crawlers and link previews the same.
      const known = SPACE_ID_PATTERN.test(page[1]!) && opts.store.get(page[1]!) !== null;
      if (!fs.existsSync(listenerHtml)) {
        res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
        return res.end('The listener page is not built yet. Run npm run build, then reload this page.');
      }
      res.writeHead(known ? 200 : 404, { ...headers, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' });
      return res.end(fs.readFileSync(listenerHtml));
    }
    const invite = /^\/s\/([^/]+)\/calendar\.ics$/.exec(pathname);
    if (invite && opts.spaceInvite) {
      const text = SPACE_ID_PATTERN.test(invite[1]!) ? opts.spaceInvite(invite[1]!) : null;
      if (text === null) return sendJson(res, 404, { error: { code: 'not_found', message: 'no such space' } }, headers);
      return sendCalendar(res, text, `podium-${invite[1]!}.ics`, headers);
    }
    const feed = /^\/feeds\/([^/]+)\.ics$/.exec(pathname);
    if (feed && opts.hostFeed) {
      const text = opts.hostFeed(feed[1]!);
      if (text === null) return sendJson(res, 404, { error: { code: 'not_found', message: 'no such calendar feed; ask the host for the link again' } }, headers);
      return sendCalendar(res, text, null, headers);
    }
    const api = /^\/api\/spaces\/([^/]+)$/.exec(pathname);
    if (api) {
      const space = SPACE_ID_PATTERN.test(api[1]!) ? opts.store.get(api[1]!) : null;
      if (!space) return sendJson(res, 404, { error: { code: 'not_found', message: 'no such space' } }, headers);
      return sendJson(res, 200, { space, listenerCount: opts.listenerCount(space.id) }, headers);
    }
    if (isPublicAsset(pathname) && serveStatic(opts.assetsDir, pathname, res, headers)) return;
    sendJson(res, 404, { error: { code: 'not_found', message: 'nothing here' } }, headers);
  };
}

/** Node's HTTP timeouts: how long a client may take to send its headers, its whole request, or idle between two. */
export interface HttpTimeouts {
  headersMs: number;
  requestMs: number;
  keepAliveMs: number;
}

/** Generous for a browser on a slow link, short enough that a trickling client cannot hold a socket for long. */
export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { headersMs: 10_000, requestMs: 15_000, keepAliveMs: 5_000 };

/** Options for http.createServer that reap slow clients (a slow-loris sending one header byte a second). */
export function httpServerOptions(timeouts: HttpTimeouts = DEFAULT_HTTP_TIMEOUTS): http.ServerOptions {
  return {
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    // Node enforces the two timeouts above only when it sweeps its connections (every 30 s by default), so a
    // 10 s limit could last 40 s; sweep often enough that the limit means what it says.
    connectionsCheckingInterval: Math.max(100, Math.min(2_000, Math.floor(timeouts.headersMs / 4))),
  };
}

/** A request target for a log line: bounded, and with control bytes escaped so a client cannot forge log lines. */
function loggable(target: string | undefined): string {
  return JSON.stringify((target ?? '').slice(0, 200));
}

function failResponse(res: http.ServerResponse, headers: Record<string, string>): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  try {
    sendJson(res, 500, { error: { code: 'internal', message: 'the server failed to answer this request' } }, headers);
  } catch {
    res.destroy();
  }
}

/** A logger that throws (a closed stdout pipe) must not turn a handled failure back into an unhandled one. */
function safeLog(log: (line: string) => void, line: string): void {
  try {
    log(line);
  } catch {
    // Nothing else to tell.
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/**
 * Wraps a request listener so that nothing it throws (or rejects with) leaves it: the client gets a 500 (or a cut
 * connection, once a reply has begun) and the log gets a line. See ARCHITECTURE.md, "Handlers never throw out".
 */
export function guardRequests(
  listener: (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>,
  log: (line: string) => void,
  headers: Record<string, string> = {},
): http.RequestListener {
  const fail = (req: http.IncomingMessage, res: http.ServerResponse, error: unknown) => {
    failResponse(res, headers);
    safeLog(log, `${req.method ?? '?'} ${loggable(req.url)} failed: ${describe(error)}`);
  };
  return (req, res) => {
    try {
      const pending = listener(req, res);
      if (pending) pending.catch((error: unknown) => fail(req, res, error));
    } catch (error) {
      fail(req, res, error);
    }
  };
}

/** Wraps an upgrade listener the same way: a throw destroys that socket and is logged, nothing else. */
export function guardUpgrades(
  listener: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void,
  log: (line: string) => void,
): (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    try {
      listener(req, socket, head);
    } catch (error) {
      socket.destroy();
      safeLog(log, `upgrade ${loggable(req.url)} failed: ${describe(error)}`);
    }
  };
}

/** Answers an upgrade request with a bare HTTP status and closes the socket once that is written. */
export function refuseUpgrade(socket: Duplex, status: 400 | 403 | 404): void {
  const reason = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found' }[status];
  if (!socket.writable) return void socket.destroy();
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
