// Hostile and chatty clients against the real space server: garbage frames, oversize frames, floods. The server
// must answer every bad frame with an error, stay up, and keep serving the well-behaved clients in the space.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../common/protocol';
import { startSpaceServer, type HostKeyed, type SpaceServer } from '../../server/index';
import { connect, isType, type TestClient } from '../support/ws-client';
import { recordingAdmin } from '../support/recording-admin';
import { prng } from '../support/prng';

const LIVEKIT = { url: 'ws://127.0.0.1:1', apiKey: 'devkey', apiSecret: 'secret-secret-secret-secret-secret' };
const SEED = Number(process.env.FUZZ_SEED ?? 20_240_611);

let dir: string;
let server: SpaceServer;
let space: HostKeyed;
let clients: TestClient[];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-space-fuzz-'));
  fs.mkdirSync(path.join(dir, 'assets', 'listener'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'assets', 'listener', 'index.html'), '<!doctype html>');
  clients = [];
  server = await startSpaceServer({
    dbFile: path.join(dir, 'podium.sqlite'),
    assetsDir: path.join(dir, 'assets'),
    livekit: LIVEKIT,
    admin: recordingAdmin(),
  });
  space = server.createSpace({ title: 'Fuzzed show' });
});

afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function client(): Promise<TestClient> {
  const c = await connect(server.protocolUrl);
  clients.push(c);
  return c;
}

async function joined(credential?: string): Promise<TestClient> {
  const c = await client();
  c.send({ type: 'join', spaceId: space.space.id, ...(credential ? { credential } : {}) });
  await c.next(isType('joined'));
  return c;
}

type Frame = { data: string | Buffer; binary: boolean };

function fuzzer(random: () => number, spaceId: string) {
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const text = (max: number) =>
    String.fromCodePoint(...Array.from({ length: int(max) }, () => pick([int(128), 0x20 + int(0x7e0), 0x1f600 + int(80)])));
  const json = (depth: number): unknown => {
    switch (depth > 2 ? int(4) : int(6)) {
      case 0: return random() * 1e6 - 5e5;
      case 1: return text(30);
      case 2: return pick([null, true, false]);
      case 3: return int(10);
      case 4: return Array.from({ length: int(4) }, () => json(depth + 1));
      default: return Object.fromEntries(Array.from({ length: int(4) }, () => [`k${text(6)}`, json(depth + 1)]));
    }
  };
  const wrongTypes: unknown[] = [
    { type: 'join', spaceId: 1234567890 },
    { type: 'join', spaceId: spaceId, credential: 42 },
    { type: 'join', spaceId: spaceId, credential: 'short' },
    { type: 'join', spaceId: spaceId, name: '' },
    { type: 'join', spaceId: spaceId, name: 'n'.repeat(61) },
    { type: 'join', spaceId: spaceId.toUpperCase() },
    { type: 'join', spaceId: spaceId, role: 'host' },
    { type: 'ping', ref: 7 },
    { type: 'ping', ref: 'r'.repeat(41) },
    { type: 'start', credential: 'k'.repeat(32) },
    { type: 'end', force: true },
    { type: 'start' },
    { type: 'end' },
    { type: 'PING' },
    { type: ['ping'] },
    { type: null },
  ];
  return (): Frame => {
    switch (int(6)) {
      case 0: return { data: text(200), binary: false };
      case 1: return { data: JSON.stringify(json(0)), binary: false };
      case 2: return { data: 'x'.repeat(10_000 + int(1000)), binary: false };
      case 3: return { data: JSON.stringify(pick(wrongTypes)), binary: false };
      case 4: return { data: Buffer.from(Array.from({ length: 1 + int(300) }, () => int(256))), binary: true };
      default: return { data: pick(['[', '{"type":', '[]'.repeat(1000), '{"a":'.repeat(300), '\u0000', '""', '{"__proto__":{"type":"ping"}}']), binary: false };
    }
  };
}

const BAD_CODES = new Set(['bad_request', 'too_large', 'unknown_type', 'invalid_state', 'rate_limited']);

