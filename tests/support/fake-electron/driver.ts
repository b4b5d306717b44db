// Runs the built Electron main bundle in a Node child process against the stand-in `electron` (electron.ts), and
// drives it over the child's IPC channel. Not Electron: see electron.ts for what the stand-in can and cannot show.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DriverCommand, DriverReply, ExitReport, FakeRecord } from './protocol';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const MAIN_BUNDLE = process.env.SHELL_BUNDLE_CHECK ?? path.join(ROOT, 'out', 'main', 'index.js');
const REGISTER = path.join(ROOT, 'tests', 'support', 'fake-electron', 'register.ts');

export interface ShellProcess {
  child: ChildProcess;
  send<T = unknown>(command: DriverCommand): Promise<T>;
  state(): Promise<FakeRecord>;
  /** Resolves when the shell has ended the process: its exit code and what the stand-in saw at that moment. */
  exited: Promise<{ code: number | null; report: ExitReport | null }>;
  output(): string;
  kill(): void;
}

export function startShell(env: Record<string, string>): ShellProcess {
  if (!fs.existsSync(MAIN_BUNDLE)) throw new Error('out/main/index.js is missing: run `npx electron-vite build` (npm test builds first).');
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', REGISTER, MAIN_BUNDLE], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let report: ExitReport | null = null;
  child.on('message', (message: DriverReply | ExitReport) => {
    if ('type' in message) {
      report = message;
      return;
    }
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.ok) waiter?.resolve(message.value);
    else waiter?.reject(new Error(message.error));
  });
  const exited = new Promise<{ code: number | null; report: ExitReport | null }>((resolve) =>
    child.once('exit', (code) => {
      for (const waiter of pending.values()) waiter.reject(new Error(`the shell exited (${code}) before answering:\n${output}`));
      pending.clear();
      resolve({ code, report });
    }),
  );
  const send = <T,>(command: DriverCommand): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (!child.connected) return reject(new Error(`the shell is not running:\n${output}`));
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, ...command });
    });
  return {
    child,
    send,
    state: () => send<FakeRecord>({ cmd: 'state' }),
    exited,
    output: () => output,
    kill: () => void child.kill('SIGKILL'),
  };
}
