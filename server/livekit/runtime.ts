// Finds the pinned livekit-server binary and runs it on loopback: what the studio, the web studio and
// `npm run server` need at run time. It never builds anything: building with Go is a development and CI step
// (scripts/livekit.ts), and production code may not import scripts/ (eslint.config.js, tests/unit/import-boundaries).
// Never in `--dev` mode and never with the public devkey/secret pair: whoever reaches its port could mint admin
// tokens. Keys and config go to the child through its environment, not argv (/proc/<pid>/cmdline is world-readable,
// /proc/<pid>/environ only by the same user).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, constants as fsConstants } from 'node:fs';
import { access } from 'node:fs/promises';
import type net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { checkPorts, pickPorts, waitForPorts, type Ports } from './ports';

export type { Ports };

export const LIVEKIT_VERSION = '1.13.5';

export type Log = (line: string) => void;

/** How a livekit-server process ended. */
export interface LivekitExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LivekitServer {
  /** ws://127.0.0.1:PORT */
  url: string;
  apiKey: string;
  apiSecret: string;
  pid: number;
  /** HTTP/signalling and the UDP media mux. */
  ports: Ports;
  /** Ends it gracefully (a second signal forces it; SIGKILL after a grace). */
  stop(): Promise<void>;
  /** Resolves once the process has ended, whatever ended it (its supervisor restarts it then). */
  exited: Promise<LivekitExit>;
  /** Ends it at once (SIGKILL): for one that is hung, whose graceful stop would only wait. */
  kill(): void;
  /** Its last lines of output (stdout and stderr), oldest first: why it would not run. */
  output(): string[];
}

export interface StartLivekitOptions {
  log?: Log;
  /** Default: a random key per launch. Give both or neither. */
  apiKey?: string;
  /** At least 32 characters. Default: random per launch. */
  apiSecret?: string;
  /** LiveKit posts room/participant/track events here, signed with apiKey/apiSecret. */
  webhookUrls?: string[];
  /** The binary to run; default: findLivekitBinary(). */
  bin?: string;
  /** A packaged app's resources folder (Electron's process.resourcesPath), where the package put livekit-server. */
  resourcesDir?: string;
  /**
   * Fixed ports instead of free ones: a restart, or a new services process, keeps the URL every client holds. A clash
   * on them is retried on the same ports for `portWaitMs` (the process being replaced may still hold them), never moved.
   */
  ports?: Ports;
  /** How long a clash on fixed `ports` is retried (ms; default 10 s). */
  portWaitMs?: number;
}

/** LiveKit's minimum: livekit-server logs an error for shorter secrets (pkg/config/config.go ValidateKeys). */
export const MIN_SECRET_LENGTH = 32;

/** A fresh pair in LiveKit's own shape (`livekit-server generate-keys`: "API" + random, long random secret). */
export function generateLivekitCredentials(): { apiKey: string; apiSecret: string } {
  return { apiKey: `API${randomBytes(6).toString('hex')}`, apiSecret: randomBytes(32).toString('base64url') };
}

function checkCredentials(apiKey: string, apiSecret: string): void {
  if (apiKey === 'devkey' || apiSecret === 'secret') {
    throw new Error('refusing the public LiveKit dev credentials devkey/secret: anyone could mint admin tokens with them');
  }
  if (!/^[\x21-\x7e]+$/.test(apiKey) || apiKey.includes(':')) throw new Error('the LiveKit API key must be printable ASCII without spaces or colons');
  if (apiSecret.length < MIN_SECRET_LENGTH) {
    throw new Error(`the LiveKit API secret must be at least ${MIN_SECRET_LENGTH} characters (got ${apiSecret.length})`);
  }
}

function checkWebhookUrls(urls: string[]): void {
  for (const url of urls) {
    const parsed = URL.canParse(url) ? new URL(url) : null;
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) throw new Error(`webhook URL must be http(s): ${url}`);
  }
}

/**
 * The child's environment: ours minus everything livekit-server reads as configuration (LIVEKIT_* maps onto every
 * config key, plus a few unprefixed ones, cmd/server/main.go baseFlags and pkg/config/config.go GenerateCLIFlags),
 * so a stray LIVEKIT_KEYS in the caller's shell cannot replace our keys; then our config in LIVEKIT_CONFIG.
 */
