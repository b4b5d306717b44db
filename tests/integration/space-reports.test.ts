// Reports over the real space server, real WebSockets and a real SQLite file: listeners report a speaker, the host
// and a co-host see one case, the co-host takes it and decides; and every hostile attempt — bogus targets, oneself,
// the same report twice, floods from one client and from many, a listener deciding — is refused with a clear error
// and leaves the queue exactly right. A restart keeps the queue and its history. (The SFU side is recorded: what the
// server asked LiveKit to do; livekit-moderation.test.ts runs removals for real.)
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../common/protocol';
import type { ReportCase } from '../../common/reports';
import { openDatabase } from '../../server/store/db';
import { createReportStore } from '../../server/store/reports';
import { MAX_OPEN_REPORTS } from '../../server/reports';
import { startSpaceServer, type HostKeyed, type SpaceServer } from '../../server/index';
import { recordingAdmin, type RecordingAdmin } from '../support/recording-admin';
import { connect, isType, type ServerMessageOf, type TestClient } from '../support/ws-client';

const LIVEKIT = { url: 'ws://127.0.0.1:1', apiKey: 'devkey', apiSecret: 'secret-secret-secret-secret-secret' };
let dir: string;
let server: SpaceServer;
let admin: RecordingAdmin;
let space: HostKeyed;
let clients: TestClient[];

const ADMIN_TOKEN = 'admin-token-for-the-reports-test';
async function startServer(): Promise<SpaceServer> {
  const assetsDir = path.join(dir, 'assets');
  fs.mkdirSync(path.join(assetsDir, 'listener'), { recursive: true });
  fs.writeFileSync(path.join(assetsDir, 'listener', 'index.html'), '<!doctype html>');
  return startSpaceServer({ dbFile: path.join(dir, 'podium.sqlite'), assetsDir, livekit: LIVEKIT, admin, adminToken: ADMIN_TOKEN });
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-reports-'));
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
}
let refs = 0;
/** `from`: another loopback address, i.e. another client machine (limits count per address). */
async function join(opts: { credential?: string; name?: string; from?: number } = {}): Promise<Joined> {
  const c = await connect(server.protocolUrl, undefined, opts.from ? { localAddress: `127.0.0.${opts.from}` } : {});
  clients.push(c);
  const key = crypto.randomBytes(18).toString('base64url');
  const reply = await c.request({ type: 'join', ref: `j${++refs}`, spaceId: space.space.id, key, ...(opts.credential ? { credential: opts.credential } : {}), ...(opts.name ? { name: opts.name } : {}) });
  if (reply.type !== 'joined') throw new Error(`join failed: ${JSON.stringify(reply)}`);
  return { c, id: reply.participantId };
}
const host = () => join({ credential: space.hostKey });
async function cohost(h: Joined, name: string): Promise<Joined> {
  h.c.send({ type: 'cohostInvite' });
  const invite = new URL((await h.c.next(isType('invite'))).url);
  return join({ credential: invite.hash.replace('#cohost=', ''), name });
}
async function request(c: TestClient, message: Record<string, unknown>): Promise<ServerMessage> {
  return c.request({ ...message, ref: `r${++refs}` } as Record<string, unknown> & { ref: string });
}
async function expectError(c: TestClient, message: Record<string, unknown>, code: string, words?: RegExp): Promise<void> {
  const reply = await request(c, message);
  expect(reply).toMatchObject({ type: 'error', code });
  if (words) expect((reply as ServerMessageOf<'error'>).message).toMatch(words);
}
const report = (target: { kind: 'person' | 'pin'; id: string }, reason = 'harassment', note?: string) => ({ type: 'report', target, reason, ...(note !== undefined ? { note } : {}) });
/** The next queue a moderator is sent that passes `check`. */
async function queue(c: TestClient, check: (cases: ReportCase[], open: number) => boolean): Promise<ServerMessageOf<'reports'>> {
  return (await c.next((m) => m.type === 'reports' && check(m.cases, m.open), 10_000)) as ServerMessageOf<'reports'>;
}
/** The last queue a moderator was sent, after a moment for anything still coming. */
async function lastQueue(c: TestClient): Promise<ServerMessageOf<'reports'>> {
  await new Promise((r) => setTimeout(r, 400));
  return c.received.filter(isType('reports')).at(-1)!;
}
async function speaker(h: Joined, name: string): Promise<Joined> {
  const s = await join({ name });
  s.c.send({ type: 'hand', raised: true });
  await s.c.next((m) => m.type === 'you' && m.you.handRaised);
  h.c.send({ type: 'mod', action: 'approve', target: s.id });
  await s.c.next((m) => m.type === 'you' && m.you.role === 'speaker');
  return s;
}

