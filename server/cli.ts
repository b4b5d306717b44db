// `npm run server`: the space server on its own, for a space that outgrows one studio machine. LiveKit comes from
// LIVEKIT_URL / LIVEKIT_API_KEY / LIVEKIT_API_SECRET (LiveKit Cloud or a Redis-backed cluster); without them a local
// livekit-server is started on loopback and kept running (server/livekit/supervisor.ts), as the studio does; a
// LiveKit named by LIVEKIT_URL is probed instead (server/livekit/health.ts), since it is not ours to restart.
// `--sfu mediasoup` runs mediasoup in this process instead of any LiveKit (server/sfu/mediasoup/, server/sfu/choice.ts).
//
// Every setting is read and checked before anything starts (serverCliConfig, pure, unit-tested): a value that cannot
// work stops the start with one line naming it and exit code 2, and nothing is created. Its data lives in the same
// per-user folder as the studio's (PODIUM_DATA_DIR moves it), never inside the checkout.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { countOf } from '../common/text';
import type { SfuHealth } from './livekit/health';
import { startSupervisedLivekit } from './livekit/supervisor';
import { startSpaceServer } from './index';
import type { MediasoupOptions } from './sfu/mediasoup/index';
import { sfuChoice } from './sfu/choice';
import { freePort, localAddressOf, localWebhook } from './local-webhook';
import { installProcessGuard } from './process-guard';

// Guessing is throttled too (server/auth-throttle.ts), but a short token should not have to rely on that.
export const MIN_ADMIN_TOKEN_LENGTH = 32;
export const DEFAULT_PORT = 7800;
export const DEFAULT_HOST = '127.0.0.1';
/** The server's own file in the data folder: not the studio's podium.sqlite, so both can run on one machine. */
export const DB_FILE_NAME = 'space-server.sqlite';
/** Exit code for a setting that cannot work (as command-line tools use 2 for usage errors). */
export const EXIT_BAD_SETTING = 2;

export const HELP = `Usage: npm run server -- [options]

  --host <addr>         address to listen on (PODIUM_HOST, default ${DEFAULT_HOST}; 0.0.0.0 for every interface)
  --port <n>            port, 0 for a free one (PODIUM_PORT, default ${DEFAULT_PORT})
  --data-dir <folder>   where the database goes (PODIUM_DATA_DIR, default the studio's per-user folder,
                        ~/.config/podium on Linux)
  --db <file>           the SQLite file itself (PODIUM_DB, default <data folder>/${DB_FILE_NAME})
  --public-url <url>    base of share links, e.g. https://spaces.example.org (PODIUM_PUBLIC_URL)
  --livekit-url <url>   LiveKit signalling URL (LIVEKIT_URL); needs LIVEKIT_API_KEY and LIVEKIT_API_SECRET.
                        Without it a local livekit-server is started and kept running.
  LIVEKIT_SERVER_BIN    that local livekit-server (default: the one in .cache/livekit, else on PATH)
  --sfu <kind>          livekit (default) or mediasoup (PODIUM_SFU): mediasoup runs in this process and needs
                        the mediasoup package and its worker (MEDIASOUP_WORKER_BIN); MEDIASOUP_LISTEN_IP
                        (default 127.0.0.1), MEDIASOUP_ANNOUNCED_ADDRESS (what clients reach), MEDIASOUP_RTC_PORTS
                        (e.g. 40000-49999)
  PODIUM_ADMIN_TOKEN    bearer token for POST /api/spaces (a studio creating spaces here), at least
                        ${MIN_ADMIN_TOKEN_LENGTH} characters; a new one is made and printed at each start if unset
  -h, --help            this text
`;

export class SettingError extends Error {
  override name = 'SettingError';
}

type Env = Readonly<Record<string, string | undefined>>;

