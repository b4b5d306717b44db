// Hosting over the real space server and real WebSockets: hands, approval, mute, demote, remove, block, pins,
// reactions, settings and co-hosts — and every attempt by a listener to do a host's job refused, changing nothing.
// The SFU side is recorded here (what the server asked LiveKit to do); livekit-moderation.test.ts runs it for real.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditParts } from '../../common/moderation';
import type { ServerMessage } from '../../common/protocol';
import { startSpaceServer, type HostKeyed, type SpaceServer } from '../../server/index';
import { recordingAdmin, type RecordingAdmin } from '../support/recording-admin';
import { connect, isType, type ServerMessageOf, type TestClient } from '../support/ws-client';

const LIVEKIT = { url: 'ws://127.0.0.1:1', apiKey: 'devkey', apiSecret: 'secret-secret-secret-secret-secret' };
let dir: string;
let server: SpaceServer;
let admin: RecordingAdmin;
let space: HostKeyed;
let clients: TestClient[];

async function startServer(): Promise<SpaceServer> {
  const assetsDir = path.join(dir, 'assets');
  fs.mkdirSync(path.join(assetsDir, 'listener'), { recursive: true });
  fs.writeFileSync(path.join(assetsDir, 'listener', 'index.html'), '<!doctype html>');
  return startSpaceServer({ dbFile: path.join(dir, 'podium.sqlite'), assetsDir, livekit: LIVEKIT, admin });
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-moderation-'));
  admin = recordingAdmin();
  clients = [];
  server = await startServer();
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
  key: string;
}
let refs = 0;
async function join(opts: { credential?: string; name?: string; key?: string; spaceId?: string } = {}): Promise<Joined> {
  const c = await connect(server.protocolUrl);
  clients.push(c);
  const key = opts.key ?? crypto.randomBytes(18).toString('base64url');
  const reply = await c.request({ type: 'join', ref: `j${++refs}`, spaceId: opts.spaceId ?? space.space.id, key, ...(opts.credential ? { credential: opts.credential } : {}), ...(opts.name ? { name: opts.name } : {}) });
  if (reply.type !== 'joined') throw new Error(`join failed: ${JSON.stringify(reply)}`);
  return { c, id: reply.participantId, key };
}
const host = () => join({ credential: space.hostKey });
const you = (role: string) => (m: ServerMessage) => m.type === 'you' && m.you.role === role;
const handUp = (m: ServerMessage) => m.type === 'you' && m.you.handRaised;
async function request(c: TestClient, message: Record<string, unknown>): Promise<ServerMessage> {
  return c.request({ ...message, ref: `r${++refs}` } as Record<string, unknown> & { ref: string });
}
async function expectError(c: TestClient, message: Record<string, unknown>, code: string): Promise<ServerMessageOf<'error'>> {
  const reply = await request(c, message);
  expect(reply).toMatchObject({ type: 'error', code });
  return reply as ServerMessageOf<'error'>;
}
/** Sends and waits for the host's view to reflect it, since successful actions answer with state, not a reply. */
async function settle(c: TestClient, message: Record<string, unknown>, until: (m: ServerMessage) => boolean): Promise<ServerMessage> {
  const waiting = c.next(until, 10_000);
  c.send(message);
  return waiting;
}
const handQueueOf = (m: ServerMessage) => m.type === 'rosterDelta' && m.upsert.some((p) => p.handRaisedAt !== null);

