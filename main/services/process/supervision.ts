// When, and whether, the shell starts the services process again after it stopped on its own: a backoff that doubles
// from half a second up to ten, and a limit (five stops within five minutes) after which the shell gives up and says
// so in words. Also what the studio is told when a restart could not keep its addresses. Pure: tested without processes.
import type { ServicesInfo } from './protocol';

export interface RestartPolicy {
  /** The wait before the first restart; each stop within the window doubles it. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** This many stops within windowMs and the shell stops restarting: something is wrong that a restart will not fix. */
  maxCrashes: number;
  windowMs: number;
}

export const RESTART_POLICY: RestartPolicy = { firstDelayMs: 500, maxDelayMs: 10_000, maxCrashes: 5, windowMs: 5 * 60_000 };

export type RestartDecision =
  | { action: 'restart'; delayMs: number; crashes: number[] }
  | { action: 'give-up'; crashes: number[]; detail: string };

/** Words for calls made while the process is being started again. */
export const RESTARTING_MESSAGE = "The studio's services are restarting — try again in a moment.";
/** Words for calls made after the shell closed the services (quitting). */
export const CLOSED_MESSAGE = "The studio's services are not running. Restart Podium.";

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m === 1 ? 'a minute' : `${m} minutes`;
}

/**
 * The services process stopped at `now`; `previous` are the times of the stops before it. Stops older than the
 * window are forgotten, so a studio that crashed twice last week restarts as promptly as a fresh one.
 */
export function decideRestart(previous: readonly number[], now: number, policy: RestartPolicy = RESTART_POLICY): RestartDecision {
  const crashes = [...previous.filter((at) => at <= now && now - at < policy.windowMs), now];
  if (crashes.length >= policy.maxCrashes) {
    return {
      action: 'give-up',
      crashes,
      detail:
        `The studio's services stopped ${crashes.length} times within ${minutes(policy.windowMs)}, so Podium stopped restarting them. ` +
        'Quit and start Podium again; a recording that was in progress is repaired at the next start.',
    };
  }
  const delayMs = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (crashes.length - 1));
  return { action: 'restart', delayMs, crashes };
}

/**
 * What changed in the studio's addresses across a restart, for a person, or null when nothing did. The shell restarts
 * on the same ports, so this only says something when a port could not be had again.
 */
export function addressChange(before: ServicesInfo, after: ServicesInfo): string | null {
  const changed: string[] = [];
  if (before.spaceServerUrl !== after.spaceServerUrl) changed.push(`listener links now start with ${after.spaceServerUrl} (they were ${before.spaceServerUrl}); share the space's link again`);
  else if (before.protocolUrl !== after.protocolUrl) changed.push(`the space server's address is now ${after.protocolUrl}`);
  if (before.livekitUrl !== after.livekitUrl) changed.push(`the audio server moved to ${after.livekitUrl}`);
  if (!changed.length) return null;
  return `The studio's services restarted on new addresses: ${changed.join('; ')}.`;
}
