// Least-privilege LiveKit access tokens. Moderation never rides on client grants: hosts get microphone publish,
// listeners only subscribe; everything else goes through the space server and LiveKit's admin API.
import { AccessToken, TrackSource, type VideoGrant } from 'livekit-server-sdk';
import type { Role } from '../../common/space';

/** Tokens only admit a client at connect time; LiveKit refreshes them for a live session, so keep them short. */
export const TOKEN_TTL_SECONDS = 5 * 60;

export interface LivekitCredentials {
  /** ws:// or wss:// URL clients connect to. */
  url: string;
  apiKey: string;
  apiSecret: string;
}

export function grantFor(role: Role, room: string): VideoGrant {
  const base: VideoGrant = {
    room,
    roomJoin: true,
    canSubscribe: true,
    // Reactions, hands and the like go through the space server, which validates and rate-limits them.
    canPublishData: false,
    canUpdateOwnMetadata: false,
    roomAdmin: false,
    roomCreate: false,
    roomList: false,
    roomRecord: false,
  };
  switch (role) {
    case 'host':
    case 'cohost':
    case 'speaker':
      return { ...base, canPublish: true, canPublishSources: [TrackSource.MICROPHONE] };
    case 'listener':
      return { ...base, canPublish: false, canPublishSources: [] };
    default: {
      const unreachable: never = role;
      throw new Error(`unknown role ${String(unreachable)}`);
    }
  }
}

export async function mintToken(
  creds: LivekitCredentials,
  params: { room: string; identity: string; name: string; role: Role; ttlSeconds?: number },
): Promise<string> {
  const token = new AccessToken(creds.apiKey, creds.apiSecret, {
    identity: params.identity,
    name: params.name,
    ttl: params.ttlSeconds ?? TOKEN_TTL_SECONDS,
    metadata: JSON.stringify({ role: params.role }),
  });
  token.addGrant(grantFor(params.role, params.room));
  return token.toJwt();
}