function childEnv(configBody: string): NodeJS.ProcessEnv {
  const unprefixed = new Set(['NODE_IP', 'UDP_PORT', 'REDIS_HOST', 'REDIS_PASSWORD']);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('LIVEKIT_') && !unprefixed.has(name)) env[name] = value;
  }
  env.LIVEKIT_CONFIG = configBody;
  return env;
}

// ---- where the binary is ----

/** The executable's file name on a platform (Go adds .exe for Windows). */
export function binaryName(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'livekit-server.exe' : 'livekit-server';
}

/** Where a package carries it: electron-builder.yml copies it to <resources>/livekit/ (an extraResource). */
export function packagedBinaryPath(resourcesDir: string, platform: NodeJS.Platform = process.platform): string {
  return path.join(resourcesDir, 'livekit', binaryName(platform));
}

/**
 * The checkout this file runs from (it runs from server/livekit/ under tsx and from out/main/ when bundled), or
 * null inside a packaged app, which has no electron.vite.config.ts and no .cache/.
 */
export function checkoutRoot(start = path.dirname(fileURLToPath(import.meta.url))): string | null {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'electron.vite.config.ts')) && existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return null;
  }
}

/** The development cache scripts/livekit.ts builds into: <checkout>/.cache/livekit. */
export function cacheDir(root: string): string {
  return path.join(root, '.cache', 'livekit');
}

/** The host's own build of the pinned version in that cache. */
export function cachedBinaryPath(root: string): string {
  return path.join(cacheDir(root), `livekit-server-v${LIVEKIT_VERSION}${process.platform === 'win32' ? '.exe' : ''}`);
}

function run(cmd: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') reject(error);
      else resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

export const isExecutable = (file: string): Promise<boolean> => access(file, fsConstants.X_OK).then(() => true, () => false);

async function versionOf(bin: string): Promise<string | null> {
  const { code, output } = await run(bin, ['--version']).catch(() => ({ code: 1, output: '' }));
  return code === 0 ? (/version\s+(\S+)/.exec(output)?.[1] ?? null) : null;
}

async function findOnPath(name: string): Promise<string | null> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && (await isExecutable(path.join(dir, name)))) return path.join(dir, name);
  }
  return null;
}

export interface FindOptions {
  log?: Log;
  resourcesDir?: string;
  /** Default: the checkout this file runs from, if any. */
  root?: string | null;
}

/**
 * The binary to run, first found wins: LIVEKIT_SERVER_BIN (an explicit choice, so an error if it is not
 * executable), the packaged app's resources, the checkout's cache (exactly the pinned version), then PATH (a
 * developer's own install may differ from the pinned version: it is used, and the log says so). Null if none.
 */
export async function findLivekitBinary(options: FindOptions = {}): Promise<string | null> {
  const log = options.log ?? (() => {});
  const fromEnv = process.env.LIVEKIT_SERVER_BIN;
  if (fromEnv) {
    const bin = path.resolve(fromEnv);
    if (!(await isExecutable(bin))) throw new Error(`LIVEKIT_SERVER_BIN=${fromEnv} is not an executable file`);
    return bin;
  }
  if (options.resourcesDir) {
    const packaged = packagedBinaryPath(options.resourcesDir);
    if (await isExecutable(packaged)) return packaged;
    log(`no livekit-server in this package (${packaged})`);
  }
  const root = options.root === undefined ? checkoutRoot() : options.root;
  if (root && (await isExecutable(cachedBinaryPath(root)))) return cachedBinaryPath(root);
  const onPath = await findOnPath(binaryName());
  if (onPath) {
    const version = await versionOf(onPath);
    if (version !== LIVEKIT_VERSION) log(`using ${onPath} (version ${version ?? 'unknown'}, pinned is ${LIVEKIT_VERSION})`);
    return onPath;
  }
  return null;
}

