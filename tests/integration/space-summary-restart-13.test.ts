// The end-of-space summary survives the space server being killed mid-space (`kill -9`) and started again on the same
// port and SQLite file: peak and distinct listeners, hands, reactions, and the stage time of a speaker whose stretch
// on stage was open across the restart. Runs `npm run server` (server/cli.ts) as its own process, against a real
// livekit-server that outlives it, as space-server-restart.test.ts does.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../common/protocol';
import { startLivekit, type LivekitServer } from '../../scripts/livekit';
import { freePort, startServerProcess, type ServerProcess } from '../support/server-process';
import { connect, isType, type TestClient } from '../support/ws-client';

const ADMIN_TOKEN = crypto.randomBytes(32).toString('base64url');
const WAIT = 20_000;

let lk: LivekitServer;
let dir: string;
let dbFile: string;
let port: number;
let server: ServerProcess | null = null;
const clients: TestClient[] = [];

const key = () => crypto.randomBytes(18).toString('base64url');

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-summary-restart-'));
  dbFile = path.join(dir, 'data', 'podium.sqlite');
  port = await freePort();
  lk = await startLivekit({ webhookUrls: [`http://127.0.0.1:${port}/livekit/webhook`] });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  if (server && server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  await lk?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the summary across a crash of the space server', () => {
  it('keeps every figure counted before the crash and goes on counting after it', { timeout: 180_000 }, async () => {
    server = await startServerProcess({ port, dbFile, livekit: lk, adminToken: ADMIN_TOKEN });
    const url = `ws://127.0.0.1:${port}/ws`;
    const created = await fetch(`http://127.0.0.1:${port}/api/spaces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Crash-proof figures', hostName: 'Ann', ownerKey: key() }),
    });
    expect(created.status).toBe(201);
    const { space, hostKey } = (await created.json()) as { space: { id: string }; hostKey: string };
    const person = async (name: string, opts: { credential?: string; key?: string } = {}) => {
      const c = await connect(url, WAIT);
      clients.push(c);
      const k = opts.key ?? key();
      c.send({ type: 'join', spaceId: space.id, key: k, name, ...(opts.credential ? { credential: opts.credential } : {}) });
      return { c, key: k, id: (await c.next(isType('joined'), WAIT)).participantId };
    };
    const settle = async (c: TestClient, message: object, until: (m: ServerMessage) => boolean) => {
      const waiting = c.next(until, WAIT);
      c.send(message);
      return waiting;
    };
    const reactionsSeen = async (c: TestClient, n: number) => {
      let counted = 0;
      while (counted < n) counted += (await c.next(isType('reactions'), WAIT)).items.reduce((k, i) => k + i.count, 0);
    };

    // Before: live, two listening at once, one of them brought up to speak, a hand each way, two reactions.
    const host = await person('Ann', { credential: hostKey });
    await settle(host.c, { type: 'start' }, (m) => m.type === 'space' && m.space.status === 'live');
    const lou = await person('Lou');
    const liv = await person('Liv');
    await settle(lou.c, { type: 'hand', raised: true }, (m) => m.type === 'you' && m.you.handRaised);
    const onStageFrom = Date.now();
    await settle(host.c, { type: 'mod', action: 'approve', target: lou.id }, (m) => m.type === 'rosterDelta' && m.upsert.some((p) => p.id === lou.id && p.role === 'speaker'));
    const onStageBy = Date.now();
    liv.c.send({ type: 'react', emoji: '👏' });
    host.c.send({ type: 'react', emoji: '🔥' });
    // A batch seen is a batch written (the figures are written as each batch goes out).
    await reactionsSeen(host.c, 2);

    // kill -9: no goodbye, nothing flushed on the way out.
    server.child.kill('SIGKILL');
    await server.exited;
    for (const c of clients.splice(0)) await c.close();
    server = await startServerProcess({ port, dbFile, livekit: lk, adminToken: ADMIN_TOKEN });

    // After: the host and Lou (still a speaker) come back; Liv does not; Vic is new. A hand, a reaction.
    const host2 = await person('Ann', { credential: hostKey });
    const lou2 = await person('Lou', { key: lou.key });
    await lou2.c.next((m) => m.type === 'you' && m.you.role === 'speaker', WAIT);
    const vic = await person('Vic');
    await settle(vic.c, { type: 'hand', raised: true }, (m) => m.type === 'you' && m.you.handRaised);
    vic.c.send({ type: 'react', emoji: '👏' });
    await reactionsSeen(host2.c, 1);
    const offStageFrom = Date.now();
    // Waits for the demotion's own audit line, written once Lou is off the stage.
    await settle(host2.c, { type: 'mod', action: 'demote', target: lou.id }, (m) => m.type === 'audit' && m.append && m.entries.some((e) => e.action === 'moved {target} to the listeners' && e.target === 'Lou'));
    const offStageBy = Date.now();
    host2.c.send({ type: 'end' });
    const { summary } = await host2.c.next(isType('summary'), WAIT);

    expect(summary).toMatchObject({
      peakListeners: 2,
      totalListeners: 3,
      hands: 2,
      reactions: [
        { emoji: '👏', count: 2 },
        { emoji: '🔥', count: 1 },
      ],
    });
    expect(summary.speakers.map((s) => [s.id, s.name, s.role])).toEqual([
      [host.id, 'Ann', 'host'],
      [lou.id, 'Lou', 'speaker'],
    ]);
    // Lou's stretch on stage ran across the restart: bounded by what this test saw on either side.
    const lou$ = summary.speakers[1]!;
    expect(lou$.stageMs).toBeGreaterThanOrEqual(offStageFrom - onStageBy);
    expect(lou$.stageMs).toBeLessThanOrEqual(offStageBy - onStageFrom);
    // The host was on stage from going live to the end.
    expect(summary.speakers[0]!.stageMs).toBe(summary.endedAt - summary.startedAt!);
    // Listeners never get it.
    expect(vic.c.received.filter(isType('summary'))).toEqual([]);
  });
});
