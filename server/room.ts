// The live state of one space on this server: its members (a person, across their connections), the hand queue,
// and coalesced broadcasting so a room of thousands gets one update per moment, not one per join. Whatever gives a
// member standing (a place on stage, a hand, an invite, a mute) is written through to SQLite as it changes, so a
// restart of the server gives everyone their place back (server/room-keeping.ts).
import type { WebSocket } from 'ws';
import type { Reaction } from '../common/moderation';
import type { Participant, RecordingState, ServerMessage, StageMember, You } from '../common/protocol';
import type { Role } from '../common/space';
import { CohostOffers } from './cohost-offers';
import { createRateLimiter, type RateLimiter } from './rate-limit';
import type { SpaceTally } from './summary';
import type { StoredMember } from './store/members';
import type { ModerationStore } from './store/moderation';

export interface Session {
  ws: WebSocket;
  /** The peer's IP address: limits that must hold across connections count by it. */
  address: string;
  spaceId: string | null;
  memberId: string | null;
  limiter: RateLimiter;
  /** Reactions from this connection (keys are free, so a per-person limit alone is not enough). */
  reactions: RateLimiter;
  /** Closes a connection that never joins. */
  joinTimer: ReturnType<typeof setTimeout>;
}

export interface Member {
  id: string;
  subject: string;
  name: string;
  role: Role;
  handRaisedAt: number | null;
  invited: boolean;
  joinedAt: number;
  mutedBy: string | null;
  sessions: Set<Session>;
  reactions: RateLimiter;
  /** The co-host seat this member holds (co-hosts only): "Remove co-host" revokes it. */
  seatId?: string;
  /** Since when this member has had no connection to the space server (null while connected). */
  awaySince: number | null;
  /** How often this moderator may start or stop recording (made on first use; kept across their reconnects). */
  recordingToggles?: RateLimiter;
  /** Whether SQLite holds a row for this member: only then does losing their standing cost a write. */
  stored?: boolean;
  /** How often this moderator may change the title and description (made on first use). */
  detailEdits?: RateLimiter;
}

/** Where a room writes its members' standing through to, so a restart of the space server loses nobody's place. */
export interface MemberKeeper {
  save(member: StoredMember): void;
  remove(id: string): void;
  /** The space ended: none of its members' rows is needed any more. */
  clear(): void;
}

/**
 * Whether a member holds anything a restart must not lose. A plain listener holds nothing (they simply rejoin), so a
 * room of hundreds coming and going writes nothing.
 */
export const worthKeeping = (m: Pick<Member, 'role' | 'handRaisedAt' | 'invited' | 'mutedBy'>): boolean =>
  m.role !== 'listener' || m.handRaisedAt !== null || m.invited || m.mutedBy !== null;

const toStored = (m: Member): StoredMember => ({
  id: m.id,
  subject: m.subject,
  name: m.name,
  role: m.role,
  handRaisedAt: m.handRaisedAt,
  invited: m.invited,
  mutedBy: m.mutedBy,
  joinedAt: m.joinedAt,
  seatId: m.seatId ?? null,
});

/** Who moderators and the stage still list without a connection: anyone on stage (they may still be on the SFU). */
const listed = (m: Member): boolean => m.sessions.size > 0 || m.role !== 'listener';

/** At most this many people on stage are named as a reaction's senders in one batch. */
const REACTION_FROM_MAX = 12;

/** How many departed people a room remembers, so a Block clicked as someone leaves still finds them. */
const RECENTLY_LEFT = 256;

export const isModerator = (role: Role | undefined): boolean => role === 'host' || role === 'cohost';
export const onStage = (role: Role): boolean => role !== 'listener';

/** What moderators are told of the owner's block list: the latest entries and the count (both O(1) in its length). */
export function blocksMessage(moderation: Pick<ModerationStore, 'blocks' | 'blockCount'>, owner: string): ServerMessage {
  return { type: 'blocks', blocks: moderation.blocks(owner), total: moderation.blockCount(owner) };
}

export function send(session: Session, message: ServerMessage): void {
  if (session.ws.readyState === session.ws.OPEN) session.ws.send(JSON.stringify(message));
}

/**
 * How far behind a connection may fall (bytes the server holds for it, beyond what the kernel took) before it is cut
 * off: a listener's updates run at ~1–3 KB a second, so 256 KiB is minutes of them; a moderator also gets rosters of
 * thousands, so 8 MiB. A client that stops reading would otherwise make the server keep every update for it, forever.
 * Cut off, it reconnects (the pages do, by themselves) and starts again from a fresh snapshot.
 */
