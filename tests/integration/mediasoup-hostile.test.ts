// The mediasoup SFU against hand-made clients: a real mediasoup worker, the real space server and SQLite, and
// signalling sockets that do what a hostile client would. First the positive path — a host publishes, a listener
// receives a consumer of that voice — so that none of the refusals after it can pass vacuously. Then: a listener
// cannot create a send transport or produce; made-up, tampered and expired tokens are refused and their sockets
// closed; a removed or blocked person's socket is closed with SFU_CLOSE.refused and their kept token no longer opens
// one; a demotion closes the microphone at the SFU and refuses the next produce; and malformed, unknown, oversize,
// binary and premature frames, and other peers' ids, each get an error reply while a well-behaved peer in the same
// room is served throughout.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MediaGrant, ServerMessage } from '../../common/protocol';
import { SFU_CLOSE, SFU_SIGNAL_MAX_BYTES, SFU_SIGNAL_PATH } from '../../common/sfu-signal';
import type { SpaceServer } from '../../server/index';
import { CLIENT_DTLS, connectSignal, isEvent, OPUS_RECV_CAPABILITIES, opusRtpParameters, type SignalClient, useMediasoupSpaceServer } from '../support/mediasoup';
import { connect, type ServerMessageOf, type TestClient } from '../support/ws-client';

/** Waits on server-driven state: generous for a loaded 2-core machine. */
const WAIT = 15_000;

let server: SpaceServer;
let log: string[];
let clockOffset = 0;
const { clients, sockets } = useMediasoupSpaceServer((s) => ({ server, log } = s), {
  now: () => Date.now() + clockOffset,
  mediasoup: { listenIp: '127.0.0.1', helloDeadlineMs: 3_000 },
});

interface Person {
  c: TestClient;
  id: string;
  /** The next media grant sent to them. */
  grant(): Promise<MediaGrant>;
}

let refs = 0;
async function join(spaceId: string, opts: { credential?: string; name?: string } = {}): Promise<Person> {
  const c = await connect(server.protocolUrl);
  clients.push(c);
  const key = crypto.randomBytes(18).toString('base64url');
  const reply = await c.request({ type: 'join', ref: `j${++refs}`, spaceId, key, name: opts.name ?? 'Someone', ...(opts.credential ? { credential: opts.credential } : {}) });
  if (reply.type !== 'joined') throw new Error(`join failed: ${JSON.stringify(reply)}`);
  return { c, id: reply.participantId, grant: async () => (await c.next((m: ServerMessage): m is ServerMessageOf<'media'> => m.type === 'media', WAIT)).media };
}

/** A live space with its host joined. */
async function liveSpace(): Promise<{ spaceId: string; host: Person }> {
  const { space, hostKey } = server.createSpace({ title: 'Hostile clients', hostName: 'Ann' });
  const host = await join(space.id, { credential: hostKey });
  host.c.send({ type: 'start', ref: `s${++refs}` });
  return { spaceId: space.id, host };
}

async function signal(grant: MediaGrant): Promise<SignalClient> {
  const s = await connectSignal(grant.url);
  sockets.push(s);
  return s;
}

/** hello with the grant; expects it to be accepted. */
async function hello(grant: MediaGrant): Promise<{ s: SignalClient; canPublish: boolean }> {
  const s = await signal(grant);
  const reply = await s.request({ type: 'hello', token: grant.token });
  if (!reply.ok) throw new Error(`hello refused: ${JSON.stringify(reply)}`);
  return { s, canPublish: (reply.value as { canPublish: boolean }).canPublish };
}

async function ok(s: SignalClient, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const reply = await s.request(body);
  if (!reply.ok) throw new Error(`${String(body.type)} refused: ${JSON.stringify(reply)}`);
  return reply.value as Record<string, unknown>;
}

async function refused(s: SignalClient, body: Record<string, unknown>, code: string): Promise<void> {
  const reply = await s.request(body);
  expect(reply, `${String(body.type)} should be refused with ${code}`).toMatchObject({ ok: false, error: { code } });
}

