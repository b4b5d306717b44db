// The client side of the space protocol: one WebSocket that (re)joins its space and reconnects with backoff.
// Both the studio and the listener page use it; neither touches WebSocket directly. The join it sends on every
// (re)connect keeps its shape, but its credential can be replaced: a co-host invite is traded for a seat credential.
import { serverMessageSchema, type ClientMessage, type ServerMessage } from '../../common/protocol';

export type ConnectionStatus = 'connecting' | 'open' | 'retrying' | 'closed';

type JoinMessage = Extract<ClientMessage, { type: 'join' }>;

export interface SpaceConnection {
  send(message: ClientMessage): void;
  /** The credential the next (re)join presents; the join already sent is not repeated. */
  setCredential(credential: string): void;
  close(): void;
}

export function connectSpace(opts: {
  url: string;
  join: JoinMessage;
  /** `sent` is the join this socket presented, so a refusal can be matched to the credential it refused. */
  onMessage: (message: ServerMessage, sent: JoinMessage) => void;
  onStatus: (status: ConnectionStatus, attempt: number) => void;
  /** Stop retrying after a final answer (e.g. the space does not exist). */
  isFinal?: (message: ServerMessage, sent: JoinMessage) => boolean;
}): SpaceConnection {
  let ws: WebSocket | null = null;
  let attempt = 0;
  let closed = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let join: JoinMessage = opts.join;

  function open(): void {
    opts.onStatus(attempt === 0 ? 'connecting' : 'retrying', attempt);
    const socket = new WebSocket(opts.url);
    ws = socket;
    let sent = join;
    socket.onopen = () => {
      attempt = 0;
      sent = join;
      socket.send(JSON.stringify(sent));
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
      if (opts.isFinal?.(parsed.data, sent)) closed = true;
      opts.onMessage(parsed.data, sent);
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
    setCredential(credential) {
      join = { ...join, credential };
    },
    close() {
      closed = true;
      clearTimeout(retryTimer);
      ws?.close();
      ws = null;
    },
  };
}
