// One connection to a space, as a store of SpaceView plus a send function: what both the studio and the listener
// page hold. The browser's client key (a random secret kept in localStorage) makes this person the same participant
// across reloads — and is what a removal or block sticks to.
import type { ClientMessage } from '../../common/protocol';
import { connectSpace, type ConnectionStatus } from './space-connection';
import { EMPTY_VIEW, reduceSpace, type SpaceView } from './space-view';
import { createStore, type Store } from './store';

const KEY_STORAGE = 'podium.clientKey';

export function clientKey(): string {
  let key = localStorage.getItem(KEY_STORAGE);
  if (!key || !/^[A-Za-z0-9_-]{16,128}$/.test(key)) {
    const bytes = crypto.getRandomValues(new Uint8Array(24));
    key = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    localStorage.setItem(KEY_STORAGE, key);
  }
  return key;
}

export type SessionView = SpaceView & { status: ConnectionStatus; attempt: number };

export interface SpaceSession {
  store: Store<SessionView>;
  send(message: ClientMessage): void;
  close(): void;
}

export function openSpaceSession(opts: {
  url: string;
  spaceId: string;
  credential?: string;
  name?: string;
}): SpaceSession {
  const store = createStore<SessionView>({ ...EMPTY_VIEW, status: 'connecting', attempt: 0 });
  const connection = connectSpace({
    url: opts.url,
    join: {
      type: 'join',
      ref: 'join',
      spaceId: opts.spaceId,
      key: clientKey(),
      ...(opts.credential ? { credential: opts.credential } : {}),
      ...(opts.name ? { name: opts.name } : {}),
    },
    onMessage: (message) => store.set((s) => reduceSpace(s, message)),
    onStatus: (status, attempt) => store.set({ status, attempt }),
    // No point retrying after a final answer to the join itself: no such space, a refused key (e.g. a co-host
    // invite that was replaced while we were offline), or a removal.
    isFinal: (m) => m.type === 'removed' || (m.type === 'error' && m.ref === 'join' && (m.code === 'not_found' || m.code === 'forbidden')),
  });
  return { store, send: (m) => connection.send(m), close: () => connection.close() };
}
