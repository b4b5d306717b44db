// The space server killed mid-space (`kill -9`, no goodbye) and started again on the same port and SQLite file:
// nothing in the live space is lost. Host, co-host, a muted speaker, two raised hands (in their queue order), an
// invited listener and a plain one reconnect on their own (the renderer's connectSpace, backoff and all) and find
// their standing as it was; pins, settings, blocks, bans and the audit log are as they were; the file passes
// PRAGMA integrity_check. Runs `npm run server` (server/cli.ts) as its own process, against a real livekit-server.
import Database from 'better-sqlite3';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Participant, ServerMessage } from '../../common/protocol';
import { startLivekit, type LivekitServer } from '../../scripts/livekit';
import { startSpaceServer, type SpaceServer } from '../../server/index';
import { recordingAdmin, type RecordingAdmin } from '../support/recording-admin';
import { resilientClient, type ResilientClient } from '../support/resilient-client';
import { freePort, startServerProcess, type ServerProcess } from '../support/server-process';
import { connect, isType, type ServerMessageOf, type TestClient } from '../support/ws-client';

const ADMIN_TOKEN = crypto.randomBytes(32).toString('base64url');
const PIN = 'https://x.com/podium/status/1234567890';

let lk: LivekitServer;
let dir: string;
let dbFile: string;
let port: number;
let server: ServerProcess | null = null;
const clients: ResilientClient[] = [];
const probes: TestClient[] = [];

