// The supervisor's decisions (server/livekit/supervision.ts): the backoff after a loss, when it gives up, when a
// live process counts as hung, and how the health everyone is shown moves — epoch included.
import { describe, expect, it } from 'vitest';
import { createHealthSource } from '../../server/livekit/health';
import { afterProbe, DEFAULT_RESTART_POLICY as P, initialHealth, moveHealth, nextRestart } from '../../server/livekit/supervision';

const MIN = 60_000;

describe('restarting after a loss', () => {
  it('starts again after 0.25 s, doubling per failed start up to 8 s', () => {
    const delays = [0, 1, 2, 3, 4, 5].map((failedStarts) => nextRestart({ failedStarts, losses: [0] }, 0, P));
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 8000].map((delayMs) => ({ action: 'start', delayMs })));
  });

  it('gives up after 6 failed starts in a row, saying so', () => {
    const decision = nextRestart({ failedStarts: 6, losses: [0] }, 0, P);
    expect(decision).toEqual({ action: 'give-up', reason: 'it failed to start 6 times in a row' });
  });

  it('slows a crash loop down, and gives up at the 11th loss within 5 minutes', () => {
    const losses = Array.from({ length: 10 }, (_, i) => i * 1000);
    expect(nextRestart({ failedStarts: 0, losses: losses.slice(0, 2) }, 2000, P)).toEqual({ action: 'start', delayMs: 500 });
    expect(nextRestart({ failedStarts: 0, losses }, 10_000, P)).toEqual({ action: 'start', delayMs: 8000 });
    expect(nextRestart({ failedStarts: 0, losses: [...losses, 10_000] }, 10_000, P)).toEqual({
      action: 'give-up',
      reason: 'it stopped 11 times within 5 minutes',
    });
  });

  it('forgets losses older than the window: an SFU that crashes once a day is restarted every time', () => {
    const daily = Array.from({ length: 30 }, (_, i) => i * 24 * 60 * MIN);
    const now = daily.at(-1)!;
    expect(nextRestart({ failedStarts: 0, losses: daily }, now, P)).toEqual({ action: 'start', delayMs: 250 });
  });
});

describe('health checks', () => {
  it('counts misses in a row, resets on an answer, and calls it hung at the limit', () => {
    let misses = 0;
    const seen: boolean[] = [];
    for (const answered of [false, false, true, false, false, false]) {
      const step = afterProbe(misses, answered, 3);
      misses = step.misses;
      seen.push(step.hung);
    }
    expect(seen).toEqual([false, false, false, false, false, true]);
  });
});

describe('the health everyone is shown', () => {
  it('is epoch 0 when first up, and bumps the epoch each time it is back after being unavailable', () => {
    let m = initialHealth('up', 100);
    expect(m.health).toEqual({ status: 'up', since: 100, epoch: 0 });
    m = moveHealth(m, 'restarting', 200);
    expect(m.health).toEqual({ status: 'restarting', since: 200, epoch: 0 });
    m = moveHealth(m, 'up', 300);
    expect(m.health).toEqual({ status: 'up', since: 300, epoch: 1 });
    m = moveHealth(moveHealth(m, 'down', 400), 'up', 500);
    expect(m.health).toEqual({ status: 'up', since: 500, epoch: 2 });
  });

  it('does not bump the epoch the first time a probe finds it up', () => {
    const m = moveHealth(initialHealth('down', 0), 'up', 10);
    expect(m.health).toEqual({ status: 'up', since: 10, epoch: 0 });
    expect(moveHealth(m, 'failed', 20).health).toEqual({ status: 'failed', since: 20, epoch: 0 });
  });

  it('is unchanged (the same object) by a move to where it is, so listeners hear only changes', () => {
    const m = moveHealth(initialHealth('up', 0), 'restarting', 5);
    expect(moveHealth(m, 'restarting', 9)).toBe(m);
    let clock = 0;
    const source = createHealthSource('up', () => clock, () => {});
    const heard: string[] = [];
    const off = source.subscribe((s) => heard.push(`${s.status}@${s.since}#${s.epoch}`));
    const broken = source.subscribe(() => {
      throw new Error('a listener that throws');
    });
    for (const status of ['up', 'restarting', 'restarting', 'up', 'up'] as const) {
      clock += 10;
      source.move(status);
    }
    off();
    broken();
    source.move('failed');
    expect(heard).toEqual(['restarting@20#0', 'up@40#1']);
  });
});