describe('request to speak', () => {
  it('hand up → the host sees it in the queue → approve → speaker with publishing granted and a notice', async () => {
    const h = await host();
    const bob = await join({ name: 'Bob' });
    await settle(bob.c, { type: 'hand', raised: true }, handUp);
    const delta = (await h.c.next(handQueueOf)) as ServerMessageOf<'rosterDelta'>;
    expect(delta.upsert.find((p) => p.id === bob.id)).toMatchObject({ name: 'Bob', role: 'listener', handRaisedAt: expect.any(Number) });
    await settle(h.c, { type: 'mod', action: 'approve', target: bob.id }, (m) => m.type === 'rosterDelta' && m.upsert.some((p) => p.id === bob.id && p.role === 'speaker'));
    await bob.c.next(you('speaker'));
    expect((await bob.c.next(isType('notice'))).text).toMatch(/Ann brought you up to speak.*start muted/);
    expect(admin.calls).toContain(`publish ${space.space.id} ${bob.id} true`);
    const stage = await h.c.next((m): m is ServerMessageOf<'stage'> => m.type === 'stage' && m.members.some((x) => x.id === bob.id));
    expect(stage.members.map((x) => x.role)).toEqual(['host', 'speaker']);
  });

  it('deny lowers the hand with a message; the listener can raise it again', async () => {
    const h = await host();
    const bob = await join({ name: 'Bob' });
    await settle(bob.c, { type: 'hand', raised: true }, handUp);
    h.c.send({ type: 'mod', action: 'deny', target: bob.id });
    await bob.c.next((m) => m.type === 'you' && !m.you.handRaised);
    expect((await bob.c.next(isType('notice'))).text).toMatch(/isn't bringing you up/);
    await settle(bob.c, { type: 'hand', raised: true }, handUp);
  });

  it('follows the request policy: nobody, then invited only, changeable live', async () => {
    const h = await host();
    const bob = await join({ name: 'Bob' });
    h.c.send({ type: 'settings', settings: { requestPolicy: 'nobody' } });
    await bob.c.next((m) => m.type === 'stage' && m.settings.requestPolicy === 'nobody');
    expect((await expectError(bob.c, { type: 'hand', raised: true }, 'forbidden')).message).toMatch(/turned off/);
    h.c.send({ type: 'settings', settings: { requestPolicy: 'invited' } });
    await bob.c.next((m) => m.type === 'stage' && m.settings.requestPolicy === 'invited');
    await expectError(bob.c, { type: 'hand', raised: true }, 'forbidden');
    h.c.send({ type: 'mod', action: 'invite', target: bob.id });
    await bob.c.next((m) => m.type === 'you' && m.you.invited);
    await settle(bob.c, { type: 'hand', raised: true }, handUp);
  });

  it('stops at the speaker limit with a clear error', async () => {
    const h = await host();
    h.c.send({ type: 'settings', settings: { speakerLimit: 1 } });
    const a = await join({ name: 'A' });
    const b = await join({ name: 'B' });
    for (const x of [a, b]) await settle(x.c, { type: 'hand', raised: true }, handUp);
    h.c.send({ type: 'mod', action: 'approve', target: a.id });
    await a.c.next(you('speaker'));
    expect((await expectError(h.c, { type: 'mod', action: 'approve', target: b.id }, 'invalid_state')).message).toMatch(/stage is full \(1 speaker\)/);
  });
});

describe('moderating speakers', () => {
  async function speaker(h: Joined, name: string): Promise<Joined> {
    const s = await join({ name });
    await settle(s.c, { type: 'hand', raised: true }, handUp);
    h.c.send({ type: 'mod', action: 'approve', target: s.id });
    await s.c.next(you('speaker'));
    return s;
  }

  it('mute tells the speaker who muted them; mute all reaches every speaker; demote revokes publishing', async () => {
    const h = await host();
    const s1 = await speaker(h, 'S1');
    const s2 = await speaker(h, 'S2');
    h.c.send({ type: 'mod', action: 'mute', target: s1.id });
    expect((await s1.c.next((m) => m.type === 'you' && m.you.mutedBy !== null)) as ServerMessageOf<'you'>).toMatchObject({ you: { mutedBy: 'Ann' } });
    expect(admin.calls).toContain(`mute ${space.space.id} ${s1.id}`);
    // As on X, they may unmute themselves; the "muted by" mark goes with it, for them and in the host's roster.
    const cleared = (m: ServerMessage) => m.type === 'you' && m.you.mutedBy === null && m.you.role === 'speaker';
    const before = s1.c.received.filter(cleared).length;
    s1.c.send({ type: 'unmuted' });
    await s1.c.waitForCount(cleared, before + 1, 10_000);
    expect(s1.c.received.filter(isType('you')).at(-1)?.you.mutedBy).toBeNull();
    h.c.send({ type: 'muteAll' });
    await s2.c.next((m) => m.type === 'notice' && /muted all speakers/.test(m.text));
    expect(admin.calls).toContain(`mute ${space.space.id} ${s2.id}`);
    h.c.send({ type: 'mod', action: 'demote', target: s2.id });
    await s2.c.next((m) => m.type === 'notice' && /moved you back to the listeners/.test(m.text));
    expect(s2.c.received.filter(isType('you')).at(-1)?.you.role).toBe('listener');
    expect(admin.calls).toContain(`publish ${space.space.id} ${s2.id} false`);
  });

  it('remove disconnects at once, and the same person cannot come back — even with a new connection', async () => {
    const h = await host();
    const bob = await join({ name: 'Bob' });
    h.c.send({ type: 'mod', action: 'remove', target: bob.id });
    expect(await bob.c.next(isType('removed'))).toMatchObject({ message: expect.stringMatching(/removed you/) });
    expect((await bob.c.closed).code).toBe(4403);
    expect(admin.calls).toContain(`remove ${space.space.id} ${bob.id}`);
    const again = await connect(server.protocolUrl);
    clients.push(again);
    again.send({ type: 'join', spaceId: space.space.id, key: bob.key, name: 'Bob again' });
    await again.next(isType('removed'));
    expect((await again.closed).code).toBe(4403);
    // Someone else still joins fine, and the host's audit log says who did what.
    await join({ name: 'Cy' });
    const audit = h.c.received.filter(isType('audit')).flatMap((m) => m.entries);
    // The name goes inside the phrase (common/moderation.ts auditParts), as the studio shows it.
    expect(audit.map((e) => { const [before, after] = auditParts(e.action); return `${e.actor} ${before}${e.target ?? ''}${after}`.trim(); })).toContain('Ann removed Bob');
  });

  it('block also keeps them out of the same host’s next space; unblock lets them back', async () => {
    const h = await host();
    const eve = await join({ name: 'Eve' });
    h.c.send({ type: 'mod', action: 'block', target: eve.id });
    await eve.c.closed;
    const blocks = await h.c.next((m): m is ServerMessageOf<'blocks'> => m.type === 'blocks' && m.blocks.length === 1);
    expect(blocks.blocks[0]).toMatchObject({ name: 'Eve' });
    // Restart the server on the same file: the block is stored.
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
    server = await startServer();
    const next = server.createSpace({ title: 'Next week', hostName: 'Ann' });
    const c = await connect(server.protocolUrl);
    clients.push(c);
    c.send({ type: 'join', spaceId: next.space.id, key: eve.key });
    await c.next(isType('removed'));
    space = next;
    const h2 = await host();
    const list = (await h2.c.next(isType('blocks'))).blocks;
    h2.c.send({ type: 'unblock', subject: list[0]!.subject });
    await h2.c.next((m) => m.type === 'blocks' && m.blocks.length === 0);
    const back = await join({ key: eve.key, name: 'Eve' });
    expect(back.id).toBe(eve.id);
  });

  it('two co-hosts acting on the same person at once is harmless', async () => {
    const h = await host();
    h.c.send({ type: 'cohostInvite' });
    const invite = new URL((await h.c.next(isType('invite'))).url);
    const co = await join({ credential: invite.hash.replace('#cohost=', ''), name: 'Cole' });
    const bob = await join({ name: 'Bob' });
    await settle(bob.c, { type: 'hand', raised: true }, handUp);
    await co.c.next(handQueueOf);
    h.c.send({ type: 'mod', action: 'approve', target: bob.id });
    co.c.send({ type: 'mod', action: 'approve', target: bob.id });
    await bob.c.next(you('speaker'));
    h.c.send({ type: 'mod', action: 'remove', target: bob.id });
    co.c.send({ type: 'mod', action: 'remove', target: bob.id });
    await bob.c.closed;
    await new Promise((r) => setTimeout(r, 300));
    expect([...h.c.received, ...co.c.received].filter(isType('error'))).toEqual([]);
    expect(admin.calls.filter((c) => c === `publish ${space.space.id} ${bob.id} true`).length).toBeLessThanOrEqual(1);
  });
});

describe('co-hosts', () => {
  it('join with the invite link, moderate, but cannot end the space or change co-hosts; the host can demote them', async () => {
    const h = await host();
    h.c.send({ type: 'cohostInvite' });
    const url = (await h.c.next(isType('invite'))).url;
    expect(url).toMatch(new RegExp(`/s/${space.space.id}#cohost=`));
    const co = await join({ credential: new URL(url).hash.slice('#cohost='.length), name: 'Cole' });
    expect(co.c.received.find(isType('joined'))?.role).toBe('cohost');
    await co.c.next(isType('roster'));
    await expectError(co.c, { type: 'end' }, 'forbidden');
    await expectError(co.c, { type: 'cohostInvite' }, 'forbidden');
    await expectError(co.c, { type: 'settings', settings: { cohostLimit: 5 } }, 'forbidden');
    await expectError(co.c, { type: 'mod', action: 'remove', target: h.id }, 'forbidden');
    // The host's action shows up in the co-host's panel (and the other way round).
    co.c.send({ type: 'pin', url: 'https://twitter.com/jack/status/20' });
    const pinned = await h.c.next((m): m is ServerMessageOf<'stage'> => m.type === 'stage' && m.pins.length === 1);
    expect(pinned.pins[0]).toMatchObject({ kind: 'x', handle: 'jack', postId: '20', url: 'https://x.com/jack/status/20', pinnedBy: 'Cole' });
    h.c.send({ type: 'cohostRemove', target: co.id });
    await co.c.next(you('listener'));
    await expectError(co.c, { type: 'pin', url: 'https://example.org' }, 'forbidden');
  });

  it('a new invite revokes the old link, and seats are limited', async () => {
    const h = await host();
    h.c.send({ type: 'settings', settings: { cohostLimit: 1 } });
    h.c.send({ type: 'cohostInvite' });
    const first = new URL((await h.c.next(isType('invite'))).url).hash.slice(8);
    await join({ credential: first });
    const c = await connect(server.protocolUrl);
    clients.push(c);
    expect((await c.request({ type: 'join', ref: 'x', spaceId: space.space.id, credential: first, key: 'k'.repeat(20) })) as ServerMessage).toMatchObject({ type: 'error', code: 'forbidden', message: expect.stringMatching(/seats/) });
    h.c.send({ type: 'cohostInvite' });
    await h.c.next(isType('invite'));
    expect(await c.request({ type: 'join', ref: 'y', spaceId: space.space.id, credential: first, key: 'k'.repeat(20) })).toMatchObject({ type: 'error', code: 'forbidden' });
  });

  it('the space keeps running with co-hosts when the host drops; the host rejoins as host', async () => {
    const h = await host();
    h.c.send({ type: 'start' });
    h.c.send({ type: 'cohostInvite' });
    const key = new URL((await h.c.next(isType('invite'))).url).hash.slice(8);
    const co = await join({ credential: key, name: 'Cole' });
    await h.c.close();
    const bob = await join({ name: 'Bob' });
    await settle(bob.c, { type: 'hand', raised: true }, handUp);
    co.c.send({ type: 'mod', action: 'approve', target: bob.id });
    await bob.c.next(you('speaker'));
    const back = await host();
    expect(back.c.received.find(isType('joined'))).toMatchObject({ role: 'host', space: { status: 'live' } });
  });
});

describe('a listener doing a host’s job', () => {
  it('is refused every time, with a clear error, and nothing changes', async () => {
    const h = await host();
    const mallory = await join({ name: 'Mallory' });
    const victim = await join({ name: 'Vic' });
    const attempts: [Record<string, unknown>, string][] = [
      [{ type: 'mod', action: 'approve', target: mallory.id }, 'forbidden'],
      [{ type: 'mod', action: 'mute', target: h.id }, 'forbidden'],
      [{ type: 'mod', action: 'remove', target: victim.id }, 'forbidden'],
      [{ type: 'mod', action: 'block', target: victim.id }, 'forbidden'],
      [{ type: 'muteAll' }, 'forbidden'],
      [{ type: 'pin', url: 'https://evil.example' }, 'forbidden'],
      [{ type: 'unpin', pinId: 'x' }, 'forbidden'],
      [{ type: 'settings', settings: { requestPolicy: 'everyone' } }, 'forbidden'],
      [{ type: 'cohostInvite' }, 'forbidden'],
      [{ type: 'cohostRemove', target: h.id }, 'forbidden'],
      [{ type: 'start' }, 'forbidden'],
      [{ type: 'end' }, 'forbidden'],
      [{ type: 'join', spaceId: space.space.id, credential: 'guess'.repeat(5) }, 'invalid_state'],
    ];
    for (const [message, code] of attempts) {
      const error = await expectError(mallory.c, message, code);
      expect(error.message.length).toBeGreaterThan(10);
    }
    expect(victim.c.isOpen()).toBe(true);
    expect(admin.calls).toEqual([]);
    expect(server.listSpaces().find((s) => s.id === space.space.id)?.status).toBe('scheduled');
    await new Promise((r) => setTimeout(r, 200));
    expect(victim.c.received.filter((m) => m.type === 'removed' || m.type === 'notice')).toEqual([]);
    expect(h.c.received.filter(isType('audit')).flatMap((m) => m.entries)).toEqual([]);
  });
});

describe('pins and reactions', () => {
  it('validates pins, keeps their order, and unpins; listeners see them live', async () => {
    const h = await host();
    const l = await join();
    await expectError(h.c, { type: 'pin', url: 'http://insecure.example' }, 'bad_request');
    await expectError(h.c, { type: 'pin', url: 'javascript:alert(1)' }, 'bad_request');
    h.c.send({ type: 'pin', url: 'https://example.org/a' });
    h.c.send({ type: 'pin', url: 'https://x.com/podium/status/123456789?s=20' });
    const seen = await l.c.next((m): m is ServerMessageOf<'stage'> => m.type === 'stage' && m.pins.length === 2);
    expect(seen.pins.map((p) => [p.kind, p.site])).toEqual([['link', 'example.org'], ['x', 'x.com']]);
    h.c.send({ type: 'unpin', pinId: seen.pins[0]!.id });
    const after = await l.c.next((m): m is ServerMessageOf<'stage'> => m.type === 'stage' && m.pins.length === 1);
    expect(after.pins[0]!.handle).toBe('podium');
  });

  it('batches reactions for everyone and rate-limits one person without hurting the others', async () => {
    const h = await host();
    const fan = await join();
    const calm = await join();
    for (let i = 0; i < 12; i++) fan.c.send({ type: 'react', emoji: '🔥' });
    calm.c.send({ type: 'react', emoji: '👏' });
    const limited = await fan.c.next((m) => m.type === 'error' && m.code === 'rate_limited');
    expect(limited).toBeTruthy();
    const counts = new Map<string, number>();
    // Batches until the calm one's reaction arrives: generous, since a loaded machine delays every batch.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (counts.get('👏') ?? 0) < 1) {
      const m = await h.c.next(isType('reactions'), 10_000);
      for (const item of m.items) counts.set(item.emoji, (counts.get(item.emoji) ?? 0) + item.count);
    }
    expect(counts.get('👏')).toBe(1);
    expect(counts.get('🔥')).toBe(5); // the burst allowance, not 12
    await expectError(fan.c, { type: 'react', emoji: '💩' }, 'bad_request');
  });
});
