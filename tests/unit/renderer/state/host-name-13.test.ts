// When the studio asks the host's name before a space.
import { describe, expect, it } from 'vitest';
import { hostNameNeeded } from '../../../../renderer/state/host-name';

describe('hostNameNeeded', () => {
  it('asks while the name is the default and was never chosen', () => {
    expect(hostNameNeeded({ hostName: 'Host' })).toBe(true);
    expect(hostNameNeeded({ hostName: 'Host', hostNameChosen: false })).toBe(true);
  });

  it('does not ask once chosen — even someone who chose "Host" on purpose', () => {
    expect(hostNameNeeded({ hostName: 'Lena', hostNameChosen: true })).toBe(false);
    expect(hostNameNeeded({ hostName: 'Host', hostNameChosen: true })).toBe(false);
  });

  it('treats a saved name other than the default as chosen (settings from before the flag)', () => {
    expect(hostNameNeeded({ hostName: 'Max 🚀' })).toBe(false);
  });

  it('does not ask before the settings are known', () => {
    expect(hostNameNeeded(null)).toBe(false);
    expect(hostNameNeeded(undefined)).toBe(false);
  });
});
