// The services process's status as Electron main pushes it to the studio window (the web studio sends it on its
// bridge instead). No zod here: the sandboxed preload imports this file, and checks what it passes on with it.
import type { ServicesStatus } from './services-status';

export const SERVICES_STATUS_CHANNEL = 'podium:services-status';

const STATES: readonly string[] = ['running', 'restarting', 'failed'];

/** The shape servicesStatusSchema accepts, checked without zod. */
export function isServicesStatus(value: unknown): value is ServicesStatus {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return (
    typeof s.state === 'string' &&
    STATES.includes(s.state) &&
    Number.isInteger(s.since) &&
    Number.isInteger(s.restarts) &&
    (s.restarts as number) >= 0 &&
    (s.detail === null || typeof s.detail === 'string')
  );
}

/**
 * Whether a window that has just loaded must be told the status: it starts out assuming services that have run
 * since the studio started. A reload during a restart, or after one, must not show a studio that never stumbled.
 */
export function statusForNewWindow(status: ServicesStatus): boolean {
  return status.state !== 'running' || status.restarts > 0 || status.detail !== null;
}
