// A framework-free store: SDK and server events write plain state here; React reads it through useStore.
import { useSyncExternalStore } from 'react';

export interface Store<T> {
  get(): T;
  set(patch: Partial<T> | ((prev: T) => Partial<T>)): void;
  /** Runs `change` with its sets applied at once: listeners hear once, at the end, if anything was set. */
  batch(change: () => void): void;
  subscribe(listener: () => void): () => void;
}

export function createStore<T extends object>(initial: T): Store<T> {
  let state = initial;
  const listeners = new Set<() => void>();
  let depth = 0;
  let changed = false;
  const notify = () => {
    for (const l of listeners) l();
  };
  return {
    get: () => state,
    set(patch) {
      const next = typeof patch === 'function' ? patch(state) : patch;
      state = { ...state, ...next };
      if (depth > 0) changed = true;
      else notify();
    },
    batch(change) {
      depth++;
      try {
        change();
      } finally {
        depth--;
        if (depth === 0 && changed) {
          changed = false;
          notify();
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function useStore<T extends object>(store: Store<T>): T {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}
