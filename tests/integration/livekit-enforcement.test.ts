// Removal and demotion hold on a real livekit-server for the room's whole life, against the token LiveKit itself
// refreshed for the person (valid 10 minutes, re-issued every 5, with the grants they had then). Each attacker keeps
// that token, is removed or demoted, waits — the protocol's clock is moved 20 minutes on, past any window a
// token's lifetime suggests — then comes back with it and publishes a tone. The space server learns of the join from
// LiveKit's webhook and acts: the attacker is removed (or loses publishing), and a listener subscribed to the room
// must not receive one frame of the tone.
import { Room, RoomEvent, TrackKind, AudioStream, type RemoteParticipant, type RemoteTrack } from '@livekit/rtc-node';
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaGrant, ServerMessage } from '../../common/protocol';
import { createSfuAdmin, type SfuAdmin } from '../../server/livekit/admin';
import { openSignal, refreshedToken } from '../support/livekit-signal';
import { microphone, pumpSine, SAMPLE_RATE, sleep } from '../support/rtc-bot';
import { closeAll, startStack, type Stack } from '../support/stack';
import { connect, isType, type TestClient } from '../support/ws-client';

let stack: Stack;
let sfu: SfuAdmin;
let clockOffset = 0;
const rooms: Room[] = [];
const clients: TestClient[] = [];

beforeAll(async () => {
  // A slow sweep: what is measured here is the webhook path, not the backstop.
  stack = await startStack({ now: () => Date.now() + clockOffset, sweepEveryMs: 60_000, log: (l) => process.env.DEBUG_STACK && console.log(l) });
  sfu = createSfuAdmin(stack.lk);
}, 180_000);

afterAll(() => closeAll(rooms, clients, stack), 30_000);

async function member(spaceId: string, opts: { credential?: string; name: string }) {
  const c = await connect(stack.server.protocolUrl);
  clients.push(c);
  const reply = await c.request({ type: 'join', ref: 'j', spaceId, key: crypto.randomBytes(18).toString('base64url'), name: opts.name, ...(opts.credential ? { credential: opts.credential } : {}) });
  if (reply.type !== 'joined') throw new Error(JSON.stringify(reply));
  return { c, id: reply.participantId, grant: async () => (await c.next(isType('media'), 10_000)).media };
}

async function enter(url: string, token: string): Promise<Room> {
  const room = new Room();
  rooms.push(room);
  await room.connect(url, token, { autoSubscribe: true, dynacast: false });
  return room;
}

/** Counts decoded frames from `identity` that carry the tone, for as long as the listener stays subscribed. */
function toneFramesFrom(room: Room, identity: string): { frames: () => number; subscribed: () => boolean } {
  let frames = 0;
  let subscribed = false;
  room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, _pub: unknown, p: RemoteParticipant) => {
    if (p.identity !== identity || track.kind !== TrackKind.KIND_AUDIO) return;
    subscribed = true;
    void (async () => {
      const reader = new AudioStream(track, SAMPLE_RATE, 1).getReader();
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
        if (done || !value) return;
        if (value.data.reduce((m, s) => Math.max(m, Math.abs(s)), 0) > 4000) frames++;
      }
    })();
  });
  return { frames: () => frames, subscribed: () => subscribed };
}

/** The attacker comes back with the kept token and publishes a tone at once; resolves when the SFU drops them. */
async function comeBack(grant: MediaGrant, token: string, publish: boolean) {
  const room = new Room();
  rooms.push(room);
  let connectedAt = 0;
  const dropped = new Promise<number>((resolve) => room.on(RoomEvent.Disconnected, () => resolve(performance.now())));
  const admitted = await room.connect(grant.url, token, { autoSubscribe: false, dynacast: false }).then(
    () => ((connectedAt = performance.now()), true),
    () => false,
  );
  let stop = async () => {};
  let published: Promise<unknown> = Promise.resolve();
  if (admitted && publish) {
    const mic = microphone();
    stop = pumpSine(mic.source);
    published = room.localParticipant!.publishTrack(mic.track, mic.options).catch((e: unknown) => e);
  }
  return { room, admitted, connectedAt: () => connectedAt, dropped, published, stop };
}

/** Admitted with a kept publishing token, publishing a tone for 4 s: no frame of it and no audio publication reach the listener. */
async function comesBackUnheard(earRoom: Room, grant: MediaGrant, kept: string, identity: string): Promise<void> {
  const heard = toneFramesFrom(earRoom, identity);
  const attacker = await comeBack(grant, kept, true);
  try {
    expect(attacker.admitted).toBe(true);
    await attacker.published;
    await sleep(4000);
    expect(heard.frames()).toBe(0);
    const seen = earRoom.remoteParticipants.get(identity);
    expect([...(seen?.trackPublications.values() ?? [])].filter((p) => p.kind === TrackKind.KIND_AUDIO)).toEqual([]);
  } finally {
    await attacker.stop();
  }
}

