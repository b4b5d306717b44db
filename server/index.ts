// The space server: HTTP (listener page, public API) + the space protocol over WebSocket, on one port.
// Embedded in the studio by default; `npm run server` runs it alone (server/cli.ts).
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { clientKeySchema, PROTOCOL_PATH } from '../common/protocol';
import { describeIssues } from '../common/protocol';
import { PodiumError, toAppError } from '../common/result';
import { createSpaceSchema, type CreateSpaceInput, type PublicSpace } from '../common/space';
import { countOf } from '../common/text';
import { createAuthThrottle, type AuthThrottleOptions } from './auth-throttle';
import { startHeartbeat } from './heartbeat';
import { createHttpHandler, guardRequests, guardUpgrades, httpServerOptions, refuseUpgrade, type CreateSpaceReply, type HttpTimeouts } from './http';
import { createSfuAdmin, type SfuAdmin } from './livekit/admin';
import { probeSfu, steadyHealth, type SfuHealth } from './livekit/health';
import { createWebhookHandler, LIVEKIT_WEBHOOK_PATH } from './livekit/webhooks';
import type { LivekitCredentials } from './livekit/tokens';
import { createSessionHub } from './sessions';
import { localAddressOf } from './local-webhook';
import { requestPath } from './request-target';
import { openDatabase } from './store/db';
import { createModerationStore } from './store/moderation';
import { createReportStore } from './store/reports';
import { createSpaceStore, hashKey } from './store/spaces';

export interface SpaceServerConfig {
  dbFile: string;
  livekit: LivekitCredentials;
  /** The built renderer (out/renderer): holds listener/index.html and assets/. */
  assetsDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Base of share links when the server sits behind a proxy or a public name; default http://host:port. */
  publicUrl?: string;
  log?: (line: string) => void;
  /**
   * Lets a remote studio create spaces with POST /api/spaces and `Authorization: Bearer <adminToken>`.
   * Unset (the embedded case), that endpoint does not exist.
   */
  adminToken?: string;
  /** Replaceable for tests of the server alone. */
  admin?: SfuAdmin;
  /** How often every room on the SFU is re-checked besides its webhooks (ms; default 10 s). */
  sweepEveryMs?: number;
  /** A WebSocket that has not joined a space by then is closed (ms; default 15 s). */
  joinDeadlineMs?: number;
  /** The protocol's clock; tests move it to show that nothing depends on a window of time. */
  now?: () => number;
  /** For tests: shorter HTTP timeouts than the defaults (DEFAULT_HTTP_TIMEOUTS in server/http.ts). */
  httpTimeouts?: HttpTimeouts;
  /** How often every WebSocket is pinged; one that misses a ping is dropped. Default 30 s; shorter in tests. */
  heartbeatMs?: number;
  /** For tests: the admin-token throttle's limits and clock (server/auth-throttle.ts). */
  adminThrottle?: AuthThrottleOptions;
  /**
   * The SFU's health: the supervisor's, when this process runs the LiveKit (server/livekit/supervisor.ts). Absent, the
   * server probes the LiveKit at livekit.url itself (not when `admin` is a test double: nothing real is there).
   */
  sfuHealth?: SfuHealth;
}

/** How many reports GET /api/admin/reports lists in each of its two lists. */
const ADMIN_REPORTS = 500;

const remoteSpaceSchema = createSpaceSchema.extend({
  /** A secret the host's studio keeps for this server: whose block list the space's blocks go to. */
  ownerKey: clientKeySchema,
});

export interface HostKeyed {
  space: PublicSpace;
  hostKey: string;
}

