// Hostile HTTP on raw TCP against the real space server and the real web studio host: odd request targets, broken
// headers and broken WebSocket upgrades. One bad request line (`GET //[ HTTP/1.1`) used to end the process, and with
// it every live space. After every case the server must still answer its health check, and a WebSocket joined
// before the fuzz must still be served afterwards.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WEB_BRIDGE_PATH } from '../../common/ipc';
import { dispatch, type IpcHandlers } from '../../main/ipc/dispatch';
import { startWebStudioHost, type WebStudioHost } from '../../main/web/host';
import { startSpaceServer, type HostKeyed, type SpaceServer } from '../../server/index';
import { recordingAdmin } from '../support/recording-admin';
import { connect, isType, type TestClient } from '../support/ws-client';
import { prng } from '../support/prng';

const LIVEKIT = { url: 'ws://127.0.0.1:1', apiKey: 'devkey', apiSecret: 'secret-secret-secret-secret-secret' };
const ADMIN_TOKEN = 'fuzz-admin-token-0123456789abcdef0123456789';
const SEED = Number(process.env.FUZZ_SEED ?? 20_250_801);
const CASES = 400;

/** Writes raw bytes on a fresh connection and collects whatever comes back until the server answers or hangs up. */
function exchange(port: number, bytes: Buffer | string, waitMs = 400): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let got = Buffer.alloc(0);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(got.toString('latin1'));
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (chunk) => {
      got = Buffer.concat([got, chunk]);
      // Headers are in; give a short body a moment, then hang up (keep-alive would otherwise hold the socket).
      if (got.includes('\r\n\r\n')) setTimeout(finish, 20);
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.write(bytes);
  });
}

const statusOf = (reply: string) => /^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1];

