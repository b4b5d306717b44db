// Guessing the admin token: five wrong tries per address per minute, twenty per second across all addresses, then
// 429 until the window has passed. A refused attempt is not counted, so waiting it out always works.
import { describe, expect, it } from 'vitest';
import { createAuthThrottle } from '../../../server/auth-throttle';

function clocked() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('auth throttle', () => {
  it('refuses an address after five failures within a minute, and lets it try again once they age out', () => {
    const clock = clocked();
    const throttle = createAuthThrottle({ now: clock.now });
    for (let i = 0; i < 5; i++) {
      expect(throttle.check('10.0.0.1')).toEqual({ allowed: true });
      throttle.fail('10.0.0.1');
      clock.advance(1_000);
    }
    const refused = throttle.check('10.0.0.1');
    expect(refused).toMatchObject({ allowed: false, scope: 'address' });
    // The first failure was 5 s ago; it ages out 55 s from now.
    expect(refused.allowed === false && refused.retryAfterMs).toBe(55_000);
    // Another address is not affected.
    expect(throttle.check('10.0.0.2')).toEqual({ allowed: true });
    clock.advance(54_999);
    expect(throttle.check('10.0.0.1').allowed).toBe(false);
    clock.advance(1);
    // One failure has aged out: one more try is allowed.
    expect(throttle.check('10.0.0.1')).toEqual({ allowed: true });
    throttle.fail('10.0.0.1');
    expect(throttle.check('10.0.0.1').allowed).toBe(false);
  });

  it('four failures leave the fifth try allowed', () => {
    const throttle = createAuthThrottle({ now: clocked().now });
    for (let i = 0; i < 4; i++) throttle.fail('a');
    expect(throttle.check('a')).toEqual({ allowed: true });
  });

  it('refuses everyone for the rest of the second after 20 failures across addresses', () => {
    const clock = clocked();
    const throttle = createAuthThrottle({ now: clock.now });
    for (let i = 0; i < 20; i++) {
      expect(throttle.check(`10.0.1.${i}`)).toEqual({ allowed: true });
      throttle.fail(`10.0.1.${i}`);
      clock.advance(10);
    }
    const refused = throttle.check('10.0.2.1');
    expect(refused).toMatchObject({ allowed: false, scope: 'everyone' });
    // The oldest of the 20 was 200 ms ago.
    expect(refused.allowed === false && refused.retryAfterMs).toBe(800);
    clock.advance(800);
    expect(throttle.check('10.0.2.1')).toEqual({ allowed: true });
  });

  it('honours custom limits', () => {
    const clock = clocked();
    const throttle = createAuthThrottle({ now: clock.now, maxFailures: 2, windowMs: 100, maxGlobalPerSecond: 1_000 });
    throttle.fail('a');
    throttle.fail('a');
    expect(throttle.check('a').allowed).toBe(false);
    clock.advance(100);
    expect(throttle.check('a').allowed).toBe(true);
  });

  it('forgets addresses whose failures have aged out, so the table stays bounded', () => {
    const clock = clocked();
    const throttle = createAuthThrottle({ now: clock.now });
    for (let i = 0; i < 1_000; i++) {
      if (throttle.check(`addr-${i}`).allowed) throttle.fail(`addr-${i}`);
      clock.advance(100);
    }
    // One new address every 100 ms for 100 s: only the last 60 s of them are remembered.
    expect(throttle.size()).toBe(600);
    clock.advance(60_000);
    throttle.check('someone');
    expect(throttle.size()).toBe(0);
  });
});
