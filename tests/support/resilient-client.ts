// A space-protocol client for tests that outlive a server: the renderer's own connectSpace (reconnect with backoff,
// the same join on every reconnect, a co-host invite traded for the seat credential) running in Node over the `ws`
// package. Every message is kept with the connection it arrived on, so a test can wait for what came after a
// reconnect.
import WebSocket from 'ws';
import type { ClientMessage, ServerMessage } from '../../common/protocol';
import { connectSpace, type ConnectionStatus, type SpaceConnection } from '../../renderer/state/space-connection';

type JoinMessage = Extract<ClientMessage, { type: 'join' }>;

export interface ResilientClient {
  /** Every message, with how many times the client had joined when it arrived (1 = the first connection). */
  received: { message: ServerMessage; joins: number }[];
  /** How many `joined` replies so far. */
  joins(): number;
  status(): ConnectionStatus;
  send(message: ClientMessage): void;
  /** The first message matching `predicate` that arrived on join number `onJoin` or later, waiting for it. */
  next<M extends ServerMessage>(predicate: (m: ServerMessage) => m is M, onJoin: number, timeoutMs?: number): Promise<M>;
  next(predicate: (m: ServerMessage) => boolean, onJoin: number, timeoutMs?: number): Promise<ServerMessage>;
  /** The last message matching `predicate` on join number `onJoin` or later (undefined if none yet). */
  last<M extends ServerMessage>(predicate: (m: ServerMessage) => m is M, onJoin: number): M | undefined;
  close(): void;
}

/**
 * connectSpace uses the browser's WebSocket global. Node 20 has none, and Node 22's own (undici's) fires "error" but
 * never "close" when a connection is refused (seen with the space server killed: the client never retried), which no
 * browser does; so the `ws` package always stands in (same API), behaving as a browser does. A browser's failed
 * connection fires an error event nobody has to handle; `ws` throws one that nobody listens to.
 */
class BrowserLikeWebSocket extends WebSocket {
  constructor(url: string) {
    super(url);
    this.on('error', () => {}); // followed by close, which connectSpace handles (it retries)
  }
}

function installWebSocket(): void {
  if ((globalThis as { WebSocket?: unknown }).WebSocket === BrowserLikeWebSocket) return;
  (globalThis as { WebSocket?: unknown }).WebSocket = BrowserLikeWebSocket;
}

export function resilientClient(url: string, join: JoinMessage): ResilientClient {
  installWebSocket();
  const received: ResilientClient['received'] = [];
  const waiters = new Set<() => void>();
  let joins = 0;
  let status: ConnectionStatus = 'connecting';
  let connection: SpaceConnection | null = null;
  connection = connectSpace({
    url,
    join,
    onMessage(message) {
      if (message.type === 'joined') {
        joins += 1;
        // As the studio does: a co-host invite is traded for the seat's own credential on the first join.
        if (message.seatCredential) connection?.setCredential(message.seatCredential);
      }
      received.push({ message, joins });
      for (const wake of [...waiters]) wake();
    },
    onStatus(next) {
      status = next;
    },
    isFinal: (message) => message.type === 'removed',
  });

  function find(predicate: (m: ServerMessage) => boolean, onJoin: number): ServerMessage | undefined {
    return received.find((r) => r.joins >= onJoin && predicate(r.message))?.message;
  }

  const client: ResilientClient = {
    received,
    joins: () => joins,
    status: () => status,
    send: (message) => connection?.send(message),
    next: ((predicate: (m: ServerMessage) => boolean, onJoin: number, timeoutMs = 20_000): Promise<ServerMessage> =>
      new Promise<ServerMessage>((resolve, reject) => {
        const attempt = () => {
          const found = find(predicate, onJoin);
          if (!found) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          const seen = received.filter((r) => r.joins >= onJoin).map((r) => r.message.type);
          reject(new Error(`timed out after ${timeoutMs} ms waiting on join ${onJoin}; seen since: ${seen.join(', ') || 'nothing'}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(attempt);
        };
        waiters.add(attempt);
        attempt();
      })) as ResilientClient['next'],
    last: ((predicate: (m: ServerMessage) => boolean, onJoin: number) =>
      received.filter((r) => r.joins >= onJoin && predicate(r.message)).at(-1)?.message) as ResilientClient['last'],
    close() {
      connection?.close();
      connection = null;
      for (const wake of [...waiters]) wake();
    },
  };
  return client;
}
