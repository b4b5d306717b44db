// A space session's credentials, over a stand-in WebSocket: per-server client keys, and a co-host invite traded for
// the seat credential the server hands out — kept across reconnects and reloads, dropped when the host revokes it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientMessage, ServerMessage } from '../../../../common/protocol';
import { LEGACY_KEY_ITEM, clientKeyFor, readSeat, saveSeat } from '../../../../renderer/state/client-keys';
import { SEAT_REVOKED_TEXT, openSpaceSession, type SpaceSession } from '../../../../renderer/state/space-session';
import { memoryStorage } from './memory-storage';

type Join = Extract<ClientMessage, { type: 'join' }>;

/** Just enough of the browser's WebSocket for space-connection.ts; the test plays the server. */
class FakeSocket {
  static readonly OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.readyState = 3;
    this.onclose?.();
  }
  // The server's side.
  accept(): void {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
  reply(message: ServerMessage): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  get join(): Join {
    return this.sent[0] as Join;
  }
}

const SERVER = 'ws://203.0.113.7:7800/ws';
const ORIGIN = 'http://203.0.113.7:7800';
const PAGE = 'http://127.0.0.1:7801';
const SPACE = 'abc123defg';
const INVITE = 'invite-key-0123456789abcdef';
const SEAT = 'seat-credential-0123456789abcdef';
const HOST_KEY = 'host-key-0123456789abcdef';

const joined = (seatCredential?: string): ServerMessage => ({
  type: 'joined',
  ref: 'join',
  participantId: 'p0123456789abcdef',
  role: 'cohost',
  space: { id: SPACE, title: 'Open mic', description: '', hostName: 'Ann', status: 'live', createdAt: 1, startedAt: 2, endedAt: null },
  listenerCount: 3,
  ...(seatCredential ? { seatCredential } : {}),
});
const refused = (message: string): ServerMessage => ({ type: 'error', ref: 'join', code: 'forbidden', message });

function latest(): FakeSocket {
  const socket = FakeSocket.all.at(-1);
  if (!socket) throw new Error('no socket opened');
  return socket;
}

