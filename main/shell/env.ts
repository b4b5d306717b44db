// The desktop app's settings from the environment — the same variables the web studio (main/start.ts) and the
// README's table name: PODIUM_DATA_DIR, PODIUM_PORT, PODIUM_HOST, PODIUM_PUBLIC_URL. A value that cannot work
// stops the start with a message naming it, instead of a space server listening somewhere unexpected.
import path from 'node:path';

export interface DesktopSettings {
  /** Absolute; absent: Electron's own userData folder (the same place defaultDataDir() names on Linux). */
  dataDir?: string;
  spaceServerPort: number;
  spaceServerHost: string;
  publicUrl?: string;
}

export const DEFAULT_SPACE_SERVER_PORT = 7800;
export const DEFAULT_SPACE_SERVER_HOST = '127.0.0.1';

export class SettingsError extends Error {
  override name = 'SettingsError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** Empty counts as unset: `PODIUM_PORT= npm start` means "the default", not port 0. */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function desktopSettings(env: Env): DesktopSettings {
  const dataDir = read(env, 'PODIUM_DATA_DIR');
  const port = read(env, 'PODIUM_PORT');
  const host = read(env, 'PODIUM_HOST');
  const publicUrl = read(env, 'PODIUM_PUBLIC_URL');

  // 0 is allowed (a free port, as in tests); anything else must be a whole TCP port.
  const spaceServerPort = port === undefined ? DEFAULT_SPACE_SERVER_PORT : /^\d{1,5}$/.test(port) ? Number(port) : NaN;
  if (!Number.isInteger(spaceServerPort) || spaceServerPort < 0 || spaceServerPort > 65535) {
    throw new SettingsError(`PODIUM_PORT must be a port number from 0 to 65535 (it is ${JSON.stringify(port)})`);
  }
  if (host !== undefined && !/^[A-Za-z0-9.:[\]-]{1,253}$/.test(host)) {
    throw new SettingsError(`PODIUM_HOST must be a host name or an IP address (it is ${JSON.stringify(host)})`);
  }
  if (publicUrl !== undefined) {
    const url = URL.canParse(publicUrl) ? new URL(publicUrl) : null;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
      throw new SettingsError(`PODIUM_PUBLIC_URL must be an http(s) URL without a user or password (it is ${JSON.stringify(publicUrl)})`);
    }
  }
  return {
    ...(dataDir !== undefined ? { dataDir: path.resolve(dataDir) } : {}),
    spaceServerPort,
    spaceServerHost: host ?? DEFAULT_SPACE_SERVER_HOST,
    ...(publicUrl !== undefined ? { publicUrl } : {}),
  };
}