export const MAX_BEHIND_BYTES = { listener: 256 * 1024, moderator: 8 * 1024 * 1024 } as const;

/** A room's write to one connection: dropped when closed, and the connection cut when it stopped reading. */
function deliver(session: Session, data: Buffer, moderator: boolean): void {
  const ws = session.ws;
  if (ws.readyState !== ws.OPEN) return;
  if (ws.bufferedAmount > (moderator ? MAX_BEHIND_BYTES.moderator : MAX_BEHIND_BYTES.listener)) return void ws.terminate();
  ws.send(data, { binary: false });
}

/**
 * Coalesced updates go out at most once per FLUSH_MS, counted from the START of the previous flush: in a busy room a
 * flush that took W ms to write every socket is followed by the next one max(FLUSH_MS, W) after it began, not W +
 * FLUSH_MS, so an update waits at most one period plus its place in the write order. In a quiet room an update goes
 * out after MIN_COALESCE_MS, which still gathers what one read of the sockets brought in (a burst of joins).
 */
const FLUSH_MS = 120;
const MIN_COALESCE_MS = 15;

export type Flushable = 'space' | 'stage' | 'roster' | 'reactions' | 'reports';

export class SpaceRoom {
  readonly members = new Map<string, Member>();
  /** People who just left and were forgotten (listeners with nothing worth keeping), newest last; bounded. */
  readonly recentlyLeft = new Map<string, { subject: string; name: string }>();
  private pending = new Set<Flushable>();
  /** While a flush runs: the lines it says, sent as one frame per connection when it ends (sendFrame). */
  private frame: { text: string; moderators: boolean }[] | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** When the last flush began (performance.now()); -Infinity before the first. */
  private lastFlushAt = -Infinity;
  private rosterUpserts = new Set<string>();
  private rosterRemoves = new Set<string>();
  private reactionCounts = new Map<Reaction, number>();
  /** Who on stage sent each emoji of the coming batch (participant ids; listeners' reactions stay anonymous). */
  private reactionFrom = new Map<Reaction, Set<string>>();
  /** One-tap co-host offers made in this room (server/cohost-offers.ts). */
  readonly offers = new CohostOffers();
  /** The protocol's clock (sessions.ts sets the hub's, which tests move). */
  now: () => number = Date.now;
  /** What the room's last broadcasts said (sessions.ts flushers): an update that would say the same is not sent. */
  readonly told: { space: string | null; counts: string | null; handCount: number | null; stage: string | null } = { space: null, counts: null, handCount: null, stage: null };
  /** Moderators recording now (participant id → since, server clock); only connected moderators are kept here. */
  readonly recorders = new Map<string, number>();

  constructor(
    readonly spaceId: string,
    private readonly flushers: Record<'space' | 'stage' | 'reports', (room: SpaceRoom) => void>,
    /** The whole room's reaction rate: however many people tap, the room gets a bounded stream. */
    private readonly reactionCap: RateLimiter,
    /** Null for a space that has ended (nothing of it needs to survive a restart) and for tests of memory alone. */
    private keeper: MemberKeeper | null = null,
    /** The space's running figures for its summary (server/summary.ts); null in tests of memory alone. */
    readonly tally: SpaceTally | null = null,
  ) {}

  member(subject: string, id: string, name: string, now: number): Member {
    let m = this.members.get(id);
    if (!m) {
      m = {
        id,
        subject,
        name,
        role: 'listener',
        handRaisedAt: null,
        invited: false,
        joinedAt: now,
        mutedBy: null,
        sessions: new Set(),
        reactions: createRateLimiter(1, 5),
        awaySince: null,
      };
      this.members.set(id, m);
    }
    return m;
  }

  /** A member SQLite kept, back after a restart: away (no connection yet) from `now`, so their grace starts there. */
  restore(kept: StoredMember, now: number): Member {
    const m = this.member(kept.subject, kept.id, kept.name, kept.joinedAt);
    m.role = kept.role;
    m.handRaisedAt = kept.handRaisedAt;
    m.invited = kept.invited;
    m.mutedBy = kept.mutedBy;
    m.seatId = kept.seatId ?? undefined;
    m.awaySince = now;
    m.stored = true;
    return m;
  }

  /** Writes a member's standing through (or drops the row of one who no longer holds any). */
  private keep(m: Member): void {
    if (!this.keeper) return;
    if (worthKeeping(m)) {
      this.keeper.save(toStored(m));
      m.stored = true;
    } else if (m.stored) {
      this.keeper.remove(m.id);
      m.stored = false;
    }
  }

