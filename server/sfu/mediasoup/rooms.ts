// The live media state of the mediasoup SFU: one router per space (Opus only) with an audio level observer, and the
// peers in it — each with its transports, at most one microphone producer, and a consumer for every other voice once
// it said it is ready. This module keeps that state consistent (a new producer reaches every ready peer, a closed one
// is taken back from them, everyone hears of every change); who may do what is decided by signal.ts and admin.ts.
import type { types } from 'mediasoup';
import type { SfuPeer, SfuServerMessage } from '../../../common/sfu-signal';

type Router = types.Router;
type WebRtcTransport = types.WebRtcTransport;
type Producer = types.Producer;
type Consumer = types.Consumer;
type AudioLevelObserver = types.AudioLevelObserver;
type RtpCapabilities = types.RtpCapabilities;

/** Opus alone: Podium carries voices, nothing else. */
export const MEDIA_CODECS: types.RouterRtpCodecCapability[] = [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }];
/**
 * The full peer list goes to everyone at most this often per room (the first change at once, later ones coalesced
 * into one list at the end of the window): every change costs N lists of N peers, and a client reconnecting on many
 * sockets, or a speaker toggling mute, would otherwise make that N² bytes per action, at the rate they choose.
 */
export const PEERS_EVERY_MS = 250;
/** Who is speaking: louder than -60 dBov, reported every 300 ms. */
const SPEAKERS = { threshold: -60, interval: 300, maxEntries: 16 };

/** A peer's signalling socket, as the room needs it. */
export interface PeerLink {
  send(message: SfuServerMessage): void;
  close(code: number, reason: string): void;
}

export interface Peer {
  identity: string;
  name: string;
  room: MsRoom;
  link: PeerLink;
  transports: Map<string, { transport: WebRtcTransport; direction: 'send' | 'recv' }>;
  producer: Producer | null;
  /** Set by `ready`: from then on every producer in the room is consumed for this peer. */
  rtpCapabilities: RtpCapabilities | null;
  consumers: Map<string, Consumer>;
  /** A moderator took their publishing (setCanPublish false) on this connection: nothing is published again on it. */
  revoked: boolean;
  closed: boolean;
}

export interface MsRoom {
  id: string;
  router: Router;
  observer: AudioLevelObserver;
  peers: Map<string, Peer>;
  /** Called when its last peer leaves: a router nobody uses is closed rather than kept for the space's whole life. */
  onEmpty: (room: MsRoom) => void;
  /** The window of PEERS_EVERY_MS after a peer list went out, and whether another change came within it. */
  peersWindow: { timer: NodeJS.Timeout | null; dirty: boolean };
}

export async function createRoom(worker: types.Worker, id: string, log: (line: string) => void, onEmpty: (room: MsRoom) => void): Promise<MsRoom> {
  const router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS, appData: { room: id } });
  const observer = await router.createAudioLevelObserver(SPEAKERS);
  const room: MsRoom = { id, router, observer, peers: new Map(), onEmpty, peersWindow: { timer: null, dirty: false } };
  observer.on('volumes', (volumes) => {
    // mediasoup lists them loudest first already; a producer's identity rides in its appData.
    const identities = volumes.map((v) => String(v.producer.appData.identity ?? '')).filter((x) => x !== '');
    broadcast(room, { type: 'speakers', identities });
  });
  observer.on('silence', () => broadcast(room, { type: 'speakers', identities: [] }));
  router.on('workerclose', () => log(`mediasoup router of ${id} closed with its worker`));
  return room;
}

export function broadcast(room: MsRoom, message: SfuServerMessage, except?: Peer): void {
  for (const peer of room.peers.values()) if (peer !== except) peer.link.send(message);
}

export function describePeer(peer: Peer): SfuPeer {
  return { identity: peer.identity, name: peer.name, publishing: peer.producer !== null, muted: peer.producer?.paused ?? false };
}

/** Everyone else in the room, to each peer: on every change, coalesced to one list per PEERS_EVERY_MS. */
export function broadcastPeers(room: MsRoom): void {
  const w = room.peersWindow;
  if (w.timer) {
    w.dirty = true;
    return;
  }
  sendPeers(room);
  w.timer = setTimeout(() => {
    w.timer = null;
    if (!w.dirty || room.router.closed) return;
    w.dirty = false;
    broadcastPeers(room);
  }, PEERS_EVERY_MS);
  w.timer.unref();
}

