// A token bucket per connection, so one chatty or hostile client cannot make the server work for everyone else.
export interface RateLimiter {
  take(now?: number): boolean;
}

export function createRateLimiter(ratePerSecond: number, burst: number): RateLimiter {
  let tokens = burst;
  let last = Date.now();
  return {
    take(now = Date.now()) {
      tokens = Math.min(burst, tokens + ((now - last) / 1000) * ratePerSecond);
      last = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
