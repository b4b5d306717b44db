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
import type { SfuAdmin } from './livekit/admin';
import { probeSfu, steadyHealth, type SfuHealth } from './livekit/health';
import { createWebhookHandler, LIVEKIT_WEBHOOK_PATH } from './livekit/webhooks';
import type { LivekitCredentials } from './livekit/tokens';
import { createSessionHub } from './sessions';
import { createLivekitSfu } from './sfu/livekit';
import { createMediasoupSfu, type MediasoupOptions } from './sfu/mediasoup/index';
import type { ServerSfu } from './sfu/types';
import { localAddressOf } from './local-webhook';
import { requestPath } from './request-target';
import { openDatabase } from './store/db';
import { createModerationStore } from './store/moderation';
import { createReportStore } from './store/reports';
import { createTicketStore } from './store/tickets';
import { createSpaceStore, hashKey } from './store/spaces';
import { createFollowStore } from './store/follows';
import { hostFeed, spaceInvite } from './calendar';
import { cancelSpaceSchema, rescheduleSpaceSchema, scheduleSpaceSchema, startTimeProblem } from '../common/schedule';

export interface SpaceServerConfig {
  dbFile: string;
  /** LiveKit as the SFU (its admin API, tokens and webhooks). Not used for media when `mediasoup` is given. */
  livekit?: LivekitCredentials;
  /**
   * mediasoup as the SFU instead: this process runs its worker and serves its signalling at SFU_SIGNAL_PATH
   * (server/sfu/mediasoup/). Needs the optional mediasoup package and a mediasoup-worker binary.
   */
  mediasoup?: MediasoupOptions;
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

/** What the studio shows about its host's announced spaces and followers. */
export interface HostOverview {
  /** Scheduled (and live) spaces with a start, soonest first. */
  upcoming: PublicSpace[];
  followers: number;
  /** The host's calendar feed: https?://…/feeds/<id>.ics, and the same as webcal://. */
  feedUrl: string;
  webcalUrl: string;
}

/** How far back a host's feed reaches: older announced spaces leave it (and the calendars that subscribe). */
const FEED_KEEPS_MS = 30 * 24 * 3_600_000;

export interface SpaceServer {
  url: string;
  protocolUrl: string;
  shareUrl(spaceId: string): string;
  createSpace(input: CreateSpaceInput): HostKeyed;
  /** Hands the studio a fresh host key for a space it made earlier (the old key stops working). */
  reopenSpace(spaceId: string): HostKeyed;
  listSpaces(limit?: number): PublicSpace[];
  /** Announces a space for a later start (checked against the server's clock). Throws PodiumError on bad input. */
  scheduleSpace(input: unknown, owner?: string): HostKeyed;
  /** New details and/or start for a scheduled space; everyone with its page open sees the change. */
  rescheduleSpace(input: unknown): PublicSpace;
  cancelSpace(input: unknown): PublicSpace;
  hostOverview(owner?: string): HostOverview;
  /** What the protocol holds in memory (rooms and their members), for leak tests and diagnostics. */
  stats(): { rooms: number; members: number };
  /** Checks every room on the SFU against who may be there now (it also runs on a timer). */
  sweep(): Promise<void>;
  /** The SFU in use (server/sfu/): its kind, admin hands and health, for diagnostics and tests. */
  sfu: ServerSfu;
  close(): Promise<void>;
}

/** mediasoup when configured (LiveKit's credentials are then not used for media), else LiveKit as always. */
async function chooseSfu(config: SpaceServerConfig, log: (line: string) => void): Promise<ServerSfu> {
  if (config.mediasoup) return createMediasoupSfu({ ...config.mediasoup, log, now: config.now });
  if (!config.livekit) throw new Error('the space server needs an SFU: LiveKit credentials, or the mediasoup option');
  return createLivekitSfu(config.livekit, config.admin);
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
  const sfu = await chooseSfu(config, log);
  const admin = config.admin ?? sfu.admin;
  const moderation = createModerationStore(db);
  const reports = createReportStore(db);
  const follows = createFollowStore(db);
  const probe = config.sfuHealth || config.admin || sfu.health || !config.livekit ? null : probeSfu({ url: config.livekit.url, log });
  const sfuHealth = config.sfuHealth ?? sfu.health ?? probe ?? steadyHealth(config.now);
  let shareUrlOf = (id: string) => id;
  const hub = createSessionHub({
    store,
    moderation,
    reports,
    follows,
    tickets: createTicketStore(db),
    grant: (p) => sfu.grant(p),
    admin,
    log,
    shareUrl: (id) => shareUrlOf(id),
    sweepEveryMs: config.sweepEveryMs,
    joinDeadlineMs: config.joinDeadlineMs,
    now: config.now,
    sfuHealth,
  });
  // mediasoup's signalling judges every request by who the peer is now: the same rule as LiveKit's webhooks.
  sfu.setEntitlement?.(hub.entitlement);
  // The SFU's own events drive enforcement: LiveKit posts them here, signed with the API secret.
  const livekit = sfu.kind === 'livekit' ? config.livekit : undefined;
  const webhook = livekit ? createWebhookHandler({ livekit, onEvent: (event) => void hub.sfuEvent(event), log }) : null;
  const withWebhook =
    (next: http.RequestListener): http.RequestListener =>
    (req, res) =>
      webhook && req.url === LIVEKIT_WEBHOOK_PATH ? webhook(req, res) : next(req, res);
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
  const clock = config.now ?? Date.now;
  const scheduleSpace = (input: unknown, owner = 'studio'): HostKeyed => {
    const parsed = scheduleSpaceSchema.extend({ hostName: createSpaceSchema.shape.hostName }).safeParse(input);
    if (!parsed.success) throw new PodiumError('bad_request', describeIssues(parsed.error));
    const problem = startTimeProblem(parsed.data.scheduledAt, clock());
    if (problem) throw new PodiumError('bad_request', problem);
    return store.schedule(parsed.data, clock(), owner);
  };
  const rescheduleSpace = (input: unknown): PublicSpace => {
    const parsed = rescheduleSpaceSchema.safeParse(input);
    if (!parsed.success) throw new PodiumError('bad_request', describeIssues(parsed.error));
    const { spaceId, ...change } = parsed.data;
    const current = store.get(spaceId);
    if (!current) throw new PodiumError('not_found', 'that space no longer exists');
    if (current.status !== 'scheduled' || current.cancelledAt) {
      throw new PodiumError('invalid_state', current.cancelledAt ? 'this space was cancelled; schedule a new one' : `this space is ${current.status} already, so it can no longer be rescheduled`);
    }
    if (change.scheduledAt !== undefined) {
      const problem = startTimeProblem(change.scheduledAt, clock());
      if (problem) throw new PodiumError('bad_request', problem);
    }
    const space = store.reschedule(spaceId, change);
    if (!space) throw new PodiumError('invalid_state', 'this space is no longer scheduled');
    hub.broadcastSpace(spaceId);
    return space;
  };
  const cancelSpace = (input: unknown): PublicSpace => {
    const parsed = cancelSpaceSchema.safeParse(input);
    if (!parsed.success) throw new PodiumError('bad_request', describeIssues(parsed.error));
    const current = store.get(parsed.data.spaceId);
    if (!current) throw new PodiumError('not_found', 'that space no longer exists');
    if (current.cancelledAt) return current; // cancelled already: nothing changes
    if (current.status !== 'scheduled') throw new PodiumError('invalid_state', `this space is ${current.status}, so it can no longer be cancelled`);
    const space = store.cancel(current.id, clock());
    if (!space) throw new PodiumError('invalid_state', 'this space is no longer scheduled');
    hub.broadcastSpace(space.id);
    return space;
  };
  const domain = () => {
    try {
      return new URL(shareUrlOf('x')).hostname || 'podium';
    } catch {
      return 'podium';
    }
  };
  const inviteFor = (spaceId: string): string | null => {
    const entry = store.calendarEntry(spaceId);
    if (!entry) return null;
    return spaceInvite(entry, { shareUrl: shareUrlOf(spaceId), now: clock(), domain: domain() });
  };
  const feedFor = (feedId: string): string | null => {
    const owner = follows.ownerOfFeed(feedId);
    if (owner === null) return null;
    const entries = store.announced(owner, clock() - FEED_KEEPS_MS, 500);
    const hostName = entries.at(-1)?.space.hostName ?? 'Podium host';
    return hostFeed(hostName, entries, { now: clock(), domain: domain(), shareUrl: shareUrlOf });
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
      // mediasoup's signalling is the space server itself ('self' in the page's CSP).
      livekitUrl: livekit?.url ?? `http://${localAddressOf(config.host ?? '127.0.0.1')}`,
      listenerCount: hub.listenerCount,
      spaceInvite: inviteFor,
      hostFeed: feedFor,
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
      if (sfu.upgrade?.(pathname, req, socket, head)) return;
      if (pathname !== PROTOCOL_PATH) return socket.destroy();
      wss.handleUpgrade(req, socket, head, (ws) => hub.attach(ws, req.socket.remoteAddress ?? ''));
    }, log),
  );
  const stopHeartbeat = startHeartbeat(wss, config.heartbeatMs ?? 30_000);
  const host = config.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port ?? 0, host, () => resolve());
  }).catch(async (error: unknown) => {
    probe?.stop();
    hub.closeAll();
    await sfu.close();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  // A wildcard or IPv6 listen address is not a host name: links name loopback (PODIUM_PUBLIC_URL names the world).
  const url = (config.publicUrl ?? `http://${localAddressOf(host)}:${port}`).replace(/\/$/, '');
  log(`space server listening on ${url}`);
  shareUrlOf = (spaceId) => `${url}/s/${spaceId}`;
  sfu.setPublicUrl?.(url);

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
    scheduleSpace,
    rescheduleSpace,
    cancelSpace,
    hostOverview(owner = 'studio') {
      const upcoming = store
        .announced(owner, clock() - FEED_KEEPS_MS, 100)
        .map((e) => e.space)
        .filter((s) => s.status === 'scheduled' && !s.cancelledAt);
      const feedUrl = `${url}/feeds/${follows.feedId(owner)}.ics`;
      return { upcoming, followers: follows.count(owner), feedUrl, webcalUrl: feedUrl.replace(/^https?:/, 'webcal:') };
    },
    stats: () => hub.stats(),
    sweep: () => hub.sweep(),
    sfu,
    async close() {
      probe?.stop();
      stopHeartbeat();
      hub.closeAll();
      await sfu.close();
      // Connections that never joined a space are not the hub's; end them too or server.close() waits forever.
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      db.close();
    },
  };
}
