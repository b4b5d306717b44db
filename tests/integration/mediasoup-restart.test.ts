// The mediasoup worker is killed (-9) in a live space: every peer's signalling socket is closed with
// SFU_CLOSE.restarted, everyone in the space is told the audio server is restarting and then up again in a new
// epoch, every connected member gets a fresh grant in that epoch (server/sfu-recovery.ts), and with it a new hello,
// a new transport and a new microphone work on the new worker. Real worker, real space server, real SQLite. And a
// worker that cannot be started again leaves the SFU 'failed' after a few tries, not restarting forever.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { MediaGrant, ServerMessage } from '../../common/protocol';
import { SFU_CLOSE } from '../../common/sfu-signal';
import type { SpaceServer } from '../../server/index';
import { createMediasoupSfu } from '../../server/sfu/mediasoup/index';
import { CLIENT_DTLS, connectSignal, isEvent, OPUS_RECV_CAPABILITIES, opusRtpParameters, requireMediasoupWorker, type SignalClient, useMediasoupSpaceServer } from '../support/mediasoup';
import { connect, type ServerMessageOf, type TestClient } from '../support/ws-client';

const WAIT = 20_000;
let server: SpaceServer;
let log: string[];
const { clients, sockets } = useMediasoupSpaceServer((s) => ({ server, log } = s));

async function join(spaceId: string, credential?: string): Promise<{ c: TestClient; id: string }> {
  const c = await connect(server.protocolUrl);
  clients.push(c);
  const reply = await c.request({ type: 'join', ref: 'j', spaceId, key: crypto.randomBytes(18).toString('base64url'), name: 'Someone', ...(credential ? { credential } : {}) });
  if (reply.type !== 'joined') throw new Error(JSON.stringify(reply));
  return { c, id: reply.participantId };
}
const grantOf = async (c: TestClient, epoch?: number): Promise<MediaGrant> =>
  (await c.next((m: ServerMessage): m is ServerMessageOf<'media'> => m.type === 'media' && (epoch === undefined || m.media.epoch === epoch), WAIT)).media;

async function hello(grant: MediaGrant): Promise<SignalClient> {
  const s = await connectSignal(grant.url);
  sockets.push(s);
  const reply = await s.request({ type: 'hello', token: grant.token });
  if (!reply.ok) throw new Error(JSON.stringify(reply));
  return s;
}
async function ok(s: SignalClient, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const reply = await s.request(body);
  if (!reply.ok) throw new Error(`${String(body.type)}: ${JSON.stringify(reply)}`);
  return reply.value as Record<string, unknown>;
}
async function publish(s: SignalClient, ssrc: number): Promise<string> {
  const t = await ok(s, { type: 'createTransport', direction: 'send' });
  await ok(s, { type: 'connectTransport', transportId: String(t.id), dtlsParameters: CLIENT_DTLS });
  return String((await ok(s, { type: 'produce', transportId: String(t.id), kind: 'audio', rtpParameters: opusRtpParameters(ssrc), paused: false })).id);
}
async function listen(s: SignalClient): Promise<void> {
  const t = await ok(s, { type: 'createTransport', direction: 'recv' });
  await ok(s, { type: 'connectTransport', transportId: String(t.id), dtlsParameters: CLIENT_DTLS });
  await ok(s, { type: 'ready', rtpCapabilities: OPUS_RECV_CAPABILITIES });
}

it('a killed worker: sockets closed as restarted, health restarting → up in a new epoch, fresh grants that work', async () => {
  const { space, hostKey } = server.createSpace({ title: 'Crash', hostName: 'Ann' });
  const host = await join(space.id, hostKey);
  host.c.send({ type: 'start', ref: 's' });
  const firstGrant = await grantOf(host.c);
  const h = await hello(firstGrant);
  await publish(h, 1111);
  const listener = await join(space.id);
  const l = await hello(await grantOf(listener.c));
  await listen(l);
  await l.next(isEvent('consumer'), WAIT);
  const before = (host.c.received.filter((m) => m.type === 'sfu').at(-1) as ServerMessageOf<'sfu'>).sfu;
  expect(before.status).toBe('up');

  const pid = server.sfu.workerPid?.();
  expect(pid).toBeTypeOf('number');
  const killedAt = Date.now();
  process.kill(pid!, 'SIGKILL');

  expect((await h.closed).code).toBe(SFU_CLOSE.restarted);
  expect((await l.closed).code).toBe(SFU_CLOSE.restarted);
  await host.c.next((m) => m.type === 'sfu' && m.sfu.status === 'restarting', WAIT);
  // (The greeting on join was an 'up' too: the one that counts is the first after 'restarting'.)
  const restarting = host.c.received.findIndex((m) => m.type === 'sfu' && m.sfu.status === 'restarting');
  await host.c.waitForCount((m) => m.type === 'sfu' && m.sfu.status === 'up' && host.c.received.indexOf(m) > restarting, 1, WAIT);
  const up = (host.c.received.slice(restarting).find((m) => m.type === 'sfu' && m.sfu.status === 'up') as ServerMessageOf<'sfu'>).sfu;
  expect(up.epoch).toBeGreaterThan(before.epoch);
  expect(server.sfu.workerPid?.()).not.toBe(pid);

  // Everyone gets a fresh grant in the new epoch; the old one opens nothing on the new worker's rooms that it
  // should not, and the new one sets everything up again.
  const hostGrant = await grantOf(host.c, up.epoch);
  const listenerGrant = await grantOf(listener.c, up.epoch);
  console.log(`mediasoup worker kill → up ${up.since - killedAt} ms (server clock), fresh grants ${Date.now() - killedAt} ms`);
  const h2 = await hello(hostGrant);
  const producerId = await publish(h2, 2222);
  const l2 = await hello(listenerGrant);
  await listen(l2);
  expect(await l2.next(isEvent('consumer'), WAIT)).toMatchObject({ producerId, identity: host.id });
  expect(log.some((line) => /died/.test(line))).toBe(true);
});

it("a worker that cannot be started again leaves the SFU 'failed' after a few tries", async () => {
  // A copy of the worker binary that disappears once it runs: the restarts after its death cannot find it.
  const bin = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'podium-ms-bin-')), 'mediasoup-worker');
  fs.copyFileSync(requireMediasoupWorker(), bin);
  fs.chmodSync(bin, 0o755);
  const lines: string[] = [];
  const sfu = await createMediasoupSfu({ workerBin: bin, log: (line) => lines.push(line) });
  try {
    const seen: string[] = [];
    sfu.health!.subscribe((state) => seen.push(state.status));
    fs.rmSync(path.dirname(bin), { recursive: true, force: true });
    process.kill(sfu.workerPid()!, 'SIGKILL');
    await expect.poll(() => sfu.health!.state().status, { timeout: WAIT }).toBe('failed');
    expect(seen).toEqual(['restarting', 'failed']);
    expect(sfu.workerPid()).toBeNull();
    expect(lines.filter((line) => /could not start/.test(line)).length).toBeGreaterThan(1);
  } finally {
    await sfu.close();
  }
}, 30_000);