describe('reporting a speaker', () => {
  it('two listeners report; host and co-host see one case of 2; the co-host takes and removes; the audit names the decision', async () => {
    const h = await host();
    const co = await cohost(h, 'Cole');
    const sam = await speaker(h, 'Sam');
    const lia = await join({ name: 'Lia', from: 2 });
    const max = await join({ name: 'Max', from: 3 });
    expect(h.c.received.filter(isType('reports')).at(-1)).toMatchObject({ cases: [], open: 0 });

    const first = await request(lia.c, report({ kind: 'person', id: sam.id }, 'harassment', '  Slurs at 12:03, twice.  '));
    expect(first).toMatchObject({ type: 'reported', key: `person:${sam.id}`, name: 'Sam' });
    expect((first as ServerMessageOf<'reported'>).text).toMatch(/the hosts have your report about Sam/);
    expect(await request(max.c, report({ kind: 'person', id: sam.id }, 'harassment'))).toMatchObject({ type: 'reported' });
    for (const c of [h.c, co.c]) {
      const q = await queue(c, (cases) => cases[0]?.reporters === 2);
      expect(q.open).toBe(1);
      expect(q.cases).toHaveLength(1);
      expect(q.cases[0]).toMatchObject({
        key: `person:${sam.id}`,
        target: { kind: 'person', id: sam.id, name: 'Sam', role: 'speaker', names: ['Sam'], joinedAt: expect.any(Number) },
        reasons: [{ reason: 'harassment', count: 2 }],
        reporters: 2,
        notes: [{ text: 'Slurs at 12:03, twice.' }],
        takenBy: null,
        decision: null,
      });
    }
    // Nobody else is sent the queue: not the speaker, not the listeners.
    for (const c of [sam.c, lia.c, max.c]) expect(c.received.some(isType('reports'))).toBe(false);
    // The same person cannot report the same target twice while it is open.
    await expectError(lia.c, report({ kind: 'person', id: sam.id }, 'spam'), 'invalid_state', /already reported Sam/);

    // The co-host takes it: the host sees it as theirs and cannot decide it meanwhile.
    co.c.send({ type: 'reportTake', key: `person:${sam.id}`, taken: true });
    await queue(h.c, (cases) => cases[0]?.takenBy === 'Cole');
    await expectError(h.c, { type: 'reportDecide', key: `person:${sam.id}`, action: 'dismiss' }, 'invalid_state', /Cole is handling/);
    await expectError(h.c, { type: 'reportTake', key: `person:${sam.id}`, taken: true }, 'invalid_state', /Cole is handling/);

    co.c.send({ type: 'reportDecide', key: `person:${sam.id}`, action: 'remove' });
    const decided = await queue(h.c, (cases) => cases[0]?.decision !== null && cases[0]?.decision !== undefined);
    expect(decided.open).toBe(0);
    expect(decided.cases[0]!.decision).toMatchObject({ action: 'remove', by: 'Cole', auditId: expect.any(Number) });
    expect(admin.calls).toContain(`remove ${space.space.id} ${sam.id}`);
    await sam.c.next(isType('removed'));
    const audits = h.c.received.filter(isType('audit')).flatMap((a) => a.entries);
    const line = audits.find((e) => e.id === decided.cases[0]!.decision!.auditId)!;
    expect(line).toMatchObject({ actor: 'Cole', action: 'decided the report about {target}: remove', target: 'Sam', detail: '2 reporters: harassment or hate ×2' });
    expect(audits.some((e) => e.actor === 'Cole' && e.action === 'removed {target}' && e.target === 'Sam')).toBe(true);
    // A second decision on the same case is refused with who handled it.
    await expectError(h.c, { type: 'reportDecide', key: `person:${sam.id}`, action: 'block' }, 'invalid_state', /Cole handled that report already \(remove\)/);

    // The export: every report with its decision, as the queue showed it.
    const exported = (await request(h.c, { type: 'reportsExport' })) as ServerMessageOf<'reportsExport'>;
    expect(exported.space).toEqual({ id: space.space.id, title: 'Open mic' });
    expect(exported.reports.map((r) => [r.reporterName, r.targetName, r.reason, r.note, r.decision?.action, r.decision?.by])).toEqual([
      ['Lia', 'Sam', 'harassment', 'Slurs at 12:03, twice.', 'remove', 'Cole'],
      ['Max', 'Sam', 'harassment', '', 'remove', 'Cole'],
    ]);
    await expectError(lia.c, { type: 'reportsExport' }, 'forbidden');

    // The queue and its history survive a restart of the space server, and so does the export.
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server.close();
    server = await startServer();
    const again = await host();
    const kept = again.c.received.filter(isType('reports')).at(-1) ?? (await queue(again.c, () => true));
    expect(kept.open).toBe(0);
    expect(kept.cases).toHaveLength(1);
    expect(kept.cases[0]).toMatchObject({ key: `person:${sam.id}`, reporters: 2, decision: { action: 'remove', by: 'Cole' } });
    const after = (await request(again.c, { type: 'reportsExport' })) as ServerMessageOf<'reportsExport'>;
    expect(after.reports).toEqual(exported.reports);
    // An ended space's reports can still be exported.
    again.c.send({ type: 'end' });
    await again.c.next((m) => m.type === 'space' && m.space.status === 'ended');
    expect(((await request(again.c, { type: 'reportsExport' })) as ServerMessageOf<'reportsExport'>).reports).toEqual(exported.reports);
  });

  it('a pinned post can be reported and unpinned from the report; a person cannot be "unpinned"', async () => {
    const h = await host();
    const lia = await join({ name: 'Lia' });
    h.c.send({ type: 'pin', url: 'https://example.org/spam' });
    const pin = (await lia.c.next((m) => m.type === 'stage' && m.pins.length === 1)) as ServerMessageOf<'stage'>;
    const pinId = pin.pins[0]!.id;
    expect(await request(lia.c, report({ kind: 'pin', id: pinId }, 'spam', 'a scam link'))).toMatchObject({ type: 'reported', key: `pin:${pinId}` });
    const q = await queue(h.c, (cases) => cases.length === 1);
    expect(q.cases[0]!.target).toMatchObject({ kind: 'pin', id: pinId, name: 'https://example.org/spam' });
    await expectError(h.c, { type: 'reportDecide', key: `pin:${pinId}`, action: 'remove' }, 'bad_request', /unpinned or the report dismissed/);
    h.c.send({ type: 'reportDecide', key: `pin:${pinId}`, action: 'unpin' });
    await lia.c.next((m) => m.type === 'stage' && m.pins.length === 0);
    expect((await queue(h.c, (cases) => cases[0]?.decision?.action === 'unpin')).open).toBe(0);
  });

  it('a report about a host or co-host goes to the server admin, never to the moderators it is about', async () => {
    const h = await host();
    const co = await cohost(h, 'Cole');
    const lia = await join({ name: 'Lia' });
    const said = (await request(lia.c, report({ kind: 'person', id: h.id }, 'impersonation'))) as ServerMessageOf<'reported'>;
    expect(said).toMatchObject({ type: 'reported', name: 'Ann' });
    expect(said.text).toMatch(/people who run this Podium server/);
    expect(await request(lia.c, report({ kind: 'person', id: co.id }, 'other', 'rude'))).toMatchObject({ type: 'reported', name: 'Cole' });
    for (const c of [h.c, co.c]) expect((await lastQueue(c)).cases).toEqual([]);
    // The moderators' export leaves them out too.
    expect(((await request(h.c, { type: 'reportsExport' })) as ServerMessageOf<'reportsExport'>).reports).toEqual([]);
    // The server's admin has them, over HTTP with the admin token (and only with it).
    const adminApi = (authorization?: string) => fetch(`${server.url}/api/admin/reports`, { headers: authorization ? { authorization } : {} });
    expect((await adminApi()).status).toBe(401);
    expect((await adminApi('Bearer wrong-token')).status).toBe(401);
    const answer = await adminApi(`Bearer ${ADMIN_TOKEN}`);
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { aboutHosts: { targetName: string; reason: string; forAdmin: boolean }[]; latest: unknown[] };
    expect(body.aboutHosts.map((r) => [r.targetName, r.reason, r.forAdmin])).toEqual([
      ['Cole', 'other', true],
      ['Ann', 'impersonation', true],
    ]);
    expect(body.latest).toHaveLength(2);
    const db = openDatabase(path.join(dir, 'podium.sqlite'));
    try {
      expect(createReportStore(db).forAdmin(10)).toHaveLength(2);
    } finally {
      db.close();
    }
  });
});

