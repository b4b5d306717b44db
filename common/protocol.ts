// The space protocol: JSON messages over one WebSocket between the space server and every client (studio,
// co-host studio, listener page). Defined once here; both ends parse with these schemas.
import { z } from 'zod';
import { ERROR_CODES } from './result';
import { reportCaseSchema, reportDecisionSchema, reportRecordSchema, reportKeySchema, reportNoteSchema, reportReasonSchema, reportTargetSchema } from './reports';
import { modActionSchema, pinSchema, reactionSchema, spaceSettingsSchema } from './moderation';
import { TICKET_BATCH_MAX, TICKET_CAPACITY_MAX, TICKET_LABEL_MAX, TICKET_REFUSALS, ticketCodeSchema, ticketCountsSchema, ticketRowSchema, ticketSettingsSchema } from './tickets';
import { displayNameSchema, publicSpaceSchema, roleSchema, spaceDescriptionSchema, spaceIdSchema, spaceTitleSchema } from './space';

export const participantIdSchema = z.string().regex(/^p[a-f0-9]{16}$/, 'a participant id is p followed by 16 hex digits');

/** Frames over this size are refused before parsing, so a client cannot make the server parse megabytes. */
export const MAX_MESSAGE_BYTES = 4096;
export const PROTOCOL_PATH = '/ws';

/** An optional client-chosen tag echoed back in replies, so a client can match an error to its request. */
const ref = z.string().max(40).optional();

/** A browser's own random key: the server derives a stable participant id from its hash (removals stick to it). */
export const clientKeySchema = z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, 'a client key is 16–128 URL-safe characters');

export const clientMessageSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('join'),
      ref,
      spaceId: spaceIdSchema,
      /**
       * What gives this connection a role beyond listener: the host's key, a co-host invite key (which takes a seat),
       * or the co-host seat credential the server handed out when the seat was taken. Absent for listeners. The
       * client key never gives a role: it only says which listener this is.
       */
      credential: z.string().min(16).max(128).optional(),
      key: clientKeySchema.optional(),
      name: displayNameSchema.optional(),
      /** A ticket code (common/tickets.ts), for a space that needs one; ignored when the credential gives a role. */
      ticket: ticketCodeSchema.optional(),
    })
    .strict(),
  z.object({ type: z.literal('start'), ref }).strict(),
  z.object({ type: z.literal('end'), ref }).strict(),
  z.object({ type: z.literal('ping'), ref }).strict(),
  z.object({ type: z.literal('hand'), ref, raised: z.boolean() }).strict(),
  /** The name others see (listeners choose theirs; the host's comes from the studio). */
  z.object({ type: z.literal('rename'), ref, name: displayNameSchema }).strict(),
  z.object({ type: z.literal('react'), ref, emoji: reactionSchema }).strict(),
  /** A speaker unmuted themselves: the "muted by" a host left on them is over. */
  z.object({ type: z.literal('unmuted'), ref }).strict(),
  z.object({ type: z.literal('mod'), ref, action: modActionSchema, target: participantIdSchema }).strict(),
  z.object({ type: z.literal('muteAll'), ref }).strict(),
  z.object({ type: z.literal('unblock'), ref, subject: z.string().regex(/^[a-f0-9]{64}$/) }).strict(),
  /** `caption`: the host's words shown with the card (checkPinCaption: at most PIN_CAPTION_MAX characters). */
  z.object({ type: z.literal('pin'), ref, url: z.string().max(600), caption: z.string().max(1200).optional() }).strict(),
  z.object({ type: z.literal('unpin'), ref, pinId: z.string().max(40) }).strict(),
  z.object({ type: z.literal('settings'), ref, settings: spaceSettingsSchema.partial() }).strict(),
  /** Host only: makes (or replaces, revoking the old one) the co-host invite link. */
  z.object({ type: z.literal('cohostInvite'), ref }).strict(),
  /**
   * Host and co-hosts, while the space is scheduled or live: a new title and/or description (at least one). Everyone
   * gets the new `space` message; the audit log says who changed what.
   */
  z.object({ type: z.literal('details'), ref, title: spaceTitleSchema.optional(), description: spaceDescriptionSchema.optional() }).strict(),
  /**
   * The person a host asked to co-host (mod action 'cohost') says no: the offer (you.cohostOffer) is withdrawn and the
   * host's activity says so. Saying yes is joining with the offer's key from Podium (a seat, as with an invite link).
   */
  z.object({ type: z.literal('cohostDecline'), ref }).strict(),
  /** Host only: a co-host goes back to being a listener. */
  z.object({ type: z.literal('cohostRemove'), ref, target: participantIdSchema }).strict(),
  /**
   * Host and co-hosts, in a live space: this moderator's studio started (`on: true`) or stopped recording, so everyone
   * is shown that the space is being recorded. The server counts a recorder only while they are connected: a studio
   * that reconnects while still recording sends `on: true` again (it sees `you.recording` false).
   */
  z.object({ type: z.literal('recording'), ref, on: z.boolean() }).strict(),
  /** Asks for a fresh media grant: the SFU connection was lost and the client's SDK gave up (rate-limited). */
  z.object({ type: z.literal('media'), ref }).strict(),
  /** Anyone: reports a person or a pinned post to the hosts (common/reports.ts). Answered with `reported` or an error. */
  z.object({ type: z.literal('report'), ref, target: reportTargetSchema, reason: reportReasonSchema, note: reportNoteSchema.optional() }).strict(),
  /** Host and co-hosts: this moderator opened a case (`taken`), so the others see it as theirs; or let it go. */
  z.object({ type: z.literal('reportTake'), ref, key: reportKeySchema, taken: z.boolean() }).strict(),
  /** Host and co-hosts: closes a case with a decision (the moderation action of that name, or dismiss). */
  z.object({ type: z.literal('reportDecide'), ref, key: reportKeySchema, action: reportDecisionSchema }).strict(),
  /** Host and co-hosts: every report of this space and its decision, for an export (answered with `reportsExport`). */
  z.object({ type: z.literal('reportsExport'), ref }).strict(),
  /**
   * Anyone but the host, in any of the host's spaces (also ended ones): follow (`on: true`) or stop following the
   * space's host. Idempotent; answered with `follow`.
   */
  z.object({ type: z.literal('follow'), ref, on: z.boolean() }).strict(),
  /** Host only: whether the space needs a ticket, and how many people tickets admit. Answered with `tickets`. */
  z.object({ type: z.literal('ticketSettings'), ref, required: z.boolean().optional(), capacity: z.number().int().min(1).max(TICKET_CAPACITY_MAX).optional() }).strict(),
  /** Host only: issues `count` new tickets (answered with `ticketsIssued`, the only time their codes are told). */
  z.object({ type: z.literal('ticketIssue'), ref, count: z.number().int().min(1).max(TICKET_BATCH_MAX), label: z.string().max(TICKET_LABEL_MAX).optional() }).strict(),
  /** Host only: revokes a ticket; its holder is disconnected from the space and the audio server. */
  z.object({ type: z.literal('ticketRevoke'), ref, id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }).strict(),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;
