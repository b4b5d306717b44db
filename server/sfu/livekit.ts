// LiveKit as the space server's SFU: today's admin API client and least-privilege tokens behind the ServerSfu
// interface. Its webhooks stay where they were (server/livekit/webhooks.ts, wired in server/index.ts).
import type { SfuAdmin } from '../livekit/admin';
import { createSfuAdmin } from '../livekit/admin';
import { mintToken, type LivekitCredentials } from '../livekit/tokens';
import type { ServerSfu } from './types';

export function createLivekitSfu(creds: LivekitCredentials, admin?: SfuAdmin): ServerSfu {
  return {
    kind: 'livekit',
    admin: admin ?? createSfuAdmin(creds),
    health: null,
    async grant(p) {
      return { sfu: 'livekit', url: creds.url, token: await mintToken(creds, p) };
    },
    async close() {},
  };
}