/** What to tell a person whose machine has no livekit-server: every way to get one, and the way around it. */
export function missingBinaryMessage(options: FindOptions = {}): string {
  const root = options.root === undefined ? checkoutRoot() : options.root;
  const looked = [
    'LIVEKIT_SERVER_BIN (unset)',
    ...(options.resourcesDir ? [packagedBinaryPath(options.resourcesDir)] : []),
    ...(root ? [cachedBinaryPath(root)] : []),
    `${binaryName()} on PATH`,
  ];
  return (
    `livekit-server v${LIVEKIT_VERSION} was not found (looked at: ${looked.join(', ')}).\n` +
    (root ? 'In a checkout, `npm run livekit -- --build-only` builds it with Go (>= 1.26). ' : '') +
    `Or put livekit-server v${LIVEKIT_VERSION} on PATH, or set LIVEKIT_SERVER_BIN to its absolute path, ` +
    "or use LiveKit Cloud / your own LiveKit (the studio's Audio server card; LIVEKIT_URL for `npm run server`)."
  );
}

// ---- running it ----

const READY_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const TAIL_LINES = 50;

class PortClash extends Error {}

async function waitReady(url: string, child: ChildProcess, exited: Promise<unknown>, lines: string[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let gone = false;
  void exited.then(() => (gone = true));
  while (Date.now() < deadline) {
    if (gone) {
      const output = lines.join('\n');
      // 1.13.5 prints startup errors (e.g. "bind: address already in use") on stdout and exits 0.
      const Err = /address already in use/i.test(output) ? PortClash : Error;
      throw new Err(`livekit-server exited during startup (code ${child.exitCode}):\n${output}`);
    }
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) }).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ok) {
      // The server ignores SIGTERM until ~100 ms after its HTTP port opens (it is not marked running yet). And on
      // fixed ports the answer may have come from a process still holding them: ours must still be running after.
      await new Promise((r) => setTimeout(r, 150));
      if (!gone) return;
      continue;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`livekit-server not ready at ${url} after ${READY_TIMEOUT_MS / 1000} s:\n${lines.join('\n')}`);
}

interface LaunchConfig {
  apiKey: string;
  apiSecret: string;
  webhookUrls: string[];
}

/** livekit-server's configuration: loopback only, no RTC TCP port, our keys, our webhook. */
function livekitConfig(ports: Ports, { apiKey, apiSecret, webhookUrls }: LaunchConfig): object {
  return {
    port: ports.http,
    // HTTP/signalling (and prometheus/pprof, both off here): pkg/service/server.go listens once per bind address.
    bind_addresses: ['127.0.0.1'],
    rtc: {
      // No RTC TCP port. In 1.13.5 it cannot be bound to an address (mediatransportutil
      // pkg/rtcconfig/webrtc_config.go:183 calls net.ListenTCP("tcp", &net.TCPAddr{Port: tcp_port}) with no IP, so it
      // would listen on every interface), and with node_ip 127.0.0.1 no other machine could use it anyway: media goes
      // over the loopback UDP mux below. 0 turns it off.
      tcp_port: 0,
      // One UDP mux port instead of an ephemeral range: fewer ports to collide with parallel runs.
      udp_port: ports.udp,
      // The UDP mux binds one socket per local address that passes these filters (mediatransportutil
      // pkg/transport/createmux.go:58 over ip.go localInterfaces): only 127.0.0.1, not the LAN address or ::1.
      ips: { includes: ['127.0.0.1/32'] },
      use_external_ip: false,
      node_ip: '127.0.0.1',
      // pion skips loopback interfaces by default; on a host with only `lo` (sandboxed CI) there'd be no candidate,
      // and with the filter above there would be no UDP socket at all.
      enable_loopback_candidate: true,
      // With no TCP port there is nothing to fall back to: without this, a client that lost its ICE connection is
      // told to try TCP and waits out LiveKit's 5 s TCP connect timeout before rejoining over UDP (bench:soak saw
      // ~14 s of silence at a listener that way on a starved machine).
      allow_tcp_fallback: false,
    },
    keys: { [apiKey]: apiSecret },
    ...(webhookUrls.length > 0 ? { webhook: { api_key: apiKey, urls: webhookUrls } } : {}),
    logging: { level: 'info' },
  };
}

