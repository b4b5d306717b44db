// Moderation enforced on a real livekit-server, driven through the real space server, with hand-made clients:
// raw protocol WebSockets plus @livekit/rtc-node rooms. What a host decides must hold on the SFU — approval lets a
// listener's audio through, mute silences it, demotion unpublishes it, removal keeps them out even when they
// come back with the token they still hold.
import { Room, RoomEvent, TrackKind, type RemoteParticipant, type RemoteTrack, type RemoteTrackPublication } from '@livekit/rtc-node';
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaGrant, ServerMessage } from '../../common/protocol';
import type { SpaceServer } from '../../server/index';
import { hearTone, microphone, pumpSine, timeout } from '../support/rtc-bot';
import { closeAll, startStack, type Stack } from '../support/stack';
import { connect, isType, type TestClient } from '../support/ws-client';

/** How long to wait for what the SFU does (grants, mutes, unpublishing, disconnects): generous for a loaded machine. */
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

async function member(spaceId: string, opts: { credential?: string; name: string }): Promise<{ c: TestClient; id: string; grant: () => Promise<MediaGrant> }> {
  const c = await connect(server.protocolUrl);
  clients.push(c);
  const reply = await c.request({ type: 'join', ref: 'j', spaceId, key: crypto.randomBytes(18).toString('base64url'), name: opts.name, ...(opts.credential ? { credential: opts.credential } : {}) });
  if (reply.type !== 'joined') throw new Error(JSON.stringify(reply));
  return { c, id: reply.participantId, grant: async () => (await c.next(isType('media'), SFU_WAIT)).media };
}

async function enter(grant: MediaGrant): Promise<Room> {
  const room = new Room();
  rooms.push(room);
  await room.connect(grant.url, grant.token, { autoSubscribe: true, dynacast: false });
  return room;
}

function trackFrom(room: Room, identity: string): Promise<RemoteTrack> {
  return new Promise((resolve) => {
    const existing = room.remoteParticipants.get(identity);
    for (const pub of existing?.trackPublications.values() ?? []) if (pub.track && pub.kind === TrackKind.KIND_AUDIO) return resolve(pub.track);
    const on = (track: RemoteTrack, _pub: RemoteTrackPublication, p: RemoteParticipant) => {
      if (p.identity === identity && track.kind === TrackKind.KIND_AUDIO) {
        room.off(RoomEvent.TrackSubscribed, on);
        resolve(track);
      }
    };
    room.on(RoomEvent.TrackSubscribed, on);
  });
}

function event(room: Room, name: RoomEvent, match: (...args: unknown[]) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const on = (...args: unknown[]) => {
      if (match(...args)) {
        room.off(name, on);
        resolve();
      }
    };
    room.on(name, on);
  });
}

const identityOf = (p: unknown) => (p as { identity?: string } | undefined)?.identity;

/** Resolves once `identity` is not (or no longer) among the room's remote participants. */
function absent(room: Room, identity: string): Promise<void> {
  if (!room.remoteParticipants.has(identity)) return Promise.resolve();
  return event(room, RoomEvent.ParticipantDisconnected, (p) => identityOf(p) === identity);
}

describe('moderation on a real SFU', () => {
  it('approve → the new speaker is heard; mute → muted on the SFU; demote → unpublished; remove → kept out', async () => {
    const { space, hostKey } = server.createSpace({ title: 'Enforced', hostName: 'Ann' });
    const host = await member(space.id, { credential: hostKey, name: 'Ann' });
    host.c.send({ type: 'start' });
    const hostRoom = await enter(await host.grant());

    const bob = await member(space.id, { name: 'Bob' });
    const bobGrant = await bob.grant();
    expect(bobGrant.canPublish).toBe(false);
    const bobRoom = await enter(bobGrant);

    // Approved through the protocol, Bob's existing connection may now publish: no new token needed.
    bob.c.send({ type: 'hand', raised: true });
    await host.c.next((m: ServerMessage) => m.type === 'rosterDelta' && m.upsert.some((p) => p.id === bob.id && p.handRaisedAt !== null));
    // The server tells Bob he is a speaker only after LiveKit has granted it (rtc-node has no permission events).
    host.c.send({ type: 'mod', action: 'approve', target: bob.id });
    await bob.c.next((m: ServerMessage) => m.type === 'you' && m.you.role === 'speaker', SFU_WAIT);
    const mic = microphone();
    const stopPump = pumpSine(mic.source);
    try {
      const heard = trackFrom(hostRoom, bob.id);
      await timeout(bobRoom.localParticipant!.publishTrack(mic.track, mic.options), SFU_WAIT, 'Bob publishes');
      expect(await hearTone(await timeout(heard, SFU_WAIT, 'host subscribes to Bob'), SFU_WAIT)).toBeGreaterThan(4000);

      const muted = event(hostRoom, RoomEvent.TrackMuted, (_pub, p) => identityOf(p) === bob.id);
      host.c.send({ type: 'mod', action: 'mute', target: bob.id });
      await timeout(muted, SFU_WAIT, 'the SFU mutes Bob');

      const gone = event(hostRoom, RoomEvent.TrackUnpublished, (_pub, p) => identityOf(p) === bob.id);
      host.c.send({ type: 'mod', action: 'demote', target: bob.id });
      await timeout(gone, SFU_WAIT, "Bob's track is unpublished by the demotion");
    } finally {
      await stopPump();
    }

    // Removal: the SFU drops Bob at once; coming back with the token he still holds lasts only until LiveKit's
    // participant_joined webhook reaches the space server (livekit-enforcement.test.ts goes further).
    const left = event(hostRoom, RoomEvent.ParticipantDisconnected, (p) => identityOf(p) === bob.id);
    host.c.send({ type: 'mod', action: 'remove', target: bob.id });
    await timeout(left, SFU_WAIT, 'Bob is disconnected from the SFU');
    const sneaky = new Room();
    rooms.push(sneaky);
    const kicked = new Promise<void>((resolve) => sneaky.on(RoomEvent.Disconnected, () => resolve()));
    const rejoined = await sneaky.connect(bobGrant.url, bobGrant.token, { autoSubscribe: true, dynacast: false }).then(
      () => true,
      () => false,
    );
    console.log(`reconnecting with the removed participant's token: ${rejoined ? 'admitted, then kicked' : 'refused'}`);
    if (rejoined) await timeout(kicked, SFU_WAIT, 'the enforcer removes Bob again');
    // The host's view of the room catches up by an event from the SFU, whenever that comes.
    await timeout(absent(hostRoom, bob.id), SFU_WAIT, "the host's room no longer lists Bob");
    expect(hostRoom.remoteParticipants.has(bob.id)).toBe(false);
    expect(bob.c.received.some((m) => m.type === 'removed')).toBe(true);
  });
});
