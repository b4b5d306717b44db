// Runs the vitest suites N times while both cores are kept busy, to find tests that depend on a quiet machine.
//
//   npm run test:stress                          # build once, then the whole suite 3 times under load
//   npm run test:stress -- --runs 5 tests/e2e    # 5 runs of the e2e files only (other arguments go to vitest)
//   npm run test:stress -- --no-load --no-build  # idle runs against the existing build
//
// The load is `stress-ng --cpu <cores>` when it is on PATH (Debian: apt-get install stress-ng), else one busy-looping
// Node worker thread per core. It is always stopped: at the end, on Ctrl+C or SIGTERM, on an error, and — should this
// process be killed outright — by a watchdog that notices our end, and by its own time limit in any case.
// Prints the tests that did not pass in every run (with counts), a total, the slowest tests by median duration, and
// exits non-zero when any run failed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = `usage: npm run test:stress -- [--runs N] [--no-load] [--no-build] [--cores N] [--run-timeout MIN] [vitest args…]
  --runs N          how many times to run the suite (default 3)
  --no-load         run on an idle machine (no load generator)
  --no-build        do not run \`npm run build\` first (the e2e suites need a current build)
  --cores N         load generator threads (default: every core, ${os.availableParallelism()})
  --run-timeout MIN a run that takes longer is stopped and counted as failed (default 45)
  anything else     passed to \`vitest run\`, e.g. file filters: tests/e2e tests/integration/livekit-moderation`;

interface Options {
  runs: number;
  load: boolean;
  build: boolean;
  cores: number;
  runTimeoutMs: number;
  vitestArgs: string[];
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { runs: 3, load: true, build: true, cores: os.availableParallelism(), runTimeoutMs: 45 * 60_000, vitestArgs: [] };
  const positiveInt = (name: string, value: string | undefined): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a positive whole number, got ${value ?? 'nothing'}\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '--runs') opts.runs = positiveInt('--runs', value());
    else if (flag === '--cores') opts.cores = positiveInt('--cores', value());
    else if (flag === '--run-timeout') opts.runTimeoutMs = positiveInt('--run-timeout', value()) * 60_000;
    else if (flag === '--no-load') opts.load = false;
    else if (flag === '--no-build') opts.build = false;
    else if (flag === '-h' || flag === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else opts.vitestArgs.push(arg);
  }
  return opts;
}

// ---------------------------------------------------------------------------------------------------------------
// The load generator

interface Load {
  describe: string;
  stop(): Promise<void>;
  /** Synchronous best effort, for process 'exit'. */
  kill(): void;
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * Ends the process groups it is told about if this process dies without cleaning up (SIGKILL, a crash): its stdin is
 * our pipe, which closes when we end, and then it signals every group still listed. Stopped on a normal end.
 */
class Watchdog {
  private readonly child = spawn(
    'sh',
    [
      '-c',
      'groups=""; while read op group; do if [ "$op" = add ]; then groups="$groups $group"; else groups=$(echo " $groups " | sed "s/ $group / /"); fi; done; ' +
        'for group in $groups; do kill -KILL "-$group" 2>/dev/null; done',
      'test-stress-watchdog',
    ],
    { stdio: ['pipe', 'ignore', 'ignore'], detached: true },
  );
  constructor() {
    this.child.unref();
    (this.child.stdin as unknown as { unref?: () => void }).unref?.();
  }
  add(group: number): void {
    this.child.stdin?.write(`add ${group}\n`);
  }
  remove(group: number): void {
    this.child.stdin?.write(`del ${group}\n`);
  }
  stop(): void {
    this.child.kill('SIGKILL');
  }
}

const watchdog = new Watchdog();

function startStressNg(bin: string, cores: number, limitSeconds: number): Load {
  // Its own process group, so that it (and the workers it forks) can be signalled as one, by its id.
  const child = spawn(bin, ['--cpu', String(cores), '--timeout', `${limitSeconds}s`, '--quiet'], { stdio: 'ignore', detached: true });
  const pid = child.pid!;
  watchdog.add(pid);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // already gone
    }
  };
  return {
    describe: `stress-ng --cpu ${cores} (pid ${pid}, ends by itself after ${Math.round(limitSeconds / 60)} min)`,
    async stop() {
      signal('SIGTERM');
      const hard = setTimeout(() => signal('SIGKILL'), 5000);
      await exited;
      clearTimeout(hard);
      watchdog.remove(pid);
    },
    kill() {
      signal('SIGKILL');
    },
  };
}

