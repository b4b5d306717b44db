// "This space is being recorded", over the real space server and hand-made WebSocket clients: who may say they record
// (host and co-hosts, in a live space), what everyone sees (the stage's `recording`), what the audit log keeps, and
// when the server stops showing a recorder — their last connection closed, their co-host seat went, the space ended.
// No SFU is needed: the recording happens in a studio, and the server only keeps what moderators announce.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry, ServerMessage } from '../../common/protocol';
import { startSpaceServer, type HostKeyed, type SpaceServer } from '../../server/index';
import { recordingAdmin } from '../support/recording-admin';
import { connect, isType, type ServerMessageOf, type TestClient } from '../support/ws-client';

const LIVEKIT = { url: 'ws://127.0.0.1:1', apiKey: 'devkey', apiSecret: 'secret-secret-secret-secret-secret' };
let dir: string;
let server: SpaceServer;
let space: HostKeyed;
let clients: TestClient[];
/** The server's clock runs this far ahead of ours: the rate-limit test moves it on instead of waiting. */
let skew = 0;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-recording-'));
  clients = [];
  skew = 0;
  const assetsDir = path.join(dir, 'assets');
  fs.mkdirSync(path.join(assetsDir, 'listener'), { recursive: true });
  fs.writeFileSync(path.join(assetsDir, 'listener', 'index.html'), '<!doctype html>');
  server = await startSpaceServer({
    dbFile: path.join(dir, 'podium.sqlite'),
    assetsDir,
    livekit: LIVEKIT,
    admin: recordingAdmin(),
    now: () => Date.now() + skew,
  });
  space = server.createSpace({ title: 'Open mic', hostName: 'Ann' });
});
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Joined {
  c: TestClient;
  id: string;
}
let refs = 0;
async function join(opts: { credential?: string; name?: string } = {}): Promise<Joined> {
  const c = await connect(server.protocolUrl);
  clients.push(c);
  const key = crypto.randomBytes(18).toString('base64url');
  const reply = await c.request({ type: 'join', ref: `j${++refs}`, spaceId: space.space.id, key, ...(opts.credential ? { credential: opts.credential } : {}), ...(opts.name ? { name: opts.name } : {}) });
  if (reply.type !== 'joined') throw new Error(`join failed: ${JSON.stringify(reply)}`);
  return { c, id: reply.participantId };
}
const host = () => join({ credential: space.hostKey });
async function cohost(h: Joined, name: string): Promise<Joined> {
  h.c.send({ type: 'cohostInvite' });
  const url = (await h.c.next(isType('invite'))).url;
  return join({ credential: new URL(url).hash.slice('#cohost='.length), name });
}
async function goLive(h: Joined): Promise<void> {
  h.c.send({ type: 'start' });
  await h.c.next((m) => m.type === 'space' && m.space.status === 'live');
}
async function expectError(c: TestClient, message: Record<string, unknown>, code: string): Promise<ServerMessageOf<'error'>> {
  const reply = await c.request({ ...message, ref: `r${++refs}` } as Record<string, unknown> & { ref: string });
  expect(reply).toMatchObject({ type: 'error', code });
  return reply as ServerMessageOf<'error'>;
}
type Stage = ServerMessageOf<'stage'>;
const recorded = (m: ServerMessage): m is Stage => m.type === 'stage' && m.recording !== null;
const unrecorded = (m: ServerMessage): m is Stage => m.type === 'stage' && m.recording === null;
const recordingYou = (on: boolean) => (m: ServerMessage) => m.type === 'you' && m.you.recording === on;
const auditOf = (c: TestClient): AuditEntry[] => c.received.filter(isType('audit')).flatMap((m) => m.entries);
const recordingAudit = (c: TestClient): string[] =>
  auditOf(c)
    .filter((e) => /record/.test(e.action))
    .map((e) => `${e.actor} ${e.action}${e.detail ? ` — ${e.detail}` : ''}`);
/** Long enough for a coalesced broadcast (120 ms) to have gone out, had anything changed. */
const quiet = () => new Promise((r) => setTimeout(r, 400));

