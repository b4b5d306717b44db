// The space protocol's server side: one Session per WebSocket, grouped into members (a person, across their
// connections) of a SpaceRoom. Joining decides the role from the credential presented on this connection alone —
// the host key, a co-host invite (which takes a seat and hands out that seat's own credential) or a seat credential —
// refuses removed and blocked people, and sends each client the state its role may see. It also answers the SFU's
// events: who may be in a room, and who may publish there, is decided here (see enforcer.ts). Members' standing is
// kept in SQLite as it changes (room.ts, room-keeping.ts): a restarted server has every live space's people back,
// away until they reconnect, before the first of them does.
import crypto from 'node:crypto';
import type { WebSocket } from 'ws';
import { nameKey } from '../common/names';
import { parseClientMessage, type AuditEntry, type ClientMessage, type ServerMessage } from '../common/protocol';
import { PodiumError, type ErrorCode } from '../common/result';
import type { PublicSpace, Role } from '../common/space';
import { countOf } from '../common/text';
import { handleAction, type ActionContext } from './actions';
import { claimFor, nameFor, type Claim } from './claims';
import { startEnforcer, type Entitlement, type SfuEvent } from './enforcer';
import { steadyHealth, type SfuHealth } from './livekit/health';
import { startSfuRecovery } from './sfu-recovery';
import { hostIdentity, listenerIdentity, seatIdentity } from './identity';
import type { SfuAdmin } from './livekit/admin';
import type { SfuGrant, SfuGrantRequest } from './sfu/types';
import { addressKey, createKeyedRateLimiter, createRateLimiter } from './rate-limit';
import { dropAllRecorders, dropRecorder } from './recording';
import { blocksMessage, isModerator, send, SpaceRoom, type Member, type Session } from './room';
import { keeperFor, restoreMembers } from './room-keeping';
import { SpaceTally } from './summary';
import type { ModerationStore } from './store/moderation';
import type { ReportStore } from './store/reports';
import type { FollowStore } from './store/follows';
import { createFollowing } from './following';
import { reportsMessage } from './reports';
import { hashKey, type SpaceStore } from './store/spaces';
import type { TicketStore } from './store/tickets';
import { createTicketGate, handleTicketAction, tellHost, ticketRefusal, ticketsMessage } from './tickets';

/** Where per-address limits count; kept importable from here for the tests that check it. */
export { addressKey };

export interface SessionHub {
  /** `address` is the peer's IP address, for limits that must hold across connections. */
  attach(ws: WebSocket, address?: string): void;
  listenerCount(spaceId: string): number;
  /** Pushes a space's new state (e.g. after a change made outside the protocol) to everyone in it. */
  broadcastSpace(spaceId: string): void;
  /** An event from the SFU (a LiveKit webhook): enforces who may be there, and publish, right now. */
  sfuEvent(event: SfuEvent): Promise<void>;
  /** Checks every room on the SFU now (also runs on a timer). */
  sweep(): Promise<void>;
  /** Who an SFU identity in a room is to this server right now (null: not one of its spaces). */
  entitlement(spaceId: string, identity: string): Entitlement | null;
  /** What the hub holds in memory: rooms, and members across them (connected or kept for their state). */
  stats(): { rooms: number; members: number };
  closeAll(): void;
}

