// The mediasoup SFU against an attacker, beyond tests/integration/mediasoup-hostile.test.ts. Real space server, real
// worker, real SQLite, hand-made signalling clients. Hostile RTP/DTLS descriptions and capabilities must come back as
// replies and never kill the worker (that would drop every space on the server); a client that floods without reading
// is cut rather than buffered for; one that floods while reading is closed rather than answered forever; reconnect
// storms do not fan out a full peer list per reconnect; removals, the space's end and demotions that land while the
// worker is busy (stopped here with SIGSTOP) still win; and odd frames, pipelined requests and foreign tokens hold.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { MediaGrant, ServerMessage } from '../../common/protocol';
import type { SpaceServer } from '../../server/index';
import type { MediasoupSfu } from '../../server/sfu/mediasoup/index';
import { createGrantTokens } from '../../server/sfu/mediasoup/token';
import { CLIENT_DTLS, connectSignal, OPUS_RECV_CAPABILITIES, opusRtpParameters, startMediasoupSpaceServer, type SignalClient, useMediasoupSpaceServer } from '../support/mediasoup';
import { HOSTILE_CAPS, HOSTILE_DTLS, HOSTILE_RTP } from '../support/mediasoup-hostile-inputs';
import { connect, type ServerMessageOf, type TestClient } from '../support/ws-client';

const WAIT = 15_000;

let server: SpaceServer;
let log: string[];
const { clients, sockets } = useMediasoupSpaceServer((s) => ({ server, log } = s));

let refs = 0;
async function join(spaceId: string, opts: { credential?: string; name?: string } = {}, srv = server): Promise<{ c: TestClient; id: string; grant(): Promise<MediaGrant> }> {
  const c = await connect(srv.protocolUrl);
  clients.push(c);
  const key = crypto.randomBytes(18).toString('base64url');
  const reply = await c.request({ type: 'join', ref: `j${++refs}`, spaceId, key, name: opts.name ?? 'Someone', ...(opts.credential ? { credential: opts.credential } : {}) });
  if (reply.type !== 'joined') throw new Error(`join failed: ${JSON.stringify(reply)}`);
  return { c, id: reply.participantId, grant: async () => (await c.next((m: ServerMessage): m is ServerMessageOf<'media'> => m.type === 'media', WAIT)).media };
}

async function liveSpace(srv = server): Promise<{ spaceId: string; host: Awaited<ReturnType<typeof join>> }> {
  const { space, hostKey } = srv.createSpace({ title: 'Attacks', hostName: 'Ann' });
  const host = await join(space.id, { credential: hostKey }, srv);
  host.c.send({ type: 'start', ref: `s${++refs}` });
  return { spaceId: space.id, host };
}

async function hello(grant: MediaGrant): Promise<SignalClient> {
  const s = await connectSignal(grant.url);
  sockets.push(s);
  const reply = await s.request({ type: 'hello', token: grant.token });
  if (!reply.ok) throw new Error(`hello refused: ${JSON.stringify(reply)}`);
  return s;
}

async function ok(s: SignalClient, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const reply = await s.request(body);
  if (!reply.ok) throw new Error(`${String(body.type)} refused: ${JSON.stringify(reply)}`);
  return reply.value as Record<string, unknown>;
}

/** One request at the rate limit's pace (10 a second), so what is tested is mediasoup, not the limiter. */
async function paced(s: SignalClient, body: Record<string, unknown>): Promise<Awaited<ReturnType<SignalClient['request']>>> {
  await new Promise((resolve) => setTimeout(resolve, 110));
  return s.request(body, WAIT);
}

