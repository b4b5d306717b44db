// The web studio: the studio renderer served to a browser on loopback, with the IPC contract carried over a
// WebSocket at /bridge. A per-run secret (in the URL fragment, never sent in a request line) plus an Origin check
// keep other local pages and processes from driving the studio. The services process's status (running, restarting,
// given up) is pushed to every authenticated page, so the studio can say what is happening.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { contentSecurityPolicy } from '../../common/csp';
import { WEB_BRIDGE_PATH } from '../../common/ipc';
import {
  guardRequests,
  guardUpgrades,
  httpServerOptions,
  isPublicAsset,
  refuseUpgrade,
  serveStatic,
  type HttpTimeouts,
} from '../../server/http';
import { requestPath } from '../../server/request-target';
import type { Result } from '../../common/result';
import type { ServicesStatus } from '../../common/services-status';
import { parseBridgeRequest, type BridgeReply } from '../../common/bridge';
import { serveMediaFile } from './media';

/** The URL path of recordings played by the studio page (MEDIA_PATH in main/services/studio.ts). */
const MEDIA_PREFIX = '/media/';

export interface WebStudioHost {
  /** Open this in a browser; the fragment carries the secret. */
  url: string;
  origin: string;
  close(): Promise<void>;
}

const STUDIO_CSP = contentSecurityPolicy({ page: 'studio' });

export async function startWebStudioHost(opts: {
  /** Carries one contract call to the services (dispatch checks it there) and answers its result. */
  call: (channel: string, request: unknown) => Promise<Result<unknown>>;
  assetsDir: string;
  port?: number;
  log?: (line: string) => void;
  /** For tests: shorter HTTP timeouts than the defaults. */
  httpTimeouts?: HttpTimeouts;
  /** Binary frames on the bridge: recording audio (common/recording.ts), only from an authenticated page. */
  audio?: (bytes: Uint8Array) => void;
  /** The file behind a /media/<token> URL, if the recorder handed that token out. */
  media?: (token: string) => Promise<string | null> | string | null;
  /** The services process's status and its changes, pushed to the page (main/services/process/parent.ts). */
  services?: { status(): ServicesStatus; onStatus(listener: (status: ServicesStatus) => void): () => void };
}): Promise<WebStudioHost> {
  const log = opts.log ?? (() => {});
  const secret = crypto.randomBytes(24).toString('base64url');
  const headers = {
    'Content-Security-Policy': STUDIO_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
  const studioHtml = path.join('studio', 'index.html');
  const handleRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const pathname = requestPath(req.url);
    if (pathname === null) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('The request target must be a path.');
      return;
    }
    if (pathname === '/' || pathname === '/index.html') {
      if (serveStatic(opts.assetsDir, '/' + studioHtml, res, headers)) return;
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('The studio is not built. Run `npm run build` first.');
      return;
    }
    if (pathname.startsWith(MEDIA_PREFIX) && (req.method === 'GET' || req.method === 'HEAD')) {
      Promise.resolve(opts.media?.(pathname.slice(MEDIA_PREFIX.length)) ?? null)
        .then((file) => {
          if (file) return serveMediaFile(file, req, res, headers);
          res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
          res.end('Not found');
        })
        .catch((error: unknown) => {
          log(`media: ${error instanceof Error ? error.message : String(error)}`);
          if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
          res.end();
        });
      return;
    }
    if (isPublicAsset(pathname) && serveStatic(opts.assetsDir, pathname, res, headers)) return;
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Not found');
  };
  const server = http.createServer(httpServerOptions(opts.httpTimeouts), guardRequests(handleRequest, log));
  // 256 KiB: a call, or one PCM frame (a second of audio is 192 KB).
  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  let origin = '';
  /** Pages that showed the secret: only they hear the services' status. */
  const authedPages = new Set<WebSocket>();
  const push = (ws: WebSocket, message: BridgeReply) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(message));
  server.on(
    'upgrade',
    guardUpgrades((req, socket, head) => {
      const pathname = requestPath(req.url);
      if (pathname === null) return refuseUpgrade(socket, 400);
      // Browsers always send Origin on WebSocket upgrades; a page from anywhere else is refused before any message.
      if (pathname !== WEB_BRIDGE_PATH || req.headers.origin !== origin) return refuseUpgrade(socket, 403);
      wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
    }, log),
  );

  function attach(ws: WebSocket): void {
    let authed = false;
    const reply = (message: BridgeReply) => push(ws, message);
    // A client that does not present the secret promptly is dropped.
    const timer = setTimeout(() => !authed && ws.close(4401, 'secret required'), 3000);
    // A protocol error (an oversized or malformed frame) is that connection's end, never an uncaught event.
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      clearTimeout(timer);
      authedPages.delete(ws);
    });
    ws.on('message', async (raw, isBinary) => {
      if (isBinary) {
        // Audio for the recorder: never parsed as JSON, and only once the page has shown the secret.
        if (!authed) return ws.close(4401, 'secret required');
        const bytes = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
        opts.audio?.(bytes);
        return;
      }
      const parsed = parseBridgeRequest(raw as Buffer);
      if (!parsed.ok) return reply({ type: 'error', message: parsed.message });
      const message = parsed.value;
      if (message.type === 'hello') {
        const given = Buffer.from(message.secret);
        const expected = Buffer.from(secret);
        if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
          reply({ type: 'error', message: 'this studio link is out of date; open the studio link Podium printed when it started' });
          return ws.close(4401, 'bad secret');
        }
        authed = true;
        authedPages.add(ws);
        reply({ type: 'welcome' });
        // What the page assumes (services running since the start) may be out of date: it hears the truth at once.
        if (opts.services) reply({ type: 'services', status: opts.services.status() });
        return;
      }
      if (!authed) return ws.close(4401, 'secret required');
      const result = await opts.call(message.channel, message.request);
      reply({ type: 'result', id: message.id, result });
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  // Subscribed once listening, so a host that failed to start leaves no listener on the services behind.
  const stopStatus = opts.services?.onStatus((status) => {
    for (const ws of authedPages) push(ws, { type: 'services', status });
  });
  return {
    origin,
    url: `${origin}/#k=${secret}`,
    async close() {
      stopStatus?.();
      for (const client of wss.clients) client.close(1001, 'studio closing');
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