let ssrc = 1000;
/** A publisher's send transport (connected, DTLS never finishing) and an Opus producer on it. */
async function publish(s: SignalClient): Promise<{ transportId: string; producerId: string }> {
  const transport = await ok(s, { type: 'createTransport', direction: 'send' });
  const transportId = String(transport.id);
  await ok(s, { type: 'connectTransport', transportId, dtlsParameters: CLIENT_DTLS });
  const produced = await ok(s, { type: 'produce', transportId, kind: 'audio', rtpParameters: opusRtpParameters(++ssrc), paused: false });
  return { transportId, producerId: String(produced.id) };
}

/** A receiving peer: receive transport, then ready; consumers follow as events. */
async function listen(s: SignalClient): Promise<string> {
  const transport = await ok(s, { type: 'createTransport', direction: 'recv' });
  await ok(s, { type: 'connectTransport', transportId: String(transport.id), dtlsParameters: CLIENT_DTLS });
  await ok(s, { type: 'ready', rtpCapabilities: OPUS_RECV_CAPABILITIES });
  return String(transport.id);
}

describe('the mediasoup SFU against hostile clients', () => {
  it('the request rate never refuses the resume of a voice the server handed out', async () => {
    const { spaceId, host } = await liveSpace();
    const h = await hello(await host.grant());
    const { producerId } = await publish(h.s);
    const listener = await join(spaceId, { name: 'Rae' });
    const l = await hello(await listener.grant());
    await listen(l.s);
    const consumer = await l.s.next(isEvent('consumer'), WAIT);
    expect(consumer.producerId).toBe(producerId);
    // The request burst spent (a big stage's resumes arrive like this, all at once), the one voice still resumes.
    for (let i = 0; i < 40; i++) l.s.sendRaw(JSON.stringify({ type: 'createTransport', id: 10_000 + i, direction: 'send' }));
    const resumed = await l.s.request({ type: 'resumeConsumer', consumerId: consumer.consumerId });
    expect(resumed).toMatchObject({ ok: true });
    expect(l.s.received.filter((m) => m.type === 'reply' && !m.ok && m.id === null && m.error.message.includes('too many requests')).length).toBeGreaterThan(0);
  });

  it('a host publishes and a listener receives that voice; the listener can neither send nor produce', async () => {
    const { spaceId, host } = await liveSpace();
    const hostGrant = await host.grant();
    expect(hostGrant).toMatchObject({ sfu: 'mediasoup', identity: host.id, canPublish: true });
    expect(new URL(hostGrant.url).pathname).toBe(SFU_SIGNAL_PATH);
    const h = await hello(hostGrant);
    expect(h.canPublish).toBe(true);
    const { transportId: hostSend, producerId } = await publish(h.s);

    const listener = await join(spaceId, { name: 'Lee' });
    const l = await hello(await listener.grant());
    expect(l.canPublish).toBe(false);
    await listen(l.s);
    const consumer = await l.s.next(isEvent('consumer'), WAIT);
    expect(consumer).toMatchObject({ producerId, identity: host.id, kind: 'audio' });
    await ok(l.s, { type: 'resumeConsumer', consumerId: consumer.consumerId });
    const peers = await l.s.next((m) => m.type === 'peers' && m.peers.some((p) => p.identity === host.id && p.publishing), WAIT);
    expect(peers).toBeTruthy();

    // The listener: no send transport, no producer on its own or on the host's transport.
    await refused(l.s, { type: 'createTransport', direction: 'send' }, 'forbidden');
    await refused(l.s, { type: 'produce', transportId: hostSend, kind: 'audio', rtpParameters: opusRtpParameters(++ssrc), paused: false }, 'forbidden');
    await refused(l.s, { type: 'produce', transportId: 'made-up', kind: 'audio', rtpParameters: opusRtpParameters(++ssrc), paused: false }, 'forbidden');
    const onSfu = await server.sfu.admin.listParticipants(spaceId);
    expect(onSfu.find((p) => p.identity === listener.id)).toEqual({ identity: listener.id, canPublish: false, micTracks: [] });
    expect(onSfu.find((p) => p.identity === host.id)?.micTracks).toHaveLength(1);
    expect(l.s.violations).toEqual([]);
    expect(h.s.violations).toEqual([]);
  });

  it('made-up and tampered tokens are refused and their sockets closed with SFU_CLOSE.refused', async () => {
    const { host } = await liveSpace();
    const grant = await host.grant();
    const madeUp = await signal(grant);
    await refused(madeUp, { type: 'hello', token: 'eyJyb29tIjoieCJ9.c2lnbmF0dXJl' }, 'forbidden');
    expect((await madeUp.closed).code).toBe(SFU_CLOSE.refused);

    const [body, sig] = grant.token.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    const tampered = await signal(grant);
    await refused(tampered, { type: 'hello', token: `${Buffer.from(JSON.stringify({ ...claims, exp: Number(claims.exp) + 3_600_000 })).toString('base64url')}.${sig}` }, 'forbidden');
    expect((await tampered.closed).code).toBe(SFU_CLOSE.refused);

    // The real grant still works: the refusals were about the tokens.
    const real = await hello(grant);
    expect(real.canPublish).toBe(true);
  });

  it('an expired token is refused and its socket closed', async () => {
    const { host } = await liveSpace();
    const grant = await host.grant();
    clockOffset = 6 * 60_000;
    try {
      const late = await signal(grant);
      await refused(late, { type: 'hello', token: grant.token }, 'forbidden');
      expect((await late.closed).code).toBe(SFU_CLOSE.refused);
    } finally {
      clockOffset = 0;
    }
  });

  it('a socket that never says hello is closed after the deadline', async () => {
    const { host } = await liveSpace();
    const silent = await signal(await host.grant());
    expect((await silent.closed).code).toBe(SFU_CLOSE.refused);
  });

  for (const action of ['remove', 'block'] as const) {
    it(`a ${action === 'remove' ? 'removed' : 'blocked'} person's socket is closed with refused, and their kept token opens nothing`, async () => {
      const { spaceId, host } = await liveSpace();
      await hello(await host.grant());
      const target = await join(spaceId, { name: 'Troll' });
      const kept = await target.grant();
      const t = await hello(kept);
      await listen(t.s);
      host.c.send({ type: 'mod', ref: `m${++refs}`, action, target: target.id });
      expect((await t.s.closed).code).toBe(SFU_CLOSE.refused);
      expect(await server.sfu.admin.listParticipants(spaceId)).not.toContainEqual(expect.objectContaining({ identity: target.id }));
      const again = await signal(kept);
      await refused(again, { type: 'hello', token: kept.token }, 'forbidden');
      expect((await again.closed).code).toBe(SFU_CLOSE.refused);
    });
  }

  it("a demoted speaker's microphone is closed at the SFU, their listeners are told, and produce is refused after", async () => {
    const { spaceId, host } = await liveSpace();
    await hello(await host.grant());
    const speaker = await join(spaceId, { name: 'Sam' });
    const sp = await hello(await speaker.grant());
    expect(sp.canPublish).toBe(false);
    speaker.c.send({ type: 'hand', ref: `h${++refs}`, raised: true });
    await host.c.next((m) => m.type === 'rosterDelta' && m.upsert.some((p) => p.id === speaker.id && p.handRaisedAt !== null), WAIT);
    host.c.send({ type: 'mod', ref: `m${++refs}`, action: 'approve', target: speaker.id });
    await sp.s.next((m) => m.type === 'rights' && m.canPublish, WAIT);
    const { transportId, producerId } = await publish(sp.s);

    const listener = await join(spaceId, { name: 'Lee' });
    const l = await hello(await listener.grant());
    await listen(l.s);
    const consumer = await l.s.next((m): m is Extract<typeof m, { type: 'consumer' }> => m.type === 'consumer' && m.producerId === producerId, WAIT);

    host.c.send({ type: 'mod', ref: `m${++refs}`, action: 'demote', target: speaker.id });
    await sp.s.next((m) => m.type === 'rights' && !m.canPublish, WAIT);
    await sp.s.next((m) => m.type === 'producer' && m.state === 'closed', WAIT);
    await l.s.next((m) => m.type === 'consumerClosed' && m.consumerId === consumer.consumerId, WAIT);
    await refused(sp.s, { type: 'produce', transportId, kind: 'audio', rtpParameters: opusRtpParameters(++ssrc), paused: false }, 'forbidden');
    await refused(sp.s, { type: 'createTransport', direction: 'send' }, 'forbidden');
    expect((await server.sfu.admin.listParticipants(spaceId)).find((p) => p.identity === speaker.id)).toMatchObject({ canPublish: false, micTracks: [] });
    expect(sp.s.isOpen()).toBe(true); // demoted, not removed: they keep listening
  });

  it("a moderator's mute pauses the producer at the SFU; its owner may lift it, as with LiveKit", async () => {
    const { spaceId, host } = await liveSpace();
    await hello(await host.grant());
    const speaker = await join(spaceId, { name: 'Sam' });
    const sp = await hello(await speaker.grant());
    speaker.c.send({ type: 'hand', ref: `h${++refs}`, raised: true });
    await host.c.next((m) => m.type === 'rosterDelta' && m.upsert.some((p) => p.id === speaker.id && p.handRaisedAt !== null), WAIT);
    host.c.send({ type: 'mod', ref: `m${++refs}`, action: 'approve', target: speaker.id });
    await sp.s.next((m) => m.type === 'rights' && m.canPublish, WAIT);
    await publish(sp.s);
    host.c.send({ type: 'mod', ref: `m${++refs}`, action: 'mute', target: speaker.id });
    await sp.s.next((m) => m.type === 'producer' && m.state === 'paused', WAIT);
    expect((await server.sfu.admin.listParticipants(spaceId)).find((p) => p.identity === speaker.id)?.micTracks).toEqual([expect.objectContaining({ muted: true })]);
    await ok(sp.s, { type: 'pauseProducer', paused: false });
    expect((await server.sfu.admin.listParticipants(spaceId)).find((p) => p.identity === speaker.id)?.micTracks).toEqual([expect.objectContaining({ muted: false })]);
  });

  it('ending the space closes every socket with refused, and a kept grant opens nothing after', async () => {
    const { spaceId, host } = await liveSpace();
    const h = await hello(await host.grant());
    await publish(h.s);
    const listener = await join(spaceId, { name: 'Lee' });
    const kept = await listener.grant();
    const l = await hello(kept);
    expect(await server.sfu.admin.listRooms()).toContain(spaceId);
    host.c.send({ type: 'end', ref: `e${++refs}` });
    expect((await h.s.closed).code).toBe(SFU_CLOSE.refused);
    expect((await l.s.closed).code).toBe(SFU_CLOSE.refused);
    expect(await server.sfu.admin.listRooms()).not.toContain(spaceId);
    const again = await signal(kept);
    await refused(again, { type: 'hello', token: kept.token }, 'forbidden');
    expect((await again.closed).code).toBe(SFU_CLOSE.refused);
  });

  it("a room nobody is in any more is closed, and opens again at the next hello", async () => {
    const { spaceId, host } = await liveSpace();
    const grant = await host.grant();
    const first = await hello(grant);
    expect(await server.sfu.admin.listRooms()).toContain(spaceId);
    await first.s.close();
    await expect.poll(() => server.sfu.admin.listRooms(), { timeout: WAIT }).not.toContain(spaceId);
    const second = await hello(grant);
    await publish(second.s);
    expect(await server.sfu.admin.listRooms()).toContain(spaceId);
  });

  it('malformed, unknown, oversize, binary and premature frames, and other peers’ ids, get error replies; a good peer is served throughout', async () => {
    const { spaceId, host } = await liveSpace();
    const good = await hello(await host.grant());
    const { transportId: goodSend } = await publish(good.s);

    const listener = await join(spaceId, { name: 'Mal' });
    const grant = await listener.grant();
    const bad = await signal(grant);
    // Before hello: nothing but hello is served.
    await refused(bad, { type: 'createTransport', direction: 'recv' }, 'invalid_state');
    await refused(bad, { type: 'ready', rtpCapabilities: OPUS_RECV_CAPABILITIES }, 'invalid_state');
    await ok(bad, { type: 'hello', token: grant.token });
    await refused(bad, { type: 'hello', token: grant.token }, 'invalid_state');

    const badReply = (m: Parameters<SignalClient['next']>[0] extends (x: infer X) => boolean ? X : never) => m.type === 'reply' && !m.ok && m.error.code === 'bad_request';
    bad.sendRaw('{not json');
    await bad.next(badReply, WAIT);
    bad.sendRaw(JSON.stringify({ type: 'sudo', id: 7 }));
    expect(await bad.next(badReply, WAIT)).toMatchObject({ id: 7 });
    bad.sendRaw(JSON.stringify({ type: 'createTransport', id: 8, direction: 'sideways' }));
    expect(await bad.next(badReply, WAIT)).toMatchObject({ id: 8 });
    bad.sendRaw(JSON.stringify({ type: 'resumeConsumer', id: 9, consumerId: 'x', extra: true }));
    expect(await bad.next(badReply, WAIT)).toMatchObject({ id: 9 });
    bad.sendRaw(JSON.stringify({ type: 'connectTransport', id: 10, transportId: 'x', dtlsParameters: { pad: 'x'.repeat(SFU_SIGNAL_MAX_BYTES) } }));
    await bad.next(badReply, WAIT);
    bad.sendRaw(Buffer.from([1, 2, 3]), true);
    await bad.next(badReply, WAIT);

    // Other peers' objects, and mediasoup's own refusals.
    await refused(bad, { type: 'connectTransport', transportId: goodSend, dtlsParameters: CLIENT_DTLS }, 'forbidden');
    await refused(bad, { type: 'resumeConsumer', consumerId: goodSend }, 'forbidden');
    await refused(bad, { type: 'pauseProducer', paused: true }, 'invalid_state');
    const recv = await ok(bad, { type: 'createTransport', direction: 'recv' });
    await refused(bad, { type: 'createTransport', direction: 'recv' }, 'invalid_state');
    await refused(bad, { type: 'connectTransport', transportId: String(recv.id), dtlsParameters: { role: 'nonsense', fingerprints: 'none' } }, 'failed');
    await refused(bad, { type: 'ready', rtpCapabilities: { codecs: 'all of them' } }, 'bad_request');

    // A flood is cut down by the rate limit, not served.
    for (let i = 0; i < 120; i++) bad.sendRaw(JSON.stringify({ type: 'closeProducer', id: 5000 + i }));
    await bad.next((m) => m.type === 'reply' && !m.ok && /slow down/.test(m.error.message), WAIT);

    // The well-behaved peer in the same room is still served, and its microphone is still on air.
    const before = good.s.received.length;
    await ok(good.s, { type: 'pauseProducer', paused: true });
    await ok(good.s, { type: 'pauseProducer', paused: false });
    expect(good.s.received.length).toBeGreaterThan(before);
    expect((await server.sfu.admin.listParticipants(spaceId)).find((p) => p.identity === host.id)?.micTracks).toHaveLength(1);
    expect(good.s.violations).toEqual([]);
    expect(bad.violations).toEqual([]);
    expect(log.filter((line) => /error handling|unhandled/i.test(line))).toEqual([]);
  });
});
