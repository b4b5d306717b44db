// The space server's hands on the SFU: LiveKit's admin API. The only module (with tokens.ts) that imports
// livekit-server-sdk.
import { RoomServiceClient } from 'livekit-server-sdk';
import type { LivekitCredentials } from './tokens';

export interface SfuAdmin {
  /** Disconnects everyone and closes the room; a room that is already gone is not an error. */
  closeRoom(room: string): Promise<void>;
}

export function httpUrlOf(signalUrl: string): string {
  return signalUrl.replace(/^ws(s?):\/\//, 'http$1://');
}

export function createSfuAdmin(creds: LivekitCredentials): SfuAdmin {
  const client = new RoomServiceClient(httpUrlOf(creds.url), creds.apiKey, creds.apiSecret);
  return {
    async closeRoom(room) {
      try {
        await client.deleteRoom(room);
      } catch (error) {
        // LiveKit answers "not found" when nobody ever joined the room; the goal (no room) is met.
        if (!/not.?found/i.test(String(error))) throw error;
      }
    },
  };
}
