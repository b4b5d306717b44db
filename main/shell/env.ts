// The studio's settings from the environment — the same variables for the desktop app (main/index.ts) and the web
// studio (main/start.ts), and the README's table: PODIUM_DATA_DIR, PODIUM_PORT, PODIUM_HOST, PODIUM_PUBLIC_URL, PODIUM_SFU, and
// for the web studio PODIUM_STUDIO_PORT. A value that cannot work stops the start with a message naming it, instead
// of a space server listening somewhere unexpected.
import path from 'node:path';

export interface DesktopSettings {
  /** Absolute; absent: Electron's own userData folder (the same place defaultDataDir() names on Linux). */
  dataDir?: string;
  spaceServerPort: number;
  spaceServerHost: string;
  publicUrl?: string;
  /** PODIUM_SFU: livekit or mediasoup whatever the studio's settings say; absent, the Audio server card decides. */
  sfu?: 'livekit' | 'mediasoup';
}

export interface WebStudioSettings extends DesktopSettings {
  /** Where the web studio's page is served (loopback only). */
  studioPort: number;
}

export const DEFAULT_SPACE_SERVER_PORT = 7800;
export const DEFAULT_SPACE_SERVER_HOST = '127.0.0.1';
export const DEFAULT_STUDIO_PORT = 7801;

export class SettingsError extends Error {
  override name = 'SettingsError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** Empty counts as unset: `PODIUM_PORT= npm start` means "the default", not port 0. */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** 0 is allowed (a free port, as in tests); anything else must be a whole TCP port. */
function portOf(env: Env, name: string, fallback: number): number {
  const given = read(env, name);
  const port = given === undefined ? fallback : /^\d{1,5}$/.test(given) ? Number(given) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SettingsError(`${name} must be a port number from 0 to 65535 (it is ${JSON.stringify(given)})`);
  }
  return port;
}

export function desktopSettings(env: Env): DesktopSettings {
  const dataDir = read(env, 'PODIUM_DATA_DIR');
  const host = read(env, 'PODIUM_HOST');
  const publicUrl = read(env, 'PODIUM_PUBLIC_URL');
  const sfu = read(env, 'PODIUM_SFU');
  if (sfu !== undefined && sfu !== 'livekit' && sfu !== 'mediasoup') {
    throw new SettingsError(`PODIUM_SFU must be livekit or mediasoup (it is ${JSON.stringify(sfu)})`);
  }

  const spaceServerPort = portOf(env, 'PODIUM_PORT', DEFAULT_SPACE_SERVER_PORT);
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
    ...(sfu !== undefined ? { sfu } : {}),
  };
}

/** The desktop settings, and the web studio's own port (PODIUM_STUDIO_PORT, default 7801; 0 for a free one). */
export function webStudioSettings(env: Env): WebStudioSettings {
  const studioPort = portOf(env, 'PODIUM_STUDIO_PORT', DEFAULT_STUDIO_PORT);
  const desktop = desktopSettings(env);
  if (studioPort !== 0 && studioPort === desktop.spaceServerPort) {
    throw new SettingsError(`PODIUM_STUDIO_PORT and PODIUM_PORT are both ${studioPort}: the web studio and the space server need a port each`);
  }
  return { ...desktop, studioPort };
}
