// Issue 13 over the real space server and real WebSockets: live title and description edits, pin captions and
// scheme-less links, one-tap co-host offers (taken from a second connection, used once, declined, refused when the
// seats are full), reactions named for people on stage only, Mute all with nobody to mute, and the end-of-space
// summary with exact figures (the protocol's clock is the test's, so stage time is exact too). The SFU side is
// recorded (what the server asked LiveKit to do), as in space-moderation.test.ts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditParts } from '../../common/moderation';
import { COHOST_OFFER_MS, type AuditEntry, type ServerMessage } from '../../common/protocol';
import { startSpaceServer, type HostKeyed, type SpaceServer } from '../../server/index';
import { recordingAdmin, type RecordingAdmin } from '../support/recording-admin';
import { connect, isType, type ServerMessageOf, type TestClient } from '../support/ws-client';

const LIVEKIT = { url: 'ws://127.0.0.1:1', apiKey: 'devkey', apiSecret: 'secret-secret-secret-secret-secret' };
/** Waits on server-driven state: generous, since both cores may be busy. */
const WAIT = 15_000;
let dir: string;
let server: SpaceServer;
let admin: RecordingAdmin;
let space: HostKeyed;
let clients: TestClient[];
let clock: number;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-issue13-'));
  admin = recordingAdmin();
  clients = [];
  clock = Date.now();
  const assetsDir = path.join(dir, 'assets');
  fs.mkdirSync(path.join(assetsDir, 'listener'), { recursive: true });
  fs.writeFileSync(path.join(assetsDir, 'listener', 'index.html'), '<!doctype html>');
  server = await startSpaceServer({ dbFile: path.join(dir, 'podium.sqlite'), assetsDir, livekit: LIVEKIT, admin, now: () => clock });
  space = server.createSpace({ title: 'Open mic', description: 'Bring a song', hostName: 'Ann' });
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
  joined: ServerMessageOf<'joined'>;
}
let refs = 0;
async function join(opts: { credential?: string; name?: string; key?: string } = {}): Promise<Joined> {
  const c = await connect(server.protocolUrl);
  clients.push(c);
  const key = opts.key ?? crypto.randomBytes(18).toString('base64url');
  const reply = await c.request(
    { type: 'join', ref: `j${++refs}`, spaceId: space.space.id, key, ...(opts.credential ? { credential: opts.credential } : {}), ...(opts.name ? { name: opts.name } : {}) },
    WAIT,
  );
  if (reply.type !== 'joined') throw new Error(`join failed: ${JSON.stringify(reply)}`);
  return { c, id: reply.participantId, key, joined: reply };
}
async function joinRefused(credential: string): Promise<ServerMessageOf<'error'>> {
  const c = await connect(server.protocolUrl);
  clients.push(c);
  const reply = await c.request({ type: 'join', ref: `j${++refs}`, spaceId: space.space.id, key: crypto.randomBytes(18).toString('base64url'), credential }, WAIT);
  expect(reply.type).toBe('error');
  return reply as ServerMessageOf<'error'>;
}
const host = () => join({ credential: space.hostKey, name: 'Ann' });
async function request(c: TestClient, message: Record<string, unknown>): Promise<ServerMessage> {
  return c.request({ ...message, ref: `r${++refs}` } as Record<string, unknown> & { ref: string }, WAIT);
}
async function expectError(c: TestClient, message: Record<string, unknown>, code: string): Promise<ServerMessageOf<'error'>> {
  const reply = await request(c, message);
  expect(reply).toMatchObject({ type: 'error', code });
  return reply as ServerMessageOf<'error'>;
}
/** Sends and waits for the state it leads to (successful actions answer with state, not a reply). */
async function settle<M extends ServerMessage>(c: TestClient, message: Record<string, unknown>, until: (m: ServerMessage) => m is M): Promise<M>;
async function settle(c: TestClient, message: Record<string, unknown>, until: (m: ServerMessage) => boolean): Promise<ServerMessage>;
async function settle(c: TestClient, message: Record<string, unknown>, until: (m: ServerMessage) => boolean): Promise<ServerMessage> {
  const waiting = c.next(until, WAIT);
  c.send(message);
  return waiting;
}
const auditOf = (c: TestClient): AuditEntry[] => c.received.filter(isType('audit')).flatMap((m) => m.entries);
/** An audit line as the studio reads it: the name inside the phrase. */
const line = (e: AuditEntry): string => {
  const [before, after] = auditParts(e.action);
  const words = e.target === null ? e.action : `${before}${e.target}${after}`;
  return `${e.actor} ${words}${e.detail ? ` — ${e.detail}` : ''}`;
};
const auditLine = (c: TestClient, pattern: RegExp) => c.next((m) => m.type === 'audit' && m.append && m.entries.some((e) => pattern.test(line(e))), WAIT);
/** A ping answered means every message sent before it has been handled. */
const drained = async (c: TestClient) => expect(await request(c, { type: 'ping' })).toMatchObject({ type: 'pong' });
const quiet = () => new Promise((r) => setTimeout(r, 400));

