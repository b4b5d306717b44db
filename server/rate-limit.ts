// Token buckets per connection (and per key, such as an address), so one chatty or hostile client cannot make the
// server work for everyone else; and the key per-address limits count by.
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

/**
 * The key per-address limits count by: IPv4-mapped IPv6 is IPv4, and an IPv6 address counts by its /64 (one
 * subscriber's whole network), so a dual-stack client or one with a /64 does not get fresh buckets for free.
 */
export function addressKey(address: string): string {
  const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  if (!plain.includes(':')) return plain;
  const [head = '', tail = ''] = plain.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = plain.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