describe('recording on', () => {
  it('the host starts: a plain listener sees since when, speakers are told, the audit log says who', async () => {
    const h = await host();
    await goLive(h);
    const listener = await join({ name: 'Lee' });
    expect(listener.c.received.find(isType('stage'))?.recording).toBeNull();
    const before = Date.now();
    h.c.send({ type: 'recording', on: true });
    const seen = await listener.c.next(recorded);
    expect(seen.recording!.since).toBeGreaterThanOrEqual(before - 1000);
    expect(seen.recording!.since).toBeLessThanOrEqual(Date.now() + 1000);
    await h.c.next(recordingYou(true));
    await h.c.next((m) => m.type === 'audit' && m.entries.some((e) => e.actor === 'Ann' && e.action === 'started recording'));
    // The listener's own standing says nothing about recording: only a moderator's does.
    expect(listener.c.received.filter(isType('you')).every((m) => m.you.recording === undefined)).toBe(true);
    // Someone joining later is told at once, in the stage message of their join.
    const late = await join({ name: 'Lou' });
    expect(late.c.received.find(isType('stage'))?.recording).toEqual(seen.recording);

    // Saying it again (a studio re-asserting) changes nothing and logs nothing.
    h.c.send({ type: 'recording', on: true });
    await quiet();
    expect(recordingAudit(h.c)).toEqual(['Ann started recording']);

    h.c.send({ type: 'recording', on: false });
    await listener.c.next(unrecorded);
    await h.c.next((m) => m.type === 'audit' && m.entries.some((e) => e.action === 'stopped recording'));
    expect(recordingAudit(h.c)).toEqual(['Ann started recording', 'Ann stopped recording']);
    expect([...h.c.received, ...listener.c.received, ...late.c.received].filter(isType('error'))).toEqual([]);
  });

  it('a speaker brought up while recording is told so, and one on stage is told when it starts', async () => {
    const h = await host();
    await goLive(h);
    const bob = await join({ name: 'Bob' });
    bob.c.send({ type: 'hand', raised: true });
    await h.c.next((m) => m.type === 'rosterDelta' && m.upsert.some((p) => p.id === bob.id && p.handRaisedAt !== null));
    h.c.send({ type: 'mod', action: 'approve', target: bob.id });
    await bob.c.next((m) => m.type === 'you' && m.you.role === 'speaker');
    h.c.send({ type: 'recording', on: true });
    expect((await bob.c.next((m): m is ServerMessageOf<'notice'> => m.type === 'notice' && /record/.test(m.text))).text).toMatch(/Ann started recording this space/);

    const cy = await join({ name: 'Cy' });
    cy.c.send({ type: 'hand', raised: true });
    await h.c.next((m) => m.type === 'rosterDelta' && m.upsert.some((p) => p.id === cy.id && p.handRaisedAt !== null));
    h.c.send({ type: 'mod', action: 'approve', target: cy.id });
    expect((await cy.c.next(isType('notice'))).text).toMatch(/brought you up to speak.*This space is being recorded\./);
  });

  it('is refused before the space is live, and after it ended', async () => {
    const h = await host();
    const listener = await join();
    expect((await expectError(h.c, { type: 'recording', on: true }, 'invalid_state')).message).toMatch(/live/);
    await goLive(h);
    h.c.send({ type: 'end' });
    await h.c.next((m) => m.type === 'space' && m.space.status === 'ended');
    await expectError(h.c, { type: 'recording', on: true }, 'invalid_state');
    await quiet();
    expect(listener.c.received.filter(recorded)).toEqual([]);
    expect(recordingAudit(h.c)).toEqual([]);
  });
});