const workerPid = (): number | null => (server.sfu as MediasoupSfu).workerPid();
describe('the mediasoup SFU against hostile media descriptions', () => {
  it('hostile RTP parameters, DTLS parameters and RTP capabilities get replies; the worker survives, and a listener still gets a voice after', async () => {
    const pid = workerPid();
    expect(pid).not.toBeNull();
    const { spaceId, host } = await liveSpace();
    const h = await hello(await host.grant());
    const send = String((await ok(h, { type: 'createTransport', direction: 'send' })).id);
    const recv = String((await ok(h, { type: 'createTransport', direction: 'recv' })).id);
    // A listener ready from the start: every hostile producer mediasoup accepts is consumed for it, and resumed.
    const l = await join(spaceId, { name: 'Lee' });
    const lgrant = await l.grant();
    const watcher = await hello(lgrant);
    await ok(watcher, { type: 'createTransport', direction: 'recv' });
    await ok(watcher, { type: 'ready', rtpCapabilities: OPUS_RECV_CAPABILITIES });
    const outcomes: string[] = [];
    for (const [name, rtpParameters] of HOSTILE_RTP) {
      const reply = await paced(h, { type: 'produce', transportId: send, kind: 'audio', rtpParameters, paused: name.length % 2 === 0 });
      outcomes.push(`produce ${name}: ${reply.ok ? 'ok' : reply.error.code}`);
      if (reply.ok) {
        const consumer = await watcher.next((m) => m.type === 'consumer' && m.producerId === (reply.value as { id: string }).id, WAIT);
        if (consumer.type === 'consumer') await paced(watcher, { type: 'resumeConsumer', consumerId: consumer.consumerId });
        await paced(h, { type: 'pauseProducer', paused: false });
        await paced(h, { type: 'closeProducer' });
        await paced(h, { type: 'closeProducer' });
      }
      expect(workerPid(), `the worker died at produce with ${name}`).toBe(pid);
    }
    for (const [name, dtlsParameters] of HOSTILE_DTLS) {
      const reply = await paced(h, { type: 'connectTransport', transportId: recv, dtlsParameters });
      outcomes.push(`connect ${name}: ${reply.ok ? 'ok' : reply.error.code}`);
      expect(workerPid(), `the worker died at connect with ${name}`).toBe(pid);
    }
    // A voice on air while hostile capabilities say ready: each is consumed with them.
    await paced(h, { type: 'produce', transportId: send, kind: 'audio', rtpParameters: opusRtpParameters(555), paused: false });
    for (const [name, rtpCapabilities] of HOSTILE_CAPS) {
      const s = await hello(lgrant); // a fresh connection each: ready is said once per connection
      await ok(s, { type: 'createTransport', direction: 'recv' });
      const reply = await s.request({ type: 'ready', rtpCapabilities }, WAIT);
      outcomes.push(`ready ${name}: ${reply.ok ? 'ok' : reply.error.code}`);
      expect(workerPid(), `the worker died at ready with ${name}`).toBe(pid);
    }
    // After all that the host still publishes and a listener still receives.
    await paced(h, { type: 'closeProducer' });
    const produced = await ok(h, { type: 'produce', transportId: send, kind: 'audio', rtpParameters: opusRtpParameters(777), paused: false });
    const s = await hello(lgrant);
    await ok(s, { type: 'createTransport', direction: 'recv' });
    await ok(s, { type: 'ready', rtpCapabilities: OPUS_RECV_CAPABILITIES });
    await s.next((m) => m.type === 'consumer' && m.producerId === produced.id, WAIT);
    expect(workerPid(), `the worker died; what each input got: ${outcomes.join('; ')}`).toBe(pid);
    expect(h.violations).toEqual([]);
    expect(log.filter((line) => /died|unhandled/i.test(line))).toEqual([]);
  }, 120_000);

  it('a socket that floods and never reads is cut, not buffered for without bound; its room is served on', async () => {
    // A server that answers every refusal, so that the flood reaches the slow-reader cut (the refusal cut, tested
    // below, would close this socket long before).
    const own = await startMediasoupSpaceServer({ mediasoup: { listenIp: '127.0.0.1', refusalRate: [1e9, 1e9] } });
    try {
      const { spaceId, host } = await liveSpace(own.server);
      const h = await hello(await host.grant());
      const attacker = await join(spaceId, { name: 'Mal' }, own.server);
      const a = await hello(await attacker.grant());
      expect((await own.server.sfu.admin.listParticipants(spaceId)).map((p) => p.identity)).toContain(attacker.id);
      // Stop reading: every reply and event for it now piles up on the server's side once the kernel's buffers fill.
      (a.ws as unknown as { _socket: Socket })._socket.pause();
      try {
        // Each frame is refused by the rate limit with a reply ~40 times its size: 300k frames ask for ~30 MB.
        for (let i = 0; i < 300_000; i++) a.ws.send('{}');
        await expect.poll(async () => (await own.server.sfu.admin.listParticipants(spaceId)).map((p) => p.identity), { timeout: 30_000, interval: 250 }).not.toContain(attacker.id);
      } finally {
        a.ws.terminate();
      }
      expect(own.log.some((line) => /bytes behind/.test(line))).toBe(true);
      // The host, in the same room, is served throughout.
      await ok(h, { type: 'createTransport', direction: 'recv' });
      expect(h.violations).toEqual([]);
    } finally {
      await Promise.all(sockets.splice(0).map((x) => x.close()));
      await own.server.close();
      fs.rmSync(own.dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('a second connection of the only peer in a room replaces the first and still works (the room is not closed under it)', async () => {
    const { spaceId, host } = await liveSpace();
    const grant = await host.grant();
    const first = await hello(grant);
    const second = await hello(grant);
    expect((await first.closed).code).toBe(4403);
    // The newer connection is served: its room's router was not closed when the older one left it empty.
    await ok(second, { type: 'createTransport', direction: 'send' });
    await ok(second, { type: 'createTransport', direction: 'recv' });
    expect(await server.sfu.admin.listRooms()).toContain(spaceId);
    expect((await server.sfu.admin.listParticipants(spaceId)).map((p) => p.identity)).toEqual([host.id]);
  });

  it('odd frames and interleaved requests each get one reply; nothing throws out of a handler', async () => {
    const { host } = await liveSpace();
    const grant = await host.grant();
    const s = await hello(grant);
    const replyTo = (id: number | null) => (m: { type: string; id?: number | null }) => m.type === 'reply' && m.id === id;
    // Deep nesting (parsed or not, it is no request), ids beyond safe integers and negative, and unknown types.
    s.sendRaw('['.repeat(30_000));
    await s.next((m) => m.type === 'reply' && !m.ok && m.id === null, WAIT);
    s.sendRaw(JSON.stringify({ type: 'ready', id: 1, rtpCapabilities: JSON.parse('{"a":'.repeat(3000) + '1' + '}'.repeat(3000)) as unknown }));
    await s.next(replyTo(1), WAIT);
    s.sendRaw(`{"type":"closeProducer","id":${'9'.repeat(400)}}`);
    await s.next((m) => m.type === 'reply' && !m.ok && m.id === null, WAIT);
    s.sendRaw('{"type":"closeProducer","id":9007199254740993}');
    await s.next((m) => m.type === 'reply' && !m.ok && m.id === null, WAIT);
    s.sendRaw('{"type":"closeProducer","id":-4}');
    await s.next((m) => m.type === 'reply' && !m.ok && m.id === null, WAIT);
    s.sendRaw('{"type":"__proto__","id":5,"__proto__":{"ok":true}}');
    await s.next(replyTo(5), WAIT);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // Interleaved without awaiting: transport, connect twice, produce paused, resume, close twice — one reply each.
    const send = String((await ok(s, { type: 'createTransport', direction: 'send' })).id);
    const burst = [
      { type: 'connectTransport', id: 11, transportId: send, dtlsParameters: CLIENT_DTLS },
      { type: 'connectTransport', id: 12, transportId: send, dtlsParameters: CLIENT_DTLS },
      { type: 'produce', id: 13, transportId: send, kind: 'audio', rtpParameters: opusRtpParameters(31), paused: true },
      { type: 'pauseProducer', id: 14, paused: false },
      { type: 'produce', id: 15, transportId: send, kind: 'audio', rtpParameters: opusRtpParameters(31), paused: false },
      { type: 'closeProducer', id: 16 },
      { type: 'closeProducer', id: 17 },
      { type: 'pauseProducer', id: 18, paused: true },
      { type: 'createTransport', id: 19, direction: 'recv' },
      { type: 'ready', id: 20, rtpCapabilities: OPUS_RECV_CAPABILITIES },
      { type: 'ready', id: 21, rtpCapabilities: OPUS_RECV_CAPABILITIES },
    ];
    for (const r of burst) s.sendRaw(JSON.stringify(r));
    const replies = await Promise.all(burst.map((r) => s.next(replyTo(r.id), WAIT)));
    expect(replies.map((r) => (r.type === 'reply' ? (r.ok ? 'ok' : r.error.code) : r.type))).toEqual([
      'ok', 'failed', 'ok', 'ok', 'ok', 'ok', 'ok', 'invalid_state', 'ok', 'ok', 'invalid_state',
    ]);
    expect(s.received.filter((m) => m.type === 'reply' && m.id !== null && m.id >= 11 && m.id <= 21)).toHaveLength(burst.length);
    expect(s.violations).toEqual([]);
    expect(log.filter((line) => /unhandled|died/i.test(line))).toEqual([]);
  });

  it('a client reconnecting on many sockets at once does not send every bystander a full peer list per reconnect', async () => {
    const { spaceId, host } = await liveSpace();
    const bystander = await hello(await host.grant());
    const attacker = await join(spaceId, { name: 'Mal' });
    const grant = await attacker.grant();
    await hello(grant);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = bystander.received.filter((m) => m.type === 'peers').length;
    // Each hello replaces the last connection: without coalescing, two full lists (older out, newer in) to everyone,
    // so a room of N gets N lists of N peers per reconnect — an attacker's lever of N² bytes.
    const storm = await Promise.all(Array.from({ length: 30 }, () => connectSignal(grant.url)));
    sockets.push(...storm);
    await Promise.all(storm.map((s) => s.request({ type: 'hello', token: grant.token }, WAIT)));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const lists = bystander.received.filter((m) => m.type === 'peers');
    expect(lists.length - before).toBeLessThanOrEqual(8);
    // The last list is still the truth: the attacker is there once.
    expect(lists.at(-1)).toMatchObject({ peers: [expect.objectContaining({ identity: attacker.id })] });
  });

  for (const action of ['remove', 'end'] as const) {
    it(`a hello waiting on its room's router while its person is ${action === 'remove' ? 'removed' : 'ended out'} is refused, not let in after`, async () => {
      const { spaceId, host } = await liveSpace();
      const target = await join(spaceId, { name: 'Troll' });
      const grant = await target.grant();
      const s = await connectSignal(grant.url);
      sockets.push(s);
      // The worker stopped, the first hello of the space waits on its router; the removal lands meanwhile, when the
      // SFU has no peer of theirs to remove yet.
      const pid = workerPid()!;
      process.kill(pid, 'SIGSTOP');
      let pending: Promise<Awaited<ReturnType<SignalClient['request']>>>;
      try {
        pending = s.request({ type: 'hello', token: grant.token }, 30_000);
        await new Promise((resolve) => setTimeout(resolve, 300));
        if (action === 'remove') host.c.send({ type: 'mod', ref: `m${++refs}`, action: 'remove', target: target.id });
        else host.c.send({ type: 'end', ref: `e${++refs}` });
        await new Promise((resolve) => setTimeout(resolve, 500));
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      expect(await pending).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect((await s.closed).code).toBe(4403);
      expect((await server.sfu.admin.listParticipants(spaceId)).map((p) => p.identity)).not.toContain(target.id);
      // Nobody else was in it: the router made for them is not kept.
      expect(await server.sfu.admin.listRooms()).not.toContain(spaceId);
    });
  }

  it('a socket that keeps flooding past the rate limit, reading every refusal, is closed rather than answered forever', async () => {
    const { spaceId, host } = await liveSpace();
    await hello(await host.grant());
    const attacker = await join(spaceId, { name: 'Mal' });
    const a = await hello(await attacker.grant());
    // Each two-byte frame is answered with a ~90-byte refusal: answered forever, that is the server's upload spent at
    // forty times the attacker's.
    for (let i = 0; i < 5_000; i++) a.ws.send('{}');
    const closed = await Promise.race([a.closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000))]);
    expect(closed?.code).toBe(1008);
    expect(a.received.filter((m) => m.type === 'reply' && !m.ok).length).toBeLessThan(1_000);
    expect(a.violations).toEqual([]);
  });

  it('a send transport being made while its speaker is demoted is refused, not kept', async () => {
    const { spaceId, host } = await liveSpace();
    await hello(await host.grant());
    const speaker = await join(spaceId, { name: 'Sam' });
    const sp = await hello(await speaker.grant());
    speaker.c.send({ type: 'hand', ref: `h${++refs}`, raised: true });
    await host.c.next((m) => m.type === 'rosterDelta' && m.upsert.some((p) => p.id === speaker.id && p.handRaisedAt !== null), WAIT);
    host.c.send({ type: 'mod', ref: `m${++refs}`, action: 'approve', target: speaker.id });
    await sp.next((m) => m.type === 'rights' && m.canPublish, WAIT);
    const pid = workerPid()!;
    process.kill(pid, 'SIGSTOP');
    let pending: Promise<Awaited<ReturnType<SignalClient['request']>>>;
    try {
      pending = sp.request({ type: 'createTransport', direction: 'send' }, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      host.c.send({ type: 'mod', ref: `m${++refs}`, action: 'demote', target: speaker.id });
      await sp.next((m) => m.type === 'rights' && !m.canPublish, WAIT);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect(await pending).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // No send transport of theirs is left on the SFU: demoted, they hold nothing to publish with.
    expect((await server.sfu.admin.listParticipants(spaceId)).find((p) => p.identity === speaker.id)).toMatchObject({ canPublish: false, micTracks: [] });
    expect(await sp.request({ type: 'createTransport', direction: 'recv' })).toMatchObject({ ok: true });
  });

  it('tokens for a scheduled space, for no space, or from another process make no router and open nothing', async () => {
    const { space } = server.createSpace({ title: 'Later', hostName: 'Ann' });
    const url = (await server.sfu.grant({ room: space.id, identity: 'someone', name: 'X', role: 'listener' })).url;
    const cases: [string, string][] = [
      ['a scheduled space', (await server.sfu.grant({ room: space.id, identity: 'someone', name: 'X', role: 'host' })).token],
      ['no space at all', (await server.sfu.grant({ room: 'made-up-room', identity: 'someone', name: 'X', role: 'host' })).token],
      ['another process', createGrantTokens().mint({ room: space.id, identity: 'someone', name: 'X', role: 'host' })],
    ];
    for (const [name, token] of cases) {
      const s = await connectSignal(url);
      sockets.push(s);
      expect(await s.request({ type: 'hello', token }), name).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect((await s.closed).code, name).toBe(4403);
    }
    const rooms = await server.sfu.admin.listRooms();
    expect(rooms).not.toContain(space.id);
    expect(rooms).not.toContain('made-up-room');
  });

  it('requests pipelined while their sender is removed leave nothing of theirs on the SFU', async () => {
    const { spaceId, host } = await liveSpace();
    await hello(await host.grant());
    const speaker = await join(spaceId, { name: 'Sam' });
    const sp = await hello(await speaker.grant());
    speaker.c.send({ type: 'hand', ref: `h${++refs}`, raised: true });
    await host.c.next((m) => m.type === 'rosterDelta' && m.upsert.some((p) => p.id === speaker.id && p.handRaisedAt !== null), WAIT);
    host.c.send({ type: 'mod', ref: `m${++refs}`, action: 'approve', target: speaker.id });
    await sp.next((m) => m.type === 'rights' && m.canPublish, WAIT);
    const send = String((await ok(sp, { type: 'createTransport', direction: 'send' })).id);
    // Not awaited: produce, re-produce, recv, ready — with the removal sent in the middle of them.
    for (let i = 0; i < 3; i++) sp.sendRaw(JSON.stringify({ type: 'produce', id: 100 + i, transportId: send, kind: 'audio', rtpParameters: opusRtpParameters(900 + i), paused: false }));
    host.c.send({ type: 'mod', ref: `m${++refs}`, action: 'remove', target: speaker.id });
    sp.sendRaw(JSON.stringify({ type: 'createTransport', id: 110, direction: 'recv' }));
    sp.sendRaw(JSON.stringify({ type: 'ready', id: 111, rtpCapabilities: OPUS_RECV_CAPABILITIES }));
    for (let i = 0; i < 3; i++) sp.sendRaw(JSON.stringify({ type: 'produce', id: 120 + i, transportId: send, kind: 'audio', rtpParameters: opusRtpParameters(920 + i), paused: false }));
    expect((await sp.closed).code).toBe(4403);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await server.sfu.admin.listParticipants(spaceId)).map((p) => p.identity)).toEqual([host.id]);
    expect(sp.violations).toEqual([]);
  });
});
