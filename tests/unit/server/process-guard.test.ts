// The process-level guard: an exception or rejection that escaped every handler is logged and the process keeps
// serving. Checked in a child process, because vitest's own handlers would report the test's deliberate throw.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { installProcessGuard } from '../../../server/process-guard';

const root = path.resolve(__dirname, '../../..');
const guardModule = path.join(root, 'server', 'process-guard.ts');

/** Runs `body` as an ES module under tsx; `guard` is the imported installProcessGuard. */
function run(body: string): { status: number | null; stdout: string; stderr: string } {
  const script = `import { installProcessGuard as guard } from ${JSON.stringify(guardModule)};\n${body}`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('process guard', () => {
  it('logs an uncaught exception and an unhandled rejection, and the process keeps running', () => {
    const result = run(`
      guard((line) => console.log('LOG ' + line.split('\\n')[0]));
      setTimeout(() => { throw new Error('boom from a handler'); }, 10);
      setTimeout(() => { void Promise.reject(new Error('rejected in a handler')); }, 20);
      setTimeout(() => { console.log('STILL SERVING'); process.exit(0); }, 100);
    `);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('LOG uncaught exception (kept running): Error: boom from a handler');
    expect(result.stdout).toContain('LOG unhandled promise rejection (kept running): Error: rejected in a handler');
    expect(result.stdout).toContain('STILL SERVING');
    expect(result.status).toBe(0);
  });

  it('after uninstalling, an uncaught exception ends the process as before', () => {
    const result = run(`
      const stop = guard((line) => console.log('LOG ' + line));
      stop();
      setTimeout(() => { throw new Error('boom after uninstall'); }, 10);
      setTimeout(() => { console.log('STILL SERVING'); process.exit(0); }, 100);
    `);
    expect(result.status).toBe(1);
    expect(result.stdout).not.toContain('STILL SERVING');
    expect(result.stderr).toContain('boom after uninstall');
  });

  it('a logger that throws does not turn the guard itself into a crash', () => {
    const result = run(`
      guard(() => { throw new Error('stdout is gone'); });
      setTimeout(() => { throw new Error('boom'); }, 10);
      setTimeout(() => { console.log('STILL SERVING'); process.exit(0); }, 100);
    `);
    expect(result.stdout).toContain('STILL SERVING');
    expect(result.status).toBe(0);
  });
});

describe('process guard install', () => {
  const uninstalls: (() => void)[] = [];
  afterEach(() => {
    for (const stop of uninstalls.splice(0)) stop();
  });

  it('is idempotent: installing twice adds one pair of process listeners, and the last uninstall removes it', () => {
    const before = [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')];
    const log = () => {};
    const first = installProcessGuard(log);
    const second = installProcessGuard(log);
    const third = installProcessGuard(() => {});
    uninstalls.push(first, second, third);
    expect(process.listenerCount('uncaughtException')).toBe(before[0]! + 1);
    expect(process.listenerCount('unhandledRejection')).toBe(before[1]! + 1);
    first();
    first();
    third();
    expect(process.listenerCount('uncaughtException')).toBe(before[0]);
    expect(process.listenerCount('unhandledRejection')).toBe(before[1]);
  });
});
