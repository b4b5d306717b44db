// Scheduling and follows through the space server itself (SQLite file, HTTP, the protocol): past starts refused and
// nothing stored; listeners see a reschedule and a cancel live; the .ics and the host's feed over HTTP parse; follows
// are idempotent, survive a restart of the server, and followers with another of the host's pages hear the go-live.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ICAL from 'ical.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PodiumError } from '../../common/result';
import { startSpaceServer, type SpaceServer } from '../../server/index';
import { recordingAdmin } from '../support/recording-admin';
import { connect, isType, type TestClient } from '../support/ws-client';

const LIVEKIT = { url: 'ws://127.0.0.1:1', apiKey: 'devkey', apiSecret: 'secret-secret-secret-secret-secret' };
const HOUR = 3_600_000;

let dir: string;
let server: SpaceServer;
let clients: TestClient[];

async function start(): Promise<SpaceServer> {
  return startSpaceServer({ dbFile: path.join(dir, 'podium.sqlite'), assetsDir: path.join(dir, 'renderer'), livekit: LIVEKIT, admin: recordingAdmin() });
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-schedule-'));
  clients = [];
  server = await start();
});
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function join(spaceId: string, key: string, credential?: string): Promise<TestClient> {
  const c = await connect(server.protocolUrl);
  clients.push(c);
  const joined = await c.request({ type: 'join', ref: 'join', spaceId, key, ...(credential ? { credential } : {}) });
  expect(joined.type).toBe('joined');
  return c;
}

