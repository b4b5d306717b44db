// The client side of the space protocol: one WebSocket that (re)joins its space and reconnects with backoff.
// Both the studio and the listener page use it; neither touches WebSocket directly. The join it sends on every
// (re)connect keeps its shape, but its credential can be replaced: a co-host invite is traded for a seat credential.
import { messagesInFrame, serverMessageSchema, type ClientMessage, type ServerMessage } from '../../common/protocol';

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
  /** Runs the application of one frame's messages, e.g. inside a store's batch (absent: applied one by one). */
  together?: (apply: () => void) => void;
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
      const messages: ServerMessage[] = [];
      for (const line of messagesInFrame(String(event.data))) {
        let data: unknown;
        try {
          data = JSON.parse(line);
        } catch {
          continue;
        }
        const parsed = serverMessageSchema.safeParse(data);
        if (parsed.success) messages.push(parsed.data);
      }
      // The messages of one frame are applied together (one update of whoever listens, one render).
      const apply = () => {
        for (const message of messages) {
          if (opts.isFinal?.(message, sent)) closed = true;
          opts.onMessage(message, sent);
        }
      };
      if (opts.together) opts.together(apply);
      else apply();
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