describe('fuzz', () => {
  it('answers every bad frame from 30 connections with an error, and keeps serving the space', { timeout: 20_000 }, async () => {
    const started = Date.now();
    const host = await joined(space.hostKey);
    const listener = await joined();
    const random = prng(SEED);
    const fuzzers = await Promise.all(Array.from({ length: 30 }, () => client()));
    const FRAMES = 100;
    const sent = new Map<TestClient, number>(fuzzers.map((f) => [f, 0]));
    // Four bursts a second apart, so most frames get past the rate limiter and reach the parser.
    for (let burst = 0; burst < 4 && Date.now() - started < 8_000; burst++) {
      for (const f of fuzzers) {
        const make = fuzzer(random, space.space.id);
        for (let i = 0; i < FRAMES / 4; i++) {
          const frame = make();
          f.send(frame.data, { binary: frame.binary });
          sent.set(f, (sent.get(f) ?? 0) + 1);
        }
      }
      if (burst < 3) await new Promise((r) => setTimeout(r, 1000));
    }
    const codes = new Map<string, number>();
    for (const f of fuzzers) {
      const errors = await f.waitForCount(isType('error'), sent.get(f)!, 5_000);
      expect(errors).toHaveLength(sent.get(f)!);
      expect(f.received.filter((m) => m.type !== 'error'), 'only errors for garbage').toEqual([]);
      expect(f.violations).toEqual([]);
      expect(f.isOpen()).toBe(true);
      for (const e of errors) if (e.type === 'error') codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
    }
    expect([...codes.keys()].filter((c) => !BAD_CODES.has(c))).toEqual([]);
    for (const code of ['bad_request', 'too_large', 'unknown_type', 'invalid_state']) expect(codes.get(code) ?? 0, code).toBeGreaterThan(0);
    expect(codes.get('rate_limited') ?? 0).toBeLessThan(sent.size * FRAMES * 0.5);

    // The space is untouched, and its members were never bothered.
    expect(server.listSpaces().find((s) => s.id === space.space.id)?.status).toBe('scheduled');
    expect(listener.received.filter((m) => m.type === 'error')).toEqual([]);
    host.send({ type: 'start' });
    await listener.next((m: ServerMessage) => m.type === 'space' && m.space.status === 'live');
    await listener.next(isType('media'));
    expect(await listener.request({ type: 'ping', ref: 'still-there' })).toEqual({ type: 'pong', ref: 'still-there' });
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('closes a connection that sends a frame over 64 KB, and only that one', async () => {
    const bystander = await joined();
    const big = await client();
    big.send('x'.repeat(70 * 1024));
    expect((await big.closed).code).toBe(1009);
    expect(await bystander.request({ type: 'ping', ref: 'ok' })).toEqual({ type: 'pong', ref: 'ok' });
  });

  it('answers a frame between 4 KB and 64 KB with too_large and keeps the connection', async () => {
    const c = await client();
    c.send(JSON.stringify({ type: 'ping', ref: 'big', pad: 'x'.repeat(20_000) }));
    expect(await c.next(isType('error'))).toMatchObject({ code: 'too_large' });
    expect(await c.request({ type: 'ping', ref: 'after' })).toEqual({ type: 'pong', ref: 'after' });
  });

  it('answers a binary frame with bad_request, even one holding a valid message', async () => {
    const c = await client();
    c.send(Buffer.from(JSON.stringify({ type: 'ping', ref: 'bin' })), { binary: true });
    expect(await c.next(isType('error'))).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/binary/) });
    expect(c.received.some((m) => m.type === 'pong')).toBe(false);
  });

  it('closes a connection that sends invalid UTF-8 as text (1007) and stays up for others', async () => {
    const bystander = await joined();
    const c = await client();
    c.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect((await c.closed).code).toBe(1007);
    expect(await bystander.request({ type: 'ping', ref: 'ok' })).toEqual({ type: 'pong', ref: 'ok' });
  });
});

describe('rate limiting', () => {
  it('200 pings at once: the burst is answered, the rest rate_limited; other clients are unaffected', async () => {
    const flooder = await client();
    const other = await client();
    for (let i = 0; i < 200; i++) flooder.send({ type: 'ping', ref: `p${i}` });
    const replies = await flooder.waitForCount(() => true, 200, 5_000);
    const pongs = replies.filter((m) => m.type === 'pong').length;
    const limited = replies.filter((m) => m.type === 'error' && m.code === 'rate_limited').length;
    expect(pongs + limited).toBe(200);
    expect(pongs).toBeGreaterThanOrEqual(40);
    expect(pongs).toBeLessThan(100);
    expect(limited).toBeGreaterThan(100);
    // Unaffected: answered, not rate-limited. (Every flood reply has arrived by now, so how fast this one comes is
    // only how busy the machine is, not the flood's doing: no time limit beyond the client's default.)
    expect(await other.request({ type: 'ping', ref: 'me' })).toEqual({ type: 'pong', ref: 'me' });
  });

  it('lets a flooded client speak again once it slows down', async () => {
    const c = await client();
    for (let i = 0; i < 100; i++) c.send({ type: 'ping' });
    await c.waitForCount(() => true, 100, 5_000);
    expect(c.received.some((m) => m.type === 'error' && m.code === 'rate_limited')).toBe(true);
    await new Promise((r) => setTimeout(r, 600));
    expect(await c.request({ type: 'ping', ref: 'calm' })).toEqual({ type: 'pong', ref: 'calm' });
  });

  it('counts bad frames against the limit too, so garbage cannot bypass it', async () => {
    const c = await client();
    for (let i = 0; i < 100; i++) c.send('garbage');
    const replies = await c.waitForCount(isType('error'), 100, 5_000);
    expect(replies.filter((m) => m.type === 'error' && m.code === 'rate_limited').length).toBeGreaterThan(40);
  });
});

