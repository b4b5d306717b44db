// Finds (or builds with Go) the pinned livekit-server and runs it on loopback with its own ports, so tests and
// local development get a real SFU without Docker. `npx tsx scripts/livekit.ts [--build-only]`.
// Never in `--dev` mode and never with the public devkey/secret pair: whoever reaches its port could mint admin
// tokens. Keys and config go to the child through its environment, not argv (/proc/<pid>/cmdline is world-readable,
// /proc/<pid>/environ only by the same user).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, constants as fsConstants } from 'node:fs';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import dgram from 'node:dgram';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const LIVEKIT_VERSION = '1.13.5';

export interface LivekitServer {
  /** ws://127.0.0.1:PORT */
  url: string;
  apiKey: string;
  apiSecret: string;
  pid: number;
  /** HTTP/signalling, the RTC TCP mux and the UDP media mux. */
  ports: { http: number; udp: number };
  stop(): Promise<void>;
}

export interface StartLivekitOptions {
  log?: Log;
  /** Default: a random key per launch. Give both or neither. */
  apiKey?: string;
  /** At least 32 characters. Default: random per launch. */
  apiSecret?: string;
  /** LiveKit posts room/participant/track events here, signed with apiKey/apiSecret. */
  webhookUrls?: string[];
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

type Log = (line: string) => void;

// Walk up to the checkout's root: this file runs from scripts/ under tsx and from out/main/ when bundled.
function findRoot(dir: string): string {
  for (let d = dir; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'electron.vite.config.ts'))) return d;
    if (path.dirname(d) === d) return path.resolve(dir, '..');
  }
}
const REPO_ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));
const CACHE_DIR = path.join(REPO_ROOT, '.cache', 'livekit');
const CACHED_BIN = path.join(CACHE_DIR, `livekit-server-v${LIVEKIT_VERSION}`);
const READY_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const TAIL_LINES = 50;

function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv, cwd?: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env, cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') reject(error);
      else resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output });
    });
  });
}

const isExecutable = (file: string): Promise<boolean> => access(file, fsConstants.X_OK).then(() => true, () => false);

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

