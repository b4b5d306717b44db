// The decisions behind supervising an SFU, kept pure so they are tested on their own: how long to wait before the
// next start, when to give up, when a process that still runs counts as hung, and how the health everyone is shown
// moves (with an epoch that tells clients "this is a new SFU process: your old connection is gone").
import type { SfuHealth as SfuHealthState } from '../../common/protocol';

export type { SfuHealthState };
export type SfuStatus = SfuHealthState['status'];

export interface RestartPolicy {
  /** The wait before the first start after a loss (ms); doubled for each failure since. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** Starts that fail in a row before giving up (a binary that cannot run any more, a port someone else holds). */
  maxFailedStarts: number;
  /** Losses within windowMs before giving up: a process that keeps dying is not helped by more restarts. */
  maxRestarts: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  firstDelayMs: 250,
  maxDelayMs: 8_000,
  maxFailedStarts: 6,
  maxRestarts: 10,
  windowMs: 5 * 60_000,
};

export interface RestartHistory {
  /** Starts that failed since the SFU was last up. */
  failedStarts: number;
  /** When the SFU was lost (ms), the current loss included; older than the window counts for nothing. */
  losses: readonly number[];
}

export type RestartDecision = { action: 'start'; delayMs: number } | { action: 'give-up'; reason: string };

/** Losses that still count: those inside the window. */
export function recentLosses(losses: readonly number[], now: number, policy: RestartPolicy): number[] {
  return losses.filter((t) => now - t < policy.windowMs);
}

/**
 * What to do now that the SFU is down: start it again after a delay, or give up. The delay doubles with each
 * failed start and with each earlier loss in the window, so a crash loop slows down as well as a failing start.
 */
export function nextRestart(history: RestartHistory, now: number, policy: RestartPolicy = DEFAULT_RESTART_POLICY): RestartDecision {
  const losses = recentLosses(history.losses, now, policy).length;
  if (history.failedStarts >= policy.maxFailedStarts) {
    return { action: 'give-up', reason: `it failed to start ${history.failedStarts} times in a row` };
  }
  if (losses > policy.maxRestarts) {
    return { action: 'give-up', reason: `it stopped ${losses} times within ${Math.round(policy.windowMs / 60_000)} minutes` };
  }
  const steps = history.failedStarts + Math.max(0, losses - 1);
  return { action: 'start', delayMs: Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(steps, 30)) };
}

/** Health checks missed in a row after one more check; `hung` once there are `limit` of them. */
export function afterProbe(misses: number, answered: boolean, limit: number): { misses: number; hung: boolean } {
  const next = answered ? 0 : misses + 1;
  return { misses: next, hung: next >= limit };
}

export interface HealthMachine {
  health: SfuHealthState;
  /** Whether it has been up at all: the first time up is epoch 0, every return after that bumps it. */
  everUp: boolean;
}

export function initialHealth(status: SfuStatus, now: number): HealthMachine {
  return { health: { status, since: now, epoch: 0 }, everUp: status === 'up' };
}

/**
 * The health after a move to `status`: unchanged (the same object) when it is already there, so listeners hear only
 * of changes; back to 'up' after having been up before starts a new epoch.
 */
export function moveHealth(machine: HealthMachine, status: SfuStatus, now: number): HealthMachine {
  if (machine.health.status === status) return machine;
  if (status === 'up') {
    return { health: { status, since: now, epoch: machine.everUp ? machine.health.epoch + 1 : machine.health.epoch }, everUp: true };
  }
  return { health: { status, since: now, epoch: machine.health.epoch }, everUp: machine.everUp };
}
