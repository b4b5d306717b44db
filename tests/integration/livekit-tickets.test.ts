// Ticketed spaces against a real livekit-server and a real space server (SQLite file), with protocol clients: codes
// that are wrong, reused by another browser, revoked or over capacity are refused in words a person understands and
// get no LiveKit token; guessing is throttled on a connection and across an address's connections; and a revoked
// ticket's holder is disconnected from the space and, whatever token they kept (the one LiveKit refreshed for them),
// from the SFU — checked with LiveKit's own participant list, as the removal tests do.
import { Room, RoomEvent } from '@livekit/rtc-node';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../common/protocol';
import { ticketRefusalText } from '../../common/tickets';
import { startSpaceServer } from '../../server/index';
import { createSfuAdmin, type SfuAdmin } from '../../server/livekit/admin';
import { refreshedToken } from '../support/livekit-signal';
import { sleep } from '../support/rtc-bot';
import { closeAll, startStack, type Stack } from '../support/stack';
import { connect, isType, type ServerMessageOf, type TestClient } from '../support/ws-client';

let stack: Stack;
let sfu: SfuAdmin;
let clockOffset = 0;
const rooms: Room[] = [];
const clients: TestClient[] = [];

beforeAll(async () => {
  // A slow sweep: the revoke's own removal and LiveKit's webhook are what is measured, not the backstop.
  stack = await startStack({ now: () => Date.now() + clockOffset, sweepEveryMs: 60_000, log: (l) => process.env.DEBUG_STACK && console.log(l) });
  sfu = createSfuAdmin(stack.lk);
}, 180_000);

afterAll(() => closeAll(rooms, clients, stack), 30_000);

const newKey = () => crypto.randomBytes(18).toString('base64url');

async function client(localAddress?: string): Promise<TestClient> {
  const c = await connect(stack.server.protocolUrl, undefined, localAddress ? { localAddress } : {});
  clients.push(c);
  return c;
}

/** A live space needing a ticket, with `count` tickets issued; its host's connection and the codes. */
async function ticketedSpace(title: string, capacity: number, count: number) {
  const { space, hostKey } = stack.server.createSpace({ title, hostName: 'Ann' });
  const host = await client();
  expect(await host.request({ type: 'join', ref: 'j', spaceId: space.id, key: newKey(), credential: hostKey, name: 'Ann' })).toMatchObject({ type: 'joined', role: 'host' });
  host.send({ type: 'ticketSettings', required: true, capacity });
  await host.next((m) => m.type === 'tickets' && m.settings.required && m.settings.capacity === capacity, 10_000);
  const issued = (await host.request({ type: 'ticketIssue', ref: 'i', count, label: 'Test batch' })) as ServerMessageOf<'ticketsIssued'>;
  expect(issued.type).toBe('ticketsIssued');
  expect(issued.tickets).toHaveLength(count);
  host.send({ type: 'start' });
  await host.next(isType('media'), 10_000);
  return { space, host, tickets: issued.tickets };
}

type Join = { c: TestClient; reply: ServerMessage };

async function join(spaceId: string, opts: { key?: string; ticket?: string; c?: TestClient; localAddress?: string; name?: string } = {}): Promise<Join> {
  const c = opts.c ?? (await client(opts.localAddress));
  const reply = await c.request({ type: 'join', ref: 'j', spaceId, key: opts.key ?? newKey(), name: opts.name ?? 'Lia', ...(opts.ticket !== undefined ? { ticket: opts.ticket } : {}) });
  return { c, reply };
}

/** The connection was refused for `reason`, in the words the listener page shows, and given no media grant. */
async function refused(j: Join, reason: string): Promise<void> {
  expect(j.reply).toMatchObject({ type: 'ticket', reason, message: ticketRefusalText(reason as never, (j.reply as { retryAfterMs?: number }).retryAfterMs ?? 0) });
  await sleep(1000);
  expect(j.c.received.filter((m) => m.type === 'media' || m.type === 'joined' || m.type === 'stage')).toEqual([]);
}