async function buildWithGo(log: Log): Promise<string> {
  await mkdir(CACHE_DIR, { recursive: true });
  // A private GOBIN per process, renamed into place last, so concurrent builders never see a half-written binary.
  const gobin = path.join(CACHE_DIR, `tmp-${process.pid}`);
  await rm(gobin, { recursive: true, force: true });
  const pkg = `github.com/livekit/livekit-server/cmd/server@v${LIVEKIT_VERSION}`;
  log(`building livekit-server v${LIVEKIT_VERSION}: go install ${pkg} (a few minutes on a cold Go cache)`);
  const started = Date.now();
  let result: { code: number; output: string };
  try {
    // cwd outside any Go module so a go.work/go.mod up the tree cannot interfere with `go install pkg@version`.
    result = await run('go', ['install', pkg], { ...process.env, GOBIN: gobin }, CACHE_DIR);
  } catch {
    throw new Error(
      `livekit-server v${LIVEKIT_VERSION} is not available and \`go\` is not on PATH to build it.\n` +
        `Install Go >= 1.26 (https://go.dev/dl/), or put livekit-server v${LIVEKIT_VERSION} on PATH, ` +
        `or set LIVEKIT_SERVER_BIN to its absolute path.`,
    );
  }
  if (result.code !== 0) {
    await rm(gobin, { recursive: true, force: true });
    throw new Error(
      `go install ${pkg} failed (exit ${result.code}):\n${result.output.trimEnd().split('\n').slice(-40).join('\n')}\n` +
        `Hint: livekit-server ${LIVEKIT_VERSION} needs Go >= 1.26 (older Go fetches it via GOTOOLCHAIN) and network ` +
        `access to the Go module proxy (GOPROXY); alternatively set LIVEKIT_SERVER_BIN to a prebuilt binary.`,
    );
  }
  await rename(path.join(gobin, 'server'), CACHED_BIN);
  await rm(gobin, { recursive: true, force: true });
  log(`built ${CACHED_BIN} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return CACHED_BIN;
}

export async function ensureLivekitBinary(log: Log = () => {}): Promise<string> {
  const fromEnv = process.env.LIVEKIT_SERVER_BIN;
  if (fromEnv) {
    const bin = path.resolve(fromEnv);
    if (!(await isExecutable(bin))) throw new Error(`LIVEKIT_SERVER_BIN=${fromEnv} is not an executable file`);
    return bin;
  }
  const onPath = await findOnPath('livekit-server');
  if (onPath) {
    const version = await versionOf(onPath);
    if (version === LIVEKIT_VERSION) return onPath;
    // A developer's own install is allowed to differ, but say so: behaviour may not match CI.
    log(`using ${onPath} (version ${version ?? 'unknown'}, pinned is ${LIVEKIT_VERSION})`);
    return onPath;
  }
  if (await isExecutable(CACHED_BIN)) return CACHED_BIN;
  return buildWithGo(log);
}

function listenTcp(): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    // No host: livekit binds its RTC TCP mux on every interface, so the port must be free on all of them.
    server.listen(0, () => resolve(server));
  });
}

function bindUdp(): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, () => resolve(socket));
  });
}

/** Ports the OS just handed out are very unlikely to be handed to a parallel test before livekit binds them. */
async function pickPorts(): Promise<{ http: number; udp: number }> {
  const [a, u] = await Promise.all([listenTcp(), bindUdp()]);
  const ports = { http: (a.address() as net.AddressInfo).port, udp: u.address().port };
  await Promise.all([new Promise((r) => a.close(r)), new Promise<void>((r) => u.close(r))]);
  return ports;
}

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
    // The server ignores SIGTERM until ~100 ms after its HTTP port opens (it is not marked running yet).
    if (ok) return new Promise((r) => setTimeout(r, 150));
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`livekit-server not ready at ${url} after ${READY_TIMEOUT_MS / 1000} s:\n${lines.join('\n')}`);
}

interface LaunchConfig {
  apiKey: string;
  apiSecret: string;
  webhookUrls: string[];
}

async function launch(bin: string, { apiKey, apiSecret, webhookUrls }: LaunchConfig, log: Log): Promise<LivekitServer> {
  const ports = await pickPorts();
  // JSON is valid YAML, and it spares us quoting keys/secrets by hand.
  const config = {
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
    },
    keys: { [apiKey]: apiSecret },
    ...(webhookUrls.length > 0 ? { webhook: { api_key: apiKey, urls: webhookUrls } } : {}),
    logging: { level: 'info' },
  };
  // No `--dev` (placeholder keys, pprof on the HTTP port) and no arguments at all: the config, keys included,
  // is read from LIVEKIT_CONFIG (the env source of --config-body, cmd/server/main.go).
  const child = spawn(bin, [], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(JSON.stringify(config)) });
  const lines: string[] = [];
  const onLine = (line: string): void => {
    lines.push(line);
    if (lines.length > TAIL_LINES) lines.shift();
    log(line);
  };
  createInterface({ input: child.stdout! }).on('line', onLine);
  createInterface({ input: child.stderr! }).on('line', onLine);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => {
      onLine(`spawn error: ${err.message}`);
      resolve();
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
        // connected participant to leave. Tests have nothing to drain gracefully.
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
  return { url: `ws://127.0.0.1:${ports.http}`, apiKey, apiSecret, pid: child.pid!, ports, stop };
}

export async function startLivekit(options: StartLivekitOptions = {}): Promise<LivekitServer> {
  const log = options.log ?? (() => {});
  if ((options.apiKey === undefined) !== (options.apiSecret === undefined)) {
    throw new Error('startLivekit: give both apiKey and apiSecret, or neither (then a random pair is made)');
  }
  const credentials = options.apiKey !== undefined && options.apiSecret !== undefined
    ? { apiKey: options.apiKey, apiSecret: options.apiSecret }
    : generateLivekitCredentials();
  checkCredentials(credentials.apiKey, credentials.apiSecret);
  const webhookUrls = options.webhookUrls ?? [];
  checkWebhookUrls(webhookUrls);
  const bin = await ensureLivekitBinary(log);
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(bin, { ...credentials, webhookUrls }, log);
    } catch (err) {
      // Another process grabbed a port between our probe and livekit's bind: pick new ones.
      if (!(err instanceof PortClash) || attempt >= 3) throw err;
      log(`port clash, retrying (${attempt})`);
    }
  }
}

async function main(): Promise<void> {
  const log: Log = (line) => process.stderr.write(`[livekit] ${line}\n`);
  if (process.argv.includes('--build-only')) {
    console.log(await ensureLivekitBinary(log));
    return;
  }
  const server = await startLivekit({ log });
  // The pair is random for this run. Printing it is deliberate: whoever ran this in their own terminal needs it to
  // mint tokens, and stdout is theirs (unlike argv, which every local user can read).
  console.log(`LIVEKIT_URL=${server.url} LIVEKIT_API_KEY=${server.apiKey} LIVEKIT_API_SECRET=${server.apiSecret}`);
  const shutdown = (): void => void server.stop().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
