// `npm start` reads its settings before either studio starts: a value that cannot work is one line and exit code 2,
// and a port someone else holds is said in words.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { webStudioSettings } from '../../../main/shell/env';
import { EXIT_BAD_SETTING, startFailure, startSettings } from '../../../main/start';

describe('webStudioSettings', () => {
  it('defaults: space server on loopback:7800, the web studio on 7801, the per-user data folder', () => {
    expect(webStudioSettings({})).toEqual({ spaceServerPort: 7800, spaceServerHost: '127.0.0.1', studioPort: 7801 });
    expect(webStudioSettings({ PODIUM_STUDIO_PORT: ' ' })).toMatchObject({ studioPort: 7801 });
  });

  it('takes every variable the README names', () => {
    expect(
      webStudioSettings({
        PODIUM_DATA_DIR: 'some/where',
        PODIUM_PORT: '9000',
        PODIUM_HOST: '0.0.0.0',
        PODIUM_PUBLIC_URL: 'https://spaces.example.org',
        PODIUM_STUDIO_PORT: '9001',
      }),
    ).toEqual({
      dataDir: path.resolve('some/where'),
      spaceServerPort: 9000,
      spaceServerHost: '0.0.0.0',
      publicUrl: 'https://spaces.example.org',
      studioPort: 9001,
    });
    // 0 means a free port for each; two zeros do not collide.
    expect(webStudioSettings({ PODIUM_PORT: '0', PODIUM_STUDIO_PORT: '0' })).toMatchObject({ spaceServerPort: 0, studioPort: 0 });
  });

  it.each(['abc', '-1', '65536', '7801.5', '1e3', '0x1f'])('refuses PODIUM_STUDIO_PORT=%j, naming it', (port) => {
    expect(() => webStudioSettings({ PODIUM_STUDIO_PORT: port })).toThrow(`PODIUM_STUDIO_PORT must be a port number from 0 to 65535 (it is "${port}")`);
  });

  it('refuses one port for both servers', () => {
    expect(() => webStudioSettings({ PODIUM_PORT: '7900', PODIUM_STUDIO_PORT: '7900' })).toThrow(
      'PODIUM_STUDIO_PORT and PODIUM_PORT are both 7900: the web studio and the space server need a port each',
    );
    expect(() => webStudioSettings({ PODIUM_STUDIO_PORT: '7800' })).toThrow(/both 7800/);
  });
});

describe('startSettings', () => {
  it('hands back the settings when every value works', () => {
    expect(startSettings({ PODIUM_PORT: '7900' })).toEqual({
      settings: { spaceServerPort: 7900, spaceServerHost: '127.0.0.1', studioPort: 7801 },
    });
  });

  it.each([
    [{ PODIUM_PORT: 'seven' }, 'Podium cannot start: PODIUM_PORT must be a port number from 0 to 65535 (it is "seven")'],
    [{ PODIUM_HOST: 'my host' }, 'Podium cannot start: PODIUM_HOST must be a host name or an IP address (it is "my host")'],
    [{ PODIUM_PUBLIC_URL: 'spaces.example.org' }, 'Podium cannot start: PODIUM_PUBLIC_URL must be an http(s) URL without a user or password (it is "spaces.example.org")'],
    [{ PODIUM_STUDIO_PORT: '99999' }, 'Podium cannot start: PODIUM_STUDIO_PORT must be a port number from 0 to 65535 (it is "99999")'],
  ])('turns %j into one line and exit code 2', (env, line) => {
    const checked = startSettings(env);
    expect(checked).toEqual({ error: line, exitCode: EXIT_BAD_SETTING });
    expect(EXIT_BAD_SETTING).toBe(2);
    if ('error' in checked) {
      expect(checked.error).not.toContain('\n');
      expect(checked.error).not.toContain('`');
    }
  });
});

describe('startFailure', () => {
  it('says which port is taken and which setting moves it', () => {
    expect(startFailure(new Error('listen EADDRINUSE: address already in use 127.0.0.1:7800'), {})).toBe(
      'port 7800 on 127.0.0.1 is already in use (another Podium?): stop that, or choose another port with PODIUM_PORT',
    );
    expect(startFailure(new Error('the services process failed: listen EADDRINUSE: address already in use 127.0.0.1:7801'), {})).toBe(
      'port 7801 on 127.0.0.1 is already in use (another Podium?): stop that, or choose another port with PODIUM_STUDIO_PORT',
    );
    expect(startFailure(new Error('listen EADDRINUSE: address already in use [::1]:9001'), { PODIUM_STUDIO_PORT: '9001' })).toBe(
      'port 9001 on [::1] is already in use (another Podium?): stop that, or choose another port with PODIUM_STUDIO_PORT',
    );
  });

  it('passes any other failure through as its message', () => {
    expect(startFailure(new Error('livekit-server v1.13.5 is not available'), {})).toBe('livekit-server v1.13.5 is not available');
    expect(startFailure('plain text', {})).toBe('plain text');
  });
});