async function goLive(h: Joined): Promise<void> {
  await settle(h.c, { type: 'start' }, (m) => m.type === 'space' && m.space.status === 'live');
}
async function speaker(h: Joined, name: string): Promise<Joined> {
  const s = await join({ name });
  await settle(s.c, { type: 'hand', raised: true }, (m) => m.type === 'you' && m.you.handRaised);
  await settle(h.c, { type: 'mod', action: 'approve', target: s.id }, (m) => m.type === 'rosterDelta' && m.upsert.some((p) => p.id === s.id && p.role === 'speaker'));
  return s;
}

describe('title and description while live', () => {
  it('a host changes them live: every listener sees the new space, the log says so, the public API shows it', async () => {
    const h = await host();
    const l = await join({ name: 'Lena' });
    await goLive(h);
    h.c.send({ type: 'details', title: '  Late-night mic 🎤 ', description: 'Songs after ten' });
    const update = await l.c.next((m): m is ServerMessageOf<'space'> => m.type === 'space' && m.space.title === 'Late-night mic 🎤', WAIT);
    expect(update.space).toMatchObject({ title: 'Late-night mic 🎤', description: 'Songs after ten', status: 'live' });
    const entry = (await auditLine(h.c, /changed the title/)) as ServerMessageOf<'audit'>;
    expect(entry.entries.map(line)).toContain('Ann changed the title to “Late-night mic 🎤” and the description — Songs after ten');
    const api = (await (await fetch(`${server.url}/api/spaces/${space.space.id}`)).json()) as { space: { title: string } };
    expect(api.space.title).toBe('Late-night mic 🎤');
    // Only the description: the log names it alone.
    h.c.send({ type: 'details', description: '' });
    await l.c.next((m) => m.type === 'space' && m.space.description === '', WAIT);
    await auditLine(h.c, /^Ann removed the description$/);
  });

  it('counts a title by what a reader sees: 120 emoji fit, 121 do not; nothing changes on a refusal', async () => {
    const h = await host();
    const l = await join();
    const long = '🎤'.repeat(121);
    expect((await expectError(h.c, { type: 'details', title: long }, 'bad_request')).message).toMatch(/at most 120 characters/);
    h.c.send({ type: 'details', title: '🎤'.repeat(120) });
    await l.c.next((m) => m.type === 'space' && m.space.title === '🎤'.repeat(120), WAIT);
  });

  it('is refused for a listener, for an empty message, and once the space has ended; an unchanged value is no change', async () => {
    const h = await host();
    const l = await join({ name: 'Lena' });
    expect((await expectError(l.c, { type: 'details', title: 'Mine now' }, 'forbidden')).message).toMatch(/only the host and co-hosts/);
    expect((await expectError(h.c, { type: 'details' }, 'bad_request')).message).toBe('send a title or a description');
    await expectError(h.c, { type: 'details', title: '   ' }, 'bad_request');
    // The same title and description again: nothing happens, nothing is logged.
    h.c.send({ type: 'details', title: 'Open mic', description: 'Bring a song' });
    await drained(h.c);
    await quiet();
    expect(auditOf(h.c)).toEqual([]);
    expect(server.listSpaces().find((s) => s.id === space.space.id)).toMatchObject({ title: 'Open mic', description: 'Bring a song' });
    await goLive(h);
    await settle(h.c, { type: 'end' }, (m) => m.type === 'space' && m.space.status === 'ended');
    expect((await expectError(h.c, { type: 'details', title: 'After the fact' }, 'invalid_state')).message).toMatch(/ended.*title and description/);
    expect(server.listSpaces().find((s) => s.id === space.space.id)).toMatchObject({ title: 'Open mic', status: 'ended' });
  });
});

