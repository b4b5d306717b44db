// One connection to a space, as a store of SpaceView plus a send function: what both the studio and the listener
// page hold. Each space server gets this browser's own client key for it (client-keys.ts), which makes this person
// the same participant across reloads there — and is what a removal or block sticks to. A co-host invite is traded
// for the seat credential the server hands out; the seat is kept, so later joins (reconnects, reloads, the same
// invite opened again) present the seat, never the invite.
import type { ClientMessage, ServerMessage } from '../../common/protocol';
import { clientKeyFor, dropSeat, readSeat, saveSeat, serverOrigin, type KeyStorage } from './client-keys';
import { connectSpace, type ConnectionStatus } from './space-connection';
import { EMPTY_VIEW, reduceSpace, type SpaceView } from './space-view';
import { createStore, type Store } from './store';

export type SessionView = SpaceView & {
  status: ConnectionStatus;
  attempt: number;
  /** The server refused the co-host seat this browser held: the host removed this co-host. */
  seatRevoked?: boolean;
};

export interface SpaceSession {
  store: Store<SessionView>;
  send(message: ClientMessage): void;
  close(): void;
}

/** What a refused seat tells the person, before the server's own words. */
export const SEAT_REVOKED_TEXT = 'The host removed you as co-host of this space.';

export function openSpaceSession(opts: {
  url: string;
  spaceId: string;
  credential?: string;
  /** What `credential` is. The host's own key is always presented as it is; an invite (the default) gives way to
   * the seat this browser already holds in the space. */
  credentialKind?: 'host' | 'invite';
  name?: string;
  /** A ticket code, for a space that needs one (common/tickets.ts). */
  ticket?: string;
  /** Where keys and seats are kept (localStorage) and the page's own origin (location.origin); tests pass their own. */
  storage?: KeyStorage;
  pageOrigin?: string;
}): SpaceSession {
  const storage = opts.storage ?? localStorage;
  const pageOrigin = opts.pageOrigin ?? location.origin;
  // A URL that is no server origin fails to connect anyway; its keys then stay apart from every real server's.
  const origin = serverOrigin(opts.url) ?? opts.url;
  const seatsApply = opts.credential !== undefined && opts.credentialKind !== 'host';
  let seat = seatsApply ? readSeat(storage, origin, opts.spaceId) : null;
  const credential = seat ?? opts.credential;

  const store = createStore<SessionView>({ ...EMPTY_VIEW, status: 'connecting', attempt: 0, seatRevoked: false });
  const isSeatRefusal = (m: ServerMessage, sent: { credential?: string }) =>
    m.type === 'error' && m.ref === 'join' && m.code === 'forbidden' && seat !== null && sent.credential === seat;

  const connection = connectSpace({
    url: opts.url,
    join: {
      type: 'join',
      ref: 'join',
      spaceId: opts.spaceId,
      key: clientKeyFor(storage, origin, pageOrigin),
      ...(credential ? { credential } : {}),
      ...(opts.name ? { name: opts.name } : {}),
      ...(opts.ticket ? { ticket: opts.ticket } : {}),
    },
    onMessage: (message, sent) => {
      if (message.type === 'joined' && message.seatCredential && seatsApply && saveSeat(storage, origin, opts.spaceId, message.seatCredential)) {
        seat = message.seatCredential;
        connection.setCredential(seat);
      }
      if (message.type === 'error' && isSeatRefusal(message, sent)) {
        dropSeat(storage, origin, opts.spaceId);
        seat = null;
        const text = `${SEAT_REVOKED_TEXT} Ask them for a new invite to come back. (The space server said: ${message.message})`;
        store.set((s) => ({ ...reduceSpace(s, { ...message, message: text }), seatRevoked: true }));
        return;
      }
      store.set((s) => reduceSpace(s, message));
    },
    together: (apply) => store.batch(apply),
    onStatus: (status, attempt) => store.set({ status, attempt }),
    // No point retrying after a final answer to the join itself: no such space, a refused key (e.g. a co-host
    // invite that was replaced while we were offline, or a seat the host revoked), or a removal.
    // A ticket that did not admit us is final too: the person types another (a new session) or waits.
    isFinal: (m) => m.type === 'removed' || m.type === 'ticket' || (m.type === 'error' && m.ref === 'join' && (m.code === 'not_found' || m.code === 'forbidden')),
  });
  return { store, send: (m) => connection.send(m), close: () => connection.close() };
}
