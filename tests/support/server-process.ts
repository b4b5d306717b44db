// The space server as its own process (`npm run server`, server/cli.ts), for tests that kill it as a crash would:
// on a port and SQLite file the test chooses, against a LiveKit the test owns (so LiveKit outlives the server).
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LivekitServer } from '../../server/livekit/runtime';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process printed, for a failing test's message. */
  output: () => string;
  /** Resolves with the exit code or signal once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A port nobody listens on right now (the OS picks it), so a restarted server can take the same one. */
export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export async function startServerProcess(opts: {
  port: number;
  dbFile: string;
  livekit: Pick<LivekitServer, 'url' | 'apiKey' | 'apiSecret'>;
  adminToken: string;
  /** How long the process may take to say it is ready (tsx compiles on start; the machine may be busy). */
  readyMs?: number;
}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server', 'cli.ts'), '--port', String(opts.port), '--db', opts.dbFile], {
    cwd: ROOT,
    env: {
      ...process.env,
      LIVEKIT_URL: opts.livekit.url,
      LIVEKIT_API_KEY: opts.livekit.apiKey,
      LIVEKIT_API_SECRET: opts.livekit.apiSecret,
      PODIUM_ADMIN_TOKEN: opts.adminToken,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /space server ready at (\S+)/.exec(output);
      if (found) resolve(found[1]!);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    void exited.then(({ code, signal }) => reject(new Error(`the space server exited (${code ?? signal}) before it was ready:\n${output}`)));
  });
  // Once the race below is decided, a late rejection (the process killed after a timeout) has nobody to tell.
  ready.catch(() => {});
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the space server was not ready within ${opts.readyMs ?? 60_000} ms:\n${output}`)), opts.readyMs ?? 60_000);
  });
  try {
    const url = await Promise.race([ready, timeout]);
    return { child, url, output: () => output, exited };
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
