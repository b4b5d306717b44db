// A token bucket per connection, so one chatty or hostile client cannot make the server work for everyone else.
export interface RateLimiter {
  take(now?: number): boolean;
}

export function createRateLimiter(ratePerSecond: number, burst: number): RateLimiter {
  let tokens = burst;
  let last: number | null = null;
  return {
    take(now = Date.now()) {
      // A clock that steps back refills nothing (rather than draining the bucket below zero).
      tokens = Math.min(burst, tokens + (Math.max(0, now - (last ?? now)) / 1000) * ratePerSecond);
      last = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

/** Token buckets by key (e.g. an IP address), forgetting keys idle long enough to be full again, so memory stays bounded. */
export function createKeyedRateLimiter(ratePerSecond: number, burst: number): { take(key: string, now?: number): boolean; size(): number } {
  const buckets = new Map<string, { limiter: RateLimiter; last: number }>();
  const refillMs = (burst / ratePerSecond) * 1000;
  let lastPrune = Date.now();
  return {
    take(key, now = Date.now()) {
      if (now - lastPrune > refillMs) {
        for (const [k, b] of buckets) if (now - b.last > refillMs) buckets.delete(k);
        lastPrune = now;
      }
      let bucket = buckets.get(key);
      if (!bucket) buckets.set(key, (bucket = { limiter: createRateLimiter(ratePerSecond, burst), last: now }));
      bucket.last = now;
      return bucket.limiter.take(now);
    },
    size: () => buckets.size,
  };
}