function fuzzer(random: () => number) {
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const FIXED_TARGETS = [
    '//[', '//', '//[::1]/x', '/%', '/%zz', '/%2', '/%00', 'http://[', 'http://[::1', '*', 'http://127.0.0.1/healthz',
    'https://evil.example/s/abc', 'example.com:443', '/s/../../etc/passwd', '/assets/..%2f..%2fstudio%2findex.html',
    '/api/spaces/%2e%2e', '/s//', '/?', '/?#', '/\\\\x', '/s/\u00e9t\u00e9', '/\u{1f600}', '/\u0000', '/a\u0001b',
    '/\u007f', '/?q=\u00ff', '/' + 'a'.repeat(9_000), '/?' + 'b'.repeat(12_000), '/s/' + '%'.repeat(300), '/healthz',
    '/', '/bridge', '/ws', '/index.html',
  ];
  const ALPHABET = ['/', '/', '[', ']', '%', '%2', ':', '@', '?', '#', '\\', '.', '..', '~', '*', 'http://', 'a', 'Z', '0',
    ' ', '\t', '\u0000', '\u0001', '\u00e9', '\u{1f600}', '\r', '\n', 's', 'ws', 'healthz', 'api'];
  const target = () =>
    random() < 0.5 ? pick(FIXED_TARGETS) : Array.from({ length: 1 + int(8) }, () => pick(ALPHABET)).join('');
  const method = () =>
    pick(['GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'CONNECT', 'PRI', 'FOO', 'get', 'G\u0000T', 'X'.repeat(80), '']);
  const version = () => pick(['HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9', 'http/1.1', '']);
  const headerSets = (): string[] =>
    pick<() => string[]>([
      () => ['Host: x'],
      () => ['Host: x', 'Host: y'],
      () => [],
      () => ['Host: x', `X-Huge: ${'h'.repeat(20_000 + int(10_000))}`],
      () => ['Host: x', 'Content-Length: abc'],
      () => ['Host: x', 'Content-Length: -1'],
      () => ['Host: x', 'Content-Length: 1, 2'],
      () => ['Host: x', 'Content-Length: 3', 'Content-Length: 4'],
      () => ['Host: x', 'Transfer-Encoding: chunked', 'Content-Length: 3'],
      () => ['Host: x', 'Transfer-Encoding: gzip, chunked, identity'],
      () => ['Host: x', 'No colon here'],
      () => ['Host: x', ' folded: line'],
      () => ['Host: x', 'X-Ctl: a\u0001b'],
      () => ['Host: x', `Authorization: Bearer ${'z'.repeat(int(200))}`],
      () => ['Host: \u00e9\u{1f600}'],
      () => ['Host: x', 'Expect: 100-continue'],
    ])();
  const upgradeHeaders = (): string[] => {
    const key = pick([Buffer.from('0123456789abcdef').toString('base64'), '', 'x', 'not base64 !!', undefined]);
    const ver = pick(['13', '13', '8', 'abc', '', undefined]);
    return [
      'Host: x',
      ...(random() < 0.9 ? ['Upgrade: websocket'] : ['Upgrade: h2c']),
      ...(random() < 0.9 ? ['Connection: Upgrade'] : []),
      ...(key === undefined ? [] : [`Sec-WebSocket-Key: ${key}`]),
      ...(ver === undefined ? [] : [`Sec-WebSocket-Version: ${ver}`]),
      ...(random() < 0.3 ? ['Origin: http://evil.example'] : []),
    ];
  };
  // Characters llhttp lets through in a request target, so the case reaches the handlers rather than the parser.
  const PASSABLE = ['/', '/', '[', ']', '%', '%2', '%zz', ':', '@', '?', '#', '\\', '.', '..', '~', '*', 'http://', 'a', 's',
    'healthz', 'api', 'spaces', '{', '|', '^', '`', '"', '<'];
  const passableTarget = () =>
    random() < 0.5
      ? pick(FIXED_TARGETS.filter((t) => /^[\u0021-\u007e]+$/.test(t)))
      : '/' + Array.from({ length: int(8) }, () => pick(PASSABLE)).join('');
  return (protocolPaths: string[]): { label: string; bytes: Buffer; answerDue: boolean } => {
    // Half the cases are well-framed HTTP/1.1 with an odd target (they reach the request or upgrade handler); the
    // other half break the framing too (method, version, headers, line endings) and mostly end in Node's parser.
    const wellFramed = random() < 0.5;
    const upgrade = random() < 0.35;
    const t = upgrade && random() < 0.4 ? pick(protocolPaths) : wellFramed ? passableTarget() : target();
    const headers = upgrade ? upgradeHeaders() : wellFramed ? ['Host: x'] : headerSets();
    const m = upgrade ? pick(['GET', 'GET', 'GET', 'POST', 'FOO']) : wellFramed ? pick(['GET', 'HEAD', 'POST']) : method();
    const eol = wellFramed || random() < 0.8 ? '\r\n' : '\n';
    let body = '';
    if (m === 'POST' && random() < 0.6) {
      body = pick(['{}', '{"title":"x"}', '[', 'null', '{"title":"' + 'y'.repeat(10_000) + '"}']);
      headers.push(`Content-Length: ${Buffer.byteLength(body)}`);
    }
    const head = `${m} ${t} ${wellFramed ? 'HTTP/1.1' : version()}${eol}${headers.map((h) => h + eol).join('')}${eol}`;
    return {
      label: JSON.stringify(head.slice(0, 160)),
      bytes: Buffer.from(head + body, wellFramed || random() < 0.8 ? 'utf8' : 'latin1'),
      // A well-framed, complete request must get an answer, whatever its target: silence means a handler died.
      answerDue: wellFramed && !upgrade,
    };
  };
}

describe('space server under hostile HTTP', () => {
  let dir: string;
  let server: SpaceServer;
  let port: number;
  let space: HostKeyed;
  let member: TestClient;
  const logs: string[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-http-fuzz-'));
    fs.mkdirSync(path.join(dir, 'assets', 'listener'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'assets', 'listener', 'index.html'), '<!doctype html>');
    server = await startSpaceServer({
      dbFile: path.join(dir, 'podium.sqlite'),
      assetsDir: path.join(dir, 'assets'),
      livekit: LIVEKIT,
      admin: recordingAdmin(),
      adminToken: ADMIN_TOKEN,
      log: (line) => logs.push(line),
    });
    port = Number(new URL(server.url).port);
    space = server.createSpace({ title: 'Fuzzed over HTTP' });
    member = await connect(server.protocolUrl);
    member.send({ type: 'join', spaceId: space.space.id });
    await member.next(isType('joined'));
  });

  afterAll(async () => {
    await member?.close();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const healthy = async () =>
    statusOf(await exchange(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 5_000));

  it('answers `GET //[` with 400 and keeps serving (the request line that used to end the process)', async () => {
    expect(statusOf(await exchange(port, 'GET //[ HTTP/1.1\r\nHost: x\r\n\r\n', 5_000))).toBe('400');
    expect(await healthy()).toBe('200');
    expect(statusOf(await exchange(port, 'POST //[ HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}', 5_000))).toBe('400');
    expect(await healthy()).toBe('200');
    expect(await member.request({ type: 'ping', ref: 'after-regression' })).toEqual({ type: 'pong', ref: 'after-regression' });
  });

  it('refuses an upgrade on `//[` with 400 and keeps serving', async () => {
    const reply = await exchange(
      port,
      'GET //[ HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Key: ${Buffer.from('0123456789abcdef').toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    expect(statusOf(reply)).toBe('400');
    expect(await healthy()).toBe('200');
  });

  it(`survives ${CASES} fuzzed requests and upgrades (seed ${SEED}), serving health checks and the joined member`, async () => {
    const next = fuzzer(prng(SEED));
    const statuses = new Map<string, number>();
    for (let i = 0; i < CASES; i++) {
      const { label, bytes, answerDue } = next(['/ws', '/ws?x=1', '/ws/', '//ws']);
      // Silence is normal for some broken requests (Node waits for the rest); cap it short there, long where an
      // answer is due, so a loaded machine cannot turn a slow answer into a failure.
      const reply = await exchange(port, bytes, answerDue ? 5_000 : 400);
      // The handlers' own answers are JSON, or a bare refusal of an upgrade; Node's parser and ws answer otherwise.
      const ours = reply.includes('application/json') || reply.includes('Connection: close\r\nContent-Length: 0\r\n');
      const status = (statusOf(reply) ?? 'none') + (ours ? ' (handler)' : '');
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      expect(status, `case ${i}: ${label} made a handler fail`).not.toMatch(/^5/);
      if (answerDue) expect(status, `case ${i}: ${label} got no answer`).not.toBe('none');
      expect(await healthy(), `after case ${i}: ${label}`).toBe('200');
    }
    expect(await member.request({ type: 'ping', ref: 'x' })).toEqual({ type: 'pong', ref: 'x' });
    expect(logs.filter((line) => line.includes('failed:'))).toEqual([]);
    if (process.env.FUZZ_VERBOSE) console.log('space server statuses', JSON.stringify(Object.fromEntries(statuses)));
    // The fuzz must reach both sides: refusals and real answers.
    expect(statuses.get('400 (handler)')).toBeGreaterThan(50);
    expect(statuses.get('400')).toBeGreaterThan(50);
    expect(statuses.get('404 (handler)')).toBeGreaterThan(10);
  });
});

describe('web studio host under hostile HTTP', () => {
  let dir: string;
  let host: WebStudioHost;
  let port: number;
  let bridge: WebSocket;
  const logs: string[] = [];
  let waiting: ((message: unknown) => void) | undefined;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-host-fuzz-'));
    fs.mkdirSync(path.join(dir, 'studio'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'studio', 'index.html'), '<!doctype html><title>studio</title>');
    host = await startWebStudioHost({ call: (channel, request) => dispatch({} as IpcHandlers, channel, request), assetsDir: dir, log: (line) => logs.push(line) });
    port = Number(new URL(host.origin).port);
    bridge = new WebSocket(host.origin.replace(/^http/, 'ws') + WEB_BRIDGE_PATH, { origin: host.origin });
    bridge.on('message', (raw) => waiting?.(JSON.parse(String(raw))));
    await new Promise((resolve, reject) => bridge.once('open', resolve).once('error', reject));
    await hello();
  });

  afterAll(async () => {
    bridge?.terminate();
    await host?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function hello(): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the bridge did not answer hello')), 2_000);
      waiting = (message) => {
        clearTimeout(timer);
        resolve(message);
      };
      bridge.send(JSON.stringify({ type: 'hello', secret: new URL(host.url).hash.replace(/^#k=/, '') }));
    });
  }

  const healthy = async () => statusOf(await exchange(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 5_000));

  it('answers `GET //[` with 400 and keeps serving', async () => {
    expect(statusOf(await exchange(port, 'GET //[ HTTP/1.1\r\nHost: x\r\n\r\n', 5_000))).toBe('400');
    expect(await healthy()).toBe('200');
  });

  it(`survives ${CASES} fuzzed requests and upgrades (seed ${SEED}), and the open bridge still answers`, async () => {
    const next = fuzzer(prng(SEED + 1));
    for (let i = 0; i < CASES; i++) {
      const { label, bytes, answerDue } = next([WEB_BRIDGE_PATH, `${WEB_BRIDGE_PATH}?x`, '//bridge']);
      const status = statusOf(await exchange(port, bytes, answerDue ? 5_000 : 400)) ?? 'none';
      expect(status, `case ${i}: ${label} made a handler fail`).not.toMatch(/^5/);
      if (answerDue) expect(status, `case ${i}: ${label} got no answer`).not.toBe('none');
      expect(await healthy(), `after case ${i}: ${label}`).toBe('200');
    }
    expect(bridge.readyState).toBe(WebSocket.OPEN);
    expect(await hello()).toEqual({ type: 'welcome' });
    expect(logs.filter((line) => line.includes('failed:'))).toEqual([]);
  });
});
