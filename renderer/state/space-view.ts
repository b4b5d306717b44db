// The client-side picture of a space, built only from space-protocol messages: a pure reducer, so the studio and
// the listener page see the same thing and it can be tested without a browser.
import type { TicketRefusal } from '../../common/tickets';
import type { Pin, Reaction, SpaceSettings } from '../../common/moderation';
import type { AuditEntry, BlockEntry, MediaGrant, Participant, RecordingState, ServerMessage, SfuHealth, SpaceSummary, StageMember, You } from '../../common/protocol';
import type { ReportCase } from '../../common/reports';
import type { PublicSpace, Role } from '../../common/space';

export interface Notice {
  id: number;
  text: string;
  at: number;
}

export interface ReactionBurst {
  id: number;
  emoji: Reaction;
  /** The participant on stage who sent it (it floats from their avatar); absent for listeners' reactions. */
  from?: string;
}

export interface SpaceView {
  participantId: string | null;
  role: Role | null;
  space: PublicSpace | null;
  listenerCount: number;
  you: You | null;
  members: StageMember[];
  handCount: number;
  pins: Pin[];
  settings: SpaceSettings | null;
  /** Whether the space is being recorded (by the host or a co-host), since when on the server's clock. */
  recording: RecordingState;
  /** Moderators only: everyone connected, keyed by participant id. */
  roster: ReadonlyMap<string, Participant>;
  /** Server clock minus ours (ms), from roster messages: add it to Date.now() before comparing with server times. */
  clockOffset: number;
  audit: AuditEntry[];
  /** The owner's latest blocks (at most 50, newest first) … */
  blocks: BlockEntry[];
  /** … and how many there are in all. */
  blockTotal: number;
  /** Moderators: the report queue (open cases first, then the latest decided) and how many are open. */
  reports: ReportCase[];
  openReports: number;
  /** Moderators: the server's answer to the last export request (renderer/studio/host/report-export.ts). */
  reportExport: Extract<ServerMessage, { type: 'reportsExport' }> | null;
  /** What this person has reported in this visit (report keys), with the server's confirmation. */
  reported: ReadonlyMap<string, string>;
  notices: Notice[];
  reactions: ReactionBurst[];
  /** How many floats may start now (refilled with time: FLOATS). */
  floatBudget: { tokens: number; at: number };
  inviteUrl: string | null;
  media: MediaGrant | null;
  /** The audio server's health as the space server reports it (null until it says; older servers never do). */
  sfu: SfuHealth | null;
  /** Moderators, once the space has ended: what it came to (the server's figures). */
  summary: SpaceSummary | null;
  removed: string | null;
  notFound: boolean;
  /** Whether this person follows the space's host, how many do, and the host's calendar feed path (null: not told). */
  follow: { following: boolean; followers: number; feed: string } | null;
  /** The latest "the host went live in another space" this page heard of (a follower's alert). */
  hostLive: { spaceId: string; title: string; hostName: string; at: number } | null;
  /** The last time a ticket did not admit this person (cleared once joined); `at` on our clock. */
  ticket: { reason: TicketRefusal; message: string; retryAfterMs: number; at: number } | null;
  /** Host: the space's ticket settings, counts and latest tickets. */
  tickets: Extract<ServerMessage, { type: 'tickets' }> | null;
  /** Host: the tickets the last issue request made, with their codes (told once). */
  ticketsIssued: Extract<ServerMessage, { type: 'ticketsIssued' }> | null;
  /** The server's last refusal; `ref` names the request it answers (e.g. 'details'), when it said. */
  error: { code: string; message: string; at: number; ref?: string } | null;
}

/** How many floats a page starts per second, and in one burst. */
export const FLOATS = { perSecond: 6, burst: 8 } as const;

export const EMPTY_VIEW: SpaceView = {
  participantId: null,
  role: null,
  space: null,
  listenerCount: 0,
  you: null,
  members: [],
  handCount: 0,
  pins: [],
  settings: null,
  recording: null,
  roster: new Map(),
  clockOffset: 0,
  audit: [],
  blocks: [],
  blockTotal: 0,
  reports: [],
  openReports: 0,
  reportExport: null,
  reported: new Map(),
  notices: [],
  reactions: [],
  floatBudget: { tokens: FLOATS.burst, at: 0 },
  inviteUrl: null,
  media: null,
  sfu: null,
  summary: null,
  removed: null,
  notFound: false,
  follow: null,
  hostLive: null,
  ticket: null,
  tickets: null,
  ticketsIssued: null,
  error: null,
};

const MAX_AUDIT = 500;
const MAX_NOTICES = 4;
/** Floats alive at once (each lives ~2.5 s: the budget below keeps the count under this without cutting any short). */
const MAX_BURSTS = 16;

function refillFloats(budget: { tokens: number; at: number }, now: number): { tokens: number; at: number } {
  const elapsed = Math.max(0, now - budget.at);
  return { tokens: Math.min(FLOATS.burst, budget.tokens + (elapsed / 1000) * FLOATS.perSecond), at: now };
}
let seq = 0;

