// A promise-based WebSocket client for space-protocol tests: connect, send, and await the next matching message.
// Every message from the server is checked against the protocol's serverMessageSchema; anything outside it is
// recorded in `violations` so tests can assert the server never sends a shape clients cannot parse.
import WebSocket from 'ws';
import { messagesInFrame, serverMessageSchema, type ServerMessage } from '../../common/protocol';

export type ServerMessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;

export interface TestClient {
  ws: WebSocket;
  /** Every valid message received, in order (consumed or not). */
  received: ServerMessage[];
  /** Raw frames that did not match serverMessageSchema. */
  violations: string[];
  /** Resolves once the connection is closed, with the close code. */
  closed: Promise<{ code: number; reason: string }>;
  isOpen(): boolean;
  send(message: object | string | Buffer, options?: { binary?: boolean }): void;
  /** The first not-yet-consumed message that matches, waiting for one if needed; consumes it. */
  next<M extends ServerMessage = ServerMessage>(predicate?: (m: ServerMessage) => m is M, timeoutMs?: number): Promise<M>;
  next(predicate?: (m: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>;
  /** Sends, then awaits the reply of `type` (or an error) carrying the same ref. */
  request(message: Record<string, unknown> & { ref: string }, timeoutMs?: number): Promise<ServerMessage>;
  /** Waits until `count` messages matching the predicate have arrived (consumed or not), or the timeout. */
  waitForCount(predicate: (m: ServerMessage) => boolean, count: number, timeoutMs?: number): Promise<ServerMessage[]>;
  close(): Promise<void>;
}

export function isType<T extends ServerMessage['type']>(type: T): (m: ServerMessage) => m is ServerMessageOf<T> {
  return (m): m is ServerMessageOf<T> => m.type === type;
}

/**
 * How long connect, next, request and waitForCount wait unless told otherwise. Replies come in milliseconds on a quiet
 * machine, but with both cores of a 2-core runner busy a server can take seconds: the default is generous, so only
 * a reply that never comes fails (a test that expects silence passes its own, shorter, time).
 */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** `localAddress` connects from another loopback address (127.0.0.2, …): a different client machine to the server. */
export async function connect(url: string, timeoutMs = DEFAULT_TIMEOUT_MS, options: { localAddress?: string } = {}): Promise<TestClient> {
  const ws = new WebSocket(url, options.localAddress ? { localAddress: options.localAddress } : {});
  const received: ServerMessage[] = [];
  const consumed = new Set<number>();
  const violations: string[] = [];
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };

  ws.on('message', (raw, isBinary) => {
    for (const text of isBinary ? ['<binary>'] : messagesInFrame(String(raw))) {
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch {
        violations.push(text);
        continue;
      }
      const parsed = serverMessageSchema.safeParse(data);
      if (parsed.success) received.push(parsed.data);
      else violations.push(text);
    }
    wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      wake();
    });
  });
  ws.on('error', () => {}); // surfaced through `closed` and failed waits

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`could not connect to ${url} in ${timeoutMs} ms`)), timeoutMs);
    ws.once('open', () => {
      clearTimeout(timer);
      resolve();
    });
    ws.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });

  function waitUntil<T>(check: () => T | undefined, timeoutMs: number, what: () => string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const attempt = () => {
        const found = check();
        if (found !== undefined) {
          cleanup();
          resolve(found);
        } else if (ws.readyState === WebSocket.CLOSED) {
          cleanup();
          reject(new Error(`connection closed while waiting for ${what()}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(attempt);
      };
      waiters.add(attempt);
      attempt();
    });
  }

  const client: TestClient = {
    ws,
    received,
    violations,
    closed,
    isOpen: () => ws.readyState === WebSocket.OPEN,
    send(message, options) {
      const payload = typeof message === 'string' || Buffer.isBuffer(message) ? message : JSON.stringify(message);
      ws.send(payload, { binary: options?.binary ?? false });
    },
    next: ((predicate: (m: ServerMessage) => boolean = () => true, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ServerMessage> =>
      waitUntil(
        () => {
          const index = received.findIndex((m, i) => !consumed.has(i) && predicate(m));
          if (index === -1) return undefined;
          consumed.add(index);
          return received[index];
        },
        timeoutMs,
        () => `a matching message; unconsumed so far: ${JSON.stringify(received.filter((_, i) => !consumed.has(i)))}`,
      )) as TestClient['next'],
    request(message, timeoutMs = DEFAULT_TIMEOUT_MS) {
      client.send(message);
      return client.next((m) => 'ref' in m && m.ref === message.ref, timeoutMs);
    },
    waitForCount(predicate, count, timeoutMs = DEFAULT_TIMEOUT_MS) {
      return waitUntil(
        () => {
          const matching = received.filter(predicate);
          return matching.length >= count ? matching : undefined;
        },
        timeoutMs,
        () => `${count} matching messages (have ${received.filter(predicate).length})`,
      );
    },
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close();
      await closed;
    },
  };
  return client;
}