describe('openSpaceSession', () => {
  let sessions: SpaceSession[] = [];
  const open = (opts: Omit<Parameters<typeof openSpaceSession>[0], 'pageOrigin'>) => {
    const session = openSpaceSession({ pageOrigin: PAGE, ...opts });
    sessions.push(session);
    return session;
  };

  beforeEach(() => {
    FakeSocket.all = [];
    vi.stubGlobal('WebSocket', FakeSocket);
    vi.useFakeTimers();
  });
  afterEach(() => {
    for (const s of sessions) s.close();
    sessions = [];
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("sends each server this browser's key for that server, never the page's old key to another server", () => {
    const storage = memoryStorage({ [LEGACY_KEY_ITEM]: 'legacy-key-0123456789abcdef' });
    open({ url: SERVER, spaceId: SPACE, storage });
    latest().accept();
    const first = latest().join.key;
    open({ url: 'ws://198.51.100.9:7800/ws', spaceId: SPACE, storage });
    latest().accept();
    const second = latest().join.key;
    expect(first).toBe(clientKeyFor(storage, ORIGIN, PAGE));
    expect(second).not.toBe(first);
    expect([first, second]).not.toContain('legacy-key-0123456789abcdef');
    // The listener page's own server still gets the old key: it is still the same listener there.
    open({ url: 'ws://127.0.0.1:7801/ws', spaceId: SPACE, storage });
    latest().accept();
    expect(latest().join.key).toBe('legacy-key-0123456789abcdef');
  });

  it('trades the invite for the seat the server hands out: reconnects and reloads present the seat', () => {
    const storage = memoryStorage();
    open({ url: SERVER, spaceId: SPACE, credential: INVITE, storage });
    latest().accept();
    expect(latest().join.credential).toBe(INVITE);
    latest().reply(joined(SEAT));
    expect(readSeat(storage, ORIGIN, SPACE)).toBe(SEAT);

    // The connection drops; the rejoin presents the seat, not the invite.
    latest().close();
    vi.advanceTimersByTime(10_000);
    expect(FakeSocket.all).toHaveLength(2);
    latest().accept();
    expect(latest().join.credential).toBe(SEAT);
    expect(latest().join.key).toBe(FakeSocket.all[0]!.join.key);

    // A reload that opens the same invite again: the seat, from storage.
    sessions[0]!.close();
    open({ url: SERVER, spaceId: SPACE, credential: INVITE, storage });
    latest().accept();
    expect(latest().join.credential).toBe(SEAT);
  });

  it("never swaps the host's own key for a seat", () => {
    const storage = memoryStorage();
    saveSeat(storage, ORIGIN, SPACE, SEAT);
    open({ url: SERVER, spaceId: SPACE, credential: HOST_KEY, credentialKind: 'host', storage });
    latest().accept();
    expect(latest().join.credential).toBe(HOST_KEY);
  });

  it('drops a refused seat, says the host removed this co-host, and stops retrying', () => {
    const storage = memoryStorage();
    saveSeat(storage, ORIGIN, SPACE, SEAT);
    const session = open({ url: SERVER, spaceId: SPACE, credential: INVITE, storage });
    latest().accept();
    expect(latest().join.credential).toBe(SEAT);
    latest().reply(refused('this co-host seat was revoked'));
    latest().close();
    vi.advanceTimersByTime(30_000);

    expect(readSeat(storage, ORIGIN, SPACE)).toBeNull();
    const view = session.store.get();
    expect(view.seatRevoked).toBe(true);
    expect(view.error?.code).toBe('forbidden');
    expect(view.error?.message).toContain(SEAT_REVOKED_TEXT);
    expect(view.error?.message).toContain('this co-host seat was revoked');
    expect(view.status).toBe('closed');
    expect(FakeSocket.all).toHaveLength(1);

    // Opening the invite again presents the invite: the seat is gone.
    open({ url: SERVER, spaceId: SPACE, credential: INVITE, storage });
    latest().accept();
    expect(latest().join.credential).toBe(INVITE);
  });

  it('a refused invite is not a revoked seat: nothing is dropped, the server speaks for itself', () => {
    const storage = memoryStorage();
    saveSeat(storage, ORIGIN, 'zzz999zzzz', SEAT);
    const session = open({ url: SERVER, spaceId: SPACE, credential: INVITE, storage });
    latest().accept();
    latest().reply(refused('this invite was replaced'));
    expect(session.store.get().seatRevoked).toBe(false);
    expect(session.store.get().error?.message).toBe('this invite was replaced');
    expect(readSeat(storage, ORIGIN, 'zzz999zzzz')).toBe(SEAT);
  });

  it('applies the messages of one frame together: one update for whoever listens, every message in it applied', () => {
    const session = open({ url: SERVER, spaceId: SPACE, credential: HOST_KEY, credentialKind: 'host', storage: memoryStorage() });
    latest().accept();
    latest().reply(joined());
    let heard = 0;
    session.store.subscribe(() => heard++);
    const frame: ServerMessage[] = [
      { type: 'counts', listenerCount: 40, handCount: 2 },
      { type: 'reactions', items: [{ emoji: '👏', count: 3 }] },
      { type: 'rosterDelta', upsert: [], remove: ['pgone'], now: 10 },
    ];
    latest().onmessage?.({ data: frame.map((m) => JSON.stringify(m)).join('\n') });
    expect(heard).toBe(1);
    expect(session.store.get()).toMatchObject({ listenerCount: 40, handCount: 2 });
    expect(session.store.get().reactions).toHaveLength(3);
    // A line that is not a message is skipped; the others in its frame still count.
    latest().onmessage?.({ data: `not json\n${JSON.stringify({ type: 'counts', listenerCount: 41, handCount: 2 })}` });
    expect(heard).toBe(2);
    expect(session.store.get().listenerCount).toBe(41);
  });
});
