// The space protocol's server side: one Session per WebSocket, grouped into members (a person, identified by the
// hash of their browser's key) of a SpaceRoom. Joining decides the role (host key, co-host invite, or listener),
// refuses removed and blocked people, and sends each client the state its role may see.
import crypto from 'node:crypto';
import type { WebSocket } from 'ws';
import { parseClientMessage, type ClientMessage, type ServerMessage } from '../common/protocol';
import { PodiumError, type ErrorCode } from '../common/result';
import type { PublicSpace, Role } from '../common/space';
import { handleAction, type ActionContext } from './actions';
import { startEnforcer } from './enforcer';
import type { SfuAdmin } from './livekit/admin';
import { mintToken, type LivekitCredentials } from './livekit/tokens';
import { createRateLimiter } from './rate-limit';
import { isModerator, send, SpaceRoom, type Member, type Session } from './room';
import type { ModerationStore } from './store/moderation';
import { hashKey, type SpaceStore } from './store/spaces';

export interface SessionHub {
  attach(ws: WebSocket): void;
  listenerCount(spaceId: string): number;
  /** Pushes a space's new state (e.g. after a change made outside the protocol) to everyone in it. */
  broadcastSpace(spaceId: string): void;
  closeAll(): void;
}

export interface SessionHubDeps {
  store: SpaceStore;
  moderation: ModerationStore;
  livekit: LivekitCredentials;
  admin: SfuAdmin;
  log: (line: string) => void;
  /** The base URL of share links (co-host invites are built on it). */
  shareUrl: (spaceId: string) => string;
  now?: () => number;
  /** How often the enforcer re-checks rooms with recent removals (ms). */
  enforceEveryMs?: number;
}

function fail(session: Session, code: ErrorCode, message: string, ref?: string): void {
  send(session, { type: 'error', code, message, ...(ref ? { ref } : {}) });
}