async function liveSpace(title: string) {
  const { space, hostKey } = stack.server.createSpace({ title, hostName: 'Ann' });
  const host = await member(space.id, { credential: hostKey, name: 'Ann' });
  host.c.send({ type: 'start' });
  await host.grant();
  const ear = await member(space.id, { name: 'Lia' });
  const earGrant = await ear.grant();
  const earRoom = await enter(earGrant.url, earGrant.token);
  return { space, host, earRoom };
}

describe('SFU enforcement for the whole life of a room', () => {
  it('a removed co-host who returns with the token LiveKit refreshed for them is dropped; no frame of their audio reaches a listener', async () => {
    const { space, host, earRoom } = await liveSpace('Co-host comes back');
    host.c.send({ type: 'cohostInvite' });
    const invite = new URLSearchParams(new URL((await host.c.next(isType('invite'))).url).hash.slice(1)).get('cohost')!;
    const cy = await member(space.id, { credential: invite, name: 'Cy' });
    const grant = await cy.grant();
    expect(grant.canPublish).toBe(true);
    const kept = await refreshedToken(grant.url, grant.token);

    // Remove as co-host, then remove from the space (a ban), through the protocol as a host would.
    host.c.send({ type: 'cohostRemove', target: cy.id });
    await cy.c.next((m: ServerMessage) => m.type === 'you' && m.you.role === 'listener', 10_000);
    host.c.send({ type: 'mod', action: 'remove', target: cy.id });
    await cy.c.next(isType('removed'), 10_000);
    clockOffset += 20 * 60_000;

    const heard = toneFramesFrom(earRoom, cy.id);
    const attacker = await comeBack(grant, kept, true);
    try {
      // The SFU's own list is the truth (rtc-node does not always report a removal that lands mid-publish).
      await expect.poll(async () => (await sfu.listParticipants(space.id)).some((p) => p.identity === cy.id), { timeout: 10_000 }).toBe(false);
      void attacker.dropped.then((at) => console.log(`returning co-host dropped ${(at - attacker.connectedAt()).toFixed(0)} ms after their connect resolved`));
      await expect.poll(() => earRoom.remoteParticipants.has(cy.id), { timeout: 10_000 }).toBe(false);
      await sleep(1000);
      expect(heard.frames()).toBe(0);
    } finally {
      await attacker.stop();
    }
  });

  it('a removed listener who returns with their refreshed token is dropped again, however late', async () => {
    const { space, host, earRoom } = await liveSpace('Listener comes back');
    const max = await member(space.id, { name: 'Max' });
    const grant = await max.grant();
    const kept = await refreshedToken(grant.url, grant.token);
    await enter(grant.url, grant.token);
    host.c.send({ type: 'mod', action: 'remove', target: max.id });
    await max.c.next(isType('removed'), 10_000);
    clockOffset += 20 * 60_000;
    const attacker = await comeBack(grant, kept, false);
    expect(attacker.admitted).toBe(true); // LiveKit cannot refuse a valid token: enforcement must drop them
    await expect.poll(async () => (await sfu.listParticipants(space.id)).some((p) => p.identity === max.id), { timeout: 10_000 }).toBe(false);
    await expect.poll(() => earRoom.remoteParticipants.has(max.id), { timeout: 10_000 }).toBe(false);
  });

  it("a one-tap co-host's kept token no longer lets them be heard once the host removes them as co-host", async () => {
    const { space, host, earRoom } = await liveSpace('One-tap co-host comes back');
    // Lena listens; the host asks her to co-host; her studio takes the seat with the offer's key.
    const lena = await member(space.id, { name: 'Lena' });
    await lena.grant();
    host.c.send({ type: 'mod', action: 'cohost', target: lena.id });
    const offered = await lena.c.next((m: ServerMessage) => m.type === 'you' && !!m.you.cohostOffer, 10_000);
    const key = offered.type === 'you' ? offered.you.cohostOffer!.key : '';
    const studio = await member(space.id, { credential: key, name: 'Lena' });
    const grant = await studio.grant();
    expect(grant.canPublish).toBe(true);
    const kept = await refreshedToken(grant.url, grant.token);
    expect(JSON.parse(Buffer.from(kept.split('.')[1]!, 'base64url').toString()).video.canPublish).toBe(true);

    // Remove co-host (not a ban): her seat is a listener's now; she leaves the space server with the token in hand.
    host.c.send({ type: 'cohostRemove', target: studio.id });
    await studio.c.next((m: ServerMessage) => m.type === 'you' && m.you.role === 'listener', 20_000);
    await studio.c.close();
    await lena.c.close();
    clockOffset += 20 * 60_000;

    // A valid token: enforcement, not LiveKit, must stop her.
    await comesBackUnheard(earRoom, grant, kept, studio.id);
    // Nor does the offer's key give her a seat again.
    const again = await connect(stack.server.protocolUrl);
    clients.push(again);
    const reply = await again.request({ type: 'join', ref: 'j', spaceId: space.id, key: crypto.randomBytes(18).toString('base64url'), name: 'Lena', credential: key });
    expect(reply).toMatchObject({ type: 'error', code: 'forbidden' });
  });

  it("a demoted speaker's kept publishing token no longer lets them be heard", async () => {
    const { space, host, earRoom } = await liveSpace('Speaker comes back');
    const bob = await member(space.id, { name: 'Bob' });
    const grant = await bob.grant();
    // Bob is on the SFU (a bare signal connection is enough) when he is approved: LiveKit then hands him a token
    // carrying the publishing grant. That is the one he keeps.
    const signal = openSignal(grant.url, grant.token);
    await signal.nextToken();
    bob.c.send({ type: 'hand', raised: true });
    await bob.c.next((m: ServerMessage) => m.type === 'you' && m.you.handRaised, 10_000);
    host.c.send({ type: 'mod', action: 'approve', target: bob.id });
    await bob.c.next((m: ServerMessage) => m.type === 'you' && m.you.role === 'speaker', 10_000);
    const kept = await signal.nextToken();
    signal.close();
    expect(JSON.parse(Buffer.from(kept.split('.')[1]!, 'base64url').toString()).video.canPublish).toBe(true);
    host.c.send({ type: 'mod', action: 'demote', target: bob.id });
    await bob.c.next((m: ServerMessage) => m.type === 'you' && m.you.role === 'listener', 10_000);
    await bob.c.close(); // gone from the space server too: the SFU is all they have
    clockOffset += 20 * 60_000;

    await comesBackUnheard(earRoom, grant, kept, bob.id);
  });

  it('a co-host who leaves the space server but keeps publishing stays listed, and is silenced once away past the grace', async () => {
    const { space, host, earRoom } = await liveSpace('Dark co-host');
    host.c.send({ type: 'cohostInvite' });
    const invite = new URLSearchParams(new URL((await host.c.next(isType('invite'))).url).hash.slice(1)).get('cohost')!;
    const cy = await member(space.id, { credential: invite, name: 'Cy' });
    const grant = await cy.grant();
    const heard = toneFramesFrom(earRoom, cy.id);
    const cyRoom = await enter(grant.url, grant.token);
    const mic = microphone();
    const stop = pumpSine(mic.source);
    try {
      await cyRoom.localParticipant!.publishTrack(mic.track, mic.options);
      await expect.poll(() => heard.frames(), { timeout: 10_000 }).toBeGreaterThan(0);
      // Cy closes her connection to the space server and goes on talking through the SFU.
      await cy.c.close();
      await host.c.next((m: ServerMessage) => m.type === 'stage' && m.members.some((x) => x.id === cy.id && x.away === true), 10_000);
      // Within the grace (a reload, a blip) nothing happens to her audio: no false positive.
      await stack.server.sweep();
      const before = heard.frames();
      await expect.poll(() => heard.frames(), { timeout: 10_000 }).toBeGreaterThan(before + 50);
      // Past it, the sweep takes her publishing away.
      clockOffset += 2 * 60_000;
      await stack.server.sweep();
      await expect
        .poll(() => [...(earRoom.remoteParticipants.get(cy.id)?.trackPublications.values() ?? [])].filter((p) => p.kind === TrackKind.KIND_AUDIO).length, { timeout: 10_000 })
        .toBe(0);
      await sleep(500);
      const silenced = heard.frames();
      await sleep(2000);
      expect(heard.frames()).toBe(silenced);
      // And the host can still remove her as co-host: she is listed though not connected.
      host.c.send({ type: 'cohostRemove', target: cy.id });
      await host.c.next((m: ServerMessage) => m.type === 'audit' && m.entries.some((e) => e.action === 'removed {target} as co-host' && e.target === 'Cy'), 10_000);
    } finally {
      await stop();
    }
  });
});