  /** The space ended: its members' rows go, and nothing more is written for it. */
  stopKeeping(): void {
    this.keeper?.clear();
    this.keeper = null;
    for (const m of this.members.values()) m.stored = false;
  }

  *sessions(): Iterable<Session> {
    for (const m of this.members.values()) yield* m.sessions;
  }

  *moderatorSessions(): Iterable<Session> {
    for (const m of this.members.values()) if (isModerator(m.role)) yield* m.sessions;
  }

  /** One message to everyone: serialised and encoded once, however many connections there are. */
  broadcast(message: ServerMessage): void {
    const text = JSON.stringify(message);
    if (this.frame) return void this.frame.push({ text, moderators: false });
    const data = Buffer.from(text);
    for (const m of this.members.values()) for (const s of m.sessions) deliver(s, data, isModerator(m.role));
  }

  toModerators(message: ServerMessage): void {
    if (this.frame) return void this.frame.push({ text: JSON.stringify(message), moderators: true });
    for (const s of this.moderatorSessions()) send(s, message);
  }

  /**
   * Everything one flush says goes to each connection as ONE WebSocket frame, its messages one per line (JSON never
   * holds a raw newline): a busy room costs the server one write per listener per moment, and a client one message
   * event — and one render — instead of one per update. Two frames are made once: everyone's, and the moderators'
   * (the same lines, in the same order, with theirs among them).
   */
  private sendFrame(lines: { text: string; moderators: boolean }[]): void {
    if (lines.length === 0) return;
    const everyoneText = lines.filter((l) => !l.moderators).map((l) => l.text).join('\n');
    const everyone = everyoneText ? Buffer.from(everyoneText) : null;
    const moderators = lines.some((l) => l.moderators) ? Buffer.from(lines.map((l) => l.text).join('\n')) : everyone;
    for (const m of this.members.values()) {
      const data = isModerator(m.role) ? moderators : everyone;
      if (!data) continue;
      for (const s of m.sessions) deliver(s, data, isModerator(m.role));
    }
  }

  toMember(member: Member, message: ServerMessage): void {
    for (const s of member.sessions) send(s, message);
  }