describe('pins with captions', () => {
  it('a scheme-less X link with a caption reaches listeners parsed and tidied; a bad caption changes nothing', async () => {
    const h = await host();
    const l = await join();
    h.c.send({ type: 'pin', url: 'x.com/podium/status/123', caption: '  The thread   we are discussing 🚀 ' });
    const stage = await l.c.next((m): m is ServerMessageOf<'stage'> => m.type === 'stage' && m.pins.length === 1, WAIT);
    expect(stage.pins[0]).toMatchObject({ url: 'https://x.com/podium/status/123', kind: 'x', handle: 'podium', caption: 'The thread we are discussing 🚀' });
    expect((await auditLine(h.c, /pinned a post by @podium/)).type).toBe('audit');
    // 141 characters: refused with the reason, and neither pin nor caption changes.
    const before = l.c.received.filter(isType('stage')).length;
    expect((await expectError(h.c, { type: 'pin', url: 'https://example.org/b', caption: 'c'.repeat(141) }, 'bad_request')).message).toBe('a caption is at most 140 characters');
    expect((await expectError(h.c, { type: 'pin', url: 'x.com/podium/status/123', caption: '🚀'.repeat(141) }, 'bad_request')).message).toMatch(/at most 140/);
    await drained(h.c);
    await quiet();
    expect(l.c.received.filter(isType('stage')).length).toBe(before);
    // 140 emoji are 140 characters; the same link with a new caption changes the caption, not the pin.
    h.c.send({ type: 'pin', url: 'https://x.com/podium/status/123', caption: '🚀'.repeat(140) });
    const recaptioned = await l.c.next((m): m is ServerMessageOf<'stage'> => m.type === 'stage' && m.pins[0]?.caption === '🚀'.repeat(140), WAIT);
    expect(recaptioned.pins).toHaveLength(1);
    expect(recaptioned.pins[0]!.id).toBe(stage.pins[0]!.id);
    // A listener cannot pin, and a link that is no link is refused.
    await expectError(l.c, { type: 'pin', url: 'x.com/a/status/1', caption: 'mine' }, 'forbidden');
    expect((await expectError(h.c, { type: 'pin', url: 'localhost/x' }, 'bad_request')).message).toMatch(/not a link/);
  });
});

