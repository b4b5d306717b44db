// Messages of the web studio's bridge (the IPC contract over a WebSocket). Shared by main/web/host.ts and the
// renderer's bridge client.
import { z } from 'zod';
import { describeIssues } from './protocol';
import type { Result } from './result';
import type { ServicesStatus } from './services-status';

export const bridgeRequestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), secret: z.string().max(200) }).strict(),
  z.object({ type: z.literal('call'), id: z.number().int().nonnegative(), channel: z.string().max(64), request: z.unknown().optional() }).strict(),
]);
export type BridgeRequest = z.infer<typeof bridgeRequestSchema>;

export type BridgeReply =
  | { type: 'welcome' }
  | { type: 'result'; id: number; result: Result<unknown> }
  /** The studio's services process as the host sees it: once after the welcome, then at every change. */
  | { type: 'services'; status: ServicesStatus }
  | { type: 'error'; message: string };

export function parseBridgeRequest(raw: Buffer | string): { ok: true; value: BridgeRequest } | { ok: false; message: string } {
  let data: unknown;
  try {
    data = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return { ok: false, message: 'bridge messages are JSON' };
  }
  const parsed = bridgeRequestSchema.safeParse(data);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, message: describeIssues(parsed.error) };
}