describe('who may record', () => {
  it('a listener or a speaker asking is refused `forbidden`, and nothing changes', async () => {
    const h = await host();
    await goLive(h);
    const mallory = await join({ name: 'Mallory' });
    const bob = await join({ name: 'Bob' });
    bob.c.send({ type: 'hand', raised: true });
    await h.c.next((m) => m.type === 'rosterDelta' && m.upsert.some((p) => p.id === bob.id && p.handRaisedAt !== null));
    h.c.send({ type: 'mod', action: 'approve', target: bob.id });
    await bob.c.next((m) => m.type === 'you' && m.you.role === 'speaker');
    for (const who of [mallory, bob]) {
      for (const on of [true, false]) {
        const error = await expectError(who.c, { type: 'recording', on }, 'forbidden');
        expect(error.message).toMatch(/only the host and co-hosts can record/);
      }
    }
    await quiet();
    expect([...mallory.c.received, ...bob.c.received, ...h.c.received].filter(recorded)).toEqual([]);
    expect(recordingAudit(h.c)).toEqual([]);

    // Nor can they stop the host's recording.
    h.c.send({ type: 'recording', on: true });
    const seen = await mallory.c.next(recorded);
    await expectError(mallory.c, { type: 'recording', on: false }, 'forbidden');
    await expectError(bob.c, { type: 'recording', on: false }, 'forbidden');
    await quiet();
    expect(mallory.c.received.slice(mallory.c.received.indexOf(seen)).filter(unrecorded)).toEqual([]);
    expect(recordingAudit(h.c)).toEqual(['Ann started recording']);
  });

  it('a co-host can record; the space shows the earliest start until the last recorder stops', async () => {
    const h = await host();
    await goLive(h);
    const co = await cohost(h, 'Cole');
    const listener = await join();
    h.c.send({ type: 'recording', on: true });
    const first = (await listener.c.next(recorded)).recording!;
    await h.c.next(recordingYou(true));
    skew += 5000;
    co.c.send({ type: 'recording', on: true });
    await co.c.next(recordingYou(true));
    h.c.send({ type: 'recording', on: false });
    await h.c.next(recordingYou(false));
    // Still recorded (by Cole), and now since Cole started.
    const next = await listener.c.next((m): m is Stage => recorded(m) && m.recording!.since !== first.since);
    expect(next.recording!.since).toBeGreaterThanOrEqual(first.since + 5000);
    co.c.send({ type: 'recording', on: false });
    await listener.c.next(unrecorded);
    await h.c.next((m) => m.type === 'audit' && m.entries.some((e) => e.actor === 'Cole' && e.action === 'stopped recording'));
    expect(recordingAudit(h.c)).toEqual(['Ann started recording', 'Cole started recording', 'Ann stopped recording', 'Cole stopped recording']);
  });

  it('a co-host the host removes is no longer shown as recording', async () => {
    const h = await host();
    await goLive(h);
    const co = await cohost(h, 'Cole');
    const listener = await join();
    co.c.send({ type: 'recording', on: true });
    await listener.c.next(recorded);
    h.c.send({ type: 'cohostRemove', target: co.id });
    await listener.c.next(unrecorded);
    await h.c.next((m) => m.type === 'audit' && m.entries.some((e) => e.action === 'is no longer shown as recording'));
    expect(recordingAudit(h.c)).toEqual(['Cole started recording', 'Cole is no longer shown as recording — no longer a co-host']);
    await expectError(co.c, { type: 'recording', on: true }, 'forbidden');
  });
});