export interface SessionHubDeps {
  store: SpaceStore;
  moderation: ModerationStore;
  /** Reports and their decisions (server/reports.ts). */
  reports: ReportStore;
  /** Who follows which host, and each host's calendar feed id. */
  follows: FollowStore;
  /** Ticketed spaces (server/tickets.ts). */
  tickets: TicketStore;
  /** Mints a member's media grant on the SFU in use (server/sfu/). */
  grant: (p: SfuGrantRequest) => Promise<SfuGrant>;
  admin: SfuAdmin;
  log: (line: string) => void;
  /** The base URL of share links (co-host invites are built on it). */
  shareUrl: (spaceId: string) => string;
  now?: () => number;
  /** How often every room on the SFU is swept (ms); webhooks are the fast path. */
  sweepEveryMs?: number;
  /** A connection that has not joined a space by then is closed (ms). */
  joinDeadlineMs?: number;
  /**
   * How long someone on stage may be away from the space server (ms): after that a co-host's or speaker's publishing
   * is revoked on the SFU and a speaker goes back to the listeners. Reconnecting within it (a reload, a network
   * blip, a server restart) changes nothing.
   */
  awayGraceMs?: number;
  /** Connections one address may hold at once. */
  maxConnectionsPerAddress?: number;
  /** The SFU's health (server/livekit/health.ts); absent: always up. Everyone is told of it (server/sfu-recovery.ts). */
  sfuHealth?: SfuHealth;
}

/** Reactions: per connection and per person (one a second, bursts of five), per address, and for the whole room. */
const REACTIONS = { perPerson: [1, 5], perAddress: [5, 15], perRoom: [40, 80] } as const;

function fail(session: Session, code: ErrorCode, message: string, ref?: string): void {
  send(session, { type: 'error', code, message, ...(ref ? { ref } : {}) });
}

