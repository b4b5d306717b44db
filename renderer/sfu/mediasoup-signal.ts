// The mediasoup adapter's signalling, apart from mediasoup-client so it can be tested in Node: the socket to the
// space server's SFU endpoint (common/sfu-signal.ts), requests matched to replies by id with a deadline, what a
// close code means for the call, and how the server's plain events become the adapter's snapshot fields.
import { SFU_CLOSE, sfuServerMessageSchema, type SfuPeer, type SfuRequest, type SfuServerMessage } from '../../common/sfu-signal';
import type { RemoteSpeaker, SfuSnapshot } from './adapter';


type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
/** A request as the adapter writes it; the signal client numbers it. */
export type SfuRequestBody = WithoutId<SfuRequest>;
/** Everything the server sends that is not a reply. */
export type SfuEvent = Exclude<SfuServerMessage, { type: 'reply' }>;

/** What the server's error reply said; `code` is the contract's (forbidden, bad_request, invalid_state, failed). */
export class SfuRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SfuRequestError';
  }
}

export type CloseKind = 'refused' | 'restarted' | 'lost';
export interface CloseOutcome {
  kind: CloseKind;
  code: number;
  /** What the user is told; null when reconnecting by itself is the whole story. */
  error: string | null;
}

/**
 * What a close of the signalling socket means. Every close ends the call (the SFU forgets a peer whose socket is
 * gone); only a refusal is worth telling the user, since the space server's fresh grant reconnects the others.
 */
export function closeOutcome(code: number): CloseOutcome {
  if (code === SFU_CLOSE.refused) {
    return { kind: 'refused', code, error: 'The audio server refused this connection (removed, the space ended, or the invitation is no longer valid).' };
  }
  if (code === SFU_CLOSE.restarted) return { kind: 'restarted', code, error: null };
  return { kind: 'lost', code, error: null };
}

/**
 * The remote list as LiveKit's adapter reports it: audible (`hasAudio`) when they publish, we consume their voice
 * and it is not muted; `muted` as the server says.
 */
export function remoteSpeakers(peers: readonly SfuPeer[], consuming: ReadonlySet<string>): RemoteSpeaker[] {
  return peers.map((p) => ({
    identity: p.identity,
    name: p.name || p.identity,
    hasAudio: p.publishing && !p.muted && consuming.has(p.identity),
    muted: p.muted,
  }));
}

/** Our microphone as the server holds it: a moderator's mute pauses it, a demotion closes it. */
export function localProducerPatch(state: 'live' | 'paused' | 'closed'): Partial<SfuSnapshot> {
  switch (state) {
    case 'live':
      return { micMuted: false };
    case 'paused':
      return { micMuted: true };
    case 'closed':
      return { publishing: false, micMuted: false };
    default: {
      const never: never = state;
      return never;
    }
  }
}

/** The part of WebSocket the client uses (the browser's, or `ws` in tests). */
export type SignalSocket = Pick<WebSocket, 'readyState' | 'send' | 'close' | 'addEventListener' | 'removeEventListener'>;

export interface SignalHandlers {
  onEvent(event: SfuEvent): void;
  /** The server closed the socket (never called after our own close()). */
  onClose(outcome: CloseOutcome): void;
}

export interface SignalOptions {
  /** How long a request (and opening the socket) may take before it fails. */
  timeoutMs?: number;
  createSocket?: (url: string) => SignalSocket;
}

export interface SignalClient {
  /** Sends a request; resolves with its reply's value passed through `parse`, rejects on an error reply or timeout. */
  request<T>(body: SfuRequestBody, parse: (value: unknown) => T): Promise<T>;
  /** Ends the connection from our side: pending requests fail, onClose is not called. */
  close(): void;
}

export const SIGNAL_TIMEOUT_MS = 10_000;
const OPEN = 1;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Opens the signalling socket; resolves once it is open, rejects if it closes or does not open in time. */
export function openSignal(url: string, handlers: SignalHandlers, options: SignalOptions = {}): Promise<SignalClient> {
  const timeoutMs = options.timeoutMs ?? SIGNAL_TIMEOUT_MS;
  const socket = (options.createSocket ?? ((u: string) => new WebSocket(u)))(url);
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let ended = false;

  const failAll = (error: Error) => {
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    pending.clear();
  };
  const onMessage = (event: MessageEvent) => {
    let frame: unknown;
    try {
      frame = JSON.parse(String(event.data));
    } catch {
      return;
    }
    const parsed = sfuServerMessageSchema.safeParse(frame);
    // A frame we do not understand (a newer server) is skipped rather than ending the call.
    if (!parsed.success) return;
    const message: SfuServerMessage = parsed.data;
    if (message.type !== 'reply') return handlers.onEvent(message);
    if (message.id === null) return;
    const p = pending.get(message.id);
    if (!p) return;
    pending.delete(message.id);
    clearTimeout(p.timer);
    if (message.ok) p.resolve(message.value);
    else p.reject(new SfuRequestError(message.error.code, message.error.message));
  };
  const detach = () => {
    socket.removeEventListener('message', onMessage);
    socket.removeEventListener('close', onClose);
  };
  const onClose = (event: CloseEvent) => {
    if (ended) return;
    ended = true;
    detach();
    const outcome = closeOutcome(event.code);
    handlers.onClose(outcome);
    failAll(new Error(outcome.error ?? `The audio server closed the connection (code ${event.code}).`));
  };

  const client: SignalClient = {
    request<T>(body: SfuRequestBody, parse: (value: unknown) => T): Promise<T> {
      if (ended || socket.readyState !== OPEN) return Promise.reject(new Error('The audio server connection is closed.'));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`The audio server did not answer "${body.type}" within ${Math.round(timeoutMs / 1000)} s.`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (value) => {
            try {
              resolve(parse(value));
            } catch (error) {
              reject(new Error(`The audio server's answer to "${body.type}" was not understood: ${(error as Error).message}`));
            }
          },
          reject,
          timer,
        });
        socket.send(JSON.stringify({ ...body, id }));
      });
    },
    close() {
      if (ended) return;
      ended = true;
      detach();
      failAll(new Error('The audio connection was closed.'));
      socket.close(1000);
    },
  };

  return new Promise<SignalClient>((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      socket.removeEventListener('open', opened);
      socket.removeEventListener('close', failed);
      socket.removeEventListener('error', errored);
    };
    const opened = () => {
      cleanup();
      socket.addEventListener('message', onMessage);
      socket.addEventListener('close', onClose);
      resolve(client);
    };
    const failed = (event: CloseEvent) => {
      cleanup();
      ended = true;
      reject(new Error(closeOutcome(event.code).error ?? `could not open ${url} (code ${event.code})`));
    };
    // Browsers follow an error with a close (which carries the code); Node's WebSocket may not, so fail here too.
    const errored = () => {
      cleanup();
      ended = true;
      reject(new Error(`could not open ${url}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      ended = true;
      socket.close();
      reject(new Error(`could not open ${url} within ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    socket.addEventListener('open', opened);
    socket.addEventListener('close', failed);
    socket.addEventListener('error', errored);
  });
}
