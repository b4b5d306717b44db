// Client keys per space server: a key one server saw never identifies this browser on another.
import { describe, expect, it } from 'vitest';
import { clientKeySchema } from '../../../../common/protocol';
import { LEGACY_KEY_ITEM, clientKeyFor, dropSeat, hasUsedServer, readSeat, saveSeat, serverOrigin } from '../../../../renderer/state/client-keys';
import { memoryStorage } from './memory-storage';

const PAGE = 'http://127.0.0.1:7800';
const OLD_KEY = 'legacy-key-0123456789abcdef';

describe('serverOrigin', () => {
  it('names a server by its http(s) origin, from a protocol URL or a page link alike', () => {
    expect(serverOrigin('ws://127.0.0.1:7800/ws')).toBe('http://127.0.0.1:7800');
    expect(serverOrigin('http://127.0.0.1:7800/s/abc123defg#cohost=x')).toBe('http://127.0.0.1:7800');
    expect(serverOrigin('wss://podium.example.com/live/ws')).toBe('https://podium.example.com');
    expect(serverOrigin('wss://podium.example.com:443/ws')).toBe(serverOrigin('https://podium.example.com/s/abc123defg'));
    expect(serverOrigin('ws://127.0.0.1:7801/ws')).not.toBe(serverOrigin('ws://127.0.0.1:7800/ws'));
    expect(serverOrigin('podium://open/127.0.0.1:7800/abc123defg')).toBeNull();
    expect(serverOrigin('not a url')).toBeNull();
  });
});

describe('clientKeyFor', () => {
  it('gives two servers two different keys, each valid for the protocol', () => {
    const storage = memoryStorage();
    const a = clientKeyFor(storage, 'http://127.0.0.1:7800', PAGE);
    const b = clientKeyFor(storage, 'http://203.0.113.7:7800', PAGE);
    expect(a).not.toBe(b);
    expect(clientKeySchema.safeParse(a).success).toBe(true);
    expect(clientKeySchema.safeParse(b).success).toBe(true);
  });

  it('gives one server the same key on every call and after a reload (the same storage)', () => {
    const storage = memoryStorage();
    const first = clientKeyFor(storage, 'http://203.0.113.7:7800', PAGE);
    expect(clientKeyFor(storage, 'http://203.0.113.7:7800', PAGE)).toBe(first);
    expect(clientKeyFor(storage, 'http://203.0.113.7:7800', 'http://127.0.0.1:7801')).toBe(first);
  });

  it("keeps the key stored before keys were per server as the page's own origin's, and gives it to no one else", () => {
    const storage = memoryStorage({ [LEGACY_KEY_ITEM]: OLD_KEY });
    // The listener page connects to its own origin: still the same listener (a removal still sticks).
    expect(clientKeyFor(storage, PAGE, PAGE)).toBe(OLD_KEY);
    // Another server (a co-host invite's) does not learn it.
    const other = clientKeyFor(storage, 'http://203.0.113.7:7800', PAGE);
    expect(other).not.toBe(OLD_KEY);
    // Seen from a page on another origin (the web studio), the old key is not this server's either.
    expect(clientKeyFor(storage, PAGE, 'http://127.0.0.1:7801')).not.toBe(OLD_KEY);
    expect(storage.getItem(LEGACY_KEY_ITEM)).toBe(OLD_KEY);
  });

  it('replaces a malformed stored key with a fresh valid one, and keeps that', () => {
    const storage = memoryStorage({ [LEGACY_KEY_ITEM]: 'short' });
    const key = clientKeyFor(storage, PAGE, PAGE);
    expect(key).not.toBe('short');
    expect(clientKeySchema.safeParse(key).success).toBe(true);
    expect(storage.getItem(LEGACY_KEY_ITEM)).toBe(key);
    expect(clientKeyFor(storage, PAGE, PAGE)).toBe(key);
  });
});

describe('hasUsedServer', () => {
  it('is true once this browser holds a key for the server, and only for that server', () => {
    const storage = memoryStorage();
    expect(hasUsedServer(storage, 'http://203.0.113.7:7800', PAGE)).toBe(false);
    clientKeyFor(storage, 'http://203.0.113.7:7800', PAGE);
    expect(hasUsedServer(storage, 'http://203.0.113.7:7800', PAGE)).toBe(true);
    expect(hasUsedServer(storage, 'http://203.0.113.7:7801', PAGE)).toBe(false);
    expect(hasUsedServer(memoryStorage({ [LEGACY_KEY_ITEM]: OLD_KEY }), PAGE, PAGE)).toBe(true);
  });
});

describe('seats', () => {
  it('are kept per server and space, and forgotten on request', () => {
    const storage = memoryStorage();
    const seat = 'seat-credential-0123456789';
    expect(saveSeat(storage, 'http://203.0.113.7:7800', 'abc123defg', seat)).toBe(true);
    expect(readSeat(storage, 'http://203.0.113.7:7800', 'abc123defg')).toBe(seat);
    expect(readSeat(storage, 'http://203.0.113.7:7800', 'zzz123defg')).toBeNull();
    expect(readSeat(storage, 'http://127.0.0.1:7800', 'abc123defg')).toBeNull();
    dropSeat(storage, 'http://203.0.113.7:7800', 'abc123defg');
    expect(readSeat(storage, 'http://203.0.113.7:7800', 'abc123defg')).toBeNull();
  });

  it('keeps nothing a join message could not carry', () => {
    const storage = memoryStorage();
    expect(saveSeat(storage, PAGE, 'abc123defg', 'too-short')).toBe(false);
    expect(saveSeat(storage, PAGE, 'abc123defg', 'x'.repeat(129))).toBe(false);
    expect(storage.items.size).toBe(0);
  });
});
