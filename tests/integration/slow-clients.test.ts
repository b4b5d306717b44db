// Clients that hold a socket without using it: a slow-loris trickling its headers one byte at a time, and a
// WebSocket peer that has gone silent (a sleeping laptop, a dropped link). Both servers cut the first off; the
// space server's heartbeat terminates the second while a live peer stays connected.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { dispatch, type IpcHandlers } from '../../main/ipc/dispatch';
import { startWebStudioHost } from '../../main/web/host';
import { DEFAULT_HTTP_TIMEOUTS, httpServerOptions, type HttpTimeouts } from '../../server/http';
import { startSpaceServer, type SpaceServer } from '../../server/index';
import { recordingAdmin } from '../support/recording-admin';
import { connect, isType } from '../support/ws-client';

const LIVEKIT = { url: 'ws://127.0.0.1:1', apiKey: 'devkey', apiSecret: 'secret-secret-secret-secret-secret' };
const SHORT: HttpTimeouts = { headersMs: 1_000, requestMs: 2_000, keepAliveMs: 500 };
const HEARTBEAT_MS = 250;

let dir: string;
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-slow-'));
  fs.mkdirSync(path.join(dir, 'listener'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'listener', 'index.html'), '<!doctype html>');
  fs.mkdirSync(path.join(dir, 'studio'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'studio', 'index.html'), '<!doctype html>');
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function spaceServer(): Promise<SpaceServer> {
  const server = await startSpaceServer({
    dbFile: path.join(dir, 'podium.sqlite'),
    assetsDir: dir,
    livekit: LIVEKIT,
    admin: recordingAdmin(),
    httpTimeouts: SHORT,
    heartbeatMs: HEARTBEAT_MS,
  });
  cleanups.push(() => server.close());
  return server;
}

/**
 * Sends a request line, then one more header byte every `everyMs` without ever finishing the headers. Resolves
 * with how long the server let it go on, and what it answered.
 */
function slowLoris(port: number, everyMs: number, giveUpMs: number): Promise<{ cutAfterMs: number | null; reply: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    let sent = 0;
    const drip = setInterval(() => {
      if (socket.writable) socket.write(sent++ === 0 ? 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ' : 'a');
    }, everyMs);
    const end = (cut: boolean) => {
      clearInterval(drip);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ cutAfterMs: cut ? Date.now() - started : null, reply });
    };
    const giveUp = setTimeout(() => end(false), giveUpMs);
    socket.on('data', (chunk) => (reply += chunk.toString('latin1')));
    socket.on('close', () => end(true));
    socket.on('error', () => {});
  });
}

describe('slow HTTP clients', () => {
  it('keeps real defaults: 10 s for headers, 15 s for a request, swept often enough to mean it', () => {
    expect(DEFAULT_HTTP_TIMEOUTS).toEqual({ headersMs: 10_000, requestMs: 15_000, keepAliveMs: 5_000 });
    const options = httpServerOptions();
    expect(options).toMatchObject({ headersTimeout: 10_000, requestTimeout: 15_000, keepAliveTimeout: 5_000 });
    expect(options.connectionsCheckingInterval).toBeLessThanOrEqual(2_500);
  });

  it('the space server cuts off a client that trickles its headers', async () => {
    const server = await spaceServer();
    const { cutAfterMs, reply } = await slowLoris(Number(new URL(server.url).port), 200, 8_000);
    // Cut once the headers are 1 s late (plus one sweep of Node's connection checker and slack for a loaded machine),
    // not after Node's default of 60 s.
    expect(cutAfterMs).not.toBeNull();
    expect(cutAfterMs!).toBeGreaterThanOrEqual(SHORT.headersMs - 50);
    expect(cutAfterMs!).toBeLessThan(SHORT.headersMs + 5_000);
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    // And it is still serving everyone else.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('the web studio host cuts off a client that trickles its headers', async () => {
    const host = await startWebStudioHost({ call: (channel, request) => dispatch({} as IpcHandlers, channel, request), assetsDir: dir, httpTimeouts: SHORT });
    cleanups.push(() => host.close());
    const { cutAfterMs } = await slowLoris(Number(new URL(host.origin).port), 200, 8_000);
    expect(cutAfterMs).not.toBeNull();
    expect(cutAfterMs!).toBeLessThan(SHORT.headersMs + 5_000);
    expect((await fetch(`${host.origin}/`)).status).toBe(200);
  });
});

describe('WebSocket heartbeat', () => {
  it('terminates a peer that stops answering pings, and keeps one that answers', async () => {
    const server = await spaceServer();
    const space = server.createSpace({ title: 'Heartbeat' });
    const live = await connect(server.protocolUrl);
    cleanups.push(() => live.close());
    live.send({ type: 'join', spaceId: space.space.id });
    await live.next(isType('joined'));

    // A peer that has gone away without a close frame: its socket is open, but nothing answers a ping.
    const silent = new WebSocket(server.protocolUrl, { autoPong: false });
    cleanups.push(() => silent.terminate());
    const closed = new Promise<number>((resolve) => silent.on('close', () => resolve(Date.now())));
    let pings = 0;
    silent.on('ping', () => pings++);
    await new Promise((resolve, reject) => silent.once('open', resolve).once('error', reject));
    const opened = Date.now();
    silent.send(JSON.stringify({ type: 'join', spaceId: space.space.id }));

    // Dropped after one unanswered ping: within two heartbeats (plus slack for a loaded machine), long before the
    // protocol's own join deadline or any TCP timeout.
    const closedAt = await closed;
    expect(pings).toBeGreaterThanOrEqual(1);
    expect(closedAt - opened).toBeLessThan(HEARTBEAT_MS * 2 + 4_000);

    // The peer that answers is still there after many heartbeats, and after the HTTP timeouts (which must not
    // reach a connection once it is a WebSocket).
    await new Promise((resolve) => setTimeout(resolve, SHORT.requestMs + 1_000));
    expect(live.isOpen()).toBe(true);
    expect(await live.request({ type: 'ping', ref: 'x' })).toEqual({ type: 'pong', ref: 'x' });
  });
});