describe('one-tap co-host', () => {
  const offerOf = (m: ServerMessage) => (m.type === 'you' && m.you.cohostOffer ? m.you.cohostOffer : null);

  it('host asks → the listener sees the offer → a second connection takes the seat with it → moderates; the key works once', async () => {
    const h = await host();
    const sam = await speaker(h, 'Sam');
    const lena = await join({ name: 'Lena' });
    h.c.send({ type: 'mod', action: 'cohost', target: lena.id });
    const offered = await lena.c.next((m) => offerOf(m) !== null, WAIT);
    const offer = offerOf(offered)!;
    expect(offer).toEqual({ key: expect.stringMatching(/^[A-Za-z0-9_-]{24,128}$/), from: 'Ann', expiresAt: clock + COHOST_OFFER_MS });
    await auditLine(h.c, /^Ann asked Lena to co-host$/);
    // Asking again while she decides: said so, no second key.
    expect((await expectError(h.c, { type: 'mod', action: 'cohost', target: lena.id }, 'invalid_state')).message).toBe('Lena has not answered your last request yet');
    // Podium opens the space with the offer's key: a co-host seat with its own credential.
    const studio = await join({ credential: offer.key, name: 'Lena' });
    expect(studio.joined).toMatchObject({ role: 'cohost', seatCredential: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/) });
    const roster = await studio.c.next(isType('roster'), WAIT);
    expect(roster.participants.map((p) => p.name)).toEqual(expect.arrayContaining(['Ann', 'Sam', 'Lena']));
    // The page the offer was made on stops offering and says where the co-hosting is.
    await lena.c.next((m) => m.type === 'you' && m.you.cohostOffer === null, WAIT);
    expect((await lena.c.next(isType('notice'), WAIT)).text).toBe("You're co-hosting from Podium now.");
    await auditLine(h.c, /^Lena joined as co-host$/);
    // The new co-host moderates: mutes a speaker.
    studio.c.send({ type: 'mod', action: 'mute', target: sam.id });
    await sam.c.next((m) => m.type === 'you' && m.you.mutedBy === 'Lena', WAIT);
    expect(admin.calls).toContain(`mute ${space.space.id} ${sam.id}`);
    // The offer's key again (from anywhere): refused like a revoked invite; the seat's own credential still works.
    expect((await joinRefused(offer.key)).message).toBe('This co-host invitation has been used already. Ask the host to invite you again.');
    const back = await join({ credential: studio.joined.seatCredential!, key: studio.key });
    expect(back.joined.role).toBe('cohost');
  });

  it('is the host’s alone: a co-host asking is forbidden; a host or co-host cannot be asked', async () => {
    const h = await host();
    h.c.send({ type: 'cohostInvite', ref: 'inv' });
    const invite = (await h.c.next(isType('invite'), WAIT)).url;
    const co = await join({ credential: new URL(invite).hash.replace('#cohost=', ''), name: 'Cleo' });
    const max = await join({ name: 'Max' });
    expect((await expectError(co.c, { type: 'mod', action: 'cohost', target: max.id }, 'forbidden')).message).toBe('only the host can make co-hosts');
    expect((await expectError(h.c, { type: 'mod', action: 'cohost', target: co.id }, 'invalid_state')).message).toBe('Cleo is a co-host already');
    expect((await expectError(co.c, { type: 'mod', action: 'cohost', target: h.id }, 'forbidden')).message).toBe('only the host can make co-hosts');
    await quiet();
    expect(max.c.received.some((m) => offerOf(m) !== null)).toBe(false);
  });

  it('“no” withdraws the offer and tells the host; the key is refused after', async () => {
    const h = await host();
    const max = await join({ name: 'Max' });
    h.c.send({ type: 'mod', action: 'cohost', target: max.id });
    const offer = offerOf(await max.c.next((m) => offerOf(m) !== null, WAIT))!;
    max.c.send({ type: 'cohostDecline' });
    await max.c.next((m) => m.type === 'you' && m.you.cohostOffer === null, WAIT);
    await auditLine(h.c, /^Max said no to co-hosting$/);
    expect((await joinRefused(offer.key)).message).toMatch(/^You said no to this co-host invitation/);
    // Nothing left to decline.
    expect((await expectError(max.c, { type: 'cohostDecline' }, 'invalid_state')).message).toMatch(/no co-host invitation to answer/);
    // The host may ask again, with a new key.
    h.c.send({ type: 'mod', action: 'cohost', target: max.id });
    const again = offerOf(await max.c.next((m) => offerOf(m) !== null, WAIT))!;
    expect(again.key).not.toBe(offer.key);
  });

  it('is refused when every co-host seat is taken; removing the person withdraws an open offer', async () => {
    const h = await host();
    await settle(h.c, { type: 'settings', settings: { cohostLimit: 1 } }, (m) => m.type === 'stage' && m.settings.cohostLimit === 1);
    const rex = await join({ name: 'Rex' });
    h.c.send({ type: 'mod', action: 'cohost', target: rex.id });
    const offer = offerOf(await rex.c.next((m) => offerOf(m) !== null, WAIT))!;
    // Another takes the only seat through the invite link, which works as before beside offers.
    h.c.send({ type: 'cohostInvite', ref: 'inv' });
    const invite = (await h.c.next(isType('invite'), WAIT)).url;
    await join({ credential: new URL(invite).hash.replace('#cohost=', ''), name: 'Cleo' });
    const ivy = await join({ name: 'Ivy' });
    expect((await expectError(h.c, { type: 'mod', action: 'cohost', target: ivy.id }, 'invalid_state')).message).toBe(
      'every co-host seat is taken (1 of 1); remove a co-host or allow more first',
    );
    expect((await joinRefused(offer.key)).message).toBe('all co-host seats of this space are taken');
    // Removed: the offer goes with them.
    h.c.send({ type: 'mod', action: 'remove', target: rex.id });
    await rex.c.closed;
    expect((await joinRefused(offer.key)).message).toMatch(/^This co-host invitation was withdrawn/);
  });

  it('runs out after COHOST_OFFER_MS: the page stops offering, the log says so, the key is refused', async () => {
    const h = await host();
    const ada = await join({ name: 'Ada' });
    h.c.send({ type: 'mod', action: 'cohost', target: ada.id });
    const offer = offerOf(await ada.c.next((m) => offerOf(m) !== null, WAIT))!;
    clock += COHOST_OFFER_MS + 1;
    expect((await joinRefused(offer.key)).message).toMatch(/^This co-host invitation has run out \(they last 10 minutes\)/);
    // The server's tidy-up (every few seconds) tells the page and the host.
    await ada.c.next((m) => m.type === 'you' && m.you.cohostOffer === null, WAIT);
    await auditLine(h.c, /^Ada did not answer the request to co-host in time$/);
  });
});

