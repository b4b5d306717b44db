// Development and CI only: builds the pinned livekit-server with Go when no binary is found, then runs it through
// the runtime module (server/livekit/runtime.ts), so tests and local development get a real SFU without Docker.
// Production code may not import this file (eslint.config.js): an installed studio must never shell out to `go`.
//   npx tsx scripts/livekit.ts                 run it on loopback and print its URL and random key pair
//   npx tsx scripts/livekit.ts --build-only    find or build the host's binary, print its path (.ci/run)
//   npx tsx scripts/livekit.ts --ensure        the same, silent; a failure is a warning, LIVEKIT_URL skips it
//                                              (npm start, npm run server)
//   npx tsx scripts/livekit.ts --build-only --package [--target mac-arm64]
//                                              stage the binary electron-builder.yml packages for <os>-<arch>
import { execFile } from 'node:child_process';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  LIVEKIT_VERSION,
  binaryName,
  cacheDir,
  cachedBinaryPath,
  checkoutRoot,
  findLivekitBinary,
  isExecutable,
  startLivekit as startFoundLivekit,
  type LivekitServer,
  type Log,
  type StartLivekitOptions,
} from '../server/livekit/runtime';

export { LIVEKIT_VERSION, MIN_SECRET_LENGTH, generateLivekitCredentials } from '../server/livekit/runtime';
export type { LivekitServer, StartLivekitOptions } from '../server/livekit/runtime';

const ROOT = checkoutRoot(path.dirname(fileURLToPath(import.meta.url))) ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE_DIR = cacheDir(ROOT);
const PKG = `github.com/livekit/livekit-server/cmd/server@v${LIVEKIT_VERSION}`;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env, cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') reject(error);
      else resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output });
    });
  });
}

const GO_MISSING =
  `livekit-server v${LIVEKIT_VERSION} is not available and \`go\` is not on PATH to build it.\n` +
  `Install Go >= 1.26 (https://go.dev/dl/), or put livekit-server v${LIVEKIT_VERSION} on PATH, ` +
  `or set LIVEKIT_SERVER_BIN to its absolute path.`;