export interface ServerCliConfig {
  help: boolean;
  host: string;
  /** 0: a free port, settled before anything listens. */
  port: number;
  /** Absolute. */
  dataDir: string;
  /** Absolute. */
  dbFile: string;
  /** Whether dbFile was named (--db, PODIUM_DB) rather than derived from the data folder. */
  dbNamed: boolean;
  publicUrl?: string;
  livekit?: { url: string; apiKey: string; apiSecret: string };
  /** mediasoup as the SFU instead of LiveKit (--sfu mediasoup). */
  mediasoup?: MediasoupOptions;
  /** Given in PODIUM_ADMIN_TOKEN; absent, one is generated at start. */
  adminToken?: string;
}

/** Where the studio keeps its data on this platform (main/paths.ts defaultDataDir names the same folders). */
export function perUserDataDir(env: Env, platform: NodeJS.Platform = process.platform, home = os.homedir()): string {
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Podium');
  if (platform === 'win32') return path.join(env.APPDATA || home, 'Podium');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'podium');
}

/** Empty counts as unset: `PODIUM_PORT= npm run server` means "the default", not port 0. */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/** A flag's value, else the variable's; `from` names whichever was used, for the message. */
function pick(flag: string | undefined, flagName: string, env: Env, varName: string): { value?: string; from: string } {
  if (flag !== undefined) return { value: flag.trim() || undefined, from: flagName };
  return { value: read(env, varName), from: varName };
}

function quoted(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        db: { type: 'string' },
        'public-url': { type: 'string' },
        'livekit-url': { type: 'string' },
        sfu: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    // node:util's own messages suggest shell quoting tricks; say what is wrong and where the list is.
    const code = (error as NodeJS.ErrnoException).code;
    const message = error instanceof Error ? error.message : String(error);
    const names = message.match(/--?[A-Za-z][\w-]*/g) ?? [];
    const named = names.find((n) => n.startsWith('--')) ?? names[0];
    const positional = /'([^']*)'/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new SettingError(`there is no option ${named ?? 'like that'} (npm run server -- --help lists them)`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const takesNone = /does not take an argument/.test(message);
      throw new SettingError(`${named ?? 'an option'} ${takesNone ? 'takes no value' : 'needs a value'} (npm run server -- --help lists them)`);
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
      throw new SettingError(`unexpected argument ${quoted(positional ?? message)}: options start with -- (npm run server -- --help lists them)`);
    throw new SettingError(message);
  }
}

function checkPort(given: { value?: string; from: string }): number {
  if (given.value === undefined) return DEFAULT_PORT;
  const port = /^\d{1,5}$/.test(given.value) ? Number(given.value) : NaN;
  if (!Number.isInteger(port) || port > 65535) {
    throw new SettingError(`${given.from} must be a port number from 0 to 65535 (it is ${quoted(given.value)})`);
  }
  return port;
}

function checkHost(given: { value?: string; from: string }): string {
  if (given.value === undefined) return DEFAULT_HOST;
  if (!/^[A-Za-z0-9.:[\]-]{1,253}$/.test(given.value)) {
    throw new SettingError(`${given.from} must be a host name or an IP address (it is ${quoted(given.value)})`);
  }
  // [::1] as people write it in URLs; Node's listen wants the bare address.
  return given.value.replace(/^\[(.*)\]$/, '$1');
}

/** kind: "an http or https URL", as the message says it. */
function checkUrl(given: { value?: string; from: string }, protocols: readonly string[], kind: string, example: string): string | undefined {
  if (given.value === undefined) return undefined;
  const url = URL.canParse(given.value) ? new URL(given.value) : null;
  if (!url || !protocols.includes(url.protocol) || url.username || url.password || url.search || url.hash) {
    throw new SettingError(`${given.from} must be ${kind} such as ${example}, without a user, password, query or # part (it is ${quoted(given.value)})`);
  }
  return given.value.replace(/\/+$/, '');
}