export interface SpaceServer {
  url: string;
  protocolUrl: string;
  shareUrl(spaceId: string): string;
  createSpace(input: CreateSpaceInput): HostKeyed;
  /** Hands the studio a fresh host key for a space it made earlier (the old key stops working). */
  reopenSpace(spaceId: string): HostKeyed;
  listSpaces(limit?: number): PublicSpace[];
  /** What the protocol holds in memory (rooms and their members), for leak tests and diagnostics. */
  stats(): { rooms: number; members: number };
  /** Checks every room on the SFU against who may be there now (it also runs on a timer). */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

function sameSecret(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

export async function startSpaceServer(config: SpaceServerConfig): Promise<SpaceServer> {
  const log = config.log ?? (() => {});
  const db = openDatabase(config.dbFile);
  const store = createSpaceStore(db);
  const admin = config.admin ?? createSfuAdmin(config.livekit);
  const moderation = createModerationStore(db);
  const reports = createReportStore(db);
  const probe = config.sfuHealth || config.admin ? null : probeSfu({ url: config.livekit.url, log });
  const sfuHealth = config.sfuHealth ?? probe ?? steadyHealth(config.now);
  let shareUrlOf = (id: string) => id;
  const hub = createSessionHub({
    store,
    moderation,
    reports,
    livekit: config.livekit,
    admin,
    log,
    shareUrl: (id) => shareUrlOf(id),
    sweepEveryMs: config.sweepEveryMs,
    joinDeadlineMs: config.joinDeadlineMs,
    now: config.now,
    sfuHealth,
  });
  // The SFU's own events drive enforcement: LiveKit posts them here, signed with the API secret.
  const webhook = createWebhookHandler({ livekit: config.livekit, onEvent: (event) => void hub.sfuEvent(event), log });
  const withWebhook =
    (next: http.RequestListener): http.RequestListener =>
    (req, res) =>
      req.url === LIVEKIT_WEBHOOK_PATH ? webhook(req, res) : next(req, res);
  const createSpace = (input: unknown, owner = 'studio'): HostKeyed => {
    const parsed = createSpaceSchema.safeParse(input);
    if (!parsed.success) throw new PodiumError('bad_request', describeIssues(parsed.error));
    return store.create(parsed.data, Date.now(), owner);
  };
  /** POST /api/spaces: each host's studio presents its own owner key, so blocks are that host's alone. */
  const createRemoteSpace = (input: unknown): HostKeyed => {
    const parsed = remoteSpaceSchema.safeParse(input);
    if (!parsed.success) throw new PodiumError('bad_request', describeIssues(parsed.error));
    const { ownerKey, ...space } = parsed.data;
    return createSpace(space, `o${hashKey(ownerKey)}`);
  };
  const adminToken = config.adminToken;
  const throttle = createAuthThrottle(config.adminThrottle);
  /** The admin token, checked (and wrong ones throttled) before `then` runs. */
  const asAdmin = (token: string, authorization: string | undefined, remoteAddress: string, then: () => CreateSpaceReply): CreateSpaceReply => {
    // Refused before the token is even compared, so a guesser learns nothing from a throttled attempt.
    const verdict = throttle.check(remoteAddress);
    if (!verdict.allowed) {
      const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
      const who = verdict.scope === 'address' ? 'from this address' : 'from everyone';
      return {
        status: 429,
        headers: { 'Retry-After': String(seconds) },
        body: { error: { code: 'rate_limited', message: `too many wrong admin tokens ${who}; try again in ${countOf(seconds, 'second')}` } },
      };
    }
    if (!authorization || !sameSecret(authorization, `Bearer ${token}`)) {
      throttle.fail(remoteAddress);
      return { status: 401, body: { error: { code: 'forbidden', message: 'a valid admin token is required' } } };
    }
    return then();
  };
  const server = http.createServer(
    httpServerOptions(config.httpTimeouts),
    guardRequests(withWebhook(createHttpHandler({
      store,
      assetsDir: config.assetsDir,
      livekitUrl: config.livekit.url,
      listenerCount: hub.listenerCount,
      createSpace: adminToken
        ? (body, authorization, remoteAddress) =>
            asAdmin(adminToken, authorization, remoteAddress, () => {
              try {
                const created = createRemoteSpace(body);
                return { status: 201, body: { ...created, shareUrl: shareUrlOf(created.space.id) } };
              } catch (error) {
                return { status: 400, body: { error: toAppError(error) } };
              }
            })
        : undefined,
      // Reports about hosts and co-hosts (their own queue never shows them), and the latest reports of every space.
      adminReports: adminToken
        ? (authorization, remoteAddress) =>
            asAdmin(adminToken, authorization, remoteAddress, () => ({
              status: 200,
              body: { aboutHosts: reports.forAdmin(ADMIN_REPORTS), latest: reports.latest(ADMIN_REPORTS) },
            }))
        : undefined,
    })), log),
  );
  // ws closes a connection whose frame exceeds maxPayload; below that, the protocol's own limit answers politely.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on(
    'upgrade',
    guardUpgrades((req, socket, head) => {
      const pathname = requestPath(req.url);
      if (pathname === null) return refuseUpgrade(socket, 400);
      if (pathname !== PROTOCOL_PATH) return socket.destroy();
      wss.handleUpgrade(req, socket, head, (ws) => hub.attach(ws, req.socket.remoteAddress ?? ''));
    }, log),
  );
  const stopHeartbeat = startHeartbeat(wss, config.heartbeatMs ?? 30_000);
  const host = config.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port ?? 0, host, () => resolve());
  }).catch((error: unknown) => {
    probe?.stop();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  // A wildcard or IPv6 listen address is not a host name: links name loopback (PODIUM_PUBLIC_URL names the world).
  const url = (config.publicUrl ?? `http://${localAddressOf(host)}:${port}`).replace(/\/$/, '');
  log(`space server listening on ${url}`);
  shareUrlOf = (spaceId) => `${url}/s/${spaceId}`;

  return {
    url,
    protocolUrl: url.replace(/^http/, 'ws') + PROTOCOL_PATH,
    shareUrl: shareUrlOf,
    createSpace,
    reopenSpace(spaceId) {
      const space = store.get(spaceId);
      const hostKey = store.rotateHostKey(spaceId);
      if (!space || !hostKey) throw new PodiumError('not_found', 'that space no longer exists');
      return { space, hostKey };
    },
    listSpaces(limit = 20) {
      return store.list(limit);
    },
    stats: () => hub.stats(),
    sweep: () => hub.sweep(),
    async close() {
      probe?.stop();
      stopHeartbeat();
      hub.closeAll();
      // Connections that never joined a space are not the hub's; end them too or server.close() waits forever.
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      db.close();
    },
  };
}