/** `go install` of the pinned version with the given environment (GOBIN or GOPATH says where the binary goes). */
async function goInstall(env: NodeJS.ProcessEnv, scratch: string, log: Log): Promise<void> {
  log(`building livekit-server v${LIVEKIT_VERSION}: go install ${PKG} (a few minutes on a cold Go cache)`);
  const started = Date.now();
  let result: { code: number; output: string };
  try {
    // cwd outside any Go module so a go.work/go.mod up the tree cannot interfere with `go install pkg@version`.
    result = await run('go', ['install', PKG], env, CACHE_DIR);
  } catch {
    throw new Error(GO_MISSING);
  }
  if (result.code !== 0) {
    await rm(scratch, { recursive: true, force: true });
    throw new Error(
      `go install ${PKG} failed (exit ${result.code}):\n${result.output.trimEnd().split('\n').slice(-40).join('\n')}\n` +
        `Hint: livekit-server ${LIVEKIT_VERSION} needs Go >= 1.26 (older Go fetches it via GOTOOLCHAIN) and network ` +
        `access to the Go module proxy (GOPROXY); alternatively set LIVEKIT_SERVER_BIN to a prebuilt binary.`,
    );
  }
  log(`built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** Builds the host's binary into the cache: <checkout>/.cache/livekit/livekit-server-v<version>. */
async function buildWithGo(log: Log): Promise<string> {
  await mkdir(CACHE_DIR, { recursive: true });
  // A private GOBIN per process, renamed into place last, so concurrent builders never see a half-written binary.
  const gobin = path.join(CACHE_DIR, `tmp-${process.pid}`);
  await rm(gobin, { recursive: true, force: true });
  await goInstall({ ...process.env, GOBIN: gobin }, gobin, log);
  const target = cachedBinaryPath(ROOT);
  await rename(path.join(gobin, process.platform === 'win32' ? 'server.exe' : 'server'), target);
  await rm(gobin, { recursive: true, force: true });
  log(`built ${target}`);
  return target;
}

/** The binary found at run time (LIVEKIT_SERVER_BIN, the cache, PATH), or one built with Go. */
export async function ensureLivekitBinary(log: Log = () => {}): Promise<string> {
  return (await findLivekitBinary({ log, root: ROOT })) ?? buildWithGo(log);
}

/** As the runtime's startLivekit, but builds livekit-server first when this machine has none (tests, `npm run livekit`). */
export async function startLivekit(options: StartLivekitOptions = {}): Promise<LivekitServer> {
  return startFoundLivekit({ ...options, bin: options.bin ?? (await ensureLivekitBinary(options.log)) });
}

// ---- packaging: one binary per <os>-<arch>, named as electron-builder's ${os} and ${arch} macros are ----

const GOOS: Record<string, NodeJS.Platform> = { linux: 'linux', mac: 'darwin', win: 'win32' };
const GOOS_NAME: Partial<Record<NodeJS.Platform, string>> = { linux: 'linux', darwin: 'darwin', win32: 'windows' };
const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };
const OS_OF: Partial<Record<NodeJS.Platform, string>> = { linux: 'linux', darwin: 'mac', win32: 'win' };

/** The folder electron-builder.yml takes the binary from (its extraResources `from`, with the macros filled in). */
export function packageStageDir(target: string, root = ROOT): string {
  return path.join(cacheDir(root), `v${LIVEKIT_VERSION}`, target);
}

export function hostTarget(): string {
  return `${OS_OF[process.platform] ?? process.platform}-${process.arch}`;
}

/** Puts livekit-server for `target` (e.g. linux-x64, mac-arm64, win-x64) where the package build picks it up. */
export async function stageForPackage(target: string, log: Log): Promise<string> {
  const [osName = '', arch = ''] = target.split('-');
  const platform = GOOS[osName];
  if (!platform || !GOARCH[arch]) throw new Error(`--target must be <linux|mac|win>-<x64|arm64>, got ${target}`);
  const dir = packageStageDir(target);
  const dest = path.join(dir, binaryName(platform));
  if (target === hostTarget()) {
    await mkdir(dir, { recursive: true });
    // The host's own build: only the pinned version belongs in a package, so never a PATH binary of another version.
    const bin = process.env.LIVEKIT_SERVER_BIN ? path.resolve(process.env.LIVEKIT_SERVER_BIN) : cachedBinaryPath(ROOT);
    await copyFile((await isExecutable(bin)) ? bin : await buildWithGo(log), dest);
    return dest;
  }
  // macOS needs cgo: livekit/protocol's hwstats reads CPU load through go-osstat, whose darwin code is cgo-only
  // (without it: "undefined: cpu.Get"). A Mac's clang builds both of its arches; elsewhere there is no such compiler.
  const cgo = platform === 'darwin';
  if (cgo && process.platform !== 'darwin') {
    throw new Error(
      `livekit-server for ${target} needs cgo (its macOS CPU statistics are C), so it is built on a Mac: ` +
        `npm run livekit -- --build-only --target ${target}. Or put a livekit-server v${LIVEKIT_VERSION} for ${target} at ${dest}.`,
    );
  }
  await mkdir(dir, { recursive: true });
  // Cross-compiled: `go install` refuses GOBIN for another platform, so a private GOPATH (its bin/<goos>_<goarch>)
  // with the usual module cache, so nothing is downloaded twice. Linux and Windows: cgo off, no C toolchain needed.
  const modcache = await run('go', ['env', 'GOMODCACHE'], process.env, os.tmpdir()).catch(() => null);
  if (!modcache || modcache.code !== 0) throw new Error(GO_MISSING);
  const gopath = path.join(CACHE_DIR, `tmp-gopath-${process.pid}`);
  await mkdir(gopath, { recursive: true });
  const goos = GOOS_NAME[platform]!;
  const env: NodeJS.ProcessEnv = { ...process.env, GOOS: goos, GOARCH: GOARCH[arch], CGO_ENABLED: cgo ? '1' : '0', GOPATH: gopath, GOMODCACHE: modcache.output.trim() };
  delete env.GOBIN;
  await goInstall(env, gopath, log);
  await rename(path.join(gopath, 'bin', `${goos}_${GOARCH[arch]}`, platform === 'win32' ? 'server.exe' : 'server'), dest);
  await rm(gopath, { recursive: true, force: true });
  return dest;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'build-only': { type: 'boolean' },
      ensure: { type: 'boolean' },
      package: { type: 'boolean' },
      target: { type: 'string' },
    },
  });
  const log: Log = (line) => process.stderr.write(`[livekit] ${line}\n`);
  if (values.ensure) {
    // npm start and npm run server may not need it (LiveKit Cloud, LIVEKIT_URL): if it cannot be had, say so and go
    // on; they explain again, with every way out, if they do need it.
    if (process.env.LIVEKIT_URL) return;
    await ensureLivekitBinary(log).catch((err: unknown) => log(`warning: ${err instanceof Error ? err.message : String(err)}`));
    return;
  }
  if (values.package || values.target) {
    console.log(await stageForPackage(values.target ?? hostTarget(), log));
    return;
  }
  if (values['build-only']) {
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