describe('reactions name who sent them only when they are on stage', () => {
  it('the host and a speaker are named in `from`; a listener never is', async () => {
    const h = await host();
    const sam = await speaker(h, 'Sam');
    const lis = await join({ name: 'Lis' });
    h.c.send({ type: 'react', emoji: '🔥' });
    sam.c.send({ type: 'react', emoji: '🔥' });
    lis.c.send({ type: 'react', emoji: '🔥' });
    lis.c.send({ type: 'react', emoji: '👏' });
    const items: ServerMessageOf<'reactions'>['items'] = [];
    const deadline = Date.now() + WAIT;
    while (Date.now() < deadline && items.reduce((n, i) => n + i.count, 0) < 4) items.push(...(await lis.c.next(isType('reactions'), WAIT)).items);
    expect(items.reduce((n, i) => n + i.count, 0)).toBe(4);
    const from = new Set(items.flatMap((i) => i.from ?? []));
    expect(from).toEqual(new Set([h.id, sam.id]));
    expect(items.filter((i) => i.emoji === '👏').flatMap((i) => i.from ?? [])).toEqual([]);
  });
});

describe('Mute all', () => {
  it('with nobody to mute changes nothing and logs nothing; with speakers it counts them in words', async () => {
    const h = await host();
    const lis = await join();
    h.c.send({ type: 'muteAll', ref: 'none' });
    await drained(h.c);
    await quiet();
    expect(h.c.received.filter((m) => m.type === 'error' || m.type === 'notice')).toEqual([]);
    expect(auditOf(h.c)).toEqual([]);
    expect(lis.c.received.filter(isType('notice'))).toEqual([]);
    expect(admin.calls.filter((c) => c.startsWith('mute'))).toEqual([]);
    const one = await speaker(h, 'Sam');
    h.c.send({ type: 'muteAll' });
    await auditLine(h.c, /^Ann muted all speakers — 1 speaker$/);
    const notice = await one.c.next((m) => m.type === 'notice' && /muted all/.test(m.text), WAIT);
    expect(notice).toEqual({ type: 'notice', text: 'Ann muted all speakers. You can unmute yourself.' });
    await speaker(h, 'Tia');
    h.c.send({ type: 'muteAll' });
    await auditLine(h.c, /^Ann muted all speakers — 2 speakers$/);
  });
});