describe('who a report reaches', () => {
  it('a listener who becomes co-host with a one-tap offer stops seeing the reports about them: the admin has them', async () => {
    const h = await host();
    const xavi = await join({ name: 'Xavi', from: 2 });
    const lia = await join({ name: 'Lia', from: 3 });
    await request(lia.c, report({ kind: 'person', id: xavi.id }, 'harassment', 'said awful things'));
    await queue(h.c, (cases) => cases.some((c) => c.target.id === xavi.id));
    h.c.send({ type: 'mod', action: 'cohost', target: xavi.id });
    const offered = (await xavi.c.next((m) => m.type === 'you' && !!m.you.cohostOffer)) as ServerMessageOf<'you'>;
    // Xavi takes the seat from a studio (another key): as co-host they must not see, decide or export their own case.
    const studio = await join({ credential: offered.you.cohostOffer!.key, name: 'Xavi' });
    expect(studio.c.received.find(isType('joined'))?.role).toBe('cohost');
    await queue(h.c, (cases) => !cases.some((c) => c.target.id === xavi.id));
    expect((await lastQueue(studio.c)).cases.some((c) => c.target.id === xavi.id)).toBe(false);
    await expectError(studio.c, { type: 'reportDecide', key: `person:${xavi.id}`, action: 'dismiss' }, 'invalid_state', /no open report/);
    expect(((await request(studio.c, { type: 'reportsExport' })) as ServerMessageOf<'reportsExport'>).reports).toEqual([]);
    // A new report about the listener they were goes to the admin too.
    const max = await join({ name: 'Max', from: 4 });
    expect(((await request(max.c, report({ kind: 'person', id: xavi.id }, 'spam'))) as ServerMessageOf<'reported'>).text).toMatch(/people who run this Podium server/);
    const body = (await (await fetch(`${server.url}/api/admin/reports`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).json()) as { aboutHosts: { targetName: string; reason: string }[] };
    expect(body.aboutHosts.map((r) => [r.targetName, r.reason])).toEqual([
      ['Xavi', 'spam'],
      ['Xavi', 'harassment'],
    ]);
  });
});

describe('hostile reporters', () => {
  it('bogus targets, oneself, bad reasons and oversized notes: clear errors, nothing filed', async () => {
    const h = await host();
    const lia = await join({ name: 'Lia' });
    await expectError(lia.c, report({ kind: 'person', id: lia.id }), 'invalid_state', /cannot report yourself/);
    await expectError(lia.c, report({ kind: 'person', id: 'p0123456789abcdef' }), 'not_found', /not in this space/);
    await expectError(lia.c, report({ kind: 'person', id: 'nobody' }), 'bad_request', /participant id/);
    await expectError(lia.c, report({ kind: 'pin', id: 'abcdef123456' }), 'not_found', /no longer pinned/);
    await expectError(lia.c, report({ kind: 'pin', id: '../nope' }), 'bad_request', /pin id/);
    await expectError(lia.c, { type: 'report', target: { kind: 'space', id: 'x' }, reason: 'spam' }, 'bad_request');
    await expectError(lia.c, report({ kind: 'person', id: h.id }, 'rude'), 'bad_request', /reason/);
    await expectError(lia.c, report({ kind: 'person', id: h.id }, 'spam', 'x'.repeat(301)), 'bad_request', /at most 300 characters/);
    await expectError(lia.c, { ...report({ kind: 'person', id: h.id }), extra: 1 }, 'bad_request');
    // A listener cannot take or decide a case (nor see one).
    await expectError(lia.c, { type: 'reportTake', key: `person:${h.id}`, taken: true }, 'forbidden');
    await expectError(lia.c, { type: 'reportDecide', key: `person:${h.id}`, action: 'dismiss' }, 'forbidden');
    await expectError(h.c, { type: 'reportDecide', key: 'person:p0123456789abcdef', action: 'dismiss' }, 'invalid_state', /no open report/);
    await expectError(h.c, { type: 'reportDecide', key: 'space:x', action: 'dismiss' }, 'bad_request');
    expect((await lastQueue(h.c)).cases).toEqual([]);
    expect(lia.c.received.some(isType('reports'))).toBe(false);
  });

  it('floods from one client and from many are limited; every accepted report is in the queue, exactly', async () => {
    const h = await host();
    const targets = await Promise.all(Array.from({ length: 12 }, (_, i) => join({ name: `T${i}`, from: 100 + i })));
    // One client: five in a row, then refused.
    const eve = await join({ name: 'Eve', from: 2 });
    const eveReplies = await Promise.all(targets.map((t) => request(eve.c, report({ kind: 'person', id: t.id }, 'spam'))));
    expect(eveReplies.filter((r) => r.type === 'reported')).toHaveLength(5);
    expect(eveReplies.filter((r) => r.type === 'error' && r.code === 'rate_limited')).toHaveLength(7);
    // Many clients from one address (fresh keys are free): ten, then the address is refused.
    const sybils = await Promise.all(Array.from({ length: 14 }, (_, i) => join({ name: `S${i}`, from: 3 })));
    const sybilReplies = await Promise.all(sybils.map((s, i) => request(s.c, report({ kind: 'person', id: targets[i % 12]!.id }, 'other'))));
    expect(sybilReplies.filter((r) => r.type === 'reported')).toHaveLength(10);
    expect(sybilReplies.filter((r) => r.type === 'error' && r.code === 'rate_limited')).toHaveLength(4);
    // Many addresses: the space takes 30 in a burst (and one a second after), then refuses the rest; the server keeps
    // serving. 15 of the burst are spent above, so of 30 more at least 15 go through and some must be refused.
    const crowd = await Promise.all(Array.from({ length: 30 }, (_, i) => join({ name: `C${i}`, from: 150 + i })));
    const crowdReplies = await Promise.all(crowd.map((c, i) => request(c.c, report({ kind: 'person', id: targets[i % 12]!.id }, 'violence'))));
    const crowdAccepted = crowdReplies.filter((r) => r.type === 'reported').length;
    const refused = crowdReplies.filter((r) => r.type === 'error');
    expect(crowdAccepted).toBeGreaterThanOrEqual(15);
    expect(refused.length).toBe(30 - crowdAccepted);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) expect(r).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/hosts are receiving many reports/) });
    const accepted = 5 + 10 + crowdAccepted;
    // Exactly the accepted ones, grouped by target.
    const q = await lastQueue(h.c);
    expect(q.cases.reduce((n, c) => n + c.reporters, 0)).toBe(accepted);
    expect(q.open).toBe(q.cases.length);
    expect(await request(h.c, { type: 'ping' })).toMatchObject({ type: 'pong' });
  });

  it('leaving and coming back with the same key does not refill a reporter’s limit', async () => {
    const h = await host();
    const targets = await Promise.all(Array.from({ length: 6 }, (_, i) => join({ name: `T${i}`, from: 100 + i })));
    const key = crypto.randomBytes(18).toString('base64url');
    const again = async (from: number) => {
      const c = await connect(server.protocolUrl, undefined, { localAddress: `127.0.0.${from}` });
      clients.push(c);
      await c.request({ type: 'join', ref: `j${++refs}`, spaceId: space.space.id, key, name: 'Eve' });
      return c;
    };
    const first = await again(2);
    for (const t of targets.slice(0, 5)) expect(await request(first, report({ kind: 'person', id: t.id }, 'spam'))).toMatchObject({ type: 'reported' });
    await first.close();
    const second = await again(3);
    await expectError(second, report({ kind: 'person', id: targets[5]!.id }, 'spam'), 'rate_limited', /several reports/);
    expect((await lastQueue(h.c)).cases).toHaveLength(5);
  });

  it('a full queue refuses new reports with a reason, and keeps every one it holds', async () => {
    const h = await host();
    const sam = await join({ name: 'Sam', from: 2 });
    const lia = await join({ name: 'Lia', from: 3 });
    const db = openDatabase(path.join(dir, 'podium.sqlite'));
    try {
      const store = createReportStore(db);
      for (let i = 0; i < MAX_OPEN_REPORTS; i++) {
        store.add({ spaceId: space.space.id, targetKey: `person:p${String(i).padStart(16, '0')}`, targetName: `P${i}`, targetRole: 'listener', targetSubject: null, targetJoinedAt: null, reporterSubject: `r${i}`, reporterName: 'R', reason: 'spam', note: '', at: i, forAdmin: false });
      }
    } finally {
      db.close();
    }
    await expectError(lia.c, report({ kind: 'person', id: sam.id }), 'rate_limited', new RegExp(`${MAX_OPEN_REPORTS} reports to look at already`));
    // The queue sends the newest 100 open cases and counts all of them.
    const q = await (async () => {
      h.c.send({ type: 'reportTake', key: 'person:p0000000000000001', taken: true });
      return queue(h.c, (_, open) => open === MAX_OPEN_REPORTS);
    })();
    expect(q.cases.filter((c) => c.decision === null)).toHaveLength(100);
  });

  it('moving a listener "to the listeners" is refused from a report, so the case never closes on nothing', async () => {
    const h = await host();
    const eve = await join({ name: 'Eve', from: 2 });
    const lia = await join({ name: 'Lia', from: 3 });
    await request(lia.c, report({ kind: 'person', id: eve.id }, 'spam'));
    await queue(h.c, (cases) => cases.length === 1);
    await expectError(h.c, { type: 'reportDecide', key: `person:${eve.id}`, action: 'demote' }, 'invalid_state', /listener already/);
    expect((await lastQueue(h.c)).open).toBe(1);
  });

  it('a removed reporter’s earlier reports stay, and a removed person can still be reported', async () => {
    const h = await host();
    const sam = await speaker(h, 'Sam');
    const eve = await join({ name: 'Eve', from: 2 });
    const lia = await join({ name: 'Lia', from: 3 });
    await request(eve.c, report({ kind: 'person', id: sam.id }, 'spam'));
    h.c.send({ type: 'mod', action: 'remove', target: eve.id });
    await eve.c.next(isType('removed'));
    h.c.send({ type: 'mod', action: 'remove', target: sam.id });
    await sam.c.next(isType('removed'));
    expect(await request(lia.c, report({ kind: 'person', id: sam.id }, 'harassment'))).toMatchObject({ type: 'reported', name: 'Sam' });
    const q = await queue(h.c, (cases) => cases[0]?.reporters === 2);
    expect(q.cases[0]!.reasons).toEqual(expect.arrayContaining([{ reason: 'spam', count: 1 }, { reason: 'harassment', count: 1 }]));
    // Mute on someone who is gone is refused plainly, and the case stays open for another decision.
    await expectError(h.c, { type: 'reportDecide', key: `person:${sam.id}`, action: 'mute' }, 'not_found', /no longer in the space/);
    h.c.send({ type: 'reportDecide', key: `person:${sam.id}`, action: 'block' });
    await queue(h.c, (cases) => cases[0]?.decision?.action === 'block');
  });
});