function refusal(fn: () => unknown): PodiumError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PodiumError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('scheduling', () => {
  it('refuses a start in the past (and junk) with a reason, storing nothing', () => {
    const past = refusal(() => server.scheduleSpace({ title: 'Too late', scheduledAt: Date.now() - 60_000, hostName: 'Lena' }));
    expect(past.code).toBe('bad_request');
    expect(past.message).toMatch(/already passed/);
    for (const junk of [null, 'x', { title: 'x' }, { title: 'x', scheduledAt: '2030-01-01' }, { title: '', scheduledAt: Date.now() + HOUR }, { title: 'x', scheduledAt: 1e300 }]) {
      expect(refusal(() => server.scheduleSpace(junk)).code).toBe('bad_request');
    }
    expect(server.listSpaces()).toEqual([]);
    const { space } = server.scheduleSpace({ title: 'Fine', scheduledAt: Date.now() + HOUR });
    expect(refusal(() => server.rescheduleSpace({ spaceId: space.id, scheduledAt: Date.now() - 1 })).message).toMatch(/already passed/);
    expect(server.hostOverview().upcoming.map((s) => s.scheduledAt)).toEqual([space.scheduledAt]);
    expect(refusal(() => server.rescheduleSpace({ spaceId: 'zzzzzzzzzz', title: 'x' })).code).toBe('not_found');
    expect(refusal(() => server.cancelSpace({ spaceId: 'bad' })).code).toBe('bad_request');
  });

  it('a listener with the page open sees a reschedule and a cancel at once; the .ics follows over HTTP', async () => {
    const at = Date.now() + 3 * HOUR;
    const { space } = server.scheduleSpace({ title: 'Launch, part 1; \\o/', description: 'Line one\nLine two', scheduledAt: at, hostName: 'Lena' });
    const listener = await join(space.id, 'listener-key-aaaaaaaaaaaa');
    const ics = async () => {
      const res = await fetch(`${server.url}/s/${space.id}/calendar.ics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
      expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="podium-[a-z0-9]{10}\.ics"/);
      return new ICAL.Event(new ICAL.Component(ICAL.parse(await res.text())).getFirstSubcomponent('vevent')!);
    };
    const first = await ics();
    expect(first.summary).toBe('Launch, part 1; \\o/');
    expect(first.description).toMatch(/^Line one\nLine two/);
    expect(first.startDate.toJSDate().getTime()).toBe(Math.floor(at / 1000) * 1000);

    const moved = at + HOUR;
    server.rescheduleSpace({ spaceId: space.id, scheduledAt: moved });
    const update = await listener.next((m) => m.type === 'space' && m.space.scheduledAt === moved);
    expect(update.type).toBe('space');
    expect((await ics()).sequence).toBe(1);

    server.cancelSpace({ spaceId: space.id });
    const cancelled = await listener.next((m) => m.type === 'space' && m.space.cancelledAt !== undefined);
    expect(cancelled.type === 'space' && cancelled.space.status).toBe('ended');
    const last = await ics();
    expect(last.component.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(last.sequence).toBe(2);
    // Cancelling again changes nothing; rescheduling a cancelled space is refused.
    expect(server.cancelSpace({ spaceId: space.id }).cancelledAt).toBe(cancelled.type === 'space' ? cancelled.space.cancelledAt : -1);
    expect(refusal(() => server.rescheduleSpace({ spaceId: space.id, title: 'Back' })).code).toBe('invalid_state');

    expect((await fetch(`${server.url}/s/zzzzzzzzzz/calendar.ics`)).status).toBe(404);
    expect((await fetch(`${server.url}/s/..%2f/calendar.ics`)).status).toBe(404);
  });
});

describe('follows', () => {
  it('following is idempotent, survives a restart, counts for the studio, and the feed lists the host\'s spaces', async () => {
    const a = server.scheduleSpace({ title: 'First', scheduledAt: Date.now() + HOUR });
    const fan = await join(a.space.id, 'fan-key-aaaaaaaaaaaaaaaa');
    const initial = await fan.next(isType('follow'));
    expect(initial).toMatchObject({ following: false, followers: 0 });
    expect(await fan.request({ type: 'follow', ref: 'f1', on: true })).toMatchObject({ type: 'follow', following: true, followers: 1 });
    expect(await fan.request({ type: 'follow', ref: 'f2', on: true })).toMatchObject({ type: 'follow', following: true, followers: 1 });
    expect(await fan.request({ type: 'follow', ref: 'f3', on: 'yes' })).toMatchObject({ type: 'error', code: 'bad_request' });
    const host = await join(a.space.id, 'host-key-aaaaaaaaaaaaaaa', a.hostKey);
    expect(await host.request({ type: 'follow', ref: 'h', on: true })).toMatchObject({ type: 'error', code: 'bad_request' });
    expect(server.hostOverview().followers).toBe(1);

    const feedPath = initial.feed;
    expect(feedPath).toMatch(/^\/feeds\/[A-Za-z0-9_-]{22}\.ics$/);
    expect(server.hostOverview().feedUrl).toBe(server.url + feedPath);
    expect(server.hostOverview().webcalUrl).toMatch(/^webcal:\/\//);
    const feed = await (await fetch(server.url + feedPath)).text();
    const events = new ICAL.Component(ICAL.parse(feed)).getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events.map((e) => e.summary)).toEqual(['First']);
    expect((await fetch(`${server.url}/feeds/${'A'.repeat(22)}.ics`)).status).toBe(404);
    expect((await fetch(`${server.url}/feeds/nonsense.ics`)).status).toBe(404);

    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server.close();
    server = await start();
    expect(server.hostOverview().followers).toBe(1);
    const back = await join(a.space.id, 'fan-key-aaaaaaaaaaaaaaaa');
    expect(await back.next(isType('follow'))).toMatchObject({ following: true, followers: 1, feed: feedPath });
    expect(await back.request({ type: 'follow', ref: 'u1', on: false })).toMatchObject({ following: false, followers: 0 });
    expect(await back.request({ type: 'follow', ref: 'u2', on: false })).toMatchObject({ following: false, followers: 0 });
  });

  it("a follower with another of the host's pages open hears the go-live; someone who does not follow hears nothing", async () => {
    const later = server.scheduleSpace({ title: 'Later', scheduledAt: Date.now() + 5 * HOUR });
    const now = server.scheduleSpace({ title: 'Now', scheduledAt: Date.now() + HOUR });
    const fan = await join(later.space.id, 'fan-key-bbbbbbbbbbbbbbbb');
    await fan.request({ type: 'follow', ref: 'f', on: true });
    const stranger = await join(later.space.id, 'stranger-key-bbbbbbbbbb');
    const host = await join(now.space.id, 'host-key-bbbbbbbbbbbbbbb', now.hostKey);
    host.send({ type: 'start', ref: 'go' });
    const told = await fan.next(isType('hostLive'));
    expect(told).toMatchObject({ spaceId: now.space.id, title: 'Now' });
    await new Promise((r) => setTimeout(r, 500));
    expect(stranger.received.some((m) => m.type === 'hostLive')).toBe(false);
    expect(fan.violations).toEqual([]);
  });
});

describe('follows, limited', () => {
  it('ten changes in a row, then a polite refusal that changes nothing', async () => {
    const a = server.scheduleSpace({ title: 'First', scheduledAt: Date.now() + HOUR });
    const fan = await join(a.space.id, 'flip-key-aaaaaaaaaaaaaaa');
    for (let i = 0; i < 10; i++) {
      expect(await fan.request({ type: 'follow', ref: `f${i}`, on: i % 2 === 0 })).toMatchObject({ type: 'follow', following: i % 2 === 0 });
    }
    expect(await fan.request({ type: 'follow', ref: 'f10', on: true })).toMatchObject({ type: 'error', code: 'rate_limited' });
    expect(server.hostOverview().followers).toBe(0);
  });
});
