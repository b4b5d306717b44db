// `npm start` and `npm run server` build first, quietly: electron-vite's ~30 lines of chunk sizes go nowhere unless the
// build fails, when all of them are printed (they are what explains the failure). On success one line says so.
// `npm run build` still shows everything.
//   npx tsx scripts/build.ts      the production build (electron-vite build), quietly
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface BuildOutcome {
  /** The build's exit code; null when it was ended by a signal or could not start. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Everything it printed, stdout and stderr as they came. */
  output: string;
  ms: number;
  /** Why it could not be started at all (e.g. electron-vite not installed). */
  startError?: string;
}

export interface BuildReport {
  /** What to print, on stdout when the build worked, else on stderr. */
  text: string;
  ok: boolean;
  exitCode: number;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** What the person sees: one line when the build worked; its whole output and the reason when it did not. */
export function buildReport(outcome: BuildOutcome): BuildReport {
  if (outcome.startError !== undefined) {
    return { ok: false, exitCode: 1, text: `  The build could not start: ${outcome.startError}. Has npm install run?\n` };
  }
  if (outcome.code === 0) return { ok: true, exitCode: 0, text: `  Built in ${seconds(outcome.ms)}\n` };
  const output = outcome.output.trimEnd();
  const why = outcome.signal ? `was stopped (${outcome.signal})` : `failed (exit code ${outcome.code ?? 'unknown'})`;
  return {
    ok: false,
    exitCode: outcome.code && outcome.code > 0 ? outcome.code : 1,
    text: `${output ? `${output}\n\n` : ''}  The build ${why} after ${seconds(outcome.ms)}${output ? '; its output is above.' : ', and printed nothing.'}\n`,
  };
}

/** Runs a command with its output captured, never shown while it runs. */
export function runCaptured(command: string, args: readonly string[], cwd = ROOT): Promise<BuildOutcome> {
  const started = performance.now();
  return new Promise((resolve) => {
    let output = '';
    let startError: string | undefined;
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    child.once('error', (error) => void (startError = error.message));
    child.once('close', (code, signal) => {
      const ms = performance.now() - started;
      resolve(startError !== undefined ? { code: null, signal: null, output, ms, startError } : { code, signal, output, ms });
    });
  });
}

/** electron-vite's own command-line entry, run with this Node. */
function electronViteBin(): string {
  const require = createRequire(import.meta.url);
  const pkgFile = require.resolve('electron-vite/package.json', { paths: [ROOT] });
  const { bin } = require(pkgFile) as { bin: Record<string, string> };
  return path.join(path.dirname(pkgFile), bin['electron-vite']!);
}

async function main(): Promise<void> {
  const progress = process.stdout.isTTY;
  if (progress) process.stdout.write('  Building Podium…');
  let outcome: BuildOutcome;
  try {
    outcome = await runCaptured(process.execPath, [electronViteBin(), 'build']);
  } catch (error) {
    outcome = { code: null, signal: null, output: '', ms: 0, startError: error instanceof Error ? error.message : String(error) };
  }
  // The progress line is replaced by the result on a terminal.
  if (progress) process.stdout.write('\r\x1b[K');
  const report = buildReport(outcome);
  (report.ok ? process.stdout : process.stderr).write(report.text);
  process.exitCode = report.exitCode;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) void main();