describe('the end-of-space summary', () => {
  it('counts a scripted space exactly, goes to moderators only, and again to a moderator joining the ended space', async () => {
    const T0 = clock;
    const h = await host();
    await goLive(h);
    const ava = await join({ name: 'Ava' });
    const bo = await join({ name: 'Bo' });
    const cy = await join({ name: 'Cy' });
    // Cy leaves, Dee joins: never more than 3 at once, 4 different people.
    await cy.c.close();
    await h.c.next((m) => m.type === 'rosterDelta' && m.remove.includes(cy.id), WAIT);
    const dee = await join({ name: 'Dee' });
    // Two hands; Ava goes on stage at +10 s and back to the listeners at +52 s.
    await settle(ava.c, { type: 'hand', raised: true }, (m) => m.type === 'you' && m.you.handRaised);
    await settle(bo.c, { type: 'hand', raised: true }, (m) => m.type === 'you' && m.you.handRaised);
    clock = T0 + 10_000;
    await settle(h.c, { type: 'mod', action: 'approve', target: ava.id }, (m) => m.type === 'rosterDelta' && m.upsert.some((p) => p.id === ava.id && p.role === 'speaker'));
    // Five reactions.
    for (const [who, emoji] of [[ava, '👏'], [bo, '👏'], [dee, '🔥'], [h, '👏'], [dee, '🔥']] as const) who.c.send({ type: 'react', emoji });
    let counted = 0;
    while (counted < 5) counted += (await h.c.next(isType('reactions'), WAIT)).items.reduce((n, i) => n + i.count, 0);
    clock = T0 + 52_000;
    // Waits for the demotion's own audit line: an earlier roster delta (her raised hand) also lists her as a listener.
    h.c.send({ type: 'mod', action: 'demote', target: ava.id });
    await auditLine(h.c, /^Ann moved Ava to the listeners$/);
    clock = T0 + 60_000;
    h.c.send({ type: 'end' });
    const { summary } = await h.c.next(isType('summary'), WAIT);
    const expected = {
      startedAt: T0,
      endedAt: T0 + 60_000,
      peakListeners: 3,
      totalListeners: 4,
      speakers: [
        { id: h.id, name: 'Ann', role: 'host', stageMs: 60_000 },
        { id: ava.id, name: 'Ava', role: 'speaker', stageMs: 42_000 },
      ],
      reactions: [
        { emoji: '👏', count: 3 },
        { emoji: '🔥', count: 2 },
      ],
      hands: 2,
    };
    expect(summary).toEqual(expected);
    // Listeners never get it.
    await drained(bo.c);
    for (const l of [ava, bo, dee]) expect(l.c.received.filter(isType('summary'))).toEqual([]);
    // A moderator opening the ended space gets it right after joining; a listener does not. Time has moved on: the
    // figures have not.
    clock = T0 + 3_600_000;
    const later = await host();
    const next = await later.c.next((m) => m.type === 'summary' || m.type === 'roster', WAIT);
    expect(next.type).toBe('roster');
    expect((await later.c.next(isType('summary'), WAIT)).summary).toEqual(expected);
    const latecomer = await join();
    await drained(latecomer.c);
    expect(latecomer.c.received.filter(isType('summary'))).toEqual([]);
    expect(latecomer.c.violations).toEqual([]);
  });
});
