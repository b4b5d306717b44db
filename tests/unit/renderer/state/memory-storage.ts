// A Map-backed stand-in for localStorage, for tests of what the renderer remembers.
import type { KeyStorage } from '../../../../renderer/state/client-keys';

export function memoryStorage(initial: Record<string, string> = {}): KeyStorage & { items: Map<string, string> } {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, String(value)),
    removeItem: (key) => void items.delete(key),
  };
}
