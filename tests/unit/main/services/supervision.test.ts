// The shell's restart policy for the services process: a doubling backoff, a limit within a window, and words when
// a restart could not keep the studio's addresses.
import { describe, expect, it } from 'vitest';
import { addressChange, decideRestart, RESTART_POLICY } from '../../../../main/services/process/supervision';

const MIN = 60_000;

describe('decideRestart', () => {
  it('restarts after half a second, doubling with each stop in the window', () => {
    const delays: number[] = [];
    let crashes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const decision = decideRestart(crashes, 1_000_000 + i * 1000);
      if (decision.action !== 'restart') throw new Error('gave up too soon');
      delays.push(decision.delayMs);
      crashes = decision.crashes;
    }
    expect(delays).toEqual([500, 1000, 2000, 4000]);
  });

  it('gives up at the fifth stop within five minutes, and says what to do', () => {
    const now = 10 * MIN;
    const decision = decideRestart([now - 4 * MIN, now - 3 * MIN, now - 2 * MIN, now - MIN], now);
    expect(decision).toMatchObject({ action: 'give-up', crashes: [now - 4 * MIN, now - 3 * MIN, now - 2 * MIN, now - MIN, now] });
    if (decision.action === 'give-up') {
      expect(decision.detail).toContain('5 times within 5 minutes');
      expect(decision.detail).toMatch(/start Podium again/);
    }
  });

  it('forgets stops older than the window: a studio that crashed long ago restarts promptly', () => {
    const now = 60 * MIN;
    const decision = decideRestart([now - 50 * MIN, now - 40 * MIN, now - 30 * MIN, now - 20 * MIN, now - 6 * MIN], now);
    expect(decision).toEqual({ action: 'restart', delayMs: 500, crashes: [now] });
  });

  it('never waits longer than the cap', () => {
    const policy = { ...RESTART_POLICY, maxCrashes: 100 };
    let crashes: number[] = [];
    let last = 0;
    for (let i = 0; i < 10; i++) {
      const decision = decideRestart(crashes, i, policy);
      if (decision.action !== 'restart') throw new Error('gave up');
      crashes = decision.crashes;
      last = decision.delayMs;
    }
    expect(last).toBe(10_000);
  });

  it('ignores times from the future (a clock set back) rather than counting them', () => {
    expect(decideRestart([5000, 6000], 1000)).toEqual({ action: 'restart', delayMs: 500, crashes: [1000] });
  });
});

describe('addressChange', () => {
  const info = { spaceServerUrl: 'http://127.0.0.1:7800', protocolUrl: 'ws://127.0.0.1:7800/ws', livekitUrl: 'ws://127.0.0.1:7880' };

  it('says nothing when the addresses are the same', () => {
    expect(addressChange(info, { ...info })).toBeNull();
  });

  it('names the new listener links when the space server moved', () => {
    const detail = addressChange(info, { ...info, spaceServerUrl: 'http://127.0.0.1:7801', protocolUrl: 'ws://127.0.0.1:7801/ws' });
    expect(detail).toContain('http://127.0.0.1:7801');
    expect(detail).toMatch(/share the space's link again/);
  });

  it('names the audio server when LiveKit moved', () => {
    expect(addressChange(info, { ...info, livekitUrl: 'ws://127.0.0.1:7990' })).toContain('ws://127.0.0.1:7990');
  });
});