async function launch(bin: string, launchConfig: LaunchConfig, log: Log, ports: Ports): Promise<LivekitServer> {
  // No `--dev` (placeholder keys, pprof on the HTTP port) and no arguments at all: the config, keys included, is
  // read from LIVEKIT_CONFIG (the env source of --config-body, cmd/server/main.go). JSON is valid YAML.
  const child = spawn(bin, [], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(JSON.stringify(livekitConfig(ports, launchConfig))) });
  const lines: string[] = [];
  const onLine = (line: string): void => {
    lines.push(line);
    if (lines.length > TAIL_LINES) lines.shift();
    log(line);
  };
  createInterface({ input: child.stdout! }).on('line', onLine);
  createInterface({ input: child.stderr! }).on('line', onLine);
  const exited = new Promise<LivekitExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (err) => {
      onLine(`spawn error: ${err.message}`);
      resolve({ code: null, signal: null });
    });
  });

  // 'exit' covers normal ends and uncaught errors; the watchdog covers SIGKILL/SIGTERM of this process, where
  // 'exit' never runs: its stdin pipe closes when we die, `read` returns and it kills the server.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const watchdog =
    process.platform === 'win32' || child.pid === undefined
      ? undefined
      : spawn('sh', ['-c', 'read _ignored; kill -KILL "$1" 2>/dev/null', 'livekit-watchdog', String(child.pid)], {
          stdio: ['pipe', 'ignore', 'ignore'],
        });
  watchdog?.unref();
  (watchdog?.stdin as unknown as net.Socket | undefined)?.unref();
  void exited.then(() => {
    process.off('exit', killOnExit);
    watchdog?.kill('SIGKILL');
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        // livekit 1.13.5 treats a second signal as "force": otherwise it waits, in 5 s ticks, for every
        // connected participant to leave. Nothing here needs a graceful drain.
        const force = setTimeout(() => child.kill('SIGTERM'), 250);
        const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(force);
        clearTimeout(kill);
      }
    })());

  try {
    await waitReady(`http://127.0.0.1:${ports.http}/`, child, exited, lines);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url: `ws://127.0.0.1:${ports.http}`,
    apiKey: launchConfig.apiKey,
    apiSecret: launchConfig.apiSecret,
    pid: child.pid!,
    ports,
    stop,
    exited,
    kill: () => void child.kill('SIGKILL'),
    output: () => [...lines],
  };
}

const PORT_WAIT_MS = 10_000;

/** Starts livekit-server on loopback and resolves once it answers; throws (with every way out) if there is none. */
export async function startLivekit(options: StartLivekitOptions = {}): Promise<LivekitServer> {
  const log = options.log ?? (() => {});
  if ((options.apiKey === undefined) !== (options.apiSecret === undefined)) {
    throw new Error('startLivekit: give both apiKey and apiSecret, or neither (then a random pair is made)');
  }
  const credentials =
    options.apiKey !== undefined && options.apiSecret !== undefined
      ? { apiKey: options.apiKey, apiSecret: options.apiSecret }
      : generateLivekitCredentials();
  checkCredentials(credentials.apiKey, credentials.apiSecret);
  const webhookUrls = options.webhookUrls ?? [];
  checkWebhookUrls(webhookUrls);
  const bin = options.bin ?? (await findLivekitBinary({ log, resourcesDir: options.resourcesDir }));
  if (!bin) throw new Error(missingBinaryMessage({ resourcesDir: options.resourcesDir }));
  const fixed = options.ports;
  if (fixed) checkPorts(fixed);
  const waitUntil = Date.now() + (options.portWaitMs ?? PORT_WAIT_MS);
  for (let attempt = 1; ; attempt++) {
    // On fixed ports, wait for whoever holds them to let go first: a process that answers on them must not pass
    // for ours while ours is still starting.
    if (fixed && !(await waitForPorts(fixed, waitUntil))) log(`ports ${fixed.http}/${fixed.udp} still in use; trying anyway`);
    try {
      return await launch(bin, { ...credentials, webhookUrls }, log, fixed ?? (await pickPorts()));
    } catch (err) {
      if (!(err instanceof PortClash)) throw err;
      if (fixed) {
        // The ports are the point (clients hold URLs on them): wait for whoever holds them to let go.
        if (Date.now() >= waitUntil) throw new Error(`ports ${fixed.http}/${fixed.udp} stayed in use: ${err.message}`);
        log(`ports ${fixed.http}/${fixed.udp} still in use; retrying on the same ports`);
        await new Promise((r) => setTimeout(r, 250));
        continue;
      }
      // Another process grabbed a port between our probe and livekit's bind: pick new ones.
      if (attempt >= 3) throw err;
      log(`port clash, retrying (${attempt})`);
    }
  }
}
