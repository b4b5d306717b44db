// `npm run server` (server/cli.ts) reads every flag and variable before anything starts: the config, or one line
// naming the flag or variable at fault (the process exits 2 with it). Its data goes to the studio's per-user folder
// or PODIUM_DATA_DIR, never the checkout; once listening it says where it listens and what links use.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DB_FILE_NAME,
  EXIT_BAD_SETTING,
  HELP,
  listenFailure,
  perUserDataDir,
  readyLines,
  serverCliConfig,
  SettingError,
} from '../../../server/cli';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-cli-config-'));
const home = path.join(tmp, 'home');
const cwd = path.join(tmp, 'cwd');
fs.mkdirSync(cwd, { recursive: true });
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const config = (argv: string[], env: Record<string, string> = {}) => serverCliConfig(argv, env, { cwd, home, platform: 'linux' });

/** The message a bad setting stops the start with; fails the test if there was none. */
function refusal(argv: string[], env: Record<string, string> = {}): string {
  try {
    config(argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingError);
    const message = (error as Error).message;
    // One readable line: no stack, no line break, no code formatting.
    expect(message).not.toContain('\n');
    expect(message).not.toContain('`');
    return message;
  }
  throw new Error(`${JSON.stringify({ argv, env })} was accepted`);
}

