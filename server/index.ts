// The space server: HTTP (listener page, public API) + the space protocol over WebSocket, on one port.
// Embedded in the studio by default; `npm run server` runs it alone (server/cli.ts).
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { PROTOCOL_PATH } from '../common/protocol';
import { describeIssues } from '../common/protocol';
import { PodiumError, toAppError } from '../common/result';
import { createSpaceSchema, type CreateSpaceInput, type PublicSpace } from '../common/space';
import { createHttpHandler } from './http';
import { createSfuAdmin, type SfuAdmin } from './livekit/admin';
import type { LivekitCredentials } from './livekit/tokens';
import { createSessionHub } from './sessions';
import { openDatabase } from './store/db';
import { createModerationStore } from './store/moderation';
import { createSpaceStore } from './store/spaces';

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
}

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
  let shareUrlOf = (id: string) => id;
  const hub = createSessionHub({ store, moderation, livekit: config.livekit, admin, log, shareUrl: (id) => shareUrlOf(id) });
  const createSpace = (input: unknown): HostKeyed => {
    const parsed = createSpaceSchema.safeParse(input);
    if (!parsed.success) throw new PodiumError('bad_request', describeIssues(parsed.error));
    return store.create(parsed.data, Date.now());
  };
  const adminToken = config.adminToken;
  const server = http.createServer(
    createHttpHandler({
      store,
      assetsDir: config.assetsDir,
      livekitUrl: config.livekit.url,
      listenerCount: hub.listenerCount,
      createSpace: adminToken
        ? (body, authorization) => {
            if (!authorization || !sameSecret(authorization, `Bearer ${adminToken}`)) {
              return { status: 401, body: { error: { code: 'forbidden', message: 'a valid admin token is required' } } };
            }
            try {
              const created = createSpace(body);
              return { status: 201, body: { ...created, shareUrl: shareUrlOf(created.space.id) } };
            } catch (error) {
              return { status: 400, body: { error: toAppError(error) } };
            }
          }
        : undefined,
    }),
  );
  // ws closes a connection whose frame exceeds maxPayload; below that, the protocol's own limit answers politely.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://local').pathname !== PROTOCOL_PATH) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => hub.attach(ws));
  });
  const host = config.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = (config.publicUrl ?? `http://${host}:${port}`).replace(/\/$/, '');
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
    async close() {
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
