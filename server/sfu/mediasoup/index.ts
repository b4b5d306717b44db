// mediasoup as the space server's SFU: this process runs its worker, a router per live space, and serves the
// signalling socket at SFU_SIGNAL_PATH itself. It owns the worker's lifecycle: when the worker dies its health goes
// 'restarting', every peer's socket is closed with SFU_CLOSE.restarted and the routers are dropped, a new worker is
// started, and health goes 'up' in a new epoch (server/sfu-recovery.ts then re-grants media to everyone); a worker
// that cannot be started again after a few tries leaves it 'failed'. mediasoup is an optional dependency: it is
// imported only when this SFU is chosen, and a machine without it gets a clear error.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type * as MediasoupModule from 'mediasoup';
import type { types } from 'mediasoup';
import { WebSocketServer } from 'ws';
import { SFU_CLOSE, SFU_SIGNAL_MAX_BYTES, SFU_SIGNAL_PATH } from '../../../common/sfu-signal';
import { addressKey } from '../../rate-limit';
import { createHealthSource } from '../../livekit/health';
import type { EntitlementOf, ServerSfu } from '../types';
import { createMediasoupAdmin, refusePeer, type RoomAccess } from './admin';
import { createRoom, describe, type MsRoom, type PeerLink } from './rooms';
import { attachSignal } from './signal';
import { createGrantTokens } from './token';

export interface MediasoupOptions {
  /** Where transports listen (default 127.0.0.1). */
  listenIp?: string;
  /** The address clients are told to reach (a public IP or name) when it differs from listenIp. */
  announcedAddress?: string;
  rtcMinPort?: number;
  rtcMaxPort?: number;
  /** The mediasoup-worker binary; default MEDIASOUP_WORKER_BIN, else the package's own. */
  workerBin?: string;
  /** A signalling socket that has not said hello by then is closed (ms; default 10 s). */
  helloDeadlineMs?: number;
  /** Refusals answered per second and burst before a flooding socket is closed (signal.ts REFUSAL_RATE). */
  refusalRate?: readonly [number, number];
}

export interface MediasoupSfu extends ServerSfu {
  workerPid(): number | null;
}

/** Worker starts tried in a row after a death before giving up; the wait doubles each time. */
const RESTART_TRIES = 4;
const FIRST_RETRY_MS = 250;
/** Signalling sockets one address may hold at once (the space protocol allows as many connections). */
const MAX_SOCKETS_PER_ADDRESS = 500;

type Mediasoup = typeof MediasoupModule;

/** Named through a variable so the studio's bundler leaves it to Node at run time instead of bundling mediasoup. */
const MEDIASOUP_PACKAGE = 'mediasoup';

async function loadMediasoup(): Promise<Mediasoup> {
  try {
    return (await import(/* @vite-ignore */ MEDIASOUP_PACKAGE)) as Mediasoup;
  } catch (error) {
    throw new Error(`mediasoup is not installed (it is an optional dependency; run npm install with optional dependencies): ${describe(error)}`);
  }
}

