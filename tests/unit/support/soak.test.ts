// The soak's judgements and its crowd's plan (tests/support/soak-verdict.ts, soak-plan.ts): what counts as audio
// present, which server lines are failures, when memory or open files have grown, and that the crowd stays within
// the server's reaction limits (so a rate-limit error in a soak is the server's fault, never the plan's).
import { describe, expect, it } from 'vitest';
import { prng } from '../../support/prng';
import { CROWD_REACTIONS_PER_S, LISTENERS_PER_ADDRESS, MIN_REACTION_GAP_MS, listenerAddress, planStay, reactionMeanGapMs } from '../../support/soak-plan';
import { FD_GROWTH_BOUND, RSS_GROWTH_BOUND_MB, isFailureLine, judgeAudioWindow, judgeSoak, type Sample } from '../../support/soak-verdict';

const BLOCK = 4800;
/** A 100 ms block at `db` dBFS RMS. */
const block = (db: number) => ({ squares: BLOCK * 10 ** (db / 10), count: BLOCK });
const speech = (seconds: number) => Array.from({ length: seconds * 10 }, (_, i) => block(i % 7 === 3 ? -70 : -20));

describe('judgeAudioWindow', () => {
  it('hears speech with its natural pauses as present', () => {
    const window = [...speech(4), ...Array.from({ length: 12 }, () => block(-80)), ...speech(5)];
    const judged = judgeAudioWindow(window, 100);
    expect(judged.present).toBe(true);
    expect(judged.longestSilenceMs).toBe(1200);
    expect(judged.levelDb).toBeGreaterThan(-25);
  });

  it('calls a window with nothing received, or only silence, absent', () => {
    expect(judgeAudioWindow([], 100)).toMatchObject({ present: false, levelDb: -Infinity });
    expect(judgeAudioWindow(Array.from({ length: 100 }, () => ({ squares: 0, count: BLOCK })), 100).present).toBe(false);
    expect(judgeAudioWindow(Array.from({ length: 100 }, () => block(-60)), 100).present).toBe(false);
  });

  it('calls a loud window with over 3 s of dead air absent', () => {
    const window = [...speech(3), ...Array.from({ length: 31 }, () => block(-90)), ...speech(3)];
    const judged = judgeAudioWindow(window, 100);
    expect(judged.levelDb).toBeGreaterThan(-40);
    expect(judged.longestSilenceMs).toBe(3100);
    expect(judged.present).toBe(false);
  });
});

describe('isFailureLine', () => {
  it('passes routine lines and flags failures', () => {
    expect(isFailureLine('  · space server listening on http://127.0.0.1:7800', 'stdout')).toBe(false);
    expect(isFailureLine('  Podium space server ready at http://127.0.0.1:7800 — Ctrl+C to stop', 'stdout')).toBe(false);
    expect(isFailureLine('', 'stderr')).toBe(false);
    expect(isFailureLine('  · error handling react: TypeError: x', 'stdout')).toBe(true);
    expect(isFailureLine('  · SFU call failed (muting Bea): timeout', 'stdout')).toBe(true);
    expect(isFailureLine('  · websocket error: Invalid WebSocket frame', 'stdout')).toBe(true);
    expect(isFailureLine('  · enforcer (webhook): p0123 in abc: not entitled; removing', 'stdout')).toBe(true);
    expect(isFailureLine('  ! anything on stderr', 'stderr')).toBe(true);
  });
});

