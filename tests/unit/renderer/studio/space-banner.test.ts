// One banner for a lost studio service: a failed call's "unavailable" is the connection banner's news, not a second
// error banner's.
import { describe, expect, it } from 'vitest';
import { SERVICES_RUNNING } from '../../../../common/services-status';
import { errorCoveredByBanner } from '../../../../renderer/studio/health';

describe('errorCoveredByBanner', () => {
  it('hides "unavailable" while the bridge is lost or the services are not running', () => {
    expect(errorCoveredByBanner('unavailable', { bridgeLost: 'closed', services: SERVICES_RUNNING })).toBe(true);
    expect(errorCoveredByBanner('unavailable', { bridgeLost: 'key', services: SERVICES_RUNNING })).toBe(true);
    expect(errorCoveredByBanner('unavailable', { bridgeLost: null, services: { ...SERVICES_RUNNING, state: 'restarting' } as never })).toBe(true);
  });

  it('shows every other failure, and "unavailable" when nothing else explains it', () => {
    expect(errorCoveredByBanner('unavailable', { bridgeLost: null, services: SERVICES_RUNNING })).toBe(false);
    expect(errorCoveredByBanner('bad_request', { bridgeLost: 'closed', services: SERVICES_RUNNING })).toBe(false);
  });
});