export function reduceSpace(view: SpaceView, message: ServerMessage, now = Date.now()): SpaceView {
  switch (message.type) {
    case 'joined':
      return { ...view, participantId: message.participantId, role: message.role, space: message.space, listenerCount: message.listenerCount, removed: null, notFound: false, ticket: null };
    case 'space':
      // An ended space is recorded no more, even if the stage message that says so never arrives.
      return { ...view, space: message.space, listenerCount: message.listenerCount, ...(message.space.status === 'ended' ? { recording: null } : {}) };
    case 'counts':
      return { ...view, listenerCount: message.listenerCount, handCount: message.handCount };
    case 'stage':
      return { ...view, members: message.members, handCount: message.handCount, pins: message.pins, settings: message.settings, recording: message.recording };
    case 'you':
      return { ...view, you: message.you, role: message.you.role };
    case 'notice':
      return { ...view, notices: [...view.notices, { id: ++seq, text: message.text, at: now }].slice(-MAX_NOTICES) };
    case 'roster':
      return { ...view, roster: new Map(message.participants.map((p) => [p.id, p])), clockOffset: message.now - now };
    case 'rosterDelta': {
      const roster = new Map(view.roster);
      for (const id of message.remove) roster.delete(id);
      for (const p of message.upsert) roster.set(p.id, p);
      return { ...view, roster, clockOffset: message.now - now };
    }
    case 'audit':
      return { ...view, audit: (message.append ? [...view.audit, ...message.entries] : message.entries).slice(-MAX_AUDIT) };
    case 'blocks':
      return { ...view, blocks: message.blocks, blockTotal: Math.max(message.total ?? 0, message.blocks.length) };
    case 'invite':
      return { ...view, inviteUrl: message.url };
    case 'reactions': {
      // Reactions float as a few emoji, never one per tap: each batch gives at most a few per emoji, the ones sent by
      // people on stage (`from`, each from its sender's avatar) before the anonymous ones, and the page spends a
      // budget of floats per second (FLOATS). A room of thousands clapping then animates about as much as a room of
      // ten — measured: the floats were the whole of the host panel's frame cost in a busy room (npm run bench:panel).
      const budget = refillFloats(view.floatBudget, now);
      const wanted = message.items.flatMap((item) => reactionBursts(item));
      const ordered = [...wanted.filter((b) => b.from !== undefined), ...wanted.filter((b) => b.from === undefined)];
      const taken = ordered.slice(0, Math.floor(budget.tokens));
      // Kept in arrival order (by emoji, senders first), as they were before the budget.
      const kept = wanted.filter((b) => taken.includes(b));
      return {
        ...view,
        reactions: [...view.reactions, ...kept].slice(-MAX_BURSTS),
        floatBudget: { tokens: budget.tokens - kept.length, at: budget.at },
      };
    }
    case 'summary':
      return { ...view, summary: message.summary };
    case 'removed':
      return { ...view, removed: message.message, media: null };
    case 'media':
      return { ...view, media: message.media };
    case 'sfu':
      return { ...view, sfu: message.sfu };
    case 'error':
      if (message.code === 'not_found' && !view.space) return { ...view, notFound: true };
      return { ...view, error: { code: message.code, message: message.message, at: now, ...(message.ref ? { ref: message.ref } : {}) } };
    case 'pong':
      return view;
    case 'reports':
      return { ...view, reports: message.cases, openReports: message.open };
    case 'reportsExport':
      return { ...view, reportExport: message };
    case 'ticket':
      return { ...view, ticket: { reason: message.reason, message: message.message, retryAfterMs: message.retryAfterMs ?? 0, at: now } };
    case 'tickets':
      return { ...view, tickets: message };
    case 'ticketsIssued':
      return { ...view, ticketsIssued: message };
    case 'reported':
      return { ...view, reported: new Map([...view.reported, [message.key, message.text]]) };
    case 'follow':
      return { ...view, follow: { following: message.following, followers: message.followers, feed: message.feed } };
    case 'hostLive':
      return { ...view, hostLive: { spaceId: message.spaceId, title: message.title, hostName: message.hostName, at: now } };
    default: {
      const unreachable: never = message;
      return unreachable;
    }
  }
}

const BURSTS_PER_ITEM = 3;

function reactionBursts(item: { emoji: Reaction; count: number; from?: string[] }): ReactionBurst[] {
  const total = Math.min(item.count, BURSTS_PER_ITEM);
  const senders = [...new Set(item.from ?? [])].slice(0, total);
  return Array.from({ length: total }, (_, i) => (i < senders.length ? { id: ++seq, emoji: item.emoji, from: senders[i]! } : { id: ++seq, emoji: item.emoji }));
}

const queues = new WeakMap<ReadonlyMap<string, Participant>, Participant[]>();

/** Hands in arrival order: the queue the host works through (worked out once per roster, however many ask for it). */
export function handQueue(view: Pick<SpaceView, 'roster'>): Participant[] {
  let queue = queues.get(view.roster);
  if (!queue) {
    queue = [...view.roster.values()].filter((p) => p.handRaisedAt !== null).sort((a, b) => a.handRaisedAt! - b.handRaisedAt!);
    queues.set(view.roster, queue);
  }
  return queue;
}

export function dismissNotice(view: SpaceView, id: number): SpaceView {
  return { ...view, notices: view.notices.filter((n) => n.id !== id) };
}

