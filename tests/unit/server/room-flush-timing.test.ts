// When a room's coalesced updates go out (server/room.ts schedule/flush): at most once per 120 ms counted from the
// START of the previous flush, so in a busy room where writing every socket takes as long as the period the next
// moment follows at once instead of a whole period later; in a quiet room an update waits only a short gathering
// window; updates scheduled together still leave as one frame.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRateLimiter } from '../../../server/rate-limit';
import { SpaceRoom, type Session } from '../../../server/room';

const rooms: SpaceRoom[] = [];
/** The test's clock: performance.now() reads it; a "write" moves it without letting timers run (a blocked loop). */
let clock = 0;
let writeMs = 0;
beforeEach(() => {
  clock = 0;
  writeMs = 0;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  vi.spyOn(performance, 'now').mockImplementation(() => clock);
});
afterEach(() => {
  for (const r of rooms.splice(0)) r.dispose();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Lets `ms` pass on an idle loop: timers due in it fire at their time. */
function wait(ms: number): void {
  for (let i = 0; i < ms; i++) {
    clock += 1;
    vi.advanceTimersByTime(1);
  }
}

/** A room with one watcher whose frames are recorded with the clock at which each write began. */
function room(): { room: SpaceRoom; frames: number[] } {
  const r = new SpaceRoom('s', { space: () => {}, stage: () => {}, reports: () => {} }, createRateLimiter(1000, 1000));
  rooms.push(r);
  const frames: number[] = [];
  const ws = { OPEN: 1, readyState: 1, send: () => void (frames.push(clock), (clock += writeMs)) };
  r.member('x'.repeat(64), 'pwatcher', 'Watcher', 0).sessions.add({ ws } as unknown as Session);
  return { room: r, frames };
}

describe('room flush timing', () => {
  it('sends a quiet room’s update after a short gathering window, as one frame for updates that came together', () => {
    const { room: r, frames } = room();
    r.react('🔥', 0);
    r.react('👏', 0);
    wait(14);
    expect(frames).toHaveLength(0);
    wait(1);
    expect(frames).toEqual([15]);
  });

  it('keeps a steady stream to one frame per 120 ms', () => {
    const { room: r, frames } = room();
    for (let t = 0; t < 1200; t += 10) {
      r.react('🔥', 0);
      wait(10);
    }
    const gaps = frames.slice(1).map((t, i) => t - frames[i]!);
    expect(gaps.length).toBeGreaterThanOrEqual(8);
    for (const gap of gaps) expect(gap).toBe(120);
  });

  it('follows a flush that took longer than the period after the short window, not a whole period later', () => {
    const { room: r, frames } = room();
    writeMs = 150; // writing every socket of a big room
    r.react('🔥', 0);
    wait(15); // the first flush begins at 15 and blocks the loop until 165
    expect(frames).toEqual([15]);
    expect(clock).toBe(165);
    r.react('👏', 0); // arrived while it wrote; read once it ended
    wait(15);
    // 120 ms since the previous flush began had passed: only the gathering window, not 120 ms more.
    expect(frames).toEqual([15, 180]);
    // A quick flush keeps the period from its start: the next update waits until 120 ms after it began.
    writeMs = 0;
    clock = 330;
    r.react('❤️', 0);
    wait(15);
    expect(frames).toEqual([15, 180, 345]);
    r.react('🔥', 0);
    wait(119);
    expect(frames).toEqual([15, 180, 345]);
    wait(1);
    expect(frames).toEqual([15, 180, 345, 465]);
  });
});
