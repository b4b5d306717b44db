// One-tap co-host on a real livekit-server, through the real space server: the host asks a listener, Podium joins
// with the offer's key, and that co-host's word holds on the SFU — their own microphone is heard, and their mute of a
// speaker mutes that speaker's track on the SFU. The offer's key then takes no second seat.
import { Room, RoomEvent, TrackKind, type RemoteParticipant, type RemoteTrack, type RemoteTrackPublication } from '@livekit/rtc-node';
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaGrant, ServerMessage } from '../../common/protocol';
import type { SpaceServer } from '../../server/index';
import { hearTone, microphone, pumpSine, timeout } from '../support/rtc-bot';
import { closeAll, startStack, type Stack } from '../support/stack';
import { connect, isType, type TestClient } from '../support/ws-client';

const SFU_WAIT = 15_000;

let stack: Stack;
let server: SpaceServer;
const rooms: Room[] = [];
const clients: TestClient[] = [];

beforeAll(async () => {
  stack = await startStack();
  server = stack.server;
}, 180_000);

afterAll(() => closeAll(rooms, clients, stack), 30_000);

async function member(spaceId: string, opts: { credential?: string; name: string }) {
  const c = await connect(server.protocolUrl);
  clients.push(c);
  const reply = await c.request({ type: 'join', ref: 'j', spaceId, key: crypto.randomBytes(18).toString('base64url'), name: opts.name, ...(opts.credential ? { credential: opts.credential } : {}) });
  return { c, reply, id: reply.type === 'joined' ? reply.participantId : '', grant: async (): Promise<MediaGrant> => (await c.next(isType('media'), SFU_WAIT)).media };
}

async function enter(grant: MediaGrant): Promise<Room> {
  const room = new Room();
  rooms.push(room);
  await room.connect(grant.url, grant.token, { autoSubscribe: true, dynacast: false });
  return room;
}

function trackFrom(room: Room, identity: string): Promise<RemoteTrack> {
  return new Promise((resolve) => {
    for (const pub of room.remoteParticipants.get(identity)?.trackPublications.values() ?? []) if (pub.track && pub.kind === TrackKind.KIND_AUDIO) return resolve(pub.track);
    const on = (track: RemoteTrack, _pub: RemoteTrackPublication, p: RemoteParticipant) => {
      if (p.identity === identity && track.kind === TrackKind.KIND_AUDIO) {
        room.off(RoomEvent.TrackSubscribed, on);
        resolve(track);
      }
    };
    room.on(RoomEvent.TrackSubscribed, on);
  });
}

describe('one-tap co-host on a real SFU', () => {
  it('a listener made co-host in one tap publishes, and mutes a speaker on the SFU', { timeout: 120_000 }, async () => {
    const { space, hostKey } = server.createSpace({ title: 'One tap', hostName: 'Ann' });
    const host = await member(space.id, { credential: hostKey, name: 'Ann' });
    host.c.send({ type: 'start' });
    const hostRoom = await enter(await host.grant());

    // Sam speaks.
    const sam = await member(space.id, { name: 'Sam' });
    const samRoom = await enter(await sam.grant());
    sam.c.send({ type: 'hand', raised: true });
    await host.c.next((m: ServerMessage) => m.type === 'rosterDelta' && m.upsert.some((p) => p.id === sam.id && p.handRaisedAt !== null), SFU_WAIT);
    host.c.send({ type: 'mod', action: 'approve', target: sam.id });
    await sam.c.next((m: ServerMessage) => m.type === 'you' && m.you.role === 'speaker', SFU_WAIT);

    // Lena listens on her page; the host asks her; Podium joins with the key from her offer.
    const lena = await member(space.id, { name: 'Lena' });
    expect((await lena.grant()).canPublish).toBe(false);
    host.c.send({ type: 'mod', action: 'cohost', target: lena.id });
    const offered = await lena.c.next((m: ServerMessage) => m.type === 'you' && !!m.you.cohostOffer, SFU_WAIT);
    const key = offered.type === 'you' ? offered.you.cohostOffer!.key : '';
    const studio = await member(space.id, { credential: key, name: 'Lena' });
    expect(studio.reply).toMatchObject({ type: 'joined', role: 'cohost', seatCredential: expect.any(String) });
    const coGrant = await studio.grant();
    expect(coGrant.canPublish).toBe(true);
    const coRoom = await enter(coGrant);

    const samMic = microphone();
    const coMic = microphone();
    const stops = [pumpSine(samMic.source), pumpSine(coMic.source)];
    try {
      const heardSam = trackFrom(hostRoom, sam.id);
      const heardCo = trackFrom(hostRoom, studio.id);
      await timeout(samRoom.localParticipant!.publishTrack(samMic.track, samMic.options), SFU_WAIT, 'Sam publishes');
      await timeout(coRoom.localParticipant!.publishTrack(coMic.track, coMic.options), SFU_WAIT, 'the new co-host publishes');
      expect(await hearTone(await timeout(heardSam, SFU_WAIT, 'host hears Sam'), SFU_WAIT)).toBeGreaterThan(4000);
      expect(await hearTone(await timeout(heardCo, SFU_WAIT, 'host hears the co-host'), SFU_WAIT)).toBeGreaterThan(4000);

      // The co-host mutes Sam: the SFU mutes Sam's track, as the host sees it.
      const muted = new Promise<void>((resolve) => {
        const on = (_pub: unknown, p: unknown) => {
          if ((p as { identity?: string }).identity === sam.id) {
            hostRoom.off(RoomEvent.TrackMuted, on);
            resolve();
          }
        };
        hostRoom.on(RoomEvent.TrackMuted, on);
      });
      studio.c.send({ type: 'mod', action: 'mute', target: sam.id });
      await timeout(muted, SFU_WAIT, "the SFU mutes Sam at the co-host's word");
      await sam.c.next((m: ServerMessage) => m.type === 'you' && m.you.mutedBy === 'Lena', SFU_WAIT);
    } finally {
      for (const stop of stops) await stop();
    }

    // The key took its seat: a second use is refused.
    const again = await member(space.id, { credential: key, name: 'Someone' });
    expect(again.reply).toMatchObject({ type: 'error', code: 'forbidden', message: expect.stringMatching(/used already/) });
  });
});
