// The supervisor with the real livekit-server: killed (-9) it is back on the same ports with the same keys in a new
// epoch; hung (SIGSTOP) its health checks catch it, kill it and start it again; stop() ends it for good. And a start
// on fixed ports waits for them rather than moving.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLivekitBinary, startLivekit } from '../../scripts/livekit';
import { createSfuAdmin } from '../../server/livekit/admin';
import type { SfuHealthState } from '../../server/livekit/health';
import { pickPorts } from '../../server/livekit/ports';
import { startSupervisedLivekit, type SupervisedLivekit } from '../../server/livekit/supervisor';
import { sleep, timeout } from '../support/rtc-bot';

/** Starting livekit-server on a loaded 2-core machine takes seconds; this bounds a hang, not the figure printed. */
const BACK_WITHIN = 30_000;

let sup: SupervisedLivekit;

beforeAll(async () => {
  sup = await startSupervisedLivekit({ bin: await ensureLivekitBinary() });
}, 180_000);

afterAll(() => sup?.stop(), 30_000);

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Resolves with the next health whose status is `status`. */
function next(status: SfuHealthState['status']): Promise<SfuHealthState> {
  return new Promise((resolve) => {
    const off = sup.health.subscribe((s) => {
      if (s.status !== status) return;
      off();
      resolve(s);
    });
  });
}

async function root(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${sup.ports.http}/`, { signal: AbortSignal.timeout(5_000) });
  return `${res.status} ${await res.text()}`;
}

describe('supervising the real livekit-server', () => {
  it('starts one killed with -9 again on the same ports and keys, in a new epoch', async () => {
    const heard: string[] = [];
    const off = sup.health.subscribe((s) => heard.push(`${s.status}#${s.epoch}`));
    const { url, ports } = sup;
    const pid = sup.pid()!;
    const back = next('up');
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    const state = await timeout(back, BACK_WITHIN, 'livekit-server is back');
    console.log(`livekit-server killed with -9: up again after ${Date.now() - killedAt} ms`);
    off();
    expect(heard).toEqual(['restarting#0', 'up#1']);
    expect(state.epoch).toBe(1);
    expect(sup.pid()).not.toBe(pid);
    expect(alive(sup.pid()!)).toBe(true);
    expect([sup.url, sup.ports]).toEqual([url, ports]);
    expect(await root()).toBe('200 OK');
    // The same keys: the admin API made with them before the kill works on the new process.
    await expect(createSfuAdmin(sup).listRooms()).resolves.toEqual([]);
  });

  it('kills and restarts one that hangs (SIGSTOP): it misses its health checks', async () => {
    const pid = sup.pid()!;
    const back = next('up');
    const stoppedAt = Date.now();
    process.kill(pid, 'SIGSTOP');
    const state = await timeout(back, BACK_WITHIN, 'the hung livekit-server is replaced');
    console.log(`livekit-server hung (SIGSTOP): replaced and up after ${Date.now() - stoppedAt} ms`);
    expect(state.epoch).toBe(2);
    expect(sup.pid()).not.toBe(pid);
    expect(alive(pid)).toBe(false);
    expect(await root()).toBe('200 OK');
  });

  it('stop() ends it for good: nothing answers on its port afterwards', async () => {
    const pid = sup.pid()!;
    await sup.stop();
    expect(alive(pid)).toBe(false);
    expect(sup.health.state().status).toBe('down');
    // Longer than the first restart's backoff and a start: a restart would answer by then.
    await sleep(3_000);
    expect(sup.pid()).toBeNull();
    await expect(root()).rejects.toThrow();
  });
});

describe('starting on fixed ports', () => {
  it('waits for whoever holds them to let go, and never moves to other ports', async () => {
    const ports = await pickPorts();
    // Someone answers on the HTTP port as a livekit-server would: the process being replaced, still going.
    const holder = http.createServer((_req, res) => res.end('OK'));
    await new Promise<void>((resolve) => holder.listen(ports.http, '127.0.0.1', resolve));
    setTimeout(() => {
      holder.closeAllConnections();
      holder.close();
    }, 1_500);
    const startedAt = Date.now();
    const lk = await startLivekit({ bin: await ensureLivekitBinary(), ports });
    try {
      console.log(`started on the same ports ${Date.now() - startedAt} ms after asking (the holder let go after 1500 ms)`);
      expect(lk.ports).toEqual(ports);
      expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1_500);
      // Ours answers, not the holder (gone): and it stays up.
      await sleep(500);
      expect(alive(lk.pid)).toBe(true);
      expect((await fetch(`http://127.0.0.1:${ports.http}/`)).status).toBe(200);
    } finally {
      await lk.stop();
    }
  });
});