describe('fuzz from inside a space', () => {
  it('joined listeners sending malformed and forbidden host messages get errors; the room is untouched', { timeout: 20_000 }, async () => {
    const host = await joined(space.hostKey);
    const bystander = await joined();
    const bystanderId = bystander.received.find(isType('joined'))!.participantId;
    const hostId = host.received.find(isType('joined'))!.participantId;
    const random = prng(SEED + 1);
    const int = (n: number) => Math.floor(random() * n);
    const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
    // No booleans: { type: 'hand', raised: true } is a listener's right, not junk.
    const junk = () => pick<unknown>([null, 7, -1, Number.MAX_VALUE * 10, '', 'x'.repeat(700), [], {}, 'true', '../../etc', '<script>', '😀'.repeat(50)]);
    const make = (): object =>
      pick([
        () => ({ type: 'mod', action: pick(['approve', 'remove', 'block', 'mute', 'demote', 'invite', 'deny', 'cohost']), target: pick([bystanderId, hostId]) }),
        () => ({ type: 'mod', action: junk(), target: bystanderId }),
        () => ({ type: 'mod', action: 'remove', target: junk() }),
        () => ({ type: 'muteAll', extra: junk() }),
        () => ({ type: 'muteAll' }),
        () => ({ type: 'pin', url: pick(['https://example.org', junk()]) }),
        () => ({ type: 'pin', url: pick(['x.com/a/status/1', 'https://example.org']), caption: pick(['fine', 'c'.repeat(141), '🚀'.repeat(141), junk()]) }),
        () => ({ type: 'details', title: pick(['New title', '', '   ', 't'.repeat(121), '😀'.repeat(121), junk()]) }),
        () => ({ type: 'details', description: pick(['words', 'd'.repeat(501), junk()]) }),
        () => ({ type: 'details' }),
        () => ({ type: 'details', title: 'x', extra: junk() }),
        () => ({ type: 'cohostDecline' }),
        () => ({ type: 'cohostDecline', key: junk() }),
        () => ({ type: 'unpin', pinId: pick(['x', junk()]) }),
        () => ({ type: 'settings', settings: { speakerLimit: pick([5, -1, 1000, junk()]) } }),
        () => ({ type: 'settings', settings: { requestPolicy: pick(['nobody', 'all', junk()]) } }),
        () => ({ type: 'cohostInvite' }),
        () => ({ type: 'cohostRemove', target: pick([hostId, junk()]) }),
        () => ({ type: 'unblock', subject: pick(['a'.repeat(64), junk()]) }),
        () => ({ type: 'hand', raised: junk() }),
        () => ({ type: 'react', emoji: pick(['💩', 'x', junk()]) }),
        () => ({ type: 'rename', name: pick(['', 'n'.repeat(61), '   ', 42, null]) }),
        () => ({ type: 'start' }),
        () => ({ type: 'end' }),
      ])();
    const fuzzers = await Promise.all(Array.from({ length: 20 }, () => joined()));
    const sent = new Map<TestClient, number>();
    for (let burst = 0; burst < 3; burst++) {
      for (const f of fuzzers) {
        for (let i = 0; i < 15; i++) f.send(make());
        sent.set(f, (sent.get(f) ?? 0) + 15);
      }
      if (burst < 2) await new Promise((r) => setTimeout(r, 1000));
    }
    for (const f of fuzzers) {
      const errors = await f.waitForCount(isType('error'), sent.get(f)!, 5_000);
      expect(errors).toHaveLength(sent.get(f)!);
      expect(f.violations).toEqual([]);
      expect(f.isOpen()).toBe(true);
    }
    // Nothing a host would see changed: no audit entries, no pins, no one muted, moved or removed.
    await new Promise((r) => setTimeout(r, 300));
    expect(host.received.filter(isType('audit')).flatMap((m) => m.entries)).toEqual([]);
    expect(bystander.received.filter((m) => m.type === 'removed' || m.type === 'notice')).toEqual([]);
    expect(bystander.isOpen()).toBe(true);
    const lastStage = host.received.filter(isType('stage')).at(-1)!;
    expect(lastStage).toMatchObject({ pins: [], settings: { requestPolicy: 'everyone', speakerLimit: 10 } });
    expect(server.listSpaces().find((s) => s.id === space.space.id)).toMatchObject({ status: 'scheduled', title: space.space.title, description: space.space.description });
    // Nobody was offered a co-host seat.
    expect(bystander.received.some((m) => m.type === 'you' && m.you.cohostOffer)).toBe(false);
    expect(await bystander.request({ type: 'ping', ref: 'fine' })).toEqual({ type: 'pong', ref: 'fine' });
  });
});