function startBusyWorkers(cores: number, limitSeconds: number): Load {
  // Each worker spins until its deadline; terminate() interrupts the loop. Threads of this process: they end with it.
  const code = `
    const { workerData } = require('node:worker_threads');
    let x = 0;
    while (Date.now() < workerData.deadline) for (let i = 0; i < 1e6; i++) x = (x * 1103515245 + 12345) % 2147483648;
  `;
  const deadline = Date.now() + limitSeconds * 1000;
  const workers = Array.from({ length: cores }, () => new Worker(code, { eval: true, workerData: { deadline } }));
  for (const w of workers) w.unref();
  return {
    describe: `${cores} busy-looping Node worker threads (stress-ng is not on PATH; they end by themselves after ${Math.round(limitSeconds / 60)} min)`,
    async stop() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
    kill() {
      for (const w of workers) void w.terminate();
    },
  };
}

function startLoad(cores: number, limitSeconds: number): Load {
  const bin = onPath('stress-ng');
  return bin ? startStressNg(bin, cores, limitSeconds) : startBusyWorkers(cores, limitSeconds);
}

// ---------------------------------------------------------------------------------------------------------------
// Runs

/** The parts of vitest's JSON report (Jest's format) read here. */
interface JsonReport {
  success?: boolean;
  testResults?: {
    name: string;
    status: string;
    message?: string;
    assertionResults?: { title: string; ancestorTitles?: string[]; status: string; duration?: number | null; failureMessages?: string[] }[];
  }[];
}

interface TestOutcome {
  status: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  failure?: string;
}

interface RunResult {
  index: number;
  exitCode: number | null;
  wallMs: number;
  tests: Map<string, TestOutcome>;
  /** Why the run failed when no test says so (no report, a file that could not load, a timeout). */
  problems: string[];
  log: string;
  load1: number;
}

let activeRun: ChildProcess | undefined;

function signalGroup(child: ChildProcess | undefined, sig: NodeJS.Signals): void {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    // already gone
  }
}

async function runOnce(index: number, opts: Options, dir: string): Promise<RunResult> {
  const report = path.join(dir, `run-${index}.json`);
  const log = path.join(dir, `run-${index}.log`);
  const out = fs.openSync(log, 'w');
  const started = Date.now();
  // The json reporter writes the report; the default one (to the log) keeps each test's console output for reading.
  const args = ['vitest', 'run', '--reporter=json', '--reporter=default', `--outputFile.json=${report}`, ...opts.vitestArgs];
  const child = spawn('npx', args, { cwd: ROOT, stdio: ['ignore', out, out], detached: true, env: { ...process.env, FORCE_COLOR: '0' } });
  activeRun = child;
  if (child.pid) watchdog.add(child.pid);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    signalGroup(child, 'SIGTERM');
    setTimeout(() => signalGroup(child, 'SIGKILL'), 10_000).unref();
  }, opts.runTimeoutMs);
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  clearTimeout(timer);
  if (child.pid) watchdog.remove(child.pid);
  activeRun = undefined;
  fs.closeSync(out);
  const result: RunResult = { index, exitCode, wallMs: Date.now() - started, tests: new Map(), problems: [], log, load1: os.loadavg()[0]! };
  if (timedOut) result.problems.push(`stopped after ${opts.runTimeoutMs / 60_000} min`);
  let parsed: JsonReport | undefined;
  try {
    parsed = JSON.parse(fs.readFileSync(report, 'utf8')) as JsonReport;
  } catch {
    result.problems.push('vitest wrote no JSON report');
  }
  for (const file of parsed?.testResults ?? []) {
    const rel = path.relative(ROOT, file.name);
    const assertions = file.assertionResults ?? [];
    if (file.status === 'failed' && assertions.every((a) => a.status !== 'failed')) {
      // A file that failed outside any test (it did not load, a hook threw): it counts as one failing entry.
      result.tests.set(`${rel} (the file itself)`, { status: 'failed', durationMs: 0, failure: firstLine(file.message) });
    }
    for (const a of assertions) {
      const name = [rel, ...(a.ancestorTitles ?? []), a.title].join(' > ');
      const status = a.status === 'passed' ? 'passed' : a.status === 'failed' ? 'failed' : 'skipped';
      result.tests.set(name, { status, durationMs: a.duration ?? 0, failure: firstLine(a.failureMessages?.[0]) });
    }
  }
  if (exitCode !== 0 && !timedOut && ![...result.tests.values()].some((t) => t.status === 'failed')) {
    result.problems.push(`vitest exited with ${exitCode ?? 'a signal'}`);
  }
  return result;
}

function firstLine(text: string | undefined): string | undefined {
  return text?.split('\n').find((l) => l.trim())?.trim().slice(0, 300);
}

