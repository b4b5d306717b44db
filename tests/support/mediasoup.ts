// mediasoup in tests: the worker binary (found, never built here: a build takes 10+ minutes of both cores), a space
// server using mediasoup as its SFU, and a hand-made signalling client that speaks common/sfu-signal.ts over `ws` —
// well-behaved or hostile — recording every frame, and checking each against the contract's server schema.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import WebSocket from 'ws';
import { sfuServerMessageSchema, type SfuServerMessage } from '../../common/sfu-signal';
import { startSpaceServer, type SpaceServer, type SpaceServerConfig } from '../../server/index';
import { findMediasoupWorker } from '../../scripts/mediasoup/worker';
import type { TestClient } from './ws-client';

/** The mediasoup-worker binary, also set as MEDIASOUP_WORKER_BIN; a clear failure when none is built. */
export function requireMediasoupWorker(): string {
  const bin = findMediasoupWorker();
  if (!bin) throw new Error('no mediasoup-worker binary: build one with `npx tsx scripts/mediasoup/worker.ts --build-only` (10+ minutes), or set MEDIASOUP_WORKER_BIN');
  process.env.MEDIASOUP_WORKER_BIN = bin;
  return bin;
}

/** A space server on mediasoup, with its SQLite and a stub listener page in a temporary folder. */
export async function startMediasoupSpaceServer(extra: Partial<SpaceServerConfig> = {}): Promise<{ server: SpaceServer; dir: string; log: string[] }> {
  const workerBin = requireMediasoupWorker();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-mediasoup-'));
  fs.mkdirSync(path.join(dir, 'assets', 'listener'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'assets', 'listener', 'index.html'), '<!doctype html>');
  const log: string[] = [];
  const server = await startSpaceServer({
    dbFile: path.join(dir, 'db.sqlite'),
    assetsDir: path.join(dir, 'assets'),
    mediasoup: { workerBin, listenIp: '127.0.0.1' },
    log: (line) => log.push(line),
    ...extra,
  });
  return { server, dir, log };
}

/**
 * One mediasoup space server for a whole test file: started before its tests (handed to `started`), and closed after
 * them together with every protocol client and signalling socket the tests pushed into the returned lists.
 */
export function useMediasoupSpaceServer(
  started: (s: { server: SpaceServer; log: string[] }) => void,
  extra: Partial<SpaceServerConfig> = {},
): { clients: TestClient[]; sockets: SignalClient[] } {
  const clients: TestClient[] = [];
  const sockets: SignalClient[] = [];
  let running: { server: SpaceServer; dir: string } | undefined;
  beforeAll(async () => {
    const s = await startMediasoupSpaceServer(extra);
    running = s;
    started(s);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await Promise.all(clients.map((c) => c.close()));
    await running?.server.close();
    if (running) fs.rmSync(running.dir, { recursive: true, force: true });
  }, 30_000);
  return { clients, sockets };
}

export type SfuReply = Extract<SfuServerMessage, { type: 'reply' }>;
export type SfuEventOf<T extends SfuServerMessage['type']> = Extract<SfuServerMessage, { type: T }>;

export interface SignalClient {
  ws: WebSocket;
  received: SfuServerMessage[];
  /** Frames outside sfuServerMessageSchema: the server must never send one. */
  violations: string[];
  closed: Promise<{ code: number; reason: string }>;
  isOpen(): boolean;
  sendRaw(data: string | Buffer, binary?: boolean): void;
  /** Sends a request with a fresh id and waits for its reply. */
  request(body: Record<string, unknown>, timeoutMs?: number): Promise<SfuReply>;
  /** The first not-yet-consumed message matching, waiting for it; consumes it. */
  next<T extends SfuServerMessage>(predicate: (m: SfuServerMessage) => m is T, timeoutMs?: number): Promise<T>;
  next(predicate: (m: SfuServerMessage) => boolean, timeoutMs?: number): Promise<SfuServerMessage>;
  close(): Promise<void>;
}

export const isEvent =
  <T extends SfuServerMessage['type']>(type: T) =>
  (m: SfuServerMessage): m is SfuEventOf<T> =>
    m.type === type;

export async function connectSignal(url: string, timeoutMs = 10_000): Promise<SignalClient> {
  const ws = new WebSocket(url);
  const received: SfuServerMessage[] = [];
  const consumed = new Set<number>();
  const violations: string[] = [];
  const waiters = new Set<() => void>();
  const wake = () => [...waiters].forEach((w) => w());
  ws.on('message', (raw) => {
    const text = String(raw);
    try {
      const parsed = sfuServerMessageSchema.safeParse(JSON.parse(text));
      if (parsed.success) received.push(parsed.data);
      else violations.push(text);
    } catch {
      violations.push(text);
    }
    wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      wake();
    }),
  );
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`could not connect to ${url}`)), timeoutMs);
    ws.once('open', () => (clearTimeout(timer), resolve()));
    ws.once('error', (e) => (clearTimeout(timer), reject(e)));
  });
  let ids = 0;
  const next = (predicate: (m: SfuServerMessage) => boolean, wait = 10_000): Promise<SfuServerMessage> =>
    new Promise((resolve, reject) => {
      const attempt = () => {
        const i = received.findIndex((m, k) => !consumed.has(k) && predicate(m));
        if (i !== -1) {
          consumed.add(i);
          cleanup();
          resolve(received[i]!);
        } else if (ws.readyState === WebSocket.CLOSED) {
          cleanup();
          reject(new Error(`closed while waiting; unconsumed: ${JSON.stringify(received.filter((_, k) => !consumed.has(k)))}`));
        }
      };
      const timer = setTimeout(() => (cleanup(), reject(new Error(`timed out after ${wait} ms; unconsumed: ${JSON.stringify(received.filter((_, k) => !consumed.has(k)))}`))), wait);
      const cleanup = () => (clearTimeout(timer), waiters.delete(attempt));
      waiters.add(attempt);
      attempt();
    });
  return {
    ws,
    received,
    violations,
    closed,
    isOpen: () => ws.readyState === WebSocket.OPEN,
    sendRaw: (data, binary = false) => ws.send(data, { binary }),
    request(body, wait = 10_000) {
      const id = ++ids + 1000;
      ws.send(JSON.stringify({ ...body, id }));
      return next((m) => m.type === 'reply' && m.id === id, wait) as Promise<SfuReply>;
    },
    next: next as SignalClient['next'],
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close();
      await closed;
    },
  };
}

/** Opus RTP parameters mediasoup accepts for `produce` without any real WebRTC stack behind them. */
export function opusRtpParameters(ssrc: number): Record<string, unknown> {
  return {
    codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }],
    encodings: [{ ssrc }],
    headerExtensions: [],
    rtcp: { cname: `c${ssrc}`, reducedSize: true },
  };
}

/** Receive capabilities of a client that takes Opus: what `ready` carries. */
export const OPUS_RECV_CAPABILITIES = {
  codecs: [{ kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 100, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }],
  headerExtensions: [],
};

/** DTLS parameters as a client would send them (a made-up fingerprint: DTLS never finishes in these tests). */
export const CLIENT_DTLS = {
  role: 'client',
  fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, () => 'AB').join(':') }],
};
