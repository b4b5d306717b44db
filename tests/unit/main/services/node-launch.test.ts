// The shell's Node launcher for the services process: sending to a process that has just died must not throw or
// emit an unhandled EPIPE in the shell (the web studio host, or Electron's main) — the process's exit answers what
// was waiting. Found by `npm run test:stress`: a contract call sent while the services process was being killed
// raised `write EPIPE` as an uncaught exception in the shell.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeLaunch } from '../../../../main/services/process/generation';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-node-launch-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('nodeLaunch', () => {
  it('a send to a process that died before the shell noticed is no uncaught error; its exit is reported', async () => {
    const entry = path.join(dir, 'dies.cjs');
    fs.writeFileSync(entry, "process.send({ kind: 'log', line: 'here' });\n");
    for (let round = 0; round < 3; round++) {
      const transport = nodeLaunch(entry, []);
      const exited = new Promise<number | null>((resolve) => transport.onExit(resolve));
      await new Promise<void>((resolve) => transport.onMessage(() => resolve()));
      const pid = transport.pid!;
      process.kill(pid, 'SIGKILL');
      // Wait, without yielding to the event loop, until it is really gone: the shell has not read the end of the
      // channel yet, so it still counts as connected — the moment a contract call raced the kill in the stress run.
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline && isRunning(pid)) {
        // spin
      }
      for (let i = 0; i < 50; i++) transport.send({ kind: 'audio', bytes: new Uint8Array(64 * 1024) });
      expect(await exited).toBeNull();
      // An EPIPE from the sends above would be emitted on a later tick: give it the chance to surface.
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z');
  } catch {
    return false;
  }
}