export function createSessionHub(deps: SessionHubDeps): SessionHub {
  const now = deps.now ?? Date.now;
  const rooms = new Map<string, SpaceRoom>();

  const flushers = {
    space(room: SpaceRoom) {
      const space = deps.store.get(room.spaceId);
      if (space) room.broadcast({ type: 'space', space, listenerCount: room.listenerCount() });
    },
    stage(room: SpaceRoom) {
      room.broadcast(stageMessage(room));
    },
  };
  function stageMessage(room: SpaceRoom): ServerMessage {
    return {
      type: 'stage',
      members: room.stageMembers(),
      handCount: room.handCount(),
      pins: deps.moderation.pins(room.spaceId),
      settings: deps.moderation.settings(room.spaceId),
    };
  }
  function roomFor(spaceId: string): SpaceRoom {
    let room = rooms.get(spaceId);
    if (!room) rooms.set(spaceId, (room = new SpaceRoom(spaceId, flushers)));
    return room;
  }

  async function grantMedia(room: SpaceRoom, m: Member, space: PublicSpace): Promise<void> {
    if (space.status !== 'live') return;
    const token = await mintToken(deps.livekit, { room: space.id, identity: m.id, name: m.name, role: m.role });
    room.toMember(m, { type: 'media', media: { url: deps.livekit.url, token, identity: m.id, canPublish: m.role !== 'listener' } });
  }

  const enforcer = startEnforcer({ rooms: () => rooms.values(), admin: deps.admin, log: deps.log, now, everyMs: deps.enforceEveryMs });

  async function join(session: Session, message: Extract<ClientMessage, { type: 'join' }>): Promise<void> {
    const ref = message.ref;
    if (session.spaceId) return fail(session, 'invalid_state', 'this connection has already joined a space', ref);
    const space = deps.store.get(message.spaceId);
    if (!space) return fail(session, 'not_found', 'there is no space at this link — check the link with your host', ref);
    // Without a key a client is someone new each time; with one, the same person across reloads and spaces.
    const subject = hashKey(message.key ?? crypto.randomBytes(24).toString('base64url'));
    const owner = deps.moderation.owner(space.id);
    let claimed: Role | null = null;
    if (message.credential !== undefined) {
      if (deps.store.verifyHostKey(space.id, message.credential)) claimed = 'host';
      else if (deps.moderation.verifyCohostKey(space.id, message.credential)) claimed = 'cohost';
      else return fail(session, 'forbidden', 'that key is not valid for this space (a co-host invite may have been replaced)', ref);
    }
    if (claimed !== 'host' && (deps.moderation.isBanned(space.id, subject) || deps.moderation.isBlocked(owner, subject))) {
      send(session, { type: 'removed', message: "You can't join this space: a host removed you." });
      session.ws.close(4403, 'removed');
      return;
    }
    const room = roomFor(space.id);
    const id = `p${subject.slice(0, 16)}`;
    const m = room.member(subject, id, message.name ?? `Listener ${subject.slice(0, 4)}`, now());
    if (message.name) m.name = message.name;
    if (claimed === 'host') {
      m.role = 'host';
      m.name = space.hostName;
    } else if (claimed === 'cohost' && m.role !== 'cohost') {
      if (room.countRole('cohost') >= deps.moderation.settings(space.id).cohostLimit) {
        return fail(session, 'forbidden', 'all co-host seats of this space are taken', ref);
      }
      m.role = 'cohost';
      m.handRaisedAt = null;
      audit(room, m.name, 'joined as co-host', null, null);
    }
    session.spaceId = space.id;
    session.memberId = m.id;
    m.sessions.add(session);
    send(session, { type: 'joined', ...(ref ? { ref } : {}), participantId: m.id, role: m.role, space, listenerCount: room.listenerCount() });
    send(session, { type: 'you', you: room.you(m) });
    send(session, stageMessage(room));
    if (isModerator(m.role)) sendModeratorState(room, session);
    room.touched(m);
    room.schedule('space');
    room.schedule('stage');
    await grantMedia(room, m, space);
  }

  function sendModeratorState(room: SpaceRoom, session: Session): void {
    send(session, { type: 'roster', participants: room.roster(), now: now() });
    send(session, { type: 'audit', entries: deps.moderation.auditLog(room.spaceId, 200), append: false });
    send(session, { type: 'blocks', blocks: deps.moderation.blocks(deps.moderation.owner(room.spaceId)) });
  }

  function audit(room: SpaceRoom, actor: string, action: string, target: string | null, detail: string | null): void {
    const entry = deps.moderation.audit(room.spaceId, { at: now(), actor, action, target, detail });
    room.toModerators({ type: 'audit', entries: [entry], append: true });
  }

  async function startOrEnd(room: SpaceRoom, m: Member, type: 'start' | 'end'): Promise<void> {
    if (m.role !== 'host') throw new PodiumError('forbidden', 'only the host can start or end the space');
    const current = deps.store.get(room.spaceId);
    if (!current) throw new PodiumError('not_found', 'this space no longer exists');
    if (current.status === 'ended') throw new PodiumError('invalid_state', 'this space has ended; create a new one');
    if (type === 'start') {
      if (current.status === 'live') return; // a second Go live changes nothing
      const space = deps.store.setStatus(current.id, 'live', now())!;
      audit(room, m.name, 'went live', null, null);
      flushers.space(room);
      await Promise.all([...room.members.values()].filter((x) => x.sessions.size > 0).map((x) => grantMedia(room, x, space)));
    } else {
      deps.store.setStatus(current.id, 'ended', now());
      audit(room, m.name, 'ended the space', null, null);
      flushers.space(room);
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
      const space = deps.store.get(room.spaceId);
      if (!space || space.status === 'ended') throw new PodiumError('invalid_state', 'this space has ended');
      const ctx: ActionContext = { deps, room, actor: m, session, space, audit: (...a) => audit(room, ...a), grantMedia: (x) => grantMedia(room, x, space), now };
      await handleAction(ctx, message);
    } catch (error) {
      if (!(error instanceof PodiumError)) throw error;
      fail(session, error.code, error.message, message.ref);
    }
  }

  function leave(session: Session): void {
    const room = session.spaceId ? rooms.get(session.spaceId) : undefined;
    const m = room && session.memberId ? room.members.get(session.memberId) : undefined;
    if (!room || !m) return;
    m.sessions.delete(session);
    if (m.sessions.size === 0) {
      room.left(m.id);
      room.schedule('space');
      room.schedule('stage');
    }
    if (![...room.members.values()].some((x) => x.sessions.size > 0) && room.enforceUntil < now()) {
      room.dispose();
      rooms.delete(room.spaceId);
    }
  }

  return {
    attach(ws) {
      const session: Session = { ws, spaceId: null, memberId: null, limiter: createRateLimiter(20, 40) };
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
    closeAll() {
      enforcer.stop();
      for (const room of rooms.values()) {
        for (const s of room.sessions()) s.ws.close(1001, 'server shutting down');
        room.dispose();
      }
      rooms.clear();
    },
  };
}