/** Nothing there yet, or a folder (for the data folder) / a file (for the database). */
function checkKind(file: string, want: 'folder' | 'file', from: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return;
  }
  if (want === 'folder' && !stat.isDirectory()) throw new SettingError(`${from} must name a folder, and ${file} is a file`);
  if (want === 'file' && stat.isDirectory()) throw new SettingError(`${from} must name a file, and ${file} is a folder`);
}

/**
 * Everything `npm run server` is told, from its arguments and environment, checked: the config, or a SettingError whose
 * message is one line naming the flag or variable at fault. Reads the file system only to check what exists.
 */
export function serverCliConfig(argv: readonly string[], env: Env, opts: { cwd?: string; platform?: NodeJS.Platform; home?: string } = {}): ServerCliConfig {
  const flags = parseFlags(argv);
  const cwd = opts.cwd ?? process.cwd();
  const help = flags.help === true;
  const port = checkPort(pick(flags.port, '--port', env, 'PODIUM_PORT'));
  const host = checkHost(pick(flags.host, '--host', env, 'PODIUM_HOST'));

  const dataGiven = pick(flags['data-dir'], '--data-dir', env, 'PODIUM_DATA_DIR');
  const dataDir = dataGiven.value !== undefined ? path.resolve(cwd, dataGiven.value) : perUserDataDir(env, opts.platform, opts.home);
  const dbGiven = pick(flags.db, '--db', env, 'PODIUM_DB');
  const dbFile = dbGiven.value !== undefined ? path.resolve(cwd, dbGiven.value) : path.join(dataDir, DB_FILE_NAME);
  if (dbGiven.value === undefined) checkKind(dataDir, 'folder', dataGiven.value !== undefined ? dataGiven.from : 'the data folder');
  checkKind(dbFile, 'file', dbGiven.value !== undefined ? dbGiven.from : 'the database');

  const publicUrl = checkUrl(pick(flags['public-url'], '--public-url', env, 'PODIUM_PUBLIC_URL'), ['http:', 'https:'], 'an http or https URL', 'https://spaces.example.org');

  const livekitGiven = pick(flags['livekit-url'], '--livekit-url', env, 'LIVEKIT_URL');
  const livekitUrl = checkUrl(livekitGiven, ['ws:', 'wss:', 'http:', 'https:'], 'a ws, wss, http or https URL', 'wss://example.livekit.cloud');
  const apiKey = read(env, 'LIVEKIT_API_KEY');
  const apiSecret = read(env, 'LIVEKIT_API_SECRET');
  let livekit: ServerCliConfig['livekit'];
  if (livekitUrl !== undefined) {
    const missing = [apiKey ? null : 'LIVEKIT_API_KEY', apiSecret ? null : 'LIVEKIT_API_SECRET'].filter(Boolean);
    if (missing.length > 0) {
      throw new SettingError(`${livekitGiven.from} is set, so ${missing.join(' and ')} must be too (the key pair of that LiveKit)`);
    }
    livekit = { url: livekitUrl, apiKey: apiKey!, apiSecret: apiSecret! };
  } else if (read(env, 'LIVEKIT_SERVER_BIN') !== undefined) {
    // The local livekit-server to run: checked now, as the rest, rather than once something has started.
    const bin = path.resolve(cwd, read(env, 'LIVEKIT_SERVER_BIN')!);
    let runnable = false;
    try {
      fs.accessSync(bin, fs.constants.X_OK);
      runnable = fs.statSync(bin).isFile();
    } catch {
      runnable = false;
    }
    if (!runnable) throw new SettingError(`LIVEKIT_SERVER_BIN must name a livekit-server this user can run, and ${bin} is not one`);
  }
  if (livekitUrl === undefined && (apiKey || apiSecret)) {
    // Otherwise they would be ignored without a word, and a local LiveKit started with a key pair of its own.
    throw new SettingError(
      `${apiKey ? 'LIVEKIT_API_KEY' : 'LIVEKIT_API_SECRET'} is set but LIVEKIT_URL is not: set LIVEKIT_URL to that LiveKit's address, or unset the key pair to run a local livekit-server`,
    );
  }

  const sfu = sfuChoice(pick(flags.sfu, '--sfu', env, 'PODIUM_SFU'), env, cwd, livekitUrl !== undefined);
  if (!sfu.ok) throw new SettingError(sfu.message);

  const token = read(env, 'PODIUM_ADMIN_TOKEN');
  if (token !== undefined) {
    if (token.length < MIN_ADMIN_TOKEN_LENGTH) {
      throw new SettingError(
        `PODIUM_ADMIN_TOKEN is ${countOf(token.length, 'character')}; it must be at least ${MIN_ADMIN_TOKEN_LENGTH}, so it ` +
          'cannot be guessed. Unset it to have one made at each start, or make one with: openssl rand -base64 32',
      );
    }
    if (!/^[\x21-\x7E]+$/.test(token)) {
      throw new SettingError('PODIUM_ADMIN_TOKEN may hold only printable ASCII characters, without spaces (it travels in an Authorization header)');
    }
  }

  return {
    help,
    host,
    port,
    dataDir,
    dbFile,
    dbNamed: dbGiven.value !== undefined,
    ...(publicUrl !== undefined ? { publicUrl } : {}),
    ...(livekit ? { livekit } : {}),
    ...(sfu.mediasoup ? { mediasoup: sfu.mediasoup } : {}),
    ...(token !== undefined ? { adminToken: token } : {}),
  };
}

