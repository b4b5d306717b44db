// LiveKit webhooks: the SFU tells the space server who joined and who published, signed with the API secret (a JWT
// in Authorization carrying the body's SHA-256). With tokens.ts and admin.ts, the only importer of livekit-server-sdk.
import type http from 'node:http';
import { WebhookReceiver } from 'livekit-server-sdk';
import type { SfuEvent } from '../enforcer';
import { toSfuParticipant } from './admin';
import type { LivekitCredentials } from './tokens';

/** Where the space server receives LiveKit's webhooks (POST, application/webhook+json, signed). */
export const LIVEKIT_WEBHOOK_PATH = '/livekit/webhook';

const MAX_BODY = 64 * 1024;

/**
 * Handles POST LIVEKIT_WEBHOOK_PATH: verifies the signature, answers at once, then hands the events the enforcer
 * cares about to `onEvent`. Never throws: a bad request gets its status code and a log line.
 */
export function createWebhookHandler(opts: {
  livekit: LivekitCredentials;
  onEvent: (event: SfuEvent) => void;
  log: (line: string) => void;
}): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const receiver = new WebhookReceiver(opts.livekit.apiKey, opts.livekit.apiSecret);
  const reply = (res: http.ServerResponse, status: number, text: string): void => {
    if (res.headersSent) return;
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(text);
  };
  return (req, res) => {
    if (req.method !== 'POST') return reply(res, 405, 'POST only');
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reply(res, 413, 'too large');
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('error', () => {});
    req.on('end', () => {
      if (size > MAX_BODY) return;
      const body = Buffer.concat(chunks).toString('utf8');
      receiver.receive(body, req.headers.authorization).then(
        (event) => {
          reply(res, 200, 'ok');
          const kind = event.event;
          if ((kind === 'participant_joined' || kind === 'track_published') && event.room?.name && event.participant) {
            const participant = toSfuParticipant(event.participant);
            // Whatever the info says about grants, a published track proves they could publish.
            if (kind === 'track_published') participant.canPublish = true;
            opts.onEvent({ kind, room: event.room.name, participant });
          }
        },
        (error: unknown) => {
          opts.log(`refused a LiveKit webhook: ${error instanceof Error ? error.message : String(error)}`);
          reply(res, 401, 'bad signature');
        },
      );
    });
  };
}
