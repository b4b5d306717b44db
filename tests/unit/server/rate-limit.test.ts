// Token buckets: per connection, and by key (an address) with bounded memory.
import { describe, expect, it } from 'vitest';
import { createKeyedRateLimiter } from '../../../server/rate-limit';

describe('keyed rate limiter', () => {
  it('limits each key on its own', () => {
    const limiter = createKeyedRateLimiter(1, 3);
    const t = 1_000_000;
    expect([1, 2, 3, 4].map(() => limiter.take('a', t))).toEqual([true, true, true, false]);
    expect(limiter.take('b', t)).toBe(true);
    expect(limiter.take('a', t + 1000)).toBe(true);
    expect(limiter.take('a', t + 1000)).toBe(false);
  });

  it('forgets keys that have been idle long enough to be full again', () => {
    const limiter = createKeyedRateLimiter(10, 10);
    const t = Date.now();
    for (let i = 0; i < 1000; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`, t);
    expect(limiter.size()).toBe(1000);
    limiter.take('late', t + 5_000);
    expect(limiter.size()).toBe(1);
  });
});
