// A light space-protocol client for the soak: hundreds of these run in one process for ten minutes, so unlike
// tests/support/ws-client.ts it keeps no history. It counts what arrives, checks every message against the
// protocol's schema, and reports each `error` message and each malformed frame to the caller, who decides whether
// it was expected. Waits are registered before the message that answers them is sent.
import WebSocket from 'ws';
import { messagesInFrame, serverMessageSchema, type ClientMessage, type ServerMessage } from '../../common/protocol';

export interface SoakClient {
  isOpen(): boolean;
  send(message: ClientMessage): void;
  /** Resolves with the next message that matches, arriving after this call; rejects on timeout or close. */
  expect<M extends ServerMessage>(predicate: (m: ServerMessage) => m is M, timeoutMs: number, what: string): Promise<M>;
  /** Called for every valid message, after waiters. Returns a function that removes the listener. */
  onMessage(listener: (m: ServerMessage) => void): () => void;
  /** Resolves once the connection is closed (by either side). */
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export interface SoakClientOptions {
  /** Connect from this loopback address (a different "machine" to the server's per-address limits). */
  localAddress?: string;
  /** An `error` message or a frame outside the protocol: the caller records it. */
  onProblem: (problem: string) => void;
  timeoutMs?: number;
}

export const isType =
  <T extends ServerMessage['type']>(type: T) =>
  (m: ServerMessage): m is Extract<ServerMessage, { type: T }> =>
    m.type === type;

export async function connectSoakClient(url: string, options: SoakClientOptions): Promise<SoakClient> {
  const ws = new WebSocket(url, options.localAddress ? { localAddress: options.localAddress } : {});
  const waiters = new Set<(m: ServerMessage | null) => void>();
  const listeners = new Set<(m: ServerMessage) => void>();
  ws.on('message', (raw, isBinary) => {
    if (isBinary) return options.onProblem('a binary frame from the server');
    for (const line of messagesInFrame(String(raw))) {
      let parsed;
      try {
        parsed = serverMessageSchema.safeParse(JSON.parse(line));
      } catch {
        options.onProblem(`a frame that is not JSON: ${line.slice(0, 120)}`);
        continue;
      }
      if (!parsed.success) {
        options.onProblem(`a message outside the protocol: ${line.slice(0, 200)}`);
        continue;
      }
      const message = parsed.data;
      if (message.type === 'error') options.onProblem(`error ${message.code}: ${message.message}`);
      for (const w of [...waiters]) w(message);
      for (const l of [...listeners]) l(message);
    }
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => {
      for (const w of [...waiters]) w(null);
      resolve({ code, reason: reason.toString() });
    });
  });
  // Failures surface through `closed` and the waits; an unhandled 'error' event would end the process.
  ws.on('error', () => {});
  const timeoutMs = options.timeoutMs ?? 15_000;
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => {
      clearTimeout(timer);
      ws.terminate();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`could not connect to ${url} in ${timeoutMs} ms`)), timeoutMs);
    ws.once('open', () => {
      clearTimeout(timer);
      ws.off('error', fail);
      resolve();
    });
    ws.once('error', fail);
  });

  return {
    isOpen: () => ws.readyState === WebSocket.OPEN,
    send(message) {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    },
    expect<M extends ServerMessage>(predicate: (m: ServerMessage) => m is M, waitMs: number, what: string): Promise<M> {
      return new Promise<M>((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        const waiter = (m: ServerMessage | null) => {
          if (m === null) {
            done();
            reject(new Error(`connection closed while waiting for ${what}`));
          } else if (predicate(m)) {
            done();
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out after ${waitMs} ms waiting for ${what}`));
        }, waitMs);
        if (ws.readyState !== WebSocket.OPEN) {
          done();
          reject(new Error(`connection closed before waiting for ${what}`));
          return;
        }
        waiters.add(waiter);
      });
    },
    onMessage(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    closed,
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close();
      // A server that does not answer the close handshake in time is cut off.
      const timer = setTimeout(() => ws.terminate(), 5_000);
      await closed;
      clearTimeout(timer);
    },
  };
}
