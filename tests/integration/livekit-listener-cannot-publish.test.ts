// Proves against a real livekit-server that the grants minted by server/livekit/tokens.ts hold on the wire:
// a host's microphone reaches listeners, while a listener can publish neither audio nor data.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Room, RoomEvent, dispose, type RemoteParticipant, type RemoteTrack } from '@livekit/rtc-node';
import { AccessToken } from 'livekit-server-sdk';
import { mintToken } from '../../server/livekit/tokens';
import type { Role } from '../../common/space';
import { startLivekit, type LivekitServer } from '../../scripts/livekit';
import { hearTone, microphone, pumpSine, sleep, timeout } from '../support/rtc-bot';

/** How long we give a forbidden publish to show up anywhere before calling it refused. */
const QUIET_WINDOW_MS = 3_000;

let lk: LivekitServer;
const rooms: Room[] = [];

beforeAll(async () => {
  lk = await startLivekit();
}, 180_000);

afterAll(async () => {
  // Without dispose() the native FFI threads keep the worker alive forever.
  for (const room of rooms) await room.disconnect().catch(() => {});
  await dispose();
  await lk?.stop();
}, 30_000);

async function join(room: string, identity: string, role: Role): Promise<Room> {
  return connect(await mintToken(lk, { room, identity, name: identity, role }));
}

async function connect(token: string): Promise<Room> {
  const room = new Room();
  rooms.push(room);
  await room.connect(lk.url, token, { autoSubscribe: true, dynacast: false });
  return room;
}

describe('LiveKit grants on a real server', () => {
  it('a host publishes microphone audio that a listener receives', async () => {
    const host = await join('grants-a', 'host-a', 'host');
    const listener = await join('grants-a', 'listener-a', 'listener');
    const subscribed = new Promise<RemoteTrack>((resolve) => {
      listener.on(RoomEvent.TrackSubscribed, (track, _pub, participant: RemoteParticipant) => {
        if (participant.identity === 'host-a') resolve(track);
      });
    });

    const mic = microphone();
    const publication = await timeout(host.localParticipant!.publishTrack(mic.track, mic.options), 10_000, 'host publish');
    expect(publication.sid).toMatch(/^TR_/);
    const stopPump = pumpSine(mic.source);
    try {
      const track = await timeout(subscribed, 10_000, 'listener subscribes to the host mic');
      // Real audio must arrive, not just signalling: wait for a decoded frame carrying the tone.
      const peak = await hearTone(track);
      expect(peak).toBeGreaterThan(4_000);
    } finally {
      await stopPump();
    }
  });

  it('a listener cannot publish a microphone track', async () => {
    const host = await join('grants-b', 'host-b', 'host');
    const listener = await join('grants-b', 'listener-b', 'listener');
    const seenByHost: string[] = [];
    host.on(RoomEvent.TrackPublished, (pub, participant) => seenByHost.push(`${participant.identity}:${pub.sid}`));

    const mic = microphone();
    const stopPump = pumpSine(mic.source);
    try {
      const outcome = await timeout(
        listener.localParticipant!.publishTrack(mic.track, mic.options).then(
          (pub) => `published ${pub.sid}`,
          (err: unknown) => `refused: ${err instanceof Error ? err.message : String(err)}`,
        ),
        // The SDK's own publish timeout is 10 s; give it room to report rather than racing it.
        20_000,
        'listener publish settles',
      );
      expect(outcome).toMatch(/^refused/);
      await sleep(QUIET_WINDOW_MS);
    } finally {
      await stopPump();
    }
    expect(seenByHost).toEqual([]);
    expect(host.remoteParticipants.get('listener-b')?.trackPublications.size ?? 0).toBe(0);
  });

  it('a listener cannot publish data, while a data-granted participant can', async () => {
    const host = await join('grants-c', 'host-c', 'host');
    const listener = await join('grants-c', 'listener-c', 'listener');
    // Control: same room, a grant that does allow data. It proves the data path works in this setup,
    // so the listener's silence below is the grant's doing and not a broken test.
    const control = new AccessToken(lk.apiKey, lk.apiSecret, { identity: 'control-c', ttl: 300 });
    control.addGrant({ room: 'grants-c', roomJoin: true, canSubscribe: true, canPublish: false, canPublishData: true });
    const sender = await connect(await control.toJwt());

    // Keyed by payload, not sender: LiveKit batches subscriber-only joins (every 3 s), so early packets arrive
    // before the host knows the sender and rtc-node reports the participant as undefined.
    const received: string[] = [];
    const controlArrived = new Promise<void>((resolve) => {
      host.on(RoomEvent.DataReceived, (payload) => {
        const text = new TextDecoder().decode(payload);
        received.push(text);
        if (text === 'from control') resolve();
      });
    });

    const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
    // Whether the SDK rejects locally or sends and the server drops it is not the point; delivery is.
    await timeout(
      listener.localParticipant!.publishData(bytes('from listener'), { reliable: true, topic: 'reactions' }).catch(() => {}),
      10_000,
      'listener publishData settles',
    ).catch(() => {});
    await sender.localParticipant!.publishData(bytes('from control'), { reliable: true, topic: 'reactions' });
    await timeout(controlArrived, 10_000, 'control data reaches the host');
    await sleep(QUIET_WINDOW_MS);

    expect(received).toEqual(['from control']);
  });
});