export type ClientMessageType = ClientMessage['type'];

export const mediaGrantSchema = z.object({
  /** Which SFU the grant is for (absent: LiveKit). The client adapter picks its SDK by this, nothing else does. */
  sfu: z.enum(['livekit', 'mediasoup']).optional(),
  /** The SFU's signalling URL: LiveKit's, or the space server's mediasoup socket (common/sfu-signal.ts). */
  url: z.string(),
  token: z.string(),
  identity: z.string(),
  canPublish: z.boolean(),
  /** The SFU epoch this grant was minted in (see sfuHealthSchema): a new epoch means the SFU restarted. */
  epoch: z.number().int().nonnegative().optional(),
});
export type MediaGrant = z.infer<typeof mediaGrantSchema>;

/** The audio server (SFU) as the space server sees it; sent on join and on every change, to everyone. */
export const sfuHealthSchema = z.object({
  /**
   * up: serving. restarting: the studio's own audio server stopped and is being started again. down: not reachable
   * (an external LiveKit, or between checks). failed: the studio gave up restarting it.
   */
  status: z.enum(['up', 'restarting', 'down', 'failed']),
  /** Since when, on the server's clock (ms). */
  since: z.number().int(),
  /** Bumped each time the audio server is back after being unavailable; grants carry the epoch they were minted in. */
  epoch: z.number().int().nonnegative(),
});
export type SfuHealth = z.infer<typeof sfuHealthSchema>;

/** Someone on stage (host, co-hosts, speakers), as everyone sees them. */
export const stageMemberSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  /** Not connected to the space server right now (they may still be on the SFU). */
  away: z.boolean().optional(),
});
export type StageMember = z.infer<typeof stageMemberSchema>;

/** Whether the space is being recorded, and since when (server clock, ms): the earliest of its recorders' starts. */
export const recordingStateSchema = z.object({ since: z.number().int() }).nullable();
export type RecordingState = z.infer<typeof recordingStateSchema>;