describe('when the recorder goes', () => {
  it('counts while any connection of theirs is open; when none is left it stops showing, until the studio says so again', async () => {
    const h = await host();
    await goLive(h);
    const second = await host(); // the same host on a second connection (a second window)
    const co = await cohost(h, 'Cole');
    const listener = await join();
    h.c.send({ type: 'recording', on: true });
    const seen = await listener.c.next(recorded);
    const since = seen.recording!.since;

    await h.c.close();
    await quiet();
    expect(listener.c.received.slice(listener.c.received.indexOf(seen)).filter(unrecorded)).toEqual([]);
    expect(second.c.received.filter(isType('you')).at(-1)?.you.recording).toBe(true);

    await second.c.close();
    await listener.c.next(unrecorded);
    await co.c.next((m) => m.type === 'audit' && m.entries.some((e) => e.action === 'is no longer shown as recording'));
    expect(recordingAudit(co.c)).toEqual(['Ann started recording', 'Ann is no longer shown as recording — left the space']);

    // The studio reconnects: it is told it is not counted as recording, and says it is (a new start, logged).
    const back = await host();
    expect(back.c.received.filter(isType('you')).at(-1)?.you.recording).toBe(false);
    expect(back.c.received.find(isType('stage'))?.recording).toBeNull();
    back.c.send({ type: 'recording', on: true });
    const again = await listener.c.next(recorded);
    expect(again.recording!.since).toBeGreaterThanOrEqual(since);
    await co.c.waitForCount((m) => m.type === 'audit' && m.append && m.entries.some((e) => e.action === 'started recording'), 2);
    expect(recordingAudit(co.c)).toEqual(['Ann started recording', 'Ann is no longer shown as recording — left the space', 'Ann started recording']);
  });

  it('ending the space clears it for everyone, with the reason in the log', async () => {
    const h = await host();
    await goLive(h);
    const co = await cohost(h, 'Cole');
    const listener = await join();
    h.c.send({ type: 'recording', on: true });
    co.c.send({ type: 'recording', on: true });
    await co.c.next(recordingYou(true));
    await listener.c.next(recorded);
    h.c.send({ type: 'end' });
    await listener.c.next((m) => m.type === 'space' && m.space.status === 'ended');
    await listener.c.next(unrecorded);
    await co.c.next((m) => m.type === 'audit' && m.entries.some((e) => e.action === 'ended the space'));
    expect(recordingAudit(co.c)).toEqual([
      'Ann started recording',
      'Cole started recording',
      'Ann is no longer shown as recording — the space ended',
      'Cole is no longer shown as recording — the space ended',
    ]);
    expect(auditOf(co.c).at(-1)).toMatchObject({ actor: 'Ann', action: 'ended the space' });
  });
});

describe('what a client cannot do', () => {
  it('malformed recording messages are bad requests and change nothing', async () => {
    const h = await host();
    await goLive(h);
    const listener = await join();
    const bad: Record<string, unknown>[] = [
      { type: 'recording', on: 'yes' },
      { type: 'recording', on: 1 },
      { type: 'recording', on: null },
      { type: 'recording' },
      { type: 'recording', on: true, since: 0 },
      { type: 'recording', on: true, participantId: listener.id },
      { type: 'recording', on: { since: 1 } },
    ];
    for (const message of bad) {
      const error = await expectError(h.c, message, 'bad_request');
      expect(error.message.length).toBeGreaterThan(5);
    }
    await quiet();
    expect(listener.c.received.filter(recorded)).toEqual([]);
    expect(recordingAudit(h.c)).toEqual([]);
    expect([...h.c.violations, ...listener.c.violations]).toEqual([]);
  });

  it('toggling is rate-limited per person, so the audit log cannot be flooded; the limit refills with time', async () => {
    const h = await host();
    await goLive(h);
    for (let i = 0; i < 20; i++) h.c.send({ type: 'recording', on: i % 2 === 0, ref: `t${i}` });
    // Six changes go through; later starts are refused (a stop while stopped is no change, so no error). Six
    // refusals, not seven: on a loaded machine the loop may outlast the 10 s in which one more is allowed.
    const limited = await h.c.waitForCount((m) => m.type === 'error' && m.code === 'rate_limited', 6);
    expect((limited[0] as ServerMessageOf<'error'>).message).toMatch(/wait a few seconds/);
    await quiet();
    const logged = recordingAudit(h.c).length;
    expect(logged).toBeLessThanOrEqual(7);
    expect(logged).toBeGreaterThanOrEqual(1);

    // Reconnecting does not hand out a fresh allowance: the limit is the person's.
    await h.c.close();
    const back = await host();
    await expectError(back.c, { type: 'recording', on: true }, 'rate_limited');
    skew += 60_000;
    back.c.send({ type: 'recording', on: true });
    await back.c.next(recordingYou(true));
  });
});
