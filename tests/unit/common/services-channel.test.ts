// What the preload lets through on the services-status channel, and when a freshly loaded window is told.
import { describe, expect, it } from 'vitest';
import { isServicesStatus, statusForNewWindow } from '../../../common/services-channel';
import { SERVICES_RUNNING, servicesStatusSchema } from '../../../common/services-status';

const running = { state: 'running', since: 1, restarts: 0, detail: null } as const;

describe('isServicesStatus', () => {
  it('agrees with the schema on good and bad statuses', () => {
    const cases: unknown[] = [
      running,
      { ...running, state: 'restarting' },
      { ...running, state: 'failed', detail: 'Quit and start Podium again.' },
      SERVICES_RUNNING,
      null,
      'running',
      { ...running, state: 'exploded' },
      { ...running, since: 1.5 },
      { ...running, restarts: -1 },
      { ...running, detail: 3 },
      { state: 'running', since: 1, restarts: 0 },
      [],
    ];
    for (const value of cases) expect(isServicesStatus(value), JSON.stringify(value)).toBe(servicesStatusSchema.safeParse(value).success);
  });
});

describe('statusForNewWindow', () => {
  it('stays quiet for services that have run since the start', () => {
    expect(statusForNewWindow(running)).toBe(false);
  });
  it('tells a window loaded during or after a restart, or after giving up', () => {
    expect(statusForNewWindow({ ...running, state: 'restarting' })).toBe(true);
    expect(statusForNewWindow({ ...running, restarts: 2 })).toBe(true);
    expect(statusForNewWindow({ ...running, state: 'failed', detail: 'x' })).toBe(true);
  });
});