const failed = (r: RunResult) => r.problems.length > 0 || [...r.tests.values()].some((t) => t.status === 'failed');

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function summarize(results: RunResult[], runs: number): void {
  const names = new Set(results.flatMap((r) => [...r.tests.keys()]));
  const rows = [...names].map((name) => {
    const outcomes = results.map((r) => r.tests.get(name));
    return {
      name,
      passed: outcomes.filter((o) => o?.status === 'passed').length,
      failed: outcomes.filter((o) => o?.status === 'failed').length,
      skipped: outcomes.every((o) => o === undefined || o.status === 'skipped'),
      durations: outcomes.filter((o): o is TestOutcome => o?.status === 'passed' || o?.status === 'failed').map((o) => o.durationMs),
      failures: outcomes.flatMap((o, i) => (o?.status === 'failed' ? [`run ${i + 1}: ${o.failure ?? '(no message)'}`] : [])),
    };
  });
  const counted = rows.filter((r) => !r.skipped);
  const shaky = counted.filter((r) => r.passed !== runs).sort((a, b) => a.passed - b.passed || a.name.localeCompare(b.name));
  console.log(`\n=== ${runs} run${runs === 1 ? '' : 's'} ===`);
  if (shaky.length) {
    console.log('Tests that did not pass in every run (passed/runs):');
    for (const r of shaky) {
      console.log(`  ${r.passed}/${runs}  ${r.name}`);
      for (const f of r.failures) console.log(`          ${f}`);
    }
  }
  const skipped = rows.length - counted.length;
  console.log(
    `${counted.length} tests, ${counted.length - shaky.length} passed in every run` +
      (shaky.length ? `, ${shaky.length} did not` : '') +
      (skipped ? ` (${skipped} skipped in every run, not counted)` : ''),
  );
  const problems = results.flatMap((r) => r.problems.map((p) => `run ${r.index}: ${p} (log: ${r.log})`));
  for (const p of problems) console.log(`  ${p}`);

  const slowest = counted
    .filter((r) => r.durations.length)
    .map((r) => ({ name: r.name, median: median(r.durations), max: Math.max(...r.durations) }))
    .sort((a, b) => b.median - a.median)
    .slice(0, 15);
  console.log('\nSlowest tests (median, max over runs):');
  for (const s of slowest) console.log(`  ${seconds(s.median).padStart(8)} ${seconds(s.max).padStart(8)}  ${s.name}`);
  console.log('\nRuns:');
  for (const r of results) {
    const tests = [...r.tests.values()];
    console.log(
      `  run ${r.index}: ${failed(r) ? 'FAILED' : 'passed'}, ${tests.filter((t) => t.status === 'passed').length} passed, ` +
        `${tests.filter((t) => t.status === 'failed').length} failed, ${seconds(r.wallMs)}, load average ${r.load1.toFixed(1)} at the end; log ${r.log}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-stress-'));
  if (opts.build) {
    console.log('building once: npm run build');
    const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    if (built.status !== 0) {
      console.error('the build failed; nothing was run');
      return 1;
    }
  }

  let load: Load | undefined;
  let stopping: Promise<void> | undefined;
  const stopLoad = () => (stopping ??= load ? load.stop().catch(() => load?.kill()) : Promise.resolve());
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupted = true;
    console.error(`\n${sig}: stopping the run and the load`);
    signalGroup(activeRun, 'SIGTERM');
    void stopLoad().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  process.on('exit', () => {
    load?.kill();
    signalGroup(activeRun, 'SIGKILL');
    watchdog.stop();
  });

  const results: RunResult[] = [];
  try {
    if (opts.load) {
      // Bounded: a little more than every run at its time limit; stop() ends it much sooner in practice.
      const limitSeconds = Math.ceil((opts.runs * opts.runTimeoutMs) / 1000) + 600;
      load = startLoad(opts.cores, limitSeconds);
      console.log(`load: ${load.describe}`);
      // Let it reach full speed before the first run starts.
      await new Promise((r) => setTimeout(r, 1000));
    } else {
      console.log('no load: idle runs');
    }
    for (let i = 1; i <= opts.runs && !interrupted; i++) {
      console.log(`run ${i}/${opts.runs}: vitest run ${opts.vitestArgs.join(' ')}`.trimEnd());
      const r = await runOnce(i, opts, dir);
      results.push(r);
      const tests = [...r.tests.values()];
      console.log(
        `  ${failed(r) ? 'FAILED' : 'passed'}: ${tests.filter((t) => t.status === 'passed').length} passed, ` +
          `${tests.filter((t) => t.status === 'failed').length} failed in ${seconds(r.wallMs)}` +
          (r.problems.length ? ` (${r.problems.join('; ')})` : ''),
      );
      for (const [name, t] of r.tests) if (t.status === 'failed') console.log(`    ✗ ${name}\n        ${t.failure ?? ''}`);
    }
  } finally {
    await stopLoad();
  }
  if (opts.load) console.log('load stopped');
  summarize(results, opts.runs);
  console.log(`\nreports and logs: ${dir}`);
  return results.some(failed) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
