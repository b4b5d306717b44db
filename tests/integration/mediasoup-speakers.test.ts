// Who is speaking, as the mediasoup SFU tells every peer in a room: a real worker and router, a voice fed in as RTP
// packets carrying the audio-level header extension (through a DirectTransport, so no WebRTC stack is needed), and
// the room's peers — plain recorders of what they are sent — hear `speakers` naming it while it is loud and an empty
// list once it stops.
import type { types } from 'mediasoup';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SfuServerMessage } from '../../common/sfu-signal';
import { createRoom, type MsRoom, type Peer } from '../../server/sfu/mediasoup/rooms';
import { requireMediasoupWorker } from '../support/mediasoup';

let worker: types.Worker;
let room: MsRoom;

beforeAll(async () => {
  const mediasoup = await import('mediasoup');
  worker = await mediasoup.createWorker({ logLevel: 'warn', workerBin: requireMediasoupWorker() });
  room = await createRoom(worker, 'space', () => {}, () => {});
});
afterAll(() => worker?.close());

function recordingPeer(identity: string): Peer & { sent: SfuServerMessage[] } {
  const sent: SfuServerMessage[] = [];
  const peer = {
    identity,
    name: identity,
    room,
    link: { send: (m: SfuServerMessage) => sent.push(m), close: () => {} },
    transports: new Map(),
    producer: null,
    rtpCapabilities: null,
    consumers: new Map(),
    revoked: false,
    closed: false,
    sent,
  };
  room.peers.set(identity, peer);
  return peer;
}

/** One RTP packet: Opus payload type 100, with the ssrc-audio-level extension (id 1) saying `level` dBov below 0. */
function rtp(seq: number, ssrc: number, level: number): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x90; // version 2, extension
  header[1] = 100;
  header.writeUInt16BE(seq & 0xffff, 2);
  header.writeUInt32BE((seq * 960) >>> 0, 4);
  header.writeUInt32BE(ssrc, 8);
  const extension = Buffer.from([0xbe, 0xde, 0x00, 0x01, 0x10, 0x80 | level, 0x00, 0x00]);
  return Buffer.concat([header, extension, Buffer.alloc(40, 0xf8)]);
}

it('a loud voice is named in `speakers` to everyone in the room, and silence empties the list', async () => {
  const speaker = recordingPeer('pspeaker');
  const listener = recordingPeer('plistener');
  const direct = await room.router.createDirectTransport();
  const producer = await direct.produce({
    kind: 'audio',
    rtpParameters: {
      codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [] }],
      headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: 1, encrypt: false, parameters: {} }],
      encodings: [{ ssrc: 4242 }],
      rtcp: { cname: 'voice', reducedSize: true },
    },
    appData: { identity: speaker.identity },
  });
  await room.observer.addProducer({ producerId: producer.id });
  const named = (m: SfuServerMessage) => m.type === 'speakers' && m.identities.includes(speaker.identity);
  let seq = 0;
  const pump = setInterval(() => {
    for (let i = 0; i < 5; i++) producer.send(rtp(++seq, 4242, 10));
  }, 100);
  try {
    await expect.poll(() => listener.sent.some(named), { timeout: 15_000 }).toBe(true);
    expect(speaker.sent.some(named)).toBe(true);
  } finally {
    clearInterval(pump);
  }
  const heardAt = listener.sent.length;
  await expect
    .poll(() => listener.sent.slice(heardAt).some((m) => m.type === 'speakers' && m.identities.length === 0), { timeout: 15_000 })
    .toBe(true);
});
