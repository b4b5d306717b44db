// `npm run bench:enforce [-- --trials N]`: how fast a removed person who comes back to the SFU with a token they kept
// is dropped again, on a real livekit-server with the space server enforcing from LiveKit's webhooks. Each trial: a
// listener joins, keeps the token LiveKit refreshes for them, is removed by the host, and reconnects with that token
// while publishing nothing (a removed co-host with a publishing token is the e2e-style test's job). Printed: the time
// from the reconnect's connect() returning to the SFU dropping them, and how long another listener saw them in the
// room (ParticipantConnected → ParticipantDisconnected), as p50 / p95 / max against the 500 ms target.
import { Room, RoomEvent, dispose, type RemoteParticipant } from '@livekit/rtc-node';
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { refreshedToken } from '../support/livekit-signal';
import { startStack } from '../support/stack';
import { connect, isType, type TestClient } from '../support/ws-client';

const TARGET_MS = 500;
const { values } = parseArgs({ options: { trials: { type: 'string', default: '20' } } });
const trials = Number(values.trials);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function row(name: string, samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const p95 = percentile(s, 95);
  return `${name.padEnd(44)} ${percentile(s, 50).toFixed(0).padStart(6)} ${p95.toFixed(0).padStart(6)} ${s.at(-1)!.toFixed(0).padStart(6)}   ${(p95 / TARGET_MS).toFixed(2)}x of target  ${p95 < TARGET_MS ? 'PASS' : 'MISS'}`;
}

async function main(): Promise<void> {
  const stack = await startStack({ sweepEveryMs: 60_000, log: (l) => process.env.BENCH_DEBUG && console.error(l) });
  const clients: TestClient[] = [];
  const rooms: Room[] = [];
  try {
    const join = async (spaceId: string, credential?: string) => {
      const c = await connect(stack.server.protocolUrl);
      clients.push(c);
      const reply = await c.request({ type: 'join', ref: 'j', spaceId, key: crypto.randomBytes(18).toString('base64url'), ...(credential ? { credential } : {}) });
      if (reply.type !== 'joined') throw new Error(JSON.stringify(reply));
      return { c, id: reply.participantId };
    };
    const { space, hostKey } = stack.server.createSpace({ title: 'Bench', hostName: 'Ann' });
    const host = await join(space.id, hostKey);
    host.c.send({ type: 'start' });
    await host.c.next(isType('media'), 10_000);
    const ear = await join(space.id);
    const earGrant = (await ear.c.next(isType('media'), 10_000)).media;
    const earRoom = new Room();
    rooms.push(earRoom);
    await earRoom.connect(earGrant.url, earGrant.token, { autoSubscribe: true, dynacast: false });
    const seen = new Map<string, { in?: number; out?: number }>();
    earRoom.on(RoomEvent.ParticipantConnected, (p: RemoteParticipant) => seen.set(p.identity, { ...seen.get(p.identity), in: performance.now() }));
    earRoom.on(RoomEvent.ParticipantDisconnected, (p: RemoteParticipant) => seen.set(p.identity, { ...seen.get(p.identity), out: performance.now() }));

    const dropped: number[] = [];
    const visible: number[] = [];
    let admitted = 0;
    for (let i = 0; i < trials; i++) {
      const max = await join(space.id);
      const grant = (await max.c.next(isType('media'), 10_000)).media;
      const kept = await refreshedToken(grant.url, grant.token);
      host.c.send({ type: 'mod', action: 'remove', target: max.id });
      await max.c.next(isType('removed'), 10_000);
      seen.delete(max.id);
      const room = new Room();
      rooms.push(room);
      const gone = new Promise<number>((resolve) => room.on(RoomEvent.Disconnected, () => resolve(performance.now())));
      const ok = await room.connect(grant.url, kept, { autoSubscribe: false, dynacast: false }).then(() => true, () => false);
      const connectedAt = performance.now();
      if (!ok) continue;
      admitted++;
      const at = await Promise.race([gone, new Promise<number>((r) => setTimeout(() => r(NaN), 10_000))]);
      if (Number.isNaN(at)) throw new Error(`trial ${i}: the returning listener was not dropped within 10 s`);
      dropped.push(Math.max(0, at - connectedAt));
      const deadline = Date.now() + 10_000;
      while (seen.get(max.id)?.in !== undefined && seen.get(max.id)?.out === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const s = seen.get(max.id);
      if (s?.in !== undefined && s.out !== undefined) visible.push(s.out - s.in);
    }
    console.log(`\nSFU enforcement, ${trials} trials, livekit-server with webhooks to the space server (ms):`);
    console.log(`${''.padEnd(44)} ${'p50'.padStart(6)} ${'p95'.padStart(6)} ${'max'.padStart(6)}`);
    console.log(row('connect() returned → dropped by the SFU', dropped));
    if (visible.length) {
      const v = [...visible].sort((a, b) => a - b);
      console.log(`${'seen by another listener (joined → left)'.padEnd(44)} ${percentile(v, 50).toFixed(0).padStart(6)} ${percentile(v, 95).toFixed(0).padStart(6)} ${v.at(-1)!.toFixed(0).padStart(6)}   (LiveKit batches joins and leaves of non-publishers every 3 s: rtc/room.go subscriberUpdateInterval)`);
    }
    console.log(`admitted with the kept token: ${admitted} of ${trials} (LiveKit cannot refuse a valid token; enforcement drops them)`);
    console.log(`seen at all by the other listener: ${visible.length} of ${admitted}\n`);
  } finally {
    for (const room of rooms) await room.disconnect().catch(() => {});
    await dispose();
    await Promise.all(clients.map((c) => c.close()));
    await stack.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