describe('judgeSoak', () => {
  const run = (rss: (t: number) => number): Sample[] => Array.from({ length: 60 }, (_, i) => ({ t: (i + 1) * 10, rssMb: rss((i + 1) * 10), fds: 230 }));
  const ok = { warmupS: 60, quietFds: { start: 30, end: 30 }, errors: [], audio: { present: 60, total: 60 } };

  it('passes a flat run whose RSS saws as V8 grows and returns its heap, however the ends fall', () => {
    // 106 → 136 MB and back every ~3 minutes, as measured: the warm-up ends at a trough and the run near a peak.
    const saw = (t: number) => 106 + (((t - 60) % 190) / 190) * 30;
    const samples = run(saw);
    const verdict = judgeSoak({ ...ok, samples });
    expect(verdict.rss.growthMb).toBeGreaterThan(RSS_GROWTH_BOUND_MB);
    expect(verdict.failures).toEqual([]);
    expect(Math.abs(verdict.rss.floorGrowthMb)).toBeLessThan(2);
  });

  it('fails a steady leak beyond the bound, and reports its size and trend', () => {
    const verdict = judgeSoak({ ...ok, samples: run((t) => 100 + t / 10) });
    expect(verdict.rss.floorGrowthMb).toBeGreaterThan(RSS_GROWTH_BOUND_MB);
    expect(verdict.rss.slopeMbPerMin).toBeCloseTo(6, 5);
    expect(verdict.failures.join()).toMatch(/RSS floor rose/);
  });

  it('fails a leak hidden under the sawtooth', () => {
    // 4 MB a minute, less than the sawtooth's swing at any moment.
    const verdict = judgeSoak({ ...ok, samples: run((t) => 106 + (((t - 60) % 190) / 190) * 30 + t / 15) });
    expect(verdict.failures.join()).toMatch(/RSS floor rose/);
  });

  it('fails open files left behind, any error, and any sample without the host', () => {
    const samples = run(() => 100);
    expect(judgeSoak({ ...ok, samples, quietFds: { start: 30, end: 30 + FD_GROWTH_BOUND } }).failures).toEqual([]);
    expect(judgeSoak({ ...ok, samples, quietFds: { start: 30, end: 31 + FD_GROWTH_BOUND } }).failures.join()).toMatch(/open files/);
    expect(judgeSoak({ ...ok, samples, errors: ['12 s: listener 3: error rate_limited'] }).failures.join()).toMatch(/1 error/);
    expect(judgeSoak({ ...ok, samples, audio: { present: 59, total: 60 } }).failures.join()).toMatch(/absent .* 1 of 60/);
    expect(judgeSoak({ ...ok, samples, audio: { present: 0, total: 0 } }).failures.join()).toMatch(/no audio sample/);
  });

  it('fails a run too short to judge memory rather than passing it', () => {
    expect(judgeSoak({ ...ok, samples: run(() => 100).slice(0, 4) }).failures.join()).toMatch(/no sample after/);
  });
});

describe('the crowd plan', () => {
  it('never reacts faster than one person may, and keeps every event inside the stay', () => {
    const rand = prng(7);
    for (let i = 0; i < 300; i++) {
      const events = planStay(rand, 120_000, 1_500);
      const reacts = events.filter((e) => e.kind === 'react').map((e) => e.atMs);
      for (let j = 1; j < reacts.length; j++) expect(reacts[j]! - reacts[j - 1]!).toBeGreaterThanOrEqual(MIN_REACTION_GAP_MS - 1);
      for (const e of events) expect(e.atMs).toBeLessThan(120_000);
      const hands = events.filter((e) => e.kind === 'hand');
      if (hands.length === 2) expect(hands.map((h) => h.kind === 'hand' && h.raised)).toEqual([true, false]);
    }
  });

  it('stays under the per-address and per-room reaction limits on average', () => {
    // Five listeners an address, each at most one reaction per 1.2 s: below the server's 5/s per address.
    expect((LISTENERS_PER_ADDRESS * 1000) / MIN_REACTION_GAP_MS).toBeLessThan(5);
    expect(new Set(Array.from({ length: 200 }, (_, i) => listenerAddress(i))).size).toBe(200 / LISTENERS_PER_ADDRESS);
    expect(listenerAddress(0)).toBe(listenerAddress(LISTENERS_PER_ADDRESS - 1));
    for (const n of [50, 200, 2000]) expect((n / reactionMeanGapMs(n)) * 1000).toBeLessThanOrEqual(CROWD_REACTIONS_PER_S);
    // Measured over many stays, the crowd's rate is what the plan says (Poisson, within 10 %).
    const rand = prng(3);
    let count = 0;
    for (let i = 0; i < 200; i++) count += planStay(rand, 600_000, reactionMeanGapMs(200)).filter((e) => e.kind === 'react').length;
    expect(count / 600).toBeGreaterThan(CROWD_REACTIONS_PER_S * 0.9);
    expect(count / 600).toBeLessThan(CROWD_REACTIONS_PER_S * 1.1);
  });

  it('is the same plan for the same seed', () => {
    expect(planStay(prng(5), 60_000, 10_000)).toEqual(planStay(prng(5), 60_000, 10_000));
  });
});