describe('a ticketed space on a real SFU', () => {
  it('refuses no code, a made-up code, another space’s code and bad input, with no LiveKit token; a valid code admits', async () => {
    const { space, tickets, host } = await ticketedSpace('Refusals', 10, 2);
    const other = await ticketedSpace('Other space', 10, 1);
    await refused(await join(space.id), 'required');
    await refused(await join(space.id, { ticket: 'ABCD-EFGH-JKMN-PQRS-TVWX-YZ01' }), 'invalid');
    await refused(await join(space.id, { ticket: other.tickets[0]!.code }), 'invalid');
    await refused(await join(space.id, { ticket: '"; DROP TABLE tickets; --' }), 'invalid');
    // Bad input changes nothing and throws nothing out of a handler: the host's next request is still answered.
    const bad = await client();
    bad.send({ type: 'join', ref: 'x', spaceId: space.id, ticket: 'x'.repeat(65) });
    expect(await bad.next(isType('error'), 10_000)).toMatchObject({ code: 'bad_request' });
    expect(await host.request({ type: 'ticketIssue', ref: 'bad1', count: 0 })).toMatchObject({ type: 'error', code: 'bad_request' });
    expect(await host.request({ type: 'ticketIssue', ref: 'bad2', count: 501 })).toMatchObject({ type: 'error', code: 'bad_request' });
    expect(await host.request({ type: 'ticketRevoke', ref: 'bad3', id: 'one' })).toMatchObject({ type: 'error', code: 'bad_request' });
    expect(await host.request({ type: 'ticketRevoke', ref: 'bad4', id: 987654 })).toMatchObject({ type: 'error', code: 'not_found' });
    expect(await host.request({ type: 'ticketSettings', ref: 'bad5', capacity: -1 })).toMatchObject({ type: 'error', code: 'bad_request' });
    expect(await bad.request({ type: 'ticketIssue', ref: 'bad6', count: 1 })).toMatchObject({ type: 'error', code: 'invalid_state' });

    // The valid code, typed as a person might: lower case, spaces instead of dashes.
    const typed = tickets[0]!.code.toLowerCase().replace(/(.{4})/g, '$1 ');
    const lia = await join(space.id, { ticket: typed });
    expect(lia.reply).toMatchObject({ type: 'joined', role: 'listener' });
    const grant = (await lia.c.next(isType('media'), 10_000)).media;
    const room = new Room();
    rooms.push(room);
    await room.connect(grant.url, grant.token, { autoSubscribe: true, dynacast: false });
    await sleep(1500);
    expect((await sfu.listParticipants(space.id)).map((p) => p.identity)).toContain(lia.reply.type === 'joined' ? lia.reply.participantId : '');

    // The host's counts moved with the first use.
    const counts = await host.next((m) => m.type === 'tickets' && m.counts.used === 1, 10_000);
    expect(counts).toMatchObject({ counts: { issued: 2, used: 1, revoked: 0, admitted: 1 } });
  });

  it('a ticket binds to its first browser: the same browser comes back, another is told it was used on another device', async () => {
    const { space, tickets } = await ticketedSpace('One browser', 10, 1);
    const key = newKey();
    const first = await join(space.id, { key, ticket: tickets[0]!.code });
    expect(first.reply).toMatchObject({ type: 'joined' });
    await first.c.next(isType('media'), 10_000);
    await first.c.close();
    const again = await join(space.id, { key, ticket: tickets[0]!.code });
    expect(again.reply).toMatchObject({ type: 'joined' });
    await again.c.next(isType('media'), 10_000);
    const thief = await join(space.id, { ticket: tickets[0]!.code });
    await refused(thief, 'used');
    expect((thief.reply as { message: string }).message).toBe('This ticket was already used on another device.');
  });

  it('admits people up to the capacity, then says the space is full; a holder still comes back', async () => {
    const { space, tickets } = await ticketedSpace('Capacity', 2, 3);
    const keyA = newKey();
    expect((await join(space.id, { key: keyA, ticket: tickets[0]!.code })).reply).toMatchObject({ type: 'joined' });
    expect((await join(space.id, { ticket: tickets[1]!.code })).reply).toMatchObject({ type: 'joined' });
    await refused(await join(space.id, { ticket: tickets[2]!.code }), 'full');
    expect((await join(space.id, { key: keyA, ticket: tickets[0]!.code })).reply).toMatchObject({ type: 'joined' });
  });

  it('a revoked ticket disconnects its holder from the space and the SFU, and the token they kept no longer keeps them there', async () => {
    const { space, tickets, host } = await ticketedSpace('Revoke', 10, 2);
    const key = newKey();
    const max = await join(space.id, { key, ticket: tickets[0]!.code, name: 'Max' });
    if (max.reply.type !== 'joined') throw new Error(JSON.stringify(max.reply));
    const id = max.reply.participantId;
    const grant = (await max.c.next(isType('media'), 10_000)).media;
    const kept = await refreshedToken(grant.url, grant.token);
    const room = new Room();
    rooms.push(room);
    const dropped = new Promise<void>((resolve) => room.on(RoomEvent.Disconnected, () => resolve()));
    await room.connect(grant.url, grant.token, { autoSubscribe: false, dynacast: false });
    await expect.poll(async () => (await sfu.listParticipants(space.id)).some((p) => p.identity === id), { timeout: 10_000 }).toBe(true);

    host.send({ type: 'ticketRevoke', ref: 'r', id: tickets[0]!.id });
    expect(await max.c.next(isType('removed'), 10_000)).toMatchObject({ message: 'The host revoked your ticket, so you are no longer in this space.' });
    expect((await max.c.closed).code).toBe(4403);
    await expect.poll(async () => (await sfu.listParticipants(space.id)).some((p) => p.identity === id), { timeout: 10_000 }).toBe(false);
    await dropped;
    await host.next((m) => m.type === 'tickets' && m.counts.revoked === 1, 10_000);
    await host.next((m) => m.type === 'audit' && m.entries.some((e) => e.action === `revoked ticket #${tickets[0]!.id}`), 10_000);

    // Back with the code: refused. Back on the SFU with the token LiveKit refreshed, 20 minutes on: dropped again.
    await refused(await join(space.id, { key, ticket: tickets[0]!.code }), 'revoked');
    clockOffset += 20 * 60_000;
    const attacker = new Room();
    rooms.push(attacker);
    const admitted = await attacker.connect(grant.url, kept, { autoSubscribe: false, dynacast: false }).then(() => true, () => false);
    expect(admitted).toBe(true); // LiveKit cannot refuse a valid token: enforcement must drop it
    await expect.poll(async () => (await sfu.listParticipants(space.id)).some((p) => p.identity === id), { timeout: 10_000 }).toBe(false);
    // The sweep (the backstop for a lost webhook) judges the same way.
    await stack.server.sweep();
    expect((await sfu.listParticipants(space.id)).some((p) => p.identity === id)).toBe(false);
  });

  it('turning tickets on asks listeners already there for one and takes them off the SFU; ticket holders and the host stay', async () => {
    const { space, hostKey } = stack.server.createSpace({ title: 'Turned on later', hostName: 'Ann' });
    const host = await client();
    expect(await host.request({ type: 'join', ref: 'j', spaceId: space.id, key: newKey(), credential: hostKey, name: 'Ann' })).toMatchObject({ type: 'joined' });
    host.send({ type: 'start' });
    await host.next(isType('media'), 10_000);
    const issued = (await host.request({ type: 'ticketIssue', ref: 'i', count: 1 })) as ServerMessageOf<'ticketsIssued'>;
    const holder = await join(space.id, { ticket: issued.tickets[0]!.code, name: 'Holder' });
    expect(holder.reply).toMatchObject({ type: 'joined' });
    const walkIn = await join(space.id, { name: 'Walk-in' });
    if (walkIn.reply.type !== 'joined') throw new Error(JSON.stringify(walkIn.reply));
    const walkInId = walkIn.reply.participantId;
    const grant = (await walkIn.c.next(isType('media'), 10_000)).media;
    const room = new Room();
    rooms.push(room);
    await room.connect(grant.url, grant.token, { autoSubscribe: false, dynacast: false });
    await expect.poll(async () => (await sfu.listParticipants(space.id)).some((p) => p.identity === walkInId), { timeout: 10_000 }).toBe(true);

    host.send({ type: 'ticketSettings', required: true });
    expect(await walkIn.c.next(isType('ticket'), 10_000)).toMatchObject({ reason: 'required', message: ticketRefusalText('required') });
    expect((await walkIn.c.closed).code).toBe(4402);
    await expect.poll(async () => (await sfu.listParticipants(space.id)).some((p) => p.identity === walkInId), { timeout: 10_000 }).toBe(false);
    await sleep(1000);
    expect(holder.c.isOpen()).toBe(true);
    expect(host.isOpen()).toBe(true);
    expect(holder.c.received.some((m) => m.type === 'ticket' || m.type === 'removed')).toBe(false);
  });

  it('a restarted space server (same SQLite file) keeps the setting, the bindings and the revocations', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-tickets-restart-'));
    const dbFile = path.join(dir, 'podium.sqlite');
    let server = await startSpaceServer({ dbFile, assetsDir: stack.dir, livekit: stack.lk, port: 0 });
    try {
      const { space, hostKey } = server.createSpace({ title: 'Restarted', hostName: 'Ann' });
      const host = await connect(server.protocolUrl);
      clients.push(host);
      await host.request({ type: 'join', ref: 'j', spaceId: space.id, key: newKey(), credential: hostKey, name: 'Ann' });
      host.send({ type: 'ticketSettings', required: true, capacity: 5 });
      await host.next((m) => m.type === 'tickets' && m.settings.required, 10_000);
      const issued = (await host.request({ type: 'ticketIssue', ref: 'i', count: 2 })) as ServerMessageOf<'ticketsIssued'>;
      host.send({ type: 'start' });
      await host.next(isType('media'), 10_000);
      const key = newKey();
      const joinOn = async (url: string, opts: { key?: string; ticket?: string }) => {
        const c = await connect(url);
        clients.push(c);
        return { c, reply: await c.request({ type: 'join', ref: 'j', spaceId: space.id, key: opts.key ?? newKey(), ...(opts.ticket ? { ticket: opts.ticket } : {}) }) };
      };
      expect((await joinOn(server.protocolUrl, { key, ticket: issued.tickets[0]!.code })).reply).toMatchObject({ type: 'joined' });
      expect((await joinOn(server.protocolUrl, { ticket: issued.tickets[1]!.code })).reply).toMatchObject({ type: 'joined' });
      host.send({ type: 'ticketRevoke', id: issued.tickets[1]!.id });
      await host.next((m) => m.type === 'tickets' && m.counts.revoked === 1, 10_000);

      await server.close();
      server = await startSpaceServer({ dbFile, assetsDir: stack.dir, livekit: stack.lk, port: 0 });
      await refused(await joinOn(server.protocolUrl, {}), 'required');
      const back = await joinOn(server.protocolUrl, { key, ticket: issued.tickets[0]!.code });
      expect(back.reply).toMatchObject({ type: 'joined' });
      await back.c.next(isType('media'), 10_000);
      await refused(await joinOn(server.protocolUrl, { ticket: issued.tickets[0]!.code }), 'used');
      await refused(await joinOn(server.protocolUrl, { ticket: issued.tickets[1]!.code }), 'revoked');
    } finally {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('throttles guessing on one connection: after five wrong codes even a valid one waits', async () => {
    const { space, tickets } = await ticketedSpace('Guessing', 10, 1);
    const c = await client('127.0.0.2');
    for (let i = 0; i < 5; i++) await refused(await join(space.id, { c, ticket: `ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZ${i}0` }), 'invalid');
    const slowed = await join(space.id, { c, ticket: tickets[0]!.code });
    await refused(slowed, 'throttled');
    const wait = (slowed.reply as { retryAfterMs: number }).retryAfterMs;
    expect(wait).toBeGreaterThan(30_000);
    expect((slowed.reply as { message: string }).message).toMatch(/^Too many attempts — wait \d+ s and try again\.$/);
    // Another connection from another address is not held back by this one.
    expect((await join(space.id, { ticket: tickets[0]!.code, localAddress: '127.0.0.4' })).reply).toMatchObject({ type: 'joined' });
  });

  it('throttles guessing across connections from one address: twenty wrong codes, then every new connection waits', async () => {
    const { space, tickets } = await ticketedSpace('Guessing wide', 10, 2);
    // A holder behind the same address, admitted before the guessing started.
    const holderKey = newKey();
    const before = await join(space.id, { key: holderKey, ticket: tickets[1]!.code, localAddress: '127.0.0.3' });
    expect(before.reply).toMatchObject({ type: 'joined' });
    await before.c.close();
    for (let k = 0; k < 4; k++) {
      const c = await client('127.0.0.3');
      for (let i = 0; i < 5; i++) await refused(await join(space.id, { c, ticket: `YYYY-YYYY-YYYY-YYYY-YYYY-Y${k}${i}0` }), 'invalid');
      await c.close();
    }
    const fresh = await join(space.id, { ticket: tickets[0]!.code, localAddress: '127.0.0.3' });
    await refused(fresh, 'throttled');
    expect((fresh.reply as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(60_000);
    expect((await join(space.id, { ticket: tickets[0]!.code, localAddress: '127.0.0.5' })).reply).toMatchObject({ type: 'joined' });
    // The holder's page reconnects with its code: a guesser on their address does not lock them out of their place.
    expect((await join(space.id, { key: holderKey, ticket: tickets[1]!.code, localAddress: '127.0.0.3' })).reply).toMatchObject({ type: 'joined' });
  });
});
