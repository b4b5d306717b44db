// Test runner settings: Node-side tests only, one file at a time because e2e and LiveKit suites are heavy.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    // Hooks may start livekit-server, or build it with Go on a cold cache.
    hookTimeout: 180_000,
    fileParallelism: false,
    // Native addons (rtc-node's FFI, better-sqlite3) are safest in child processes rather than worker threads.
    pool: 'forks',
    // expect.poll waits on real browsers and a real SFU on a 2-core machine: allow for a loaded CI run.
    expect: { poll: { timeout: 10_000, interval: 100 } },
  },
});