/** A participant as moderators see them. */
export const participantSchema = z.object({
  id: z.string(),
  /** Hash of the participant's client key: what a block remembers across spaces. */
  subject: z.string(),
  name: z.string(),
  role: roleSchema,
  handRaisedAt: z.number().int().nullable(),
  invited: z.boolean(),
  connected: z.boolean(),
  joinedAt: z.number().int(),
});
export type Participant = z.infer<typeof participantSchema>;

export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.number().int(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  detail: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const blockEntrySchema = z.object({
  subject: z.string(),
  name: z.string(),
  at: z.number().int(),
  /** Made by the host (only the host may lift it) rather than by a co-host. */
  byHost: z.boolean().optional(),
});
export type BlockEntry = z.infer<typeof blockEntrySchema>;

export const youSchema = z.object({
  role: roleSchema,
  handRaised: z.boolean(),
  invited: z.boolean(),
  /** Who muted this speaker last, until they unmute. */
  mutedBy: z.string().nullable(),
  /**
   * Moderators: whether the server counts this person as recording now. A studio that is recording and sees false
   * (after a reconnect, or a server restart) sends `recording on` again.
   */
  recording: z.boolean().optional(),
  /**
   * The host asked this person to co-host (mod action 'cohost'): `key` is a one-person invite key (join with it as the
   * credential, from Podium, to take a co-host seat; it works once and lapses after COHOST_OFFER_MS), `from` the host's
   * name. Null or absent: no offer.
   */
  cohostOffer: z.object({ key: z.string(), from: z.string(), expiresAt: z.number().int() }).nullable().optional(),
});
export type You = z.infer<typeof youSchema>;

/** How long a one-tap co-host offer stands. */
export const COHOST_OFFER_MS = 10 * 60_000;

/** Someone who was on stage during a space, in its summary. */
export const summarySpeakerSchema = z.object({
  /** Participant id (stable for this person in this space). */
  id: z.string(),
  name: z.string(),
  /** Their highest role during the space. */
  role: roleSchema,
  /** Total time on stage (host, co-host or speaker), ms. */
  stageMs: z.number().int().nonnegative(),
});

/**
 * What a space came to, for its host and co-hosts once it has ended: sent to moderators when the space ends, and on
 * joining an ended space. Counted by the server and kept with the space, so a restart loses none of it. (How long
 * each person *spoke* is measured by the studio from the audio it hears; the server knows stage time.)
 */
export const spaceSummarySchema = z.object({
  startedAt: z.number().int().nullable(),
  endedAt: z.number().int(),
  /** Most listeners connected at one moment. */
  peakListeners: z.number().int().nonnegative(),
  /** Different people who listened at any time (by subject). */
  totalListeners: z.number().int().nonnegative(),
  speakers: z.array(summarySpeakerSchema),
  reactions: z.array(z.object({ emoji: reactionSchema, count: z.number().int().positive() })),
  /** Times a hand went up. */
  hands: z.number().int().nonnegative(),
});
export type SpaceSummary = z.infer<typeof spaceSummarySchema>;

export const serverMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('joined'),
    ref,
    participantId: z.string(),
    role: roleSchema,
    space: publicSpaceSchema,
    listenerCount: z.number().int().nonnegative(),
    /**
     * Set when this join took (or re-took) a co-host seat with an invite: this person's own seat credential. The
     * client presents it, not the invite, from now on; removing the co-host revokes it.
     */
    seatCredential: z.string().optional(),
  }),
  z.object({
    type: z.literal('space'),
    space: publicSpaceSchema,
    listenerCount: z.number().int().nonnegative(),
  }),
  /**
   * Everyone: how many are listening and how many hands are up, when that is all that changed — a busy room's most
   * frequent update, so it is a few dozen bytes instead of the whole space and stage.
   */
  z.object({ type: z.literal('counts'), listenerCount: z.number().int().nonnegative(), handCount: z.number().int().nonnegative() }),
  /** Everyone: who is on stage, how many hands are up, pins and settings (sent when any of the first four changes). */
  z.object({
    type: z.literal('stage'),
    members: z.array(stageMemberSchema),
    handCount: z.number().int().nonnegative(),
    pins: z.array(pinSchema),
    settings: spaceSettingsSchema,
    /** Set while any host or co-host is recording; a server from before recording existed sends none (null). */
    recording: recordingStateSchema.default(null),
  }),
  /** This client's own standing. */
  z.object({ type: z.literal('you'), you: youSchema }),
  /** A message for this person: denied, muted by…, moved to listeners. */
  z.object({ type: z.literal('notice'), text: z.string() }),
  /** Moderators: the whole roster once, then changes. */
  /** `now` is the server's clock, so a studio with a skewed clock still shows true waiting times. */
  z.object({ type: z.literal('roster'), participants: z.array(participantSchema), now: z.number().int() }),
  z.object({ type: z.literal('rosterDelta'), upsert: z.array(participantSchema), remove: z.array(z.string()), now: z.number().int() }),
  z.object({ type: z.literal('audit'), entries: z.array(auditEntrySchema), append: z.boolean() }),
  /**
   * Moderators: the owner's latest blocks, newest first (at most 50), and how many there are in all (`total`; a
   * server from before it counted sends none: then the list is all of them).
   */
  z.object({ type: z.literal('blocks'), blocks: z.array(blockEntrySchema), total: z.number().int().nonnegative().optional() }),
  z.object({ type: z.literal('invite'), ref, url: z.string() }),
  /** Reactions of the last moment, batched so a busy room is one small message, not one per tap. */
  /**
   * `from`: participant ids of people ON STAGE who sent this emoji in the batch (at most 12), so clients float it from
   * their avatar; listeners' reactions stay anonymous.
   */
  z.object({
    type: z.literal('reactions'),
    items: z.array(z.object({ emoji: reactionSchema, count: z.number().int().positive(), from: z.array(z.string()).max(12).optional() })),
  }),
  /** Moderators: the figures of an ended space (see spaceSummarySchema). */
  z.object({ type: z.literal('summary'), summary: spaceSummarySchema }),
  /** This person was removed: the server closes the connection after this. */
  z.object({ type: z.literal('removed'), message: z.string() }),
  /** Sent when the space is live and this client may connect to the SFU (and again when its grant changes). */
  z.object({ type: z.literal('media'), media: mediaGrantSchema }),
  /** The audio server's health (everyone): on join and whenever it changes. */
  z.object({ type: z.literal('sfu'), sfu: sfuHealthSchema }),
  z.object({
    type: z.literal('error'),
    ref,
    code: z.enum(ERROR_CODES),
    message: z.string(),
  }),
  z.object({ type: z.literal('pong'), ref }),
  /** The reporter: their report was filed (`key`: what it was about, so the page can show it as reported). */
  z.object({ type: z.literal('reported'), ref, key: z.string(), name: z.string(), text: z.string() }),
  /** Host and co-hosts: the report queue, whole (open cases first), and how many are open. */
  z.object({ type: z.literal('reports'), cases: z.array(reportCaseSchema), open: z.number().int().nonnegative() }),
  /** A join's ticket did not admit this person (the connection stays open: a corrected code may follow). */
  z.object({ type: z.literal('ticket'), ref, reason: z.enum(TICKET_REFUSALS), message: z.string(), retryAfterMs: z.number().int().nonnegative().optional() }),
  /** Host: the space's ticket settings, counts and latest tickets (never their codes). */
  z.object({ type: z.literal('tickets'), settings: ticketSettingsSchema, counts: ticketCountsSchema, recent: z.array(ticketRowSchema) }),
  /** Host: the tickets just issued, with their codes and links: told once, never stored in the clear. */
  z.object({
    type: z.literal('ticketsIssued'),
    ref,
    space: z.object({ id: z.string(), title: z.string() }),
    tickets: z.array(z.object({ id: z.number().int(), code: z.string(), url: z.string(), label: z.string() })),
  }),
  /** Host and co-hosts: the space's reports for an export (reports about hosts are the server admin's, not here). */
  z.object({ type: z.literal('reportsExport'), ref, space: z.object({ id: z.string(), title: z.string() }), exportedAt: z.number().int(), reports: z.array(reportRecordSchema) }),
  /**
   * On join and after each `follow`: whether this person follows the space's host, how many do, and the path of the
   * host's calendar feed (an .ics that calendar apps subscribe to; the id in it is unguessable).
   */
  z.object({ type: z.literal('follow'), ref, following: z.boolean(), followers: z.number().int().nonnegative(), feed: z.string() }),
  /** A follower with one of the host's other spaces open: the host just went live in `spaceId`. */
  z.object({ type: z.literal('hostLive'), spaceId: spaceIdSchema, title: z.string(), hostName: z.string() }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/**
 * A frame from the server holds one message per line: whatever one moment of a busy room says to a client travels as
 * one frame (server/room.ts). JSON never holds a raw newline, so splitting on it is exact; a frame of one message is
 * one line, as before.
 */
export function messagesInFrame(frame: string): string[] {
  return frame.split('\n');
}

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
