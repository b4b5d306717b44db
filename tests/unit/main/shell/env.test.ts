// The desktop app reads the same PODIUM_* variables as the web studio, and refuses values that cannot work.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { desktopSettings } from '../../../../main/shell/env';

describe('desktopSettings', () => {
  it('defaults to loopback:7800 and Electron’s own data folder', () => {
    expect(desktopSettings({})).toEqual({ spaceServerPort: 7800, spaceServerHost: '127.0.0.1' });
    // Empty means unset, not port 0 or a data folder named "".
    expect(desktopSettings({ PODIUM_PORT: '', PODIUM_DATA_DIR: '  ', PODIUM_HOST: '', PODIUM_PUBLIC_URL: '' })).toEqual({
      spaceServerPort: 7800,
      spaceServerHost: '127.0.0.1',
    });
  });

  it('takes every variable the web studio takes', () => {
    expect(
      desktopSettings({ PODIUM_DATA_DIR: 'rel/data', PODIUM_PORT: '0', PODIUM_HOST: '0.0.0.0', PODIUM_PUBLIC_URL: 'https://spaces.example.org' }),
    ).toEqual({ dataDir: path.resolve('rel/data'), spaceServerPort: 0, spaceServerHost: '0.0.0.0', publicUrl: 'https://spaces.example.org' });
    expect(desktopSettings({ PODIUM_HOST: '::1', PODIUM_PORT: '65535' })).toMatchObject({ spaceServerHost: '::1', spaceServerPort: 65535 });
  });

  it.each(['abc', '-1', '65536', '80.5', '1e3', '0x50', '99999999', '7800 7801'])('refuses PODIUM_PORT=%j', (port) => {
    expect(() => desktopSettings({ PODIUM_PORT: port })).toThrow(/PODIUM_PORT/);
  });

  it.each(['evil host', 'a/b', 'host;rm', '$(x)', 'a'.repeat(300)])('refuses PODIUM_HOST=%j', (host) => {
    expect(() => desktopSettings({ PODIUM_HOST: host })).toThrow(/PODIUM_HOST/);
  });

  it('takes PODIUM_SFU=livekit|mediasoup and refuses anything else', () => {
    expect(desktopSettings({ PODIUM_SFU: 'mediasoup' })).toMatchObject({ sfu: 'mediasoup' });
    expect(desktopSettings({ PODIUM_SFU: ' livekit ' })).toMatchObject({ sfu: 'livekit' });
    expect(desktopSettings({ PODIUM_SFU: '' })).not.toHaveProperty('sfu');
    for (const bad of ['MediaSoup', 'janus', 'livekit,mediasoup']) expect(() => desktopSettings({ PODIUM_SFU: bad })).toThrow(/PODIUM_SFU must be livekit or mediasoup/);
  });

  it.each(['spaces.example.org', 'ftp://spaces.example.org', 'https://user:pw@spaces.example.org', 'javascript:alert(1)'])(
    'refuses PODIUM_PUBLIC_URL=%j',
    (url) => {
      expect(() => desktopSettings({ PODIUM_PUBLIC_URL: url })).toThrow(/PODIUM_PUBLIC_URL/);
    },
  );
});
