// A room's reaction batches (server/room.ts): counts per emoji, and `from` naming the people on stage who sent each —
// each once, at most 12 — while reactions without a sender (listeners) leave no trace in it.
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../common/protocol';
import { createRateLimiter } from '../../../server/rate-limit';
import { SpaceRoom, type Session } from '../../../server/room';

const rooms: SpaceRoom[] = [];
afterEach(() => {
  for (const r of rooms.splice(0)) r.dispose();
});

function roomWithWatcher(): { room: SpaceRoom; seen: ServerMessage[] } {
  const room = new SpaceRoom('s', { space: () => {}, stage: () => {}, reports: () => {} }, createRateLimiter(1000, 1000));
  rooms.push(room);
  const seen: ServerMessage[] = [];
  const ws = { OPEN: 1, readyState: 1, send: (frame: string | Buffer) => seen.push(...String(frame).split('\n').map((line) => JSON.parse(line) as ServerMessage)) };
  const m = room.member('x'.repeat(64), 'pwatcher', 'Watcher', 0);
  m.sessions.add({ ws } as unknown as Session);
  return { room, seen };
}
const batches = (seen: ServerMessage[]) => seen.filter((m): m is Extract<ServerMessage, { type: 'reactions' }> => m.type === 'reactions');

describe('reaction batches', () => {
  it('name each sender on stage once per emoji, at most 12, and never a listener', () => {
    const { room, seen } = roomWithWatcher();
    const now = 1_000;
    room.react('🔥', now, 'phost');
    room.react('🔥', now, 'phost');
    room.react('🔥', now); // a listener
    room.react('👏', now);
    for (let i = 0; i < 20; i++) room.react('🎉', now, `p${String(i).padStart(16, '0')}`);
    room.flush();
    const [batch] = batches(seen);
    expect(batch!.items).toEqual([
      { emoji: '🔥', count: 3, from: ['phost'] },
      { emoji: '👏', count: 1 },
      { emoji: '🎉', count: 20, from: Array.from({ length: 12 }, (_, i) => `p${String(i).padStart(16, '0')}`) },
    ]);
    // The next batch starts empty: nobody is named for an earlier one.
    room.react('🔥', now);
    room.flush();
    expect(batches(seen)[1]!.items).toEqual([{ emoji: '🔥', count: 1 }]);
  });

  it("hold listeners to the room's cap, but never someone on stage", () => {
    const room = new SpaceRoom('s', { space: () => {}, stage: () => {}, reports: () => {} }, createRateLimiter(1, 2));
    rooms.push(room);
    const now = 1_000;
    expect(room.react('👏', now)).toBe(true);
    expect(room.react('👏', now)).toBe(true);
    expect(room.react('👏', now)).toBe(false); // the crowd is at the cap
    expect(room.react('🎉', now, 'phost')).toBe(true); // the host still gets through
    expect(room.react('👏', now)).toBe(false); // and did not open the cap for the crowd
  });
});