  listenerCount(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.role === 'listener' && m.sessions.size > 0) n++;
    return n;
  }

  countRole(role: Role): number {
    let n = 0;
    for (const m of this.members.values()) if (m.role === role) n++;
    return n;
  }

  stageMembers(): StageMember[] {
    const order: Record<Role, number> = { host: 0, cohost: 1, speaker: 2, listener: 3 };
    // Someone on stage stays listed while away from the space server: they may still be heard through the SFU, and
    // the host must be able to act on them.
    return [...this.members.values()]
      .filter((m) => onStage(m.role))
      .sort((a, b) => order[a.role] - order[b.role] || a.joinedAt - b.joinedAt)
      .map((m) => ({ id: m.id, name: m.name, role: m.role, ...(m.sessions.size === 0 ? { away: true } : {}) }));
  }

  handCount(): number {
    let n = 0;
    for (const m of this.members.values()) if (m.handRaisedAt !== null && m.sessions.size > 0) n++;
    return n;
  }

  /** What everyone is shown: recorded since the earliest start among those recording now, or not at all. */
  recording(): RecordingState {
    if (this.recorders.size === 0) return null;
    return { since: Math.min(...this.recorders.values()) };
  }

  /** What this member is told of themselves; an open co-host offer to them is in it (absent: none). */
  you(m: Member): You {
    const you: You = { role: m.role, handRaised: m.handRaisedAt !== null, invited: m.invited, mutedBy: m.mutedBy };
    const offer = this.offers.openFor(m.id, this.now());
    if (offer) you.cohostOffer = { key: offer.key, from: offer.from, expiresAt: offer.expiresAt };
    return isModerator(m.role) ? { ...you, recording: this.recorders.has(m.id) } : you;
  }

  participant(m: Member): Participant {
    return {
      id: m.id,
      subject: m.subject,
      name: m.name,
      role: m.role,
      handRaisedAt: m.handRaisedAt,
      invited: m.invited,
      connected: m.sessions.size > 0,
      joinedAt: m.joinedAt,
    };
  }

  roster(): Participant[] {
    return [...this.members.values()].filter(listed).map((m) => this.participant(m));
  }

  /**
   * A member changed: SQLite first (so whatever a client is told has been kept), then their own clients get `you` at
   * once and moderators get it in the next roster delta.
   */
  touched(m: Member): void {
    this.keep(m);
    this.tally?.observe(m);
    this.toMember(m, { type: 'you', you: this.you(m) });
    this.rosterRemoves.delete(m.id);
    this.rosterUpserts.add(m.id);
    this.schedule('roster');
    // A role change moves someone in or out of the listener count; coalesced, so cheap when nothing changed.
    this.schedule('space');
  }

  /** A member is forgotten (left with nothing kept, or removed): moderators drop their row; a Block can still find them for a while. */
  forget(m: Pick<Member, 'id' | 'subject' | 'name'>): void {
    if (this.members.get(m.id)?.stored) this.keeper?.remove(m.id);
    this.tally?.offStage(m.id);
    this.members.delete(m.id);
    this.recentlyLeft.delete(m.id);
    this.recentlyLeft.set(m.id, { subject: m.subject, name: m.name });
    if (this.recentlyLeft.size > RECENTLY_LEFT) this.recentlyLeft.delete(this.recentlyLeft.keys().next().value!);
    this.left(m.id);
  }

  /**
   * Puts a member out of the room: a co-host offer to them is withdrawn, they are forgotten (kept as recently left,
   * so a Block right after still finds them), each of `sessions` is told why (`message`) and closed with `code`, and
   * everyone's counts and stage follow. The SFU side is the caller's (a removal waits for it; a revoke follows it).
   */
  putOut(m: Pick<Member, 'id' | 'subject' | 'name'>, sessions: Iterable<Session>, message: ServerMessage, code: number, reason: string): void {
    this.offers.endFor(m.id, 'withdrawn');
    this.forget(m);
    for (const s of sessions) {
      send(s, message);
      s.ws.close(code, reason);
    }
    this.schedule('space');
    this.schedule('stage');
  }

  left(id: string): void {
    this.rosterUpserts.delete(id);
    this.rosterRemoves.add(id);
    this.schedule('roster');
  }

  /**
   * Counts a reaction into the next batch; false when the room as a whole is over its reaction rate. `from`: the
   * participant id of a sender on stage, named with the emoji so clients float it from their avatar. The room's cap
   * is for the listeners: someone on stage (a handful of people, each held to a reaction a second) always gets
   * through, so a crowd reacting at the cap never silences the host's own reactions.
   */
  react(emoji: Reaction, now: number, from?: string): boolean {
    if (from === undefined && !this.reactionCap.take(now)) return false;
    this.reactionCounts.set(emoji, (this.reactionCounts.get(emoji) ?? 0) + 1);
    if (from !== undefined) {
      const senders = this.reactionFrom.get(emoji) ?? new Set<string>();
      if (senders.size < REACTION_FROM_MAX) senders.add(from);
      this.reactionFrom.set(emoji, senders);
    }
    this.tally?.reaction(emoji);
    this.schedule('reactions');
    return true;
  }

  schedule(what: Flushable): void {
    this.pending.add(what);
    if (this.timer) return;
    const due = this.lastFlushAt + FLUSH_MS - performance.now();
    this.timer = setTimeout(() => this.flush(), Math.min(FLUSH_MS, Math.max(MIN_COALESCE_MS, due)));
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lastFlushAt = performance.now();
    const pending = this.pending;
    this.pending = new Set();
    const lines: { text: string; moderators: boolean }[] = [];
    this.frame = lines;
    try {
      this.collect(pending);
    } finally {
      this.frame = null;
      this.sendFrame(lines);
    }
  }

  private collect(pending: Set<Flushable>): void {
    if (pending.has('space')) this.flushers.space(this);
    if (pending.has('stage')) this.flushers.stage(this);
    if (pending.has('reports')) this.flushers.reports(this);
    if (pending.has('roster') && (this.rosterUpserts.size || this.rosterRemoves.size)) {
      const upsert = [...this.rosterUpserts].flatMap((id) => {
        const m = this.members.get(id);
        return m && listed(m) ? [this.participant(m)] : [];
      });
      this.toModerators({ type: 'rosterDelta', upsert, remove: [...this.rosterRemoves], now: Date.now() });
      this.rosterUpserts.clear();
      this.rosterRemoves.clear();
    }
    if (pending.has('reactions') && this.reactionCounts.size) {
      const items = [...this.reactionCounts].map(([emoji, count]) => {
        const from = this.reactionFrom.get(emoji);
        return from && from.size > 0 ? { emoji, count, from: [...from] } : { emoji, count };
      });
      this.reactionCounts.clear();
      this.reactionFrom.clear();
      this.tally?.flushReactions();
      this.broadcast({ type: 'reactions', items });
    }
  }

  dispose(): void {
    // Reactions counted for the summary but not yet written go now, not with a batch that will never be sent.
    this.tally?.flushReactions();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
