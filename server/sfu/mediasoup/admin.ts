// The space server's hands on the mediasoup SFU: the same SfuAdmin the LiveKit one is (server/livekit/admin.ts), done
// on the live state directly — a demotion closes the microphone and the send transport at the SFU, a moderator's mute
// pauses the producer (forwarding stops there), a removal closes everything of theirs and their socket.
import { SFU_CLOSE } from '../../../common/sfu-signal';
import type { SfuAdmin, SfuParticipant } from '../../livekit/admin';
import { broadcastPeers, closeSendSide, dropPeer, type MsRoom, type Peer } from './rooms';

export interface RoomAccess {
  /** The room's live state, if it has one now. */
  get(id: string): MsRoom | undefined;
  all(): Iterable<MsRoom>;
  /** Closes the room's router and forgets it (only if it is still `only`, when given). */
  close(id: string, only?: MsRoom): void;
}

/** Closes a peer's socket with `refused` after dropping everything of theirs. */
export function refusePeer(peer: Peer, reason: string): void {
  dropPeer(peer);
  peer.link.close(SFU_CLOSE.refused, reason);
}

export function createMediasoupAdmin(rooms: RoomAccess): SfuAdmin {
  const peerOf = (room: string, identity: string): Peer | undefined => rooms.get(room)?.peers.get(identity);
  return {
    async closeRoom(room) {
      const state = rooms.get(room);
      if (!state) return;
      for (const peer of [...state.peers.values()]) refusePeer(peer, 'the space has ended');
      rooms.close(room);
    },
    async setCanPublish(room, identity, canPublish) {
      const peer = peerOf(room, identity);
      if (!peer) return;
      if (canPublish) {
        peer.revoked = false;
        peer.link.send({ type: 'rights', canPublish: true });
        return;
      }
      peer.revoked = true;
      const had = peer.producer !== null;
      closeSendSide(peer);
      peer.link.send({ type: 'rights', canPublish: false });
      if (had) peer.link.send({ type: 'producer', state: 'closed' });
    },
    async muteMicrophone(room, identity) {
      const peer = peerOf(room, identity);
      const producer = peer?.producer;
      if (!peer || !producer || producer.closed) return;
      if (!producer.paused) await producer.pause();
      peer.link.send({ type: 'producer', state: 'paused' });
      broadcastPeers(peer.room);
    },
    async removeParticipant(room, identity) {
      const peer = peerOf(room, identity);
      if (peer) refusePeer(peer, 'removed from this space');
    },
    async listParticipants(room): Promise<SfuParticipant[]> {
      const state = rooms.get(room);
      if (!state) return [];
      return [...state.peers.values()].map((peer) => ({
        identity: peer.identity,
        canPublish: !peer.revoked && [...peer.transports.values()].some((t) => t.direction === 'send'),
        micTracks: peer.producer ? [{ sid: peer.producer.id, muted: peer.producer.paused }] : [],
      }));
    },
    async listRooms() {
      return [...rooms.all()].map((r) => r.id);
    },
  };
}