/** http://host:port as a URL names it: IPv6 in brackets. */
export function listenAddress(host: string, port: number): string {
  return `http://${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
}

/** The lines printed once the server listens: where it listens, what links name, where its data is. */
export function readyLines(c: {
  host: string;
  port: number;
  publicUrl?: string;
  dbFile: string;
  livekit: string;
  generatedToken?: string;
}): string[] {
  // localAddressOf gives a URL's host part: loopback for a wildcard, IPv6 already in brackets.
  const local = `http://${localAddressOf(c.host)}:${c.port}`;
  const listening = listenAddress(c.host, c.port);
  const wildcard = c.host === '0.0.0.0' || c.host === '::' || c.host === '';
  const loopback = c.host === 'localhost' || c.host === '::1' || c.host.startsWith('127.');
  const where = wildcard ? ', every network interface' : loopback ? ', this machine only (--host 0.0.0.0 lets others in)' : '';
  const links = c.publicUrl
    ? `  Links use ${c.publicUrl}`
    : `  Links use ${local}${loopback ? ', which only this machine can open (--public-url names a public address)' : ''}`;
  return [
    `  Podium space server ready at ${local} (Ctrl+C stops it)`,
    `  Listening on ${listening}${where}`,
    links,
    `  Database: ${c.dbFile}`,
    `  LiveKit: ${c.livekit}`,
    ...(c.generatedToken
      ? [`  Admin token for POST /api/spaces, new at each start (set PODIUM_ADMIN_TOKEN to keep one): ${c.generatedToken}`]
      : []),
  ];
}

/** A failure to listen, in words: the usual two have a cause the person can fix. */
export function listenFailure(error: unknown, host: string, port: number): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const at = `port ${port} on ${host}`;
  if (code === 'EADDRINUSE') return `${at} is already in use (another Podium?): stop that, or choose another port with --port or PODIUM_PORT`;
  if (code === 'EACCES') return `this user may not listen on ${at} (ports below 1024 need extra rights): choose another with --port or PODIUM_PORT`;
  if (code === 'EADDRNOTAVAIL') return `${host} is not an address of this machine: choose another with --host or PODIUM_HOST`;
  return error instanceof Error ? error.message : String(error);
}

function say(line: string): void {
  console.log(line);
}

