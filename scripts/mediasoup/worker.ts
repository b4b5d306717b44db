// Development and CI only: finds a mediasoup-worker binary for the pinned mediasoup, or builds one from the npm
// package's own sources with build-worker.sh (no downloads; about 10 minutes cold on 2 cores) into a cache shared by
// every checkout on this machine, keyed on the mediasoup version and the build script's hash.
//   npx tsx scripts/mediasoup/worker.ts --build-only   find or build; print the binary's path (.ci/run)
//   npx tsx scripts/mediasoup/worker.ts                find only; print the path, or exit 1 saying how to build
// Tests call ensureMediasoupWorker() and set MEDIASOUP_WORKER_BIN, which mediasoup's createWorker() reads.
// On a normal machine `npm install` fetches the prebuilt worker into node_modules/mediasoup, and that one is used.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BUILD_SCRIPT = path.join(HERE, 'build-worker.sh');

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where the installed mediasoup package lives (its worker sources, and its own prebuilt binary if it fetched one). */
export function mediasoupPackageDir(): string {
  // The package's exports hide package.json: walk up from its entry point to the folder that holds it.
  let dir = path.dirname(createRequire(import.meta.url).resolve('mediasoup'));
  while (!existsSync(path.join(dir, 'package.json')) || path.basename(dir) !== 'mediasoup') {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('the mediasoup package is not installed (npm install)');
    dir = up;
  }
  return dir;
}

export function mediasoupVersion(): string {
  return (JSON.parse(readFileSync(path.join(mediasoupPackageDir(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** <cache>/podium/mediasoup-worker/<version>-<script hash>/mediasoup-worker: a new version or script builds anew. */
export function cachedWorkerPath(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const key = createHash('sha256').update(readFileSync(BUILD_SCRIPT)).digest('hex').slice(0, 12);
  return path.join(base, 'podium', 'mediasoup-worker', `${mediasoupVersion()}-${key}`, 'mediasoup-worker');
}

/** The binary to use, without building: MEDIASOUP_WORKER_BIN, the package's own, or the cached build. */
export function findMediasoupWorker(): string | null {
  const fromEnv = process.env.MEDIASOUP_WORKER_BIN;
  if (fromEnv && executable(fromEnv)) return fromEnv;
  const bundled = path.join(mediasoupPackageDir(), 'worker', 'out', 'Release', 'mediasoup-worker');
  if (executable(bundled)) return bundled;
  const cached = cachedWorkerPath();
  return executable(cached) ? cached : null;
}

function runBuild(buildDir: string, log: (line: string) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [BUILD_SCRIPT, mediasoupPackageDir(), buildDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let last = '';
    let tail = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      tail = (tail + text).slice(-4000);
      const lines = text.trim().split('\n');
      last = lines[lines.length - 1] ?? last;
      // ninja prints [n/261] per step: a line a minute is progress enough for a CI log.
      if (/^\[\d+0\/\d+\]/.test(last)) log(`mediasoup-worker: ${last.slice(0, 120)}`);
    });
    child.stderr.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0 && existsSync(last.trim())) resolve(last.trim());
      else reject(new Error(`building mediasoup-worker failed (exit ${code}); the build's last output:\n${tail}`));
    });
  });
}

/** Finds the worker, or builds it into the cache. Returns its path. */
export async function ensureMediasoupWorker(log: (line: string) => void = () => {}): Promise<string> {
  const found = findMediasoupWorker();
  if (found) return found;
  const target = cachedWorkerPath();
  const buildDir = path.join(path.dirname(target), `build-${process.pid}`);
  log(`building mediasoup-worker ${mediasoupVersion()} from the package's sources (about 10 minutes on 2 cores)`);
  const started = Date.now();
  await mkdir(buildDir, { recursive: true });
  try {
    const built = await runBuild(buildDir, log);
    // Copied then renamed: a build interrupted half-way never leaves a binary that looks finished.
    await copyFile(built, `${target}.partial`);
    await rename(`${target}.partial`, target);
  } finally {
    await rm(buildDir, { recursive: true, force: true });
  }
  log(`mediasoup-worker built in ${Math.round((Date.now() - started) / 1000)} s: ${target}`);
  return target;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const build = process.argv.includes('--build-only');
  const log = (line: string) => console.error(line);
  const work = build ? ensureMediasoupWorker(log) : Promise.resolve(findMediasoupWorker());
  work.then(
    (bin) => {
      if (!bin) {
        console.error('no mediasoup-worker found: run `npx tsx scripts/mediasoup/worker.ts --build-only`, or set MEDIASOUP_WORKER_BIN');
        process.exit(1);
      }
      console.log(bin);
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