describe('serverCliConfig', () => {
  it('defaults: loopback:7800, the studio’s per-user folder, its own database file there', () => {
    const dataDir = path.join(home, '.config', 'podium');
    expect(config([])).toEqual({
      help: false,
      host: '127.0.0.1',
      port: 7800,
      dataDir,
      dbFile: path.join(dataDir, DB_FILE_NAME),
      dbNamed: false,
    });
    expect(DB_FILE_NAME).toBe('space-server.sqlite');
    // Empty variables mean "unset", as in the studio.
    expect(config([], { PODIUM_PORT: '', PODIUM_HOST: ' ', PODIUM_DB: '', PODIUM_ADMIN_TOKEN: '', LIVEKIT_URL: '' })).toEqual(config([]));
  });

  it('names the same per-user folder as the studio on each platform', () => {
    expect(perUserDataDir({}, 'linux', '/home/ada')).toBe('/home/ada/.config/podium');
    expect(perUserDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux', '/home/ada')).toBe('/cfg/podium');
    expect(perUserDataDir({}, 'darwin', '/Users/ada')).toBe('/Users/ada/Library/Application Support/Podium');
    expect(perUserDataDir({ APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ada')).toBe(
      path.join('C:\\Users\\ada\\AppData\\Roaming', 'Podium'),
    );
  });

  it('puts the database in PODIUM_DATA_DIR (or --data-dir), resolved from where it was started', () => {
    expect(config([], { PODIUM_DATA_DIR: 'data' })).toMatchObject({ dataDir: path.join(cwd, 'data'), dbFile: path.join(cwd, 'data', DB_FILE_NAME) });
    expect(config(['--data-dir', '/srv/podium'], { PODIUM_DATA_DIR: 'ignored' })).toMatchObject({ dbFile: `/srv/podium/${DB_FILE_NAME}` });
  });

  it('takes the database file itself from --db or PODIUM_DB, the flag first', () => {
    expect(config([], { PODIUM_DB: 'x/podium.sqlite', PODIUM_DATA_DIR: '/elsewhere' })).toMatchObject({
      dbFile: path.join(cwd, 'x', 'podium.sqlite'),
      dbNamed: true,
    });
    expect(config(['--db', '/a/flag.sqlite'], { PODIUM_DB: '/a/env.sqlite' })).toMatchObject({ dbFile: '/a/flag.sqlite' });
  });

  it('reads host, port, public URL and LiveKit from flags before variables', () => {
    expect(
      config(['--host', '0.0.0.0', '--port', '0', '--public-url', 'https://spaces.example.org/', '--livekit-url', 'wss://lk.example.org'], {
        PODIUM_HOST: 'ignored.example',
        PODIUM_PORT: 'not-read',
        LIVEKIT_API_KEY: 'key',
        LIVEKIT_API_SECRET: 'secret',
      }),
    ).toMatchObject({
      host: '0.0.0.0',
      port: 0,
      publicUrl: 'https://spaces.example.org',
      livekit: { url: 'wss://lk.example.org', apiKey: 'key', apiSecret: 'secret' },
    });
    expect(config([], { PODIUM_HOST: '[::1]', PODIUM_PORT: '65535' })).toMatchObject({ host: '::1', port: 65535 });
    expect(config([], { PODIUM_ADMIN_TOKEN: 'a'.repeat(32) })).toMatchObject({ adminToken: 'a'.repeat(32) });
    expect(config(['-h'])).toMatchObject({ help: true });
  });

  it.each([
    [['--port', 'abc'], {}, '--port must be a port number from 0 to 65535 (it is "abc")'],
    [[], { PODIUM_PORT: '70000' }, 'PODIUM_PORT must be a port number from 0 to 65535 (it is "70000")'],
    [[], { PODIUM_PORT: '-1' }, 'PODIUM_PORT must be a port number from 0 to 65535 (it is "-1")'],
    [[], { PODIUM_HOST: 'my host' }, 'PODIUM_HOST must be a host name or an IP address (it is "my host")'],
    [['--bogus'], {}, 'there is no option --bogus (npm run server -- --help lists them)'],
    [['--port'], {}, '--port needs a value (npm run server -- --help lists them)'],
    [['--help=yes'], {}, '--help takes no value (npm run server -- --help lists them)'],
    [['7800'], {}, 'unexpected argument "7800": options start with -- (npm run server -- --help lists them)'],
    [
      [],
      { PODIUM_PUBLIC_URL: 'spaces.example.org' },
      'PODIUM_PUBLIC_URL must be an http or https URL such as https://spaces.example.org, without a user, password, query or # part (it is "spaces.example.org")',
    ],
    [['--public-url', 'https://u:p@spaces.example.org'], {}, /^--public-url must be an http or https URL/],
    [[], { LIVEKIT_URL: 'ftp://lk.example.org', LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's' }, /^LIVEKIT_URL must be a ws, wss, http or https URL such as wss:\/\/example\.livekit\.cloud/],
    [[], { LIVEKIT_URL: 'wss://lk.example.org' }, 'LIVEKIT_URL is set, so LIVEKIT_API_KEY and LIVEKIT_API_SECRET must be too (the key pair of that LiveKit)'],
    [['--livekit-url', 'wss://lk.example.org'], { LIVEKIT_API_KEY: 'k' }, '--livekit-url is set, so LIVEKIT_API_SECRET must be too (the key pair of that LiveKit)'],
    [[], { LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's' }, /^LIVEKIT_API_KEY is set but LIVEKIT_URL is not: set LIVEKIT_URL/],
    [
      [],
      { PODIUM_ADMIN_TOKEN: 'short-token' },
      'PODIUM_ADMIN_TOKEN is 11 characters; it must be at least 32, so it cannot be guessed. Unset it to have one made at each start, or make one with: openssl rand -base64 32',
    ],
    [[], { PODIUM_ADMIN_TOKEN: 'x' }, /^PODIUM_ADMIN_TOKEN is 1 character; it must be at least 32/],
    [[], { PODIUM_ADMIN_TOKEN: `${'a'.repeat(20)} ${'b'.repeat(20)}` }, /^PODIUM_ADMIN_TOKEN may hold only printable ASCII characters, without spaces/],
  ] as const)('refuses %j %j with one line naming it', (argv, env, expected) => {
    const message = refusal([...argv], { ...env });
    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
  });

  it('refuses a data folder that is a file and a database that is a folder, before creating anything', () => {
    const file = path.join(tmp, 'a-file');
    fs.writeFileSync(file, '');
    expect(refusal([], { PODIUM_DATA_DIR: file })).toBe(`PODIUM_DATA_DIR must name a folder, and ${file} is a file`);
    expect(refusal(['--db', tmp])).toBe(`--db must name a file, and ${tmp} is a folder`);
    expect(fs.readdirSync(tmp).sort()).toEqual(['a-file', 'cwd']);
  });

  it('checks LIVEKIT_SERVER_BIN before starting it, unless a LiveKit is named by URL', () => {
    const plain = path.join(tmp, 'not-runnable');
    const runnable = path.join(tmp, 'livekit-server');
    fs.writeFileSync(plain, '', { mode: 0o644 });
    fs.writeFileSync(runnable, '#!/bin/sh\n', { mode: 0o755 });
    try {
      expect(refusal([], { LIVEKIT_SERVER_BIN: plain })).toBe(`LIVEKIT_SERVER_BIN must name a livekit-server this user can run, and ${plain} is not one`);
      expect(refusal([], { LIVEKIT_SERVER_BIN: 'missing/livekit-server' })).toBe(
        `LIVEKIT_SERVER_BIN must name a livekit-server this user can run, and ${path.join(cwd, 'missing', 'livekit-server')} is not one`,
      );
      expect(config([], { LIVEKIT_SERVER_BIN: runnable })).not.toHaveProperty('livekit');
      const remote = { LIVEKIT_SERVER_BIN: plain, LIVEKIT_URL: 'wss://lk.example.org', LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's' };
      expect(config([], remote)).toHaveProperty('livekit.url', 'wss://lk.example.org');
    } finally {
      fs.rmSync(plain);
      fs.rmSync(runnable);
    }
  });

  it('exits with 2 for a bad setting, and its help names every setting', () => {
    expect(EXIT_BAD_SETTING).toBe(2);
    for (const name of ['--host', '--port', '--data-dir', '--db', '--public-url', '--livekit-url', 'PODIUM_HOST', 'PODIUM_PORT', 'PODIUM_DATA_DIR', 'PODIUM_DB', 'PODIUM_PUBLIC_URL', 'LIVEKIT_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET', 'LIVEKIT_SERVER_BIN', 'PODIUM_ADMIN_TOKEN']) {
      expect(HELP).toContain(name);
    }
    expect(HELP).not.toContain('`');
  });
});

describe('readyLines', () => {
  it('says where it listens and, separately, what links use', () => {
    const lines = readyLines({
      host: '0.0.0.0',
      port: 7800,
      publicUrl: 'https://spaces.example.org',
      dbFile: '/srv/podium/space-server.sqlite',
      livekit: 'wss://lk.example.org (LIVEKIT_URL)',
    });
    expect(lines).toEqual([
      '  Podium space server ready at http://127.0.0.1:7800 (Ctrl+C stops it)',
      '  Listening on http://0.0.0.0:7800, every network interface',
      '  Links use https://spaces.example.org',
      '  Database: /srv/podium/space-server.sqlite',
      '  LiveKit: wss://lk.example.org (LIVEKIT_URL)',
    ]);
  });

  it('on loopback without a public URL, says the links only work on this machine, and shows a made-up token', () => {
    const lines = readyLines({ host: '127.0.0.1', port: 7800, dbFile: '/d/space-server.sqlite', livekit: 'ws://127.0.0.1:7880', generatedToken: 'tok' });
    expect(lines).toContain('  Listening on http://127.0.0.1:7800, this machine only (--host 0.0.0.0 lets others in)');
    expect(lines).toContain('  Links use http://127.0.0.1:7800, which only this machine can open (--public-url names a public address)');
    expect(lines.at(-1)).toBe('  Admin token for POST /api/spaces, new at each start (set PODIUM_ADMIN_TOKEN to keep one): tok');
    for (const line of lines) expect(line).not.toContain('`');
  });

  it('writes IPv6 addresses in brackets', () => {
    const lines = readyLines({ host: '::', port: 9000, dbFile: '/d', livekit: 'x' });
    expect(lines[0]).toBe('  Podium space server ready at http://[::1]:9000 (Ctrl+C stops it)');
    expect(lines[1]).toBe('  Listening on http://[::]:9000, every network interface');
  });
});

describe('listenFailure', () => {
  const coded = (code: string) => Object.assign(new Error(`listen ${code}`), { code });
  it('puts the usual causes in words, with the setting that fixes them', () => {
    expect(listenFailure(coded('EADDRINUSE'), '127.0.0.1', 7800)).toBe(
      'port 7800 on 127.0.0.1 is already in use (another Podium?): stop that, or choose another port with --port or PODIUM_PORT',
    );
    expect(listenFailure(coded('EACCES'), '0.0.0.0', 80)).toMatch(/^this user may not listen on port 80 on 0\.0\.0\.0/);
    expect(listenFailure(coded('EADDRNOTAVAIL'), '10.9.9.9', 7800)).toBe('10.9.9.9 is not an address of this machine: choose another with --host or PODIUM_HOST');
    expect(listenFailure(new Error('something else'), 'h', 1)).toBe('something else');
  });
});
