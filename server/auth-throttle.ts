// Throttles guessing of the admin token on POST /api/spaces: per remote address, and across all addresses at once
// (a botnet, or addresses rotated within an IPv6 prefix). Pure, with an injectable clock, so it is unit-testable.

export interface AuthThrottleOptions {
  /** Failures one address may have within `windowMs` before it is refused. */
  maxFailures?: number;
  windowMs?: number;
  /** Failures per second, summed over all addresses, before everyone is refused for the rest of that second. */
  maxGlobalPerSecond?: number;
  now?: () => number;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterMs: number; scope: 'address' | 'everyone' };

export interface AuthThrottle {
  /** Whether `address` may present a token now; a refused attempt is not counted (its token is never checked). */
  check(address: string): ThrottleVerdict;
  /** Records a wrong token from `address`. */
  fail(address: string): void;
  /** How many addresses are being remembered (for tests: the table must not grow without bound). */
  size(): number;
}

export const AUTH_THROTTLE_DEFAULTS = { maxFailures: 5, windowMs: 60_000, maxGlobalPerSecond: 20 } as const;

export function createAuthThrottle(options: AuthThrottleOptions = {}): AuthThrottle {
  const maxFailures = options.maxFailures ?? AUTH_THROTTLE_DEFAULTS.maxFailures;
  const windowMs = options.windowMs ?? AUTH_THROTTLE_DEFAULTS.windowMs;
  const maxGlobal = options.maxGlobalPerSecond ?? AUTH_THROTTLE_DEFAULTS.maxGlobalPerSecond;
  const now = options.now ?? Date.now;
  // Failure times per address, oldest first. Only counted failures are stored and the global cap bounds how fast
  // they come, so the table holds at most maxGlobalPerSecond × windowMs / 1000 addresses.
  const failures = new Map<string, number[]>();
  let global: number[] = [];

  const recent = (times: number[], since: number) => {
    let i = 0;
    while (i < times.length && times[i]! <= since) i++;
    return i === 0 ? times : times.slice(i);
  };
  const sweep = (t: number) => {
    global = recent(global, t - 1_000);
    for (const [address, times] of failures) {
      const kept = recent(times, t - windowMs);
      if (kept.length === 0) failures.delete(address);
      else if (kept !== times) failures.set(address, kept);
    }
  };

  return {
    check(address) {
      const t = now();
      sweep(t);
      const mine = failures.get(address);
      if (mine && mine.length >= maxFailures) {
        return { allowed: false, scope: 'address', retryAfterMs: mine[mine.length - maxFailures]! + windowMs - t };
      }
      if (global.length >= maxGlobal) {
        return { allowed: false, scope: 'everyone', retryAfterMs: global[global.length - maxGlobal]! + 1_000 - t };
      }
      return { allowed: true };
    },
    fail(address) {
      const t = now();
      global.push(t);
      const mine = failures.get(address);
      if (mine) mine.push(t);
      else failures.set(address, [t]);
    },
    size: () => failures.size,
  };
}