export async function createMediasoupSfu(options: MediasoupOptions & { log?: (line: string) => void; now?: () => number }): Promise<MediasoupSfu> {
  const log = options.log ?? (() => {});
  const now = options.now ?? Date.now;
  const mediasoup = await loadMediasoup();
  const workerBin = options.workerBin ?? process.env.MEDIASOUP_WORKER_BIN;
  const health = createHealthSource('up', now, log);
  const tokens = createGrantTokens({ now });
  const links = new Set<PeerLink>();
  const rooms = new Map<string, MsRoom>();
  const pending = new Map<string, Promise<MsRoom>>();
  let entitlement: EntitlementOf | null = null;
  let signalUrl = `ws://127.0.0.1${SFU_SIGNAL_PATH}`;
  let closing = false;

  async function startWorker(): Promise<types.Worker> {
    try {
      const w = await mediasoup.createWorker({ logLevel: 'warn', ...(workerBin ? { workerBin } : {}) });
      w.on('died', (error) => void onDied(w, error));
      return w;
    } catch (error) {
      throw new Error(`the mediasoup worker could not start (${describe(error)}); set MEDIASOUP_WORKER_BIN to a mediasoup-worker binary`);
    }
  }
  let worker: types.Worker | null = await startWorker();
  log(`mediasoup worker ${worker.pid} started`);

  /** Everyone out with `code`, every router dropped. */
  function emptyAll(code: number, reason: string): void {
    for (const link of [...links]) link.close(code, reason);
    for (const room of rooms.values()) if (!room.router.closed) room.router.close();
    rooms.clear();
    pending.clear();
  }

  async function onDied(dead: types.Worker, error: Error): Promise<void> {
    if (closing || dead !== worker) return;
    worker = null;
    log(`mediasoup worker ${dead.pid} died (${error.message}); starting a new one`);
    health.move('restarting');
    emptyAll(SFU_CLOSE.restarted, 'the audio server restarted; ask the space for a fresh grant');
    for (let attempt = 0; attempt < RESTART_TRIES && !closing; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, FIRST_RETRY_MS * 2 ** attempt));
      try {
        const fresh = await startWorker();
        if (closing) {
          fresh.close();
          return;
        }
        worker = fresh;
        log(`mediasoup worker ${fresh.pid} started after the last one died`);
        health.move('up');
        return;
      } catch (startError) {
        log(`${describe(startError)} (try ${attempt + 1} of ${RESTART_TRIES})`);
      }
    }
    if (!closing) health.move('failed');
  }

  function roomFor(id: string): Promise<MsRoom> {
    const live = rooms.get(id);
    if (live && !live.router.closed) return Promise.resolve(live);
    const started = pending.get(id);
    if (started) return started;
    const w = worker;
    if (!w || closing) return Promise.reject(new Error('the audio server is restarting; a fresh grant follows when it is back'));
    const making = createRoom(w, id, log, (empty) => access.close(empty.id, empty)).then(
      (room) => {
        pending.delete(id);
        if (w !== worker || closing) {
          room.router.close();
          throw new Error('the audio server restarted meanwhile');
        }
        rooms.set(id, room);
        return room;
      },
      (error: unknown) => {
        pending.delete(id);
        throw error;
      },
    );
    pending.set(id, making);
    return making;
  }

  const access: RoomAccess = {
    get: (id) => rooms.get(id),
    all: () => rooms.values(),
    close(id, only) {
      const room = rooms.get(id);
      if (!room || (only && room !== only)) return;
      rooms.delete(id);
      if (!room.router.closed) room.router.close();
    },
  };

  const listenIp = options.listenIp ?? '127.0.0.1';
  const portRange = options.rtcMinPort !== undefined || options.rtcMaxPort !== undefined ? { portRange: { min: options.rtcMinPort ?? 10000, max: options.rtcMaxPort ?? 59999 } } : {};
  const announced = options.announcedAddress ? { announcedAddress: options.announcedAddress } : {};
  const transportOptions = (): types.WebRtcTransportOptions => ({
    listenInfos: [
      { protocol: 'udp', ip: listenIp, ...announced, ...portRange },
      { protocol: 'tcp', ip: listenIp, ...announced, ...portRange },
    ],
    enableUdp: true,
    enableTcp: true,
    preferUdp: true,
  });

  // Frames up to four times the contract's limit get a polite refusal from signal.ts; ws drops anything larger.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * SFU_SIGNAL_MAX_BYTES });
  const perAddress = new Map<string, number>();
  const signal = {
    tokens,
    entitlement: () => entitlement,
    room: roomFor,
    transportOptions,
    register(peer: Parameters<typeof refusePeer>[0]) {
      const older = peer.room.peers.get(peer.identity);
      // The newer one goes in first: dropped while the room held nobody else, the older would leave it empty, and an
      // empty room's router is closed — under the newer connection, whose every request would then fail.
      peer.room.peers.set(peer.identity, peer);
      if (older && older !== peer) refusePeer(older, 'replaced by a newer connection of yours');
    },
    links,
    log,
    helloDeadlineMs: options.helloDeadlineMs ?? 10_000,
    ...(options.refusalRate ? { refusalRate: options.refusalRate } : {}),
  };

  return {
    kind: 'mediasoup',
    admin: createMediasoupAdmin(access),
    health,
    workerPid: () => worker?.pid ?? null,
    async grant(p) {
      return { sfu: 'mediasoup', url: signalUrl, token: tokens.mint(p) };
    },
    setEntitlement(rule) {
      entitlement = rule;
    },
    setPublicUrl(url) {
      signalUrl = url.replace(/\/$/, '').replace(/^http/, 'ws') + SFU_SIGNAL_PATH;
    },
    upgrade(pathname: string, req: IncomingMessage, socket: Duplex, head: Buffer) {
      if (pathname !== SFU_SIGNAL_PATH) return false;
      // Sockets wait for hello a few seconds each: one address may not hold an unbounded number of them open.
      const key = addressKey(req.socket.remoteAddress ?? '');
      const open = perAddress.get(key) ?? 0;
      if (open >= MAX_SOCKETS_PER_ADDRESS) {
        socket.destroy();
        return true;
      }
      perAddress.set(key, open + 1);
      // Counted down when the TCP socket closes, whether the handshake worked or not.
      socket.once('close', () => {
        const left = (perAddress.get(key) ?? 1) - 1;
        if (left > 0) perAddress.set(key, left);
        else perAddress.delete(key);
      });
      wss.handleUpgrade(req, socket, head, (ws) => attachSignal(ws, signal));
      return true;
    },
    async close() {
      closing = true;
      emptyAll(1001, 'server shutting down');
      for (const client of wss.clients) client.terminate();
      wss.close();
      const w = worker;
      worker = null;
      if (w && !w.closed) w.close();
    },
  };
}