async function main(): Promise<void> {
  let config: ServerCliConfig;
  try {
    config = serverCliConfig(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof SettingError)) throw error;
    console.error(`The space server cannot start: ${error.message}`);
    process.exit(EXIT_BAD_SETTING);
  }
  if (config.help) {
    say(HELP);
    return;
  }
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const assetsDir = path.join(root, 'out', 'renderer');
  const { host } = config;
  let port = config.port;
  // Until 0.1.0 the database sat inside the checkout; point at it rather than seem to have lost every space.
  const oldDb = path.join(root, '.data', 'podium.sqlite');
  if (!config.dbNamed && !fs.existsSync(config.dbFile) && fs.existsSync(oldDb)) {
    say(`  Note: an older database is at ${oldDb}; its spaces stay there. To keep them, start with --db ${oldDb} or move it to ${config.dbFile}`);
  }
  if (!fs.existsSync(path.join(assetsDir, 'listener', 'index.html'))) {
    say('  Note: the listener page is not built yet (npm run build builds it); until then listeners get a plain notice');
  }

  let livekit: { url: string; apiKey: string; apiSecret: string } | undefined;
  let livekitLine: string;
  let stopLivekit = async () => {};
  let sfuHealth: SfuHealth | undefined;
  if (config.mediasoup) {
    livekitLine = 'not used: mediasoup runs in this process (--sfu mediasoup)';
    if (port === 0) port = await freePort(host);
  } else if (config.livekit) {
    livekit = config.livekit;
    livekitLine = `${livekit.url} (LIVEKIT_URL)`;
    // The port is printed and links name it: settle "any free port" now rather than guess it afterwards.
    if (port === 0) port = await freePort(host);
  } else {
    // The local LiveKit tells this server who joins and publishes (SFU enforcement); it needs the URL up front.
    const webhook = await localWebhook(host, port);
    port = webhook.port;
    // The supervisor's own lines, not livekit-server's chatter.
    const log = (line: string): void => {
      if (line.startsWith('livekit supervisor:')) say(`  · ${line}`);
    };
    const local = await startSupervisedLivekit({ webhookUrls: [webhook.url], log });
    livekit = local;
    stopLivekit = () => local.stop();
    sfuHealth = local.health;
    local.health.subscribe((state) => {
      if (state.status === 'failed') console.error(`  ! ${local.failure() ?? 'the local livekit-server failed'}`);
    });
    livekitLine = `${local.url}, started here and restarted if it stops (LIVEKIT_URL names another)`;
  }
  const adminToken = config.adminToken ?? crypto.randomBytes(24).toString('base64url');
  let server: Awaited<ReturnType<typeof startSpaceServer>>;
  try {
    server = await startSpaceServer({
      dbFile: config.dbFile,
      ...(livekit ? { livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret } } : {}),
      ...(config.mediasoup ? { mediasoup: config.mediasoup } : {}),
      assetsDir,
      host,
      port,
      publicUrl: config.publicUrl,
      adminToken,
      // Its "listening on" names the links' base; the ready lines below say both where it listens and what links use.
      log: (line) => {
        if (!line.startsWith('space server listening on ')) say(`  · ${line}`);
      },
      sfuHealth,
    });
  } catch (error) {
    await stopLivekit();
    throw new Error(listenFailure(error, host, port));
  }
  for (const line of readyLines({
    host,
    port,
    publicUrl: config.publicUrl,
    dbFile: config.dbFile,
    livekit: livekitLine,
    generatedToken: config.adminToken ? undefined : adminToken,
  })) {
    say(line);
  }
  const stop = async () => {
    await server.close();
    await stopLivekit();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return fs.realpathSync(path.resolve(entry)) === fs.realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

// Imported (by the unit tests), nothing starts.
if (isEntryPoint()) {
  // Installed before anything starts: whatever escapes a handler is logged, and the spaces on this server stay live.
  installProcessGuard((line) => console.error(`  ! ${line}`));
  main().catch((error: unknown) => {
    console.error(`The space server could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
