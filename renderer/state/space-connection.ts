// The client side of the space protocol: one WebSocket that (re)joins its space and reconnects with backoff.
// Both the studio and the listener page use it; neither touches WebSocket directly.
import { serverMessageSchema, type ClientMessage, type ServerMessage } from '../../common/protocol';

export type ConnectionStatus = 'connecting' | 'open' | 'retrying' | 'closed';

export interface SpaceConnection {
  send(message: ClientMessage): void;
  close(): void;
}

export function connectSpace(opts: {
  url: string;
  join: Extract<ClientMessage, { type: 'join' }>;
  onMessage: (message: ServerMessage) => void;
  onStatus: (status: ConnectionStatus, attempt: number) => void;
  /** Stop retrying after a final answer (e.g. the space does not exist). */
  isFinal?: (message: ServerMessage) => boolean;
}): SpaceConnection {
  let ws: WebSocket | null = null;
  let attempt = 0;
  let closed = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  function open(): void {
    opts.onStatus(attempt === 0 ? 'connecting' : 'retrying', attempt);
    const socket = new WebSocket(opts.url);
    ws = socket;
    socket.onopen = () => {
      attempt = 0;
      socket.send(JSON.stringify(opts.join));
      opts.onStatus('open', 0);
    };
    socket.onmessage = (event) => {
      let data: unknown;
      try {
        data = JSON.parse(String(event.data));
      } catch {
        return;
      }
      const parsed = serverMessageSchema.safeParse(data);
      if (!parsed.success) return;
      if (opts.isFinal?.(parsed.data)) closed = true;
      opts.onMessage(parsed.data);
    };
    socket.onclose = () => {
      if (ws !== socket) return;
      ws = null;
      if (closed) return opts.onStatus('closed', attempt);
      attempt += 1;
      opts.onStatus('retrying', attempt);
      retryTimer = setTimeout(open, Math.min(10_000, 500 * 2 ** Math.min(attempt, 5)));
    };
  }
  open();

  return {
    send(message) {
      if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    },
    close() {
      closed = true;
      clearTimeout(retryTimer);
      ws?.close();
      ws = null;
    },
  };
}
