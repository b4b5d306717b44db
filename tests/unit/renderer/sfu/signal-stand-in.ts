// A stand-in for the space server's mediasoup signalling endpoint (common/sfu-signal.ts), for the client adapter's
// tests: it checks every request against the contract's schema, answers by a table the test sets, records what it
// got, and lets the test push events or close the socket with a code.
import { WebSocketServer, type WebSocket } from 'ws';
import { sfuRequestSchema, type SfuRequest, type SfuRequestType } from '../../../../common/sfu-signal';

export type Answer = { value: unknown } | { error: { code: 'forbidden' | 'bad_request' | 'invalid_state' | 'failed'; message: string } } | 'silence';

export interface StandIn {
  url: string;
  received: SfuRequest[];
  /** Requests that broke the contract (a test fails if any). */
  invalid: unknown[];
  answers: Partial<Record<SfuRequestType, (request: SfuRequest) => Answer>>;
  /** Resolves with the next (or an already received, not yet taken) request of this type. */
  next(type: SfuRequestType): Promise<SfuRequest>;
  /** Sends a frame to every connected client (the latest one only if `latest`). */
  push(frame: unknown, options?: { latest?: boolean }): void;
  closeClients(code: number): void;
  connections(): number;
  stop(): Promise<void>;
}

export async function startStandIn(): Promise<StandIn> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('unexpected address');
  const sockets: WebSocket[] = [];
  const taken = new Set<SfuRequest>();
  const waiters: { type: SfuRequestType; resolve: (r: SfuRequest) => void }[] = [];
  const standIn: StandIn = {
    url: `ws://127.0.0.1:${address.port}/sfu`,
    received: [],
    invalid: [],
    answers: {},
    next(type) {
      const found = standIn.received.find((r) => r.type === type && !taken.has(r));
      if (found) {
        taken.add(found);
        return Promise.resolve(found);
      }
      return new Promise((resolve) => waiters.push({ type, resolve }));
    },
    push(frame, options) {
      const targets = options?.latest ? sockets.slice(-1) : sockets;
      for (const s of targets) s.send(JSON.stringify(frame));
    },
    closeClients(code) {
      for (const s of sockets) s.close(code);
    },
    connections: () => sockets.filter((s) => s.readyState === s.OPEN).length,
    async stop() {
      for (const s of sockets) s.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  server.on('connection', (socket) => {
    sockets.push(socket);
    socket.on('message', (data) => {
      const parsed = sfuRequestSchema.safeParse(JSON.parse(String(data)));
      if (!parsed.success) {
        standIn.invalid.push(JSON.parse(String(data)));
        return;
      }
      const request = parsed.data;
      standIn.received.push(request);
      const waiter = waiters.findIndex((w) => w.type === request.type);
      if (waiter >= 0) {
        taken.add(request);
        waiters.splice(waiter, 1)[0]?.resolve(request);
      }
      const answer = standIn.answers[request.type]?.(request) ?? { value: {} };
      if (answer === 'silence') return;
      if ('error' in answer) socket.send(JSON.stringify({ type: 'reply', id: request.id, ok: false, error: answer.error }));
      else socket.send(JSON.stringify({ type: 'reply', id: request.id, ok: true, value: answer.value }));
    });
  });
  return standIn;
}