export function createSessionHub(deps: SessionHubDeps): SessionHub {
  const now = deps.now ?? Date.now;
  const rooms = new Map<string, SpaceRoom>();
  const reactionsByAddress = createKeyedRateLimiter(...REACTIONS.perAddress);
  const following = createFollowing(deps);
  const connectionsByAddress = new Map<string, number>();
  const awayGraceMs = deps.awayGraceMs ?? 60_000;
  const ticketGate = createTicketGate(deps.tickets, now);

  // What everyone was last told (room.told), so a busy room's updates carry only what changed: the space itself when
  // it changed, else the two counts when they did; the stage when anyone on it, a pin, a setting or the recording
  // state changed (a raised hand alone is a count). A client that joins is sent all of it directly.
  const flushers = {
    space(room: SpaceRoom) {
      const space = deps.store.get(room.spaceId);
      if (!space) return;
      const listenerCount = room.listenerCount();
      const handCount = room.handCount();
      const spaceText = JSON.stringify(space);
      const sentSpace = spaceText !== room.told.space;
      if (sentSpace) {
        room.told.space = spaceText;
        room.broadcast({ type: 'space', space, listenerCount });
      }
      const counts = `${listenerCount} ${handCount}`;
      if (counts !== room.told.counts) {
        // The space message carried the listener count; the hands still need saying if they changed.
        if (!sentSpace || handCount !== room.told.handCount) room.broadcast({ type: 'counts', listenerCount, handCount });
        room.told.counts = counts;
        room.told.handCount = handCount;
      }
    },
    stage(room: SpaceRoom) {
      const message = stageMessage(room);
      const { handCount, ...shown } = message as Extract<ServerMessage, { type: 'stage' }>;
      const stageText = JSON.stringify(shown);
      if (stageText === room.told.stage) return;
      room.told.stage = stageText;
      room.told.handCount = handCount;
      room.broadcast(message);
    },
    /** The report queue, to the host and co-hosts only (reports are rate-limited, so the whole list is small). */
    reports(room: SpaceRoom) {
      room.toModerators(reportsMessage(deps.reports, room));
    },
  };
  function stageMessage(room: SpaceRoom): ServerMessage {
    return {
      type: 'stage',
      members: room.stageMembers(),
      handCount: room.handCount(),
      pins: deps.moderation.pins(room.spaceId),
      settings: deps.moderation.settings(room.spaceId),
      recording: room.recording(),
    };
  }
  function roomFor(spaceId: string): SpaceRoom {
    let room = rooms.get(spaceId);
    if (!room) {
      // An ended space keeps nothing of its members (its audit log stays); any other comes back as it was.
      const status = deps.store.get(spaceId)?.status;
      const ended = status === 'ended';
      const keeper = ended ? null : keeperFor(deps.moderation, spaceId, deps.log);
      // The running figures come back with the room: a live space keeps counting where it was (stretches on stage
      // open before a restart stay open), an ended one only reads them for its summary.
      const tally = new SpaceTally(spaceId, deps.moderation.summary, now, deps.log);
      rooms.set(spaceId, (room = new SpaceRoom(spaceId, flushers, createRateLimiter(...REACTIONS.perRoom), keeper, tally)));
      room.now = now;
      restoreMembers(room, deps.moderation, now(), { kept: !ended });
      if (status === 'live') {
        tally.start();
        for (const m of room.members.values()) tally.observe(m);
      }
    }
    return room;
  }

  /**
   * A room is kept while anyone is connected or away within the grace, or while someone holds a place on stage in a
   * live space. What it forgets then is only what a listener leaving forgets: a raised hand.
   */
  function disposeIfIdle(room: SpaceRoom): void {
    const members = [...room.members.values()];
    if (members.some((x) => x.sessions.size > 0 || (x.awaySince !== null && !isAway(x)))) return;
    if (deps.store.get(room.spaceId)?.status === 'live' && members.some((x) => x.role !== 'listener')) return;
    for (const x of members) if (holdsOnlyAHand(x)) room.forget(x);
    room.dispose();
    rooms.delete(room.spaceId);
  }

  const isAway = (m: Member): boolean => m.sessions.size === 0 && m.awaySince !== null && now() - m.awaySince > awayGraceMs;
  /** A listener whose only standing is a raised hand: kept through a dropped connection or a restart, not longer. */
  const holdsOnlyAHand = (m: Member): boolean => m.role === 'listener' && !m.invited && m.mutedBy === null;

  /** Speakers away longer than the grace go back to the listeners (and are forgotten if nothing else is kept). */
  function tidy(): void {
    for (const room of [...rooms.values()]) {
      for (const m of [...room.members.values()]) {
        if (holdsOnlyAHand(m) && isAway(m)) room.forget(m);
        if (m.role !== 'speaker' || !isAway(m)) continue;
        m.role = 'listener';
        m.mutedBy = null;
        audit(room, 'Podium', 'moved {target} to the listeners', m.name, 'away from the space for over a minute');
        if (!m.invited) room.forget(m);
        else room.touched(m);
        room.schedule('stage');
      }
      // One-tap co-host offers whose time passed: the person's page stops offering, and the host's log says so.
      for (const offer of room.offers.lapse(now())) {
        const m = room.members.get(offer.targetId);
        if (m) room.toMember(m, { type: 'you', you: { ...room.you(m), cohostOffer: null } });
        audit(room, offer.targetName, 'did not answer the request to co-host in time', null, null);
      }
      disposeIfIdle(room);
    }
  }
  const tidyTimer = setInterval(tidy, Math.min(5_000, awayGraceMs));
  tidyTimer.unref();
  // Live spaces' rooms come back now, not when their first member does: until then, the SFU's events would find
  // nobody entitled, and a speaker still on air through the SFU would lose their voice at the first sweep.
  // The audit log (and so a recording's markers) shows the gap, and how many people it gave their place back to.
  for (const space of deps.store.live()) {
    const room = roomFor(space.id);
    const kept = room.members.size;
    audit(room, 'Podium', 'restarted', null, kept === 0 ? 'nobody had a place to keep' : `${countOf(kept, 'person', 'people')} kept their place`);
  }

  async function grantMedia(room: SpaceRoom, m: Member, space: PublicSpace): Promise<void> {
    if (space.status !== 'live') return;
    const { sfu, url, token } = await deps.grant({ room: space.id, identity: m.id, name: m.name, role: m.role });
    room.toMember(m, { type: 'media', media: { sfu, url, token, identity: m.id, canPublish: m.role !== 'listener', epoch: recovery.epoch() } });
  }

  /** Who an SFU identity is to this server right now: the rule every webhook and sweep is judged by. */
  function entitlement(spaceId: string, identity: string): Entitlement | null {
    const space = deps.store.get(spaceId);
    if (!space) return null;
    const live = space.status === 'live';
    const member = rooms.get(spaceId)?.members.get(identity);
    let role: Role = member?.role ?? 'listener';
    if (!member) {
      if (identity === hostIdentity(spaceId)) role = 'host';
      else if (deps.moderation.activeSeats(spaceId).some((s) => seatIdentity(s.id) === identity)) role = 'cohost';
    }
    // Nobody keeps a stage's voice from outside the space: whoever is away from the space server (or unknown to it,
    // as after a restart) for longer than the grace may listen but not publish. The host is never moderated.
    const away = role !== 'host' && (member ? isAway(member) : true);
    // A moderator's mute outlives the SFU process: a microphone published again is muted again (enforcer.ts).
    const muted = member !== undefined && member.mutedBy !== null;
    // A ticketed space admits listeners and speakers only while they hold a ticket that is not revoked.
    const noTicket = (role === 'listener' || role === 'speaker') && deps.tickets.settings(spaceId).required && !deps.tickets.holds(spaceId, identity);
    return { live, banned: deps.moderation.isBannedIdentity(spaceId, identity), role, away, muted, noTicket };
  }

  // ---- SFU health (server/sfu-recovery.ts): told to everyone; when the SFU is back, fresh grants and a sweep ----
  const sfuHealth = deps.sfuHealth ?? steadyHealth(now);
  const enforcer = startEnforcer({ admin: deps.admin, entitlement, log: deps.log, sweepEveryMs: deps.sweepEveryMs, sfuUp: () => sfuHealth.state().status === 'up' });
  const recovery = startSfuRecovery({
    health: sfuHealth,
    rooms: () => rooms.values(),
    regrant: async (room, m) => {
      const space = deps.store.get(room.spaceId);
      if (space) await grantMedia(room, m, space);
    },
    sweep: () => enforcer.sweep(),
    log: deps.log,
    now,
  });
  // ---- end of SFU health ----


  async function join(session: Session, message: Extract<ClientMessage, { type: 'join' }>): Promise<void> {
    const ref = message.ref;
    if (session.spaceId) return fail(session, 'invalid_state', 'this connection has already joined a space', ref);
    const space = deps.store.get(message.spaceId);
    if (!space) return fail(session, 'not_found', 'there is no space at this link — check the link with your host', ref);
    // Without a key a client is someone new each time; with one, the same listener across reloads and spaces. The key
    // says only *which listener* this is; roles come from the credential below.
    const subject = hashKey(message.key ?? crypto.randomBytes(24).toString('base64url'));
    const owner = deps.moderation.owner(space.id);
    const isHost = message.credential !== undefined && deps.store.verifyHostKey(space.id, message.credential);
    if (!isHost && (deps.moderation.isBanned(space.id, subject) || deps.moderation.isBlocked(owner, subject))) {
      send(session, { type: 'removed', message: "You can't join this space: a host removed you." });
      session.ws.close(4403, 'removed');
      return;
    }
    const room = roomFor(space.id);
    let claim: Claim;
    try {
      claim = claimFor({ store: deps.store, moderation: deps.moderation, offers: room.offers }, space, message.credential, subject, message.name ?? 'Co-host', now());
    } catch (error) {
      if (!(error instanceof PodiumError)) throw error;
      disposeIfIdle(room);
      return fail(session, error.code, error.message, ref);
    }
    const id = claim.role === 'host' ? hostIdentity(space.id) : claim.role === 'cohost' ? seatIdentity(claim.seat.id) : listenerIdentity(subject);
    const named = nameFor(space, claim.role, message.name, id);
    if (claim.role === 'listener') {
      const admission = ticketGate.admit(session, space.id, message.ticket, { subject, identity: id, name: named.name });
      if (!admission.ok) {
        disposeIfIdle(room);
        return send(session, ticketRefusal(admission, ref));
      }
      // The host's counts move as tickets are used.
      if (admission.fresh) tellHost(room, ticketsMessage(deps.tickets, space.id));
    }
    const m = room.member(subject, id, named.name, now());
    if (message.name || !m.name) m.name = named.name;
    if (claim.role === 'host') {
      m.role = 'host';
      m.name = space.hostName;
    } else if (claim.role === 'cohost') {
      m.seatId = claim.seat.id;
      if (m.role !== 'cohost') {
        m.role = 'cohost';
        m.handRaisedAt = null;
        if (claim.issued) audit(room, m.name, 'joined as co-host', null, null);
      }
      // A one-tap offer was taken up: the page it was made on stops offering and says where the co-hosting is.
      const asked = claim.offer ? room.members.get(claim.offer.targetId) : undefined;
      // Reports about the listener they were are about a co-host now: the server's admin has them, not the queue.
      if (claim.offer && deps.reports.toAdmin(space.id, `person:${claim.offer.targetId}`) > 0) room.schedule('reports');
      if (asked && asked !== m) {
        room.toMember(asked, { type: 'you', you: { ...room.you(asked), cohostOffer: null } });
        room.toMember(asked, { type: 'notice', text: "You're co-hosting from Podium now." });
      }
    }
    session.spaceId = space.id;
    session.memberId = m.id;
    m.sessions.add(session);
    m.awaySince = null;
    if (m.role === 'listener') {
      room.tally?.listener(m.subject);
      room.tally?.listenersNow(room.listenerCount());
    }
    send(session, {
      type: 'joined',
      ...(ref ? { ref } : {}),
      participantId: m.id,
      role: m.role,
      space,
      listenerCount: room.listenerCount(),
      ...(claim.role === 'cohost' && claim.issued ? { seatCredential: claim.issued } : {}),
    });
    recovery.greet(session);
    send(session, { type: 'you', you: room.you(m) });
    send(session, stageMessage(room));
    if (named.notice) send(session, { type: 'notice', text: named.notice });
    send(session, following.message(owner, subject));
    if (isModerator(m.role)) sendModeratorState(room, session);
    if (m.role === 'host') send(session, ticketsMessage(deps.tickets, space.id));
    room.touched(m);
    room.schedule('space');
    room.schedule('stage');
    await grantMedia(room, m, space);
  }

  function sendModeratorState(room: SpaceRoom, session: Session): void {
    send(session, { type: 'roster', participants: room.roster(), now: now() });
    send(session, { type: 'audit', entries: deps.moderation.auditLog(room.spaceId, 200), append: false });
    send(session, blocksMessage(deps.moderation, deps.moderation.owner(room.spaceId)));
    send(session, reportsMessage(deps.reports, room));
    // An ended space's host and co-hosts see what it came to.
    const space = deps.store.get(room.spaceId);
    if (space?.status === 'ended' && room.tally) send(session, { type: 'summary', summary: room.tally.summary(space) });
  }

  function audit(room: SpaceRoom, actor: string, action: string, target: string | null, detail: string | null): AuditEntry {
    const entry = deps.moderation.audit(room.spaceId, { at: now(), actor, action, target, detail });
    room.toModerators({ type: 'audit', entries: [entry], append: true });
    return entry;
  }

  async function startOrEnd(room: SpaceRoom, m: Member, type: 'start' | 'end'): Promise<void> {
    if (m.role !== 'host') throw new PodiumError('forbidden', 'only the host can start or end the space');
    const current = deps.store.get(room.spaceId);
    if (!current) throw new PodiumError('not_found', 'this space no longer exists');
    if (current.status === 'ended') throw new PodiumError('invalid_state', 'this space has ended; create a new one');
    if (type === 'start') {
      if (current.status === 'live') return; // a second Go live changes nothing
      const space = deps.store.setStatus(current.id, 'live', now())!;
      // Counting starts: who is on stage, and who is listening already.
      if (room.tally) {
        room.tally.start();
        for (const x of room.members.values()) {
          // Whoever is on stage as the space goes live is on stage from the moment it started.
          room.tally.observe(x, space.startedAt ?? now());
          if (x.role === 'listener' && x.sessions.size > 0) room.tally.listener(x.subject);
        }
        room.tally.listenersNow(room.listenerCount());
      }
      audit(room, m.name, 'went live', null, null);
      flushers.space(room);
      following.tellWentLive(rooms.values(), room, space);
      await Promise.all([...room.members.values()].filter((x) => x.sessions.size > 0).map((x) => grantMedia(room, x, space)));
    } else {
      const ended = deps.store.setStatus(current.id, 'ended', now())!;
      room.stopKeeping();
      room.tally?.end(ended.endedAt ?? now());
      dropAllRecorders(room, 'ended', (...a) => audit(room, ...a));
      // Open co-host offers end with the space: the pages showing one stop offering.
      for (const offer of room.offers.endAll('withdrawn')) {
        const x = room.members.get(offer.targetId);
        if (x) room.toMember(x, { type: 'you', you: { ...room.you(x), cohostOffer: null } });
      }
      audit(room, m.name, 'ended the space', null, null);
      flushers.space(room);
      if (room.tally) room.toModerators({ type: 'summary', summary: room.tally.summary(ended) });
      await deps.admin.closeRoom(current.id).catch((error: unknown) => deps.log(`could not close LiveKit room ${current.id}: ${String(error)}`));
    }
  }

  async function handle(session: Session, message: ClientMessage): Promise<void> {
    if (message.type === 'ping') return send(session, { type: 'pong', ...(message.ref ? { ref: message.ref } : {}) });
    if (message.type === 'join') return join(session, message);
    const room = session.spaceId ? rooms.get(session.spaceId) : undefined;
    const m = room && session.memberId ? room.members.get(session.memberId) : undefined;
    if (!room || !m) return fail(session, 'invalid_state', 'join a space first', message.ref);
    try {
      if (message.type === 'start' || message.type === 'end') return await startOrEnd(room, m, message.type);
      if (message.type === 'follow') return send(session, following.change(room, m, message.on, message.ref));
      const space = deps.store.get(room.spaceId);
      // The reports of an ended space can still be exported (a trust and safety follow-up comes after the space).
      if (!space || (space.status === 'ended' && message.type !== 'reportsExport')) {
        throw new PodiumError('invalid_state', message.type === 'details' ? 'this space has ended, so its title and description can no longer change' : 'this space has ended');
      }
      if (message.type === 'ticketSettings' || message.type === 'ticketIssue' || message.type === 'ticketRevoke') {
        return await handleTicketAction(
          {
            tickets: deps.tickets,
            room,
            actor: m,
            session,
            space,
            shareUrl: deps.shareUrl,
            audit: (...a) => void audit(room, ...a),
            removeFromSfu: (identity) => deps.admin.removeParticipant(space.id, identity),
            holds: (identity) => deps.tickets.holds(space.id, identity),
            log: deps.log,
            now,
          },
          message,
        );
      }
      if (message.type === 'media') {
        if (space.status !== 'live') throw new PodiumError('invalid_state', 'the space is not live yet');
        return await recovery.requestMedia(m, () => grantMedia(room, m, space));
      }
      if (message.type === 'react') {
        if (!session.reactions.take(now())) throw new PodiumError('rate_limited', 'easy there — one reaction a second');
        if (!reactionsByAddress.take(addressKey(session.address), now())) {
          throw new PodiumError('rate_limited', 'lots of reactions are coming from your network right now — try again in a moment');
        }
      }
      if (message.type === 'rename' && m.role !== 'host' && nameKey(message.name) === nameKey(space.hostName)) {
        throw new PodiumError('bad_request', "that is the host's name; pick another");
      }
      const ctx: ActionContext = { deps, room, actor: m, session, space, audit: (...a) => audit(room, ...a), grantMedia: (x) => grantMedia(room, x, space), now };
      await handleAction(ctx, message);
    } catch (error) {
      if (!(error instanceof PodiumError)) throw error;
      fail(session, error.code, error.message, message.ref);
    }
  }

  function leave(session: Session): void {
    clearTimeout(session.joinTimer);
    const room = session.spaceId ? rooms.get(session.spaceId) : undefined;
    const m = room && session.memberId ? room.members.get(session.memberId) : undefined;
    if (!room || !m) return;
    m.sessions.delete(session);
    if (m.sessions.size === 0) {
      m.awaySince = now();
      // Nobody can vouch for a recording whose studio is gone: it stops showing until that studio is back and says so.
      dropRecorder(room, m, 'left', (...a) => audit(room, ...a));
      // A listener who left holds nothing worth keeping (a host's invite or mute is kept, and a raised hand through
      // the away grace, so a dropped connection does not cost their place in the queue): forget them, or a room with
      // many comings and goings grows without bound. Anyone on stage stays listed, marked away.
      if (holdsOnlyAHand(m) && m.handRaisedAt === null) room.forget(m);
      else if (m.role === 'listener') room.left(m.id);
      else room.touched(m);
      room.schedule('space');
      room.schedule('stage');
    }
    disposeIfIdle(room);
  }

  return {
    attach(ws, address = '') {
      const key = addressKey(address);
      const open = connectionsByAddress.get(key) ?? 0;
      if (open >= (deps.maxConnectionsPerAddress ?? 500)) {
        ws.close(1013, 'too many connections from your address');
        return;
      }
      connectionsByAddress.set(key, open + 1);
      ws.once('close', () => {
        const left = (connectionsByAddress.get(key) ?? 1) - 1;
        if (left > 0) connectionsByAddress.set(key, left);
        else connectionsByAddress.delete(key);
      });
      const session: Session = {
        ws,
        address,
        spaceId: null,
        memberId: null,
        limiter: createRateLimiter(20, 40),
        reactions: createRateLimiter(...REACTIONS.perPerson),
        joinTimer: setTimeout(() => {
          if (!session.spaceId) ws.close(4408, 'join a space within a few seconds of connecting');
        }, deps.joinDeadlineMs ?? 15_000),
      };
      session.joinTimer.unref?.();
      ws.on('message', (raw, isBinary) => {
        if (!session.limiter.take()) return fail(session, 'rate_limited', 'too many messages; slow down');
        if (isBinary) return fail(session, 'bad_request', 'messages are JSON text, not binary');
        const parsed = parseClientMessage(raw as Buffer);
        if (!parsed.ok) return fail(session, parsed.code, parsed.message, parsed.ref);
        handle(session, parsed.message).catch((error: unknown) => {
          deps.log(`error handling ${parsed.message.type}: ${error instanceof Error ? error.stack : String(error)}`);
          fail(session, 'internal', 'the server could not do that; try again', parsed.message.ref);
        });
      });
      ws.on('close', () => leave(session));
      ws.on('error', (error) => deps.log(`websocket error: ${error.message}`));
    },
    listenerCount: (spaceId) => rooms.get(spaceId)?.listenerCount() ?? 0,
    broadcastSpace(spaceId) {
      const room = rooms.get(spaceId);
      if (room) flushers.space(room);
    },
    sfuEvent: (event) => enforcer.onEvent(event),
    sweep: () => enforcer.sweep(),
    entitlement,
    stats: () => ({ rooms: rooms.size, members: [...rooms.values()].reduce((n, r) => n + r.members.size, 0) }),
    closeAll() {
      enforcer.stop();
      recovery.stop();
      clearInterval(tidyTimer);
      for (const room of rooms.values()) {
        for (const s of room.sessions()) s.ws.close(1001, 'server shutting down');
        room.dispose();
      }
      rooms.clear();
    },
  };
}
