// A connection that stops reading (server/room.ts): the room's writes pile up for it in the server's memory, so once
// it is further behind than MAX_BEHIND_BYTES it is cut off, and only it; a moderator, who also gets rosters, may fall
// further behind than a listener. The sockets are stand-ins that report how much the server holds for them
// (WebSocket.bufferedAmount); the room's code is the real one.
import { afterEach, describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../../server/rate-limit';
import { MAX_BEHIND_BYTES, SpaceRoom, type Session } from '../../../server/room';

const rooms: SpaceRoom[] = [];
afterEach(() => {
  for (const r of rooms.splice(0)) r.dispose();
});

function socket(bufferedAmount: number) {
  const ws = {
    OPEN: 1,
    readyState: 1,
    bufferedAmount,
    frames: 0,
    terminated: false,
    send() {
      ws.frames++;
    },
    terminate() {
      ws.terminated = true;
      ws.readyState = 3;
    },
  };
  return ws;
}

describe('a connection that stops reading', () => {
  it('is cut off once too far behind, while everyone else keeps getting the room', () => {
    const room = new SpaceRoom('s', { space: () => {}, stage: () => {}, reports: () => {} }, createRateLimiter(1000, 1000));
    rooms.push(room);
    const reading = socket(0);
    const behind = socket(MAX_BEHIND_BYTES.listener + 1);
    const modBehind = socket(MAX_BEHIND_BYTES.listener + 1); // far for a listener, not for a moderator
    const modStuck = socket(MAX_BEHIND_BYTES.moderator + 1);
    const add = (id: string, ws: ReturnType<typeof socket>, role: 'listener' | 'cohost') => {
      const m = room.member(id.repeat(64).slice(0, 64), `p${id}`, id, 0);
      m.role = role;
      m.sessions.add({ ws } as unknown as Session);
    };
    add('a', reading, 'listener');
    add('b', behind, 'listener');
    add('c', modBehind, 'cohost');
    add('d', modStuck, 'cohost');

    room.react('👏', 1_000);
    room.flush();
    expect(reading.frames).toBe(1);
    expect(modBehind.frames).toBe(1);
    expect(behind).toMatchObject({ terminated: true, frames: 0 });
    expect(modStuck).toMatchObject({ terminated: true, frames: 0 });

    // Straight broadcasts (outside a flush) take the same path.
    room.broadcast({ type: 'reactions', items: [{ emoji: '🔥', count: 1 }] });
    expect(reading.frames).toBe(2);
    expect(behind.frames).toBe(0);
  });
});
