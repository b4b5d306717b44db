// What this browser remembers per space server: its client key there, and any co-host seat credential a server
// handed out. A client key only says "the same listener as before", so each server gets its own: a key one server
// saw must never let it (or whoever runs it) pass as this person on another. Servers are named by their http(s)
// origin — a protocol URL (ws://host:port/ws) and the share link (http://host:port/s/…) name the same server.
// Storage is injected (localStorage in the page, a Map in tests), so every rule here is tested in Node.

export interface KeyStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The key the page kept before keys were per server: it stays the key of the page's own origin, so a listener
 * page (which connects to its own origin) is still the same listener after this change. */
export const LEGACY_KEY_ITEM = 'podium.clientKey';
const KEY_ITEM_PREFIX = 'podium.clientKey@';
const SEAT_ITEM_PREFIX = 'podium.seat@';

const KEY_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;
/** What the join message accepts as a credential (common/protocol.ts). */
const CREDENTIAL_PATTERN = /^.{16,128}$/s;

/** The http(s) origin of a space server, from its protocol URL or any page link on it; null if it is neither. */
export function serverOrigin(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url.trim().replace(/^ws(s?):/i, 'http$1:'));
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  return parsed.origin;
}

/** 24 random bytes, base64url: 32 characters that pass the protocol's client-key check. */
export function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function keyItem(origin: string, pageOrigin: string): string {
  return origin === pageOrigin ? LEGACY_KEY_ITEM : `${KEY_ITEM_PREFIX}${origin}`;
}

/**
 * This browser's client key for one space server, made (and kept) on first use. `pageOrigin` is the origin of the
 * page itself (location.origin): that server keeps the key stored before keys were per server.
 */
export function clientKeyFor(storage: KeyStorage, origin: string, pageOrigin: string, makeKey: () => string = randomKey): string {
  const item = keyItem(origin, pageOrigin);
  const stored = storage.getItem(item);
  if (stored && KEY_PATTERN.test(stored)) return stored;
  const key = makeKey();
  storage.setItem(item, key);
  return key;
}

/** Whether this browser has joined a space on that server before (it holds a client key for it). */
export function hasUsedServer(storage: KeyStorage, origin: string, pageOrigin: string): boolean {
  const stored = storage.getItem(keyItem(origin, pageOrigin));
  return stored !== null && KEY_PATTERN.test(stored);
}

function seatItem(origin: string, spaceId: string): string {
  return `${SEAT_ITEM_PREFIX}${origin}#${spaceId}`;
}

/** The co-host seat credential this browser holds in one space, if any. */
export function readSeat(storage: KeyStorage, origin: string, spaceId: string): string | null {
  const seat = storage.getItem(seatItem(origin, spaceId));
  return seat && CREDENTIAL_PATTERN.test(seat) ? seat : null;
}

/** Keeps a seat credential the server handed out; one the join message could not carry is not kept. */
export function saveSeat(storage: KeyStorage, origin: string, spaceId: string, seat: string): boolean {
  if (!CREDENTIAL_PATTERN.test(seat)) return false;
  storage.setItem(seatItem(origin, spaceId), seat);
  return true;
}

/** Forgets a seat (the host removed this co-host, so the server refuses it). */
export function dropSeat(storage: KeyStorage, origin: string, spaceId: string): void {
  storage.removeItem(seatItem(origin, spaceId));
}