function sendPeers(room: MsRoom): void {
  const all = [...room.peers.values()];
  for (const peer of all) {
    peer.link.send({ type: 'peers', peers: all.filter((x) => x !== peer).map(describePeer) });
  }
}

/** A consumer of `producer` for `peer` (paused: the client resumes it once it listens); nothing if it cannot. */
export async function consume(peer: Peer, producer: Producer, owner: string, log: (line: string) => void): Promise<void> {
  const recv = [...peer.transports.values()].find((t) => t.direction === 'recv')?.transport;
  const caps = peer.rtpCapabilities;
  if (!recv || !caps || peer.closed || producer.closed) return;
  try {
    if (!peer.room.router.canConsume({ producerId: producer.id, rtpCapabilities: caps })) {
      log(`mediasoup: ${peer.identity} cannot receive ${owner}'s voice with the capabilities it sent`);
      return;
    }
    const consumer = await recv.consume({ producerId: producer.id, rtpCapabilities: caps, paused: true, appData: { identity: owner } });
    if (peer.closed || consumer.closed) {
      consumer.close();
      return;
    }
    peer.consumers.set(consumer.id, consumer);
    const forget = () => peer.consumers.delete(consumer.id);
    consumer.on('transportclose', forget);
    consumer.on('producerclose', () => {
      forget();
      peer.link.send({ type: 'consumerClosed', consumerId: consumer.id });
    });
    peer.link.send({
      type: 'consumer',
      consumerId: consumer.id,
      producerId: producer.id,
      identity: owner,
      kind: 'audio',
      rtpParameters: toRecord(consumer.rtpParameters),
    });
  } catch (error) {
    log(`mediasoup: a consumer of ${owner}'s voice for ${peer.identity}: ${describe(error)}`);
  }
}

/** A peer's new microphone: heard by the speaker detection and by every peer that is ready. */
export async function addProducer(peer: Peer, producer: Producer, log: (line: string) => void): Promise<void> {
  peer.producer = producer;
  producer.on('transportclose', () => {
    if (peer.producer === producer) peer.producer = null;
  });
  await peer.room.observer.addProducer({ producerId: producer.id }).catch((error: unknown) => log(`mediasoup: speaker detection for ${peer.identity}: ${describe(error)}`));
  broadcastPeers(peer.room);
  await Promise.all([...peer.room.peers.values()].filter((x) => x !== peer).map((x) => consume(x, producer, peer.identity, log)));
}

/** Takes a peer's microphone off the air (their listeners are told through each consumer's producerclose). */
export function closeProducer(peer: Peer): boolean {
  const producer = peer.producer;
  if (!producer) return false;
  peer.producer = null;
  producer.close();
  broadcastPeers(peer.room);
  return true;
}

/** Closes the send transport too: a demoted peer has no way left to publish on this connection. */
export function closeSendSide(peer: Peer): void {
  closeProducer(peer);
  for (const [id, t] of peer.transports) {
    if (t.direction !== 'send') continue;
    t.transport.close();
    peer.transports.delete(id);
  }
}

/** Everything of a peer's is closed and it leaves the room (its socket is its owner's to close). */
export function dropPeer(peer: Peer): void {
  if (peer.closed) return;
  peer.closed = true;
  const hadProducer = peer.producer !== null;
  peer.producer = null;
  for (const t of peer.transports.values()) t.transport.close();
  peer.transports.clear();
  peer.consumers.clear();
  if (peer.room.peers.get(peer.identity) === peer) peer.room.peers.delete(peer.identity);
  if (peer.room.peers.size === 0) peer.room.onEmpty(peer.room);
  else if (hadProducer || peer.room.peers.size > 0) broadcastPeers(peer.room);
}

/** Existing voices for a peer that just said it is ready. */
export async function consumeAll(peer: Peer, log: (line: string) => void): Promise<void> {
  await Promise.all(
    [...peer.room.peers.values()].filter((x) => x !== peer && x.producer).map((x) => consume(peer, x.producer!, x.identity, log)),
  );
}

/** mediasoup's objects as the plain JSON records the signalling schema carries. */
export function toRecord(value: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
