// The space server's hands on the SFU: LiveKit's admin API. With tokens.ts, the only importer of
// livekit-server-sdk. Every moderation decision that must hold against a hand-made client is enforced here.
import { RoomServiceClient, TrackSource, TrackType, type ParticipantInfo } from 'livekit-server-sdk';
import type { LivekitCredentials } from './tokens';

export interface SfuParticipant {
  identity: string;
  canPublish: boolean;
  /** Sids of published microphone tracks. */
  micTracks: { sid: string; muted: boolean }[];
}

export interface SfuAdmin {
  /** Disconnects everyone and closes the room; a room that is already gone is not an error. */
  closeRoom(room: string): Promise<void>;
  /** Grants or revokes microphone publishing live; revoking unpublishes what they had on air. */
  setCanPublish(room: string, identity: string, canPublish: boolean): Promise<void>;
  /** Server-side mute of the participant's microphone track(s). */
  muteMicrophone(room: string, identity: string): Promise<void>;
  removeParticipant(room: string, identity: string): Promise<void>;
  listParticipants(room: string): Promise<SfuParticipant[]>;
  /** Names of every room the SFU has open. */
  listRooms(): Promise<string[]>;
}

export function httpUrlOf(signalUrl: string): string {
  return signalUrl.replace(/^ws(s?):\/\//, 'http$1://');
}

/** "Not found" means the participant or room is already gone — the goal of these calls is then met. */
function ignoreNotFound(error: unknown): void {
  if (!/not.?found|does not exist/i.test(String(error))) throw error;
}

/** The SDK's participant info, as the enforcer needs it (also what a webhook carries). */
export function toSfuParticipant(p: ParticipantInfo): SfuParticipant {
  return {
    identity: p.identity,
    canPublish: p.permission?.canPublish ?? false,
    micTracks: p.tracks
      .filter((t) => t.type === TrackType.AUDIO && t.source === TrackSource.MICROPHONE)
      .map((t) => ({ sid: t.sid, muted: t.muted })),
  };
}

export function createSfuAdmin(creds: LivekitCredentials): SfuAdmin {
  // A moderator waits on these calls: an SFU that hangs must turn into a clear error, not a button that never returns.
  const client = new RoomServiceClient(httpUrlOf(creds.url), creds.apiKey, creds.apiSecret, { requestTimeout: 5 });
  async function micTracks(room: string, identity: string) {
    const p = await client.getParticipant(room, identity);
    return p.tracks.filter((t) => t.type === TrackType.AUDIO && t.source === TrackSource.MICROPHONE);
  }
  return {
    async closeRoom(room) {
      await client.deleteRoom(room).catch(ignoreNotFound);
    },
    async setCanPublish(room, identity, canPublish) {
      await client
        .updateParticipant(room, identity, {
          permission: {
            canSubscribe: true,
            canPublish,
            canPublishData: false,
            canPublishSources: canPublish ? [TrackSource.MICROPHONE] : [],
            canUpdateMetadata: false,
          },
        })
        .catch(ignoreNotFound);
    },
    async muteMicrophone(room, identity) {
      try {
        for (const t of await micTracks(room, identity)) await client.mutePublishedTrack(room, identity, t.sid, true);
      } catch (error) {
        ignoreNotFound(error);
      }
    },
    async removeParticipant(room, identity) {
      await client.removeParticipant(room, identity).catch(ignoreNotFound);
    },
    async listParticipants(room) {
      try {
        return (await client.listParticipants(room)).map(toSfuParticipant);
      } catch (error) {
        ignoreNotFound(error);
        return [];
      }
    },
    async listRooms() {
      return (await client.listRooms()).map((r) => r.name);
    },
  };
}
