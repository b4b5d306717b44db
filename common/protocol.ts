// The space protocol: JSON messages over one WebSocket between the space server and every client (studio,
// co-host studio, listener page). Defined once here; both ends parse with these schemas.
import { z } from 'zod';
import { ERROR_CODES } from './result';
import { displayNameSchema, publicSpaceSchema, roleSchema, spaceIdSchema } from './space';

/** Frames over this size are refused before parsing, so a client cannot make the server parse megabytes. */
export const MAX_MESSAGE_BYTES = 4096;
export const PROTOCOL_PATH = '/ws';

/** An optional client-chosen tag echoed back in replies, so a client can match an error to its request. */
const ref = z.string().max(40).optional();

export const clientMessageSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('join'),
      ref,
      spaceId: spaceIdSchema,
      /** The host's key for this space; absent for listeners. */
      credential: z.string().min(16).max(128).optional(),
      name: displayNameSchema.optional(),
    })
    .strict(),
  z.object({ type: z.literal('start'), ref }).strict(),
  z.object({ type: z.literal('end'), ref }).strict(),
  z.object({ type: z.literal('ping'), ref }).strict(),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type ClientMessageType = ClientMessage['type'];

export const mediaGrantSchema = z.object({
  /** LiveKit signalling URL the client connects to. */
  url: z.string(),
  token: z.string(),
  identity: z.string(),
  canPublish: z.boolean(),
});
export type MediaGrant = z.infer<typeof mediaGrantSchema>;

export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('joined'),
    ref,
    participantId: z.string(),
    role: roleSchema,
    space: publicSpaceSchema,
    listenerCount: z.number().int().nonnegative(),
  }),
  z.object({
    type: z.literal('space'),
    space: publicSpaceSchema,
    listenerCount: z.number().int().nonnegative(),
  }),
  /** Sent when the space is live and this client may connect to the SFU (and again when its grant changes). */
  z.object({ type: z.literal('media'), media: mediaGrantSchema }),
  z.object({
    type: z.literal('error'),
    ref,
    code: z.enum(ERROR_CODES),
    message: z.string(),
  }),
  z.object({ type: z.literal('pong'), ref }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

export type ParseOutcome =
  | { ok: true; message: ClientMessage }
  | { ok: false; code: 'too_large' | 'bad_request' | 'unknown_type'; message: string; ref?: string };

/** Parses one raw frame from a client. Never throws: every failure is a code and a readable message. */
export function parseClientMessage(raw: string | Buffer): ParseOutcome {
  const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.byteLength;
  if (size > MAX_MESSAGE_BYTES) {
    return { ok: false, code: 'too_large', message: `messages are limited to ${MAX_MESSAGE_BYTES} bytes` };
  }
  let data: unknown;
  try {
    data = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return { ok: false, code: 'bad_request', message: 'a message must be one JSON object' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, code: 'bad_request', message: 'a message must be one JSON object' };
  }
  const record = data as Record<string, unknown>;
  const refValue = typeof record.ref === 'string' && record.ref.length <= 40 ? record.ref : undefined;
  const known = clientMessageSchema.options.map((o) => o.shape.type.value) as string[];
  if (typeof record.type !== 'string' || !known.includes(record.type)) {
    return {
      ok: false,
      code: 'unknown_type',
      message: `unknown message type; expected one of ${known.join(', ')}`,
      ref: refValue,
    };
  }
  const parsed = clientMessageSchema.safeParse(data);
  if (!parsed.success) {
    return { ok: false, code: 'bad_request', message: describeIssues(parsed.error), ref: refValue };
  }
  return { ok: true, message: parsed.data };
}

/** One line naming the first few problems, e.g. "spaceId: a space id is 10 lowercase letters or digits". */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
