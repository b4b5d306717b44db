// The soak's system under test: livekit-server, and the space server in a process of its own (server/cli.ts, as
// `npm run server` runs it), wired as in production — LiveKit posts its webhooks to the space server — so the space
// server's memory and open files can be read alone from /proc. Every line the server prints is kept; lines that
// report a failure (soak-verdict.ts) are the caller's errors.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PROTOCOL_PATH } from '../../common/protocol';
import { startLivekit } from '../../scripts/livekit';
import { localWebhook } from '../../server/local-webhook';
import { isFailureLine } from './soak-verdict';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const LIVEKIT_LOG = path.join(os.tmpdir(), 'podium-soak-livekit.log');

export interface ProcSample {
  rssMb: number;
  /** Open file descriptors, and how many of them are sockets. */
  fds: number;
  sockets: number;
}

export interface SoakServer {
  url: string;
  protocolUrl: string;
  pid: number;
  /** Makes a space through the public admin API, as a remote studio would. */
  createSpace(title: string, hostName: string): Promise<{ spaceId: string; hostKey: string }>;
  /** Connected listeners, as the server's public API counts them. */
  listenerCount(spaceId: string): Promise<number>;
  sample(): ProcSample;
  /** What LiveKit logged about clients losing their media path: evidence when audio goes missing. */
  sfuTrouble(): SfuTrouble;
  close(): Promise<void>;
}

export interface SfuTrouble {
  /** A client's ICE connection dropped ("short ice connection"). */
  iceDrops: number;
  /** A client came back while LiveKit still held its old session (a full rejoin). */
  rejoins: number;
  /** LiveKit's own "high cpu load" notes. */
  highCpu: number;
}

export interface SoakServerOptions {
  /** Every line the server prints, with whether it reports a failure. */
  onLine: (line: string, failure: boolean) => void;
  /** The server process ended on its own (a crash): the caller's run is over. */
  onExit: (code: number | null, signal: string | null) => void;
}

/** Reads RSS and open files of `pid` from /proc (Linux). */
export function sampleProcess(pid: number): ProcSample {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
  let fds = 0;
  let sockets = 0;
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = fs.readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed between the listing and the look
    }
    fds++;
    if (target.startsWith('socket:')) sockets++;
  }
  return { rssMb: rssKb / 1024, fds, sockets };
}

/** CPU seconds `pid` has used (user + system), from /proc (Linux: 100 clock ticks a second). */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export async function startSoakServer(options: SoakServerOptions): Promise<SoakServer> {
  const { port, url: webhookUrl } = await localWebhook('127.0.0.1', 0);
  // LiveKit's own log goes to a file that outlives the run: the evidence when audio goes missing.
  const livekitLog = fs.createWriteStream(LIVEKIT_LOG);
  const trouble: SfuTrouble = { iceDrops: 0, rejoins: 0, highCpu: 0 };
  const lk = await startLivekit({
    webhookUrls: [webhookUrl],
    log: (line) => {
      livekitLog.write(`${line}\n`);
      if (line.includes('short ice connection')) trouble.iceDrops++;
      else if (line.includes('removing duplicate participant')) trouble.rejoins++;
      else if (line.includes('high cpu load')) trouble.highCpu++;
    },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-soak-'));
  const adminToken = crypto.randomBytes(32).toString('base64url');
  // Node itself with tsx's loader, not the tsx launcher: the pid sampled is then the space server's own process.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server', 'cli.ts'), '--port', String(port), '--db', path.join(dir, 'podium.sqlite')], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, PODIUM_ADMIN_TOKEN: adminToken, LIVEKIT_URL: lk.url, LIVEKIT_API_KEY: lk.apiKey, LIVEKIT_API_SECRET: lk.apiSecret },
  });
  // If this process is killed outright, the server's stdin closes and this watchdog ends it (as livekit's does).
  const watchdog = spawn('sh', ['-c', 'read _ignored; kill -KILL "$1" 2>/dev/null', 'soak-watchdog', String(child.pid)], { stdio: ['pipe', 'ignore', 'ignore'] });
  watchdog.unref();
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.on('exit', killOnExit);
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      watchdog.kill('SIGKILL');
      if (!stopping) options.onExit(code, signal);
      resolve();
    });
  });
  const ready = new Promise<string>((resolve, reject) => {
    const early: string[] = [];
    const timer = setTimeout(() => reject(new Error(`the space server did not start in 60 s:\n${early.join('\n')}`)), 60_000);
    void exited.then(() => reject(new Error(`the space server exited during startup:\n${early.join('\n')}`)));
    const read = (stream: 'stdout' | 'stderr') => (line: string) => {
      early.push(line);
      const at = /space server ready at (\S+)/.exec(line);
      if (at) {
        clearTimeout(timer);
        resolve(at[1]!);
      }
      options.onLine(line, isFailureLine(line, stream));
    };
    createInterface({ input: child.stdout }).on('line', read('stdout'));
    createInterface({ input: child.stderr }).on('line', read('stderr'));
  });

  const close = async (): Promise<void> => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(kill);
    }
    await lk.stop();
    livekitLog.end();
    fs.rmSync(dir, { recursive: true, force: true });
  };

  let url: string;
  try {
    url = await ready;
  } catch (error) {
    await close();
    throw error;
  }
  const pid = child.pid!;
  return {
    url,
    protocolUrl: `${url.replace(/^http/, 'ws')}${PROTOCOL_PATH}`,
    pid,
    async createSpace(title, hostName) {
      const res = await fetch(`${url}/api/spaces`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ title, hostName, ownerKey: crypto.randomBytes(24).toString('base64url') }),
      });
      const body = (await res.json()) as { space?: { id: string }; hostKey?: string; error?: { message: string } };
      if (res.status !== 201 || !body.space || !body.hostKey) throw new Error(`POST /api/spaces answered ${res.status}: ${JSON.stringify(body)}`);
      return { spaceId: body.space.id, hostKey: body.hostKey };
    },
    async listenerCount(spaceId) {
      const res = await fetch(`${url}/api/spaces/${spaceId}`, { signal: AbortSignal.timeout(10_000) });
      const body = (await res.json()) as { listenerCount?: number };
      if (typeof body.listenerCount !== 'number') throw new Error(`GET /api/spaces/${spaceId} answered ${res.status}`);
      return body.listenerCount;
    },
    sample: () => sampleProcess(pid),
    sfuTrouble: () => ({ ...trouble }),
    close,
  };
}
