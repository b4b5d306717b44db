// For tests of the space server's protocol alone: an SfuAdmin that records what the server asked of the SFU.
// Tests of what the SFU then does use a real livekit-server instead.
import type { SfuAdmin, SfuParticipant } from '../../server/livekit/admin';

export interface RecordingAdmin extends SfuAdmin {
  calls: string[];
  present: SfuParticipant[];
}

export function recordingAdmin(): RecordingAdmin {
  const calls: string[] = [];
  const admin: RecordingAdmin = {
    calls,
    present: [],
    closeRoom: async (room) => void calls.push(`close ${room}`),
    setCanPublish: async (room, identity, can) => void calls.push(`publish ${room} ${identity} ${can}`),
    muteMicrophone: async (room, identity) => void calls.push(`mute ${room} ${identity}`),
    removeParticipant: async (room, identity) => void calls.push(`remove ${room} ${identity}`),
    listParticipants: async () => admin.present,
    listRooms: async () => (admin.present.length ? ['room'] : []),
  };
  return admin;
}
