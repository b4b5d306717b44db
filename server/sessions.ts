// The space protocol's server side: one Session per WebSocket. Sessions join a space as host (with the space's
// host key) or listener; the host starts and ends the space; everyone in the space hears about changes at once.
import crypto from 'node:crypto';
import type { WebSocket } from 'ws';
import { parseClientMessage, type ClientMessage, type ServerMessage } from '../common/protocol';
import type { ErrorCode } from '../common/result';
import type { PublicSpace, Role } from '../common/space';
import type { SfuAdmin } from './livekit/admin';
import { mintToken, type LivekitCredentials } from './livekit/tokens';
import { createRateLimiter, type RateLimiter } from './rate-limit';
import type { SpaceStore } from './store/spaces';

interface Session {
  ws: WebSocket;
  id: string;
  spaceId: string | null;
  role: Role | null;
  name: string;
  limiter: RateLimiter;
}

export interface SessionHub {
  attach(ws: WebSocket): void;
  listenerCount(spaceId: string): number;
  /** Pushes a space's new state (e.g. after a change made outside the protocol) to everyone in it. */
  broadcastSpace(spaceId: string): void;
  closeAll(): void;
}

export interface SessionHubDeps {
  store: SpaceStore;
  livekit: LivekitCredentials;
  admin: SfuAdmin;
  log: (line: string) => void;
  now?: () => number;
}

export function createSessionHub(deps: SessionHubDeps): SessionHub {
  const now = deps.now ?? Date.now;
  const bySpace = new Map<string, Set<Session>>();

  function send(session: Session, message: ServerMessage): void {
    if (session.ws.readyState === session.ws.OPEN) session.ws.send(JSON.stringify(message));
  }
  function fail(session: Session, code: ErrorCode, message: string, ref?: string): void {
    send(session, { type: 'error', code, message, ...(ref ? { ref } : {}) });
  }
  function members(spaceId: string): Set<Session> {
    return bySpace.get(spaceId) ?? new Set();
  }
  function listenerCount(spaceId: string): number {
    let n = 0;
    for (const s of members(spaceId)) if (s.role === 'listener') n++;
    return n;
  }
  function broadcastSpace(spaceId: string): void {
    const space = deps.store.get(spaceId);
    if (!space) return;
    const message: ServerMessage = { type: 'space', space, listenerCount: listenerCount(spaceId) };
    for (const s of members(spaceId)) send(s, message);
  }
  async function sendMediaGrant(session: Session, space: PublicSpace): Promise<void> {
    if (!session.role || space.status !== 'live') return;
    const token = await mintToken(deps.livekit, {
      room: space.id,
      identity: session.id,
      name: session.name,
      role: session.role,
    });
    send(session, {
      type: 'media',
      media: { url: deps.livekit.url, token, identity: session.id, canPublish: session.role !== 'listener' },
    });
  }

  async function handle(session: Session, message: ClientMessage): Promise<void> {
    switch (message.type) {
      case 'ping':
        send(session, { type: 'pong', ...(message.ref ? { ref: message.ref } : {}) });
        return;
      case 'join': {
        if (session.spaceId) return fail(session, 'invalid_state', 'this connection has already joined a space', message.ref);
        const space = deps.store.get(message.spaceId);
        if (!space) return fail(session, 'not_found', 'there is no space at this link — check the link with your host', message.ref);
        let role: Role = 'listener';
        if (message.credential !== undefined) {
          if (!deps.store.verifyHostKey(space.id, message.credential)) {
            return fail(session, 'forbidden', 'that host key is not valid for this space', message.ref);
          }
          role = 'host';
        }
        session.spaceId = space.id;
        session.role = role;
        session.id = `${role === 'host' ? 'host' : 'l'}-${crypto.randomBytes(6).toString('hex')}`;
        session.name = role === 'host' ? space.hostName : (message.name ?? `Listener ${session.id.slice(-4)}`);
        let set = bySpace.get(space.id);
        if (!set) bySpace.set(space.id, (set = new Set()));
        set.add(session);
        send(session, {
          type: 'joined',
          ...(message.ref ? { ref: message.ref } : {}),
          participantId: session.id,
          role,
          space,
          listenerCount: listenerCount(space.id),
        });
        if (role === 'listener') broadcastSpace(space.id);
        await sendMediaGrant(session, space);
        return;
      }
      case 'start':
      case 'end': {
        if (!session.spaceId) return fail(session, 'invalid_state', 'join a space first', message.ref);
        if (session.role !== 'host') return fail(session, 'forbidden', 'only the host can start or end the space', message.ref);
        const current = deps.store.get(session.spaceId);
        if (!current) return fail(session, 'not_found', 'this space no longer exists', message.ref);
        if (current.status === 'ended') return fail(session, 'invalid_state', 'this space has ended; create a new one', message.ref);
        if (message.type === 'start') {
          if (current.status === 'live') return; // idempotent: a second Go live changes nothing
          const space = deps.store.setStatus(current.id, 'live', now());
          deps.log(`space ${current.id} is live`);
          broadcastSpace(current.id);
          if (space) await Promise.all([...members(current.id)].map((s) => sendMediaGrant(s, space)));
        } else {
          deps.store.setStatus(current.id, 'ended', now());
          deps.log(`space ${current.id} ended`);
          broadcastSpace(current.id);
          await deps.admin.closeRoom(current.id).catch((error: unknown) => {
            deps.log(`could not close LiveKit room ${current.id}: ${String(error)}`);
          });
        }
        return;
      }
      default: {
        const unreachable: never = message;
        throw new Error(`unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
  }

  return {
    attach(ws) {
      const session: Session = {
        ws,
        id: '',
        spaceId: null,
        role: null,
        name: '',
        limiter: createRateLimiter(20, 40),
      };
      ws.on('message', (raw, isBinary) => {
        if (!session.limiter.take()) return fail(session, 'rate_limited', 'too many messages; slow down');
        if (isBinary) return fail(session, 'bad_request', 'messages are JSON text, not binary');
        const parsed = parseClientMessage(raw as Buffer);
        if (!parsed.ok) return fail(session, parsed.code, parsed.message, parsed.ref);
        handle(session, parsed.message).catch((error: unknown) => {
          deps.log(`error handling ${parsed.message.type}: ${String(error)}`);
          fail(session, 'internal', 'the server could not do that; try again', parsed.message.ref);
        });
      });
      ws.on('close', () => {
        if (!session.spaceId) return;
        const set = members(session.spaceId);
        set.delete(session);
        if (set.size === 0) bySpace.delete(session.spaceId);
        else if (session.role === 'listener') broadcastSpace(session.spaceId);
      });
      ws.on('error', (error) => deps.log(`websocket error: ${error.message}`));
    },
    listenerCount,
    broadcastSpace,
    closeAll() {
      for (const set of bySpace.values()) for (const s of set) s.ws.close(1001, 'server shutting down');
      bySpace.clear();
    },
  };
}