const key = () => crypto.randomBytes(18).toString('base64url');

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-restart-'));
  dbFile = path.join(dir, 'data', 'podium.sqlite');
  port = await freePort();
  // The SFU outlives the space server, as LiveKit Cloud or a cluster does; its webhooks find whichever server is up.
  lk = await startLivekit({ webhookUrls: [`http://127.0.0.1:${port}/livekit/webhook`] });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all(probes.map((p) => p.close()));
  if (server && server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  await lk?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<ServerProcess> {
  server = await startServerProcess({ port, dbFile, livekit: lk, adminToken: ADMIN_TOKEN });
  return server;
}

/** One look at the space as a moderator sees it on joining: a second connection with the host key. */
async function probe(spaceId: string, hostKey: string): Promise<{ roster: Participant[]; stage: ServerMessageOf<'stage'>; audit: ServerMessageOf<'audit'>; blocks: ServerMessageOf<'blocks'> }> {
  const c = await connect(`ws://127.0.0.1:${port}/ws`);
  probes.push(c);
  c.send({ type: 'join', spaceId, key: key(), credential: hostKey });
  await c.next(isType('joined'));
  const [roster, stage, audit, blocks] = [await c.next(isType('roster')), await c.next(isType('stage')), await c.next(isType('audit')), await c.next(isType('blocks'))];
  await c.close();
  return { roster: roster.participants, stage, audit, blocks };
}

function integrity(file: string): { check: string; members: { id: string; role: string; hand_raised_at: number | null; invited: number; muted_by: string | null }[] } {
  const db = new Database(file);
  try {
    const check = db.pragma('integrity_check', { simple: true }) as string;
    const members = db.prepare('SELECT id, role, hand_raised_at, invited, muted_by FROM members ORDER BY id').all() as ReturnType<typeof integrity>['members'];
    return { check, members };
  } finally {
    db.close();
  }
}

/** What a client was told about itself on rejoining after the restart. */
const you = async (c: ResilientClient) => (await c.next(isType('you'), 2)).you;

describe('the space server killed and restarted', () => {
  it('brings every member, hand, mute, seat, pin, block, ban and audit entry back, and clients resume on their own', async () => {
    await start();
    const url = `ws://127.0.0.1:${port}/ws`;
    const created = await fetch(`http://127.0.0.1:${port}/api/spaces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Crash-proof show', hostName: 'Ann', ownerKey: key() }),
    });
    expect(created.status).toBe(201);
    const { space, hostKey } = (await created.json()) as { space: { id: string }; hostKey: string };
    const join = (name: string, credential?: string) => ({ type: 'join' as const, spaceId: space.id, key: key(), name, ...(credential ? { credential } : {}) });
    const joined = async (c: ResilientClient, onJoin: number) => (await c.next(isType('joined'), onJoin, 60_000));
    const person = async (name: string, credential?: string) => {
      const c = resilientClient(url, join(name, credential));
      clients.push(c);
      return { c, id: (await joined(c, 1)).participantId };
    };

    // Before: a live space with everything a host builds up.
    const host = await person('Ann', hostKey);
    host.c.send({ type: 'start' });
    await host.c.next((m) => m.type === 'space' && m.space.status === 'live', 1);
    host.c.send({ type: 'cohostInvite', ref: 'inv' });
    const invite = await host.c.next(isType('invite'), 1);
    const cleo = await person('Cleo', new URL(invite.url).hash.replace('#cohost=', ''));
    expect(cleo.c.last(isType('joined'), 1)).toMatchObject({ role: 'cohost', seatCredential: expect.any(String) });
    const sam = await person('Sam');
    sam.c.send({ type: 'hand', raised: true });
    await sam.c.next((m) => m.type === 'you' && m.you.handRaised, 1);
    host.c.send({ type: 'mod', action: 'approve', target: sam.id });
    await sam.c.next((m) => m.type === 'you' && m.you.role === 'speaker', 1);
    host.c.send({ type: 'mod', action: 'mute', target: sam.id });
    await sam.c.next((m) => m.type === 'you' && m.you.mutedBy === 'Ann', 1);
    const lou = await person('Lou');
    lou.c.send({ type: 'hand', raised: true });
    await lou.c.next((m) => m.type === 'you' && m.you.handRaised, 1);
    const liv = await person('Liv');
    liv.c.send({ type: 'hand', raised: true });
    await liv.c.next((m) => m.type === 'you' && m.you.handRaised, 1);
    const ivy = await person('Ivy');
    host.c.send({ type: 'mod', action: 'invite', target: ivy.id });
    await ivy.c.next((m) => m.type === 'you' && m.you.invited, 1);
    const pat = await person('Pat');
    host.c.send({ type: 'pin', url: PIN });
    await host.c.next((m) => m.type === 'stage' && m.pins.some((p) => p.url === PIN), 1);
    host.c.send({ type: 'settings', settings: { speakerLimit: 4 } });
    await host.c.next((m) => m.type === 'stage' && m.settings.speakerLimit === 4, 1);
    const expelled = async (action: 'block' | 'remove', name: string) => {
      const c = await connect(url);
      probes.push(c);
      const k = key();
      c.send({ type: 'join', spaceId: space.id, key: k, name });
      const id = (await c.next(isType('joined'))).participantId;
      host.c.send({ type: 'mod', action, target: id });
      expect(await c.closed).toMatchObject({ code: 4403 });
      return k;
    };
    const maxKey = await expelled('block', 'Max');
    const rexKey = await expelled('remove', 'Rex');
    const before = await probe(space.id, hostKey);
    expect(before.blocks.blocks.map((b) => b.name)).toEqual(['Max']);
    const queue = (roster: Participant[]) => roster.filter((p) => p.handRaisedAt !== null).sort((a, b) => a.handRaisedAt! - b.handRaisedAt!).map((p) => p.id);
    expect(queue(before.roster)).toEqual([lou.id, liv.id]);

    // The crash: no close frames, no shutdown code, whatever was in flight is gone.
    server!.child.kill('SIGKILL');
    expect((await server!.exited).signal).toBe('SIGKILL');
    const crashed = integrity(dbFile);
    expect(crashed.check).toBe('ok');
    // Those with standing have a row; the plain listener (and those expelled) have none.
    expect(crashed.members.map((m) => m.id).sort()).toEqual([host.id, cleo.id, sam.id, lou.id, liv.id, ivy.id].sort());
    expect(crashed.members.map((m) => m.id)).not.toContain(pat.id);

    // After: the same port, the same file. Nobody is told anything; every client finds its way back.
    const killedAt = Date.now();
    await start();
    const readyAt = Date.now();
    const everyone = [host, cleo, sam, lou, liv, ivy, pat];
    await Promise.all(everyone.map((p) => joined(p.c, 2)));
    // A figure, not a promise: how long the clients' own backoff took to find the server again.
    console.log(`space server restart: ready ${readyAt - killedAt} ms after the kill; all ${everyone.length} clients rejoined ${Date.now() - readyAt} ms after that`);
    for (const p of everyone) expect(p.c.last(isType('joined'), 2)!.participantId).toBe(p.id);
    expect(host.c.last(isType('joined'), 2)).toMatchObject({ role: 'host', space: { status: 'live' } });
    expect(cleo.c.last(isType('joined'), 2)).toMatchObject({ role: 'cohost' });
    // A seat credential is handed out once, when the seat is taken: re-entering with it gives no new one.
    expect(cleo.c.last(isType('joined'), 2)).not.toHaveProperty('seatCredential');
    expect(await you(sam.c)).toMatchObject({ role: 'speaker', mutedBy: 'Ann' });
    expect(await you(lou.c)).toMatchObject({ role: 'listener', handRaised: true });
    expect(await you(liv.c)).toMatchObject({ role: 'listener', handRaised: true });
    expect(await you(ivy.c)).toMatchObject({ role: 'listener', handRaised: false, invited: true });
    expect(await you(pat.c)).toMatchObject({ role: 'listener', handRaised: false, invited: false, mutedBy: null });

    const after = await probe(space.id, hostKey);
    const byId = (roster: Participant[]) => new Map(roster.map((p) => [p.id, { ...p, connected: true }]));
    // Everyone as the moderators knew them — role, name, hand (and when it went up), invite, when they joined. The
    // plain listener kept nothing, so only when they joined is new.
    for (const p of everyone) {
      const was = byId(before.roster).get(p.id)!;
      expect(byId(after.roster).get(p.id)).toEqual(p === pat ? { ...was, joinedAt: expect.any(Number) } : was);
    }
    expect(after.roster.every((p) => p.connected)).toBe(true);
    expect(queue(after.roster)).toEqual([lou.id, liv.id]);
    expect(after.stage.members).toEqual(before.stage.members);
    expect(after.stage.pins).toEqual(before.stage.pins);
    expect(after.stage.settings).toEqual(before.stage.settings);
    expect(after.blocks.blocks).toEqual(before.blocks.blocks);
    // The log is whole, and says where the gap was and how many it gave their place back to.
    expect(after.audit.entries.slice(0, -1)).toEqual(before.audit.entries);
    expect(after.audit.entries.at(-1)).toMatchObject({ actor: 'Podium', action: 'restarted', detail: '6 people kept their place' });
    expect(after.audit.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['went live', 'joined as co-host', 'let {target} speak', 'muted {target}', 'invited {target} to speak', 'pinned a post by @podium', 'blocked {target}', 'removed {target}']));

    // The blocked person and the removed one are still kept out.
    for (const k of [maxKey, rexKey]) {
      const c = await connect(url);
      probes.push(c);
      c.send({ type: 'join', spaceId: space.id, key: k, name: 'Again' });
      expect(await c.next(isType('removed'))).toMatchObject({ type: 'removed' });
      expect(await c.closed).toMatchObject({ code: 4403 });
    }

    // What came back is live state, not a picture of it: the first hand in the queue goes up, the second comes down.
    host.c.send({ type: 'mod', action: 'approve', target: lou.id });
    await lou.c.next((m) => m.type === 'you' && m.you.role === 'speaker', 2);
    liv.c.send({ type: 'hand', raised: false });
    await liv.c.next((m) => m.type === 'you' && !m.you.handRaised, 2);
    const live = integrity(dbFile);
    expect(live.members.find((m) => m.id === lou.id)).toMatchObject({ role: 'speaker', hand_raised_at: null });
    expect(live.members.map((m) => m.id)).not.toContain(liv.id);

    // Ending the space lets its members' rows go; the audit log stays.
    host.c.send({ type: 'end' });
    await host.c.next((m: ServerMessage) => m.type === 'space' && m.space.status === 'ended', 2);
    server!.child.kill('SIGTERM');
    expect((await server!.exited).code).toBe(0);
    const ended = integrity(dbFile);
    expect(ended.check).toBe('ok');
    expect(ended.members).toEqual([]);
  }, 240_000);
});

describe('after a restart, in the same process (the SFU recorded, the clock moved by the test)', () => {
  let inDir: string;
  let admin: RecordingAdmin;
  let clock: number;
  let current: SpaceServer | null = null;
  const open: TestClient[] = [];

  async function boot(dbName: string): Promise<SpaceServer> {
    const assetsDir = path.join(inDir, 'assets');
    fs.mkdirSync(path.join(assetsDir, 'listener'), { recursive: true });
    fs.writeFileSync(path.join(assetsDir, 'listener', 'index.html'), '<!doctype html>');
    current = await startSpaceServer({ dbFile: path.join(inDir, dbName), assetsDir, livekit: { url: 'ws://127.0.0.1:1', apiKey: 'devkey', apiSecret: 'secret-secret-secret-secret-secret' }, admin, now: () => clock });
    return current;
  }
  async function enter(s: SpaceServer, spaceId: string, opts: { key?: string; credential?: string; name?: string } = {}) {
    const c = await connect(s.protocolUrl);
    open.push(c);
    const k = opts.key ?? key();
    c.send({ type: 'join', spaceId, key: k, ...(opts.name ? { name: opts.name } : {}), ...(opts.credential ? { credential: opts.credential } : {}) });
    return { c, key: k, id: (await c.next(isType('joined'))).participantId };
  }

  beforeAll(() => {
    inDir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-restart-inproc-'));
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await current?.close();
    fs.rmSync(inDir, { recursive: true, force: true });
  });

  it('a speaker still publishing on the SFU keeps it through the restart, and loses it once away past the grace', async () => {
    admin = recordingAdmin();
    clock = 1_000_000;
    let s = await boot('sweep.sqlite');
    const space = s.createSpace({ title: 'Sweep', hostName: 'Ann' });
    const host = await enter(s, space.space.id, { credential: space.hostKey });
    host.c.send({ type: 'start' });
    await host.c.next((m) => m.type === 'space' && m.space.status === 'live');
    const sam = await enter(s, space.space.id, { name: 'Sam' });
    sam.c.send({ type: 'hand', raised: true });
    await sam.c.next((m) => m.type === 'you' && m.you.handRaised);
    host.c.send({ type: 'mod', action: 'approve', target: sam.id });
    await sam.c.next((m) => m.type === 'you' && m.you.role === 'speaker');
    await s.close();

    // Sam's audio never went through the space server: the SFU still has him on air while it restarts.
    admin.present = [{ identity: sam.id, canPublish: true, micTracks: [{ sid: 'TR_sam', muted: false }] }];
    admin.listRooms = async () => [space.space.id];
    s = await boot('sweep.sqlite');
    const revoke = `publish ${space.space.id} ${sam.id} false`;
    await s.sweep();
    expect(admin.calls).not.toContain(revoke);
    clock += 61_000;
    await s.sweep();
    expect(admin.calls).toContain(revoke);
  });

  it('a raised hand outlasts a dropped connection within the grace, and lapses after it', async () => {
    admin = recordingAdmin();
    clock = 2_000_000;
    await current?.close();
    const s = await boot('hands.sqlite');
    const space = s.createSpace({ title: 'Hands', hostName: 'Ann' });
    const host = await enter(s, space.space.id, { credential: space.hostKey });
    let lou = await enter(s, space.space.id, { name: 'Lou' });
    lou.c.send({ type: 'hand', raised: true });
    await lou.c.next((m) => m.type === 'you' && m.you.handRaised);
    const raisedAt = (await host.c.next((m) => m.type === 'rosterDelta' && m.upsert.some((p) => p.id === lou.id && p.handRaisedAt !== null))) as ServerMessageOf<'rosterDelta'>;
    const at = raisedAt.upsert.find((p) => p.id === lou.id)!.handRaisedAt;
    // Only what the host hears from here on: on a loaded machine Lou's join went out in a delta of its own, before the
    // hand (connected, no hand yet), and that one is still unconsumed.
    const seen = host.c.received.length;
    await lou.c.close();
    lou = await enter(s, space.space.id, { key: lou.key, name: 'Lou' });
    expect(await lou.c.next(isType('you'))).toMatchObject({ you: { handRaised: true } });
    const isBack = (m: ServerMessage): m is ServerMessageOf<'rosterDelta'> => m.type === 'rosterDelta' && m.upsert.some((p) => p.id === lou.id && p.connected);
    await expect.poll(() => host.c.received.slice(seen).some(isBack)).toBe(true);
    const back = host.c.received.slice(seen).find(isBack)!;
    expect(back.upsert.find((p) => p.id === lou.id)!.handRaisedAt).toBe(at);

    await lou.c.close();
    const held = s.stats().members;
    clock += 61_000;
    // The tidy pass runs every few seconds of real time; once past the grace it lets the hand go.
    await expect.poll(() => s.stats().members, { timeout: 15_000 }).toBe(held - 1);
    lou = await enter(s, space.space.id, { key: lou.key, name: 'Lou' });
    expect(await lou.c.next(isType('you'))).toMatchObject({ you: { handRaised: false } });
  });
});
