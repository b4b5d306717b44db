// The supervisor's runner (server/livekit/supervisor.ts) around stand-in servers: what it starts and when, the
// health it reports, giving up with words and the last output, and stop() meaning no restart. The real binary is
// in tests/integration/livekit-supervisor.test.ts.
import { describe, expect, it } from 'vitest';
import type { LivekitExit, LivekitServer } from '../../server/livekit/runtime';
import { superviseLivekit, type Ports } from '../../server/livekit/supervisor';

const PORTS: Ports = { http: 1, udp: 2 };

interface Stand {
  server: LivekitServer;
  end(exit?: LivekitExit): void;
  stopped: boolean;
}

function standIn(pid: number, ports: Ports = PORTS, apiKey = 'APIkey'): Stand {
  let end: (exit: LivekitExit) => void = () => {};
  const exited = new Promise<LivekitExit>((resolve) => (end = resolve));
  const stand: Stand = {
    stopped: false,
    end: (exit = { code: null, signal: 'SIGKILL' }) => end(exit),
    server: {
      url: `ws://127.0.0.1:${ports.http}`,
      apiKey,
      apiSecret: 'x'.repeat(32),
      pid,
      ports,
      exited,
      kill: () => end({ code: null, signal: 'SIGKILL' }),
      output: () => [`output of ${pid}`],
      stop: async () => {
        stand.stopped = true;
        end({ code: 0, signal: null });
      },
    },
  };
  return stand;
}

const quick = { firstDelayMs: 1, maxDelayMs: 4, maxFailedStarts: 3, maxRestarts: 10, windowMs: 60_000 };
// No health checks against these stand-ins: they serve nothing.
const NO_PROBE = { probeEveryMs: 3_600_000 };

function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error('condition not met in time'));
      else setTimeout(tick, 5);
    };
    tick();
  });
}

describe('superviseLivekit', () => {
  it('restarts what ended on the same ports and reports restarting, then up in a new epoch', async () => {
    const stands = [standIn(100), standIn(101)];
    const asked: (Ports | undefined)[] = [];
    const sup = await superviseLivekit(
      async (ports) => {
        asked.push(ports);
        return stands[asked.length - 1]!.server;
      },
      { policy: quick, ...NO_PROBE },
    );
    const heard: string[] = [];
    sup.health.subscribe((s) => heard.push(`${s.status}#${s.epoch}`));
    expect(sup.health.state()).toMatchObject({ status: 'up', epoch: 0 });
    stands[0]!.end();
    await until(() => sup.pid() === 101);
    expect(asked).toEqual([undefined, PORTS]);
    expect(heard).toEqual(['restarting#0', 'up#1']);
    await sup.stop();
    expect(stands[1]!.stopped).toBe(true);
    expect(sup.health.state().status).toBe('down');
  });

  it('gives up after failed starts in a row, with words and the last output', async () => {
    let calls = 0;
    const first = standIn(100);
    const sup = await superviseLivekit(
      async () => {
        if (calls++ === 0) return first.server;
        throw new Error('livekit-server exited during startup (code 1):\nline one\ncould not bind');
      },
      { policy: quick, ...NO_PROBE },
    );
    first.end();
    await until(() => sup.health.state().status === 'failed');
    expect(calls).toBe(1 + quick.maxFailedStarts);
    expect(sup.pid()).toBeNull();
    expect(sup.failure()).toMatch(/failed to start 3 times in a row/);
    expect(sup.failure()).toMatch(/could not bind/);
    await sup.stop();
  });

  it('does not take a server on other ports or keys as the same SFU', async () => {
    let calls = 0;
    const first = standIn(100);
    const sup = await superviseLivekit(
      async () => (calls++ === 0 ? first.server : standIn(200 + calls, { http: 9, udp: 9 }).server),
      { policy: quick, ...NO_PROBE },
    );
    first.end();
    await until(() => sup.health.state().status === 'failed');
    expect(sup.failure()).toMatch(/not ws:\/\/127\.0\.0\.1:1/);
    await sup.stop();
  });

  it('after stop(), an exit starts nothing', async () => {
    let calls = 0;
    const first = standIn(100);
    const sup = await superviseLivekit(async () => (calls++, first.server), { policy: quick, ...NO_PROBE });
    await sup.stop();
    expect(first.stopped).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(calls).toBe(1);
    expect(sup.health.state().status).toBe('down');
  });

  it('stop() during the wait before a restart cancels it', async () => {
    let calls = 0;
    const first = standIn(100);
    const sup = await superviseLivekit(async () => (calls++ === 0 ? first.server : standIn(101).server), {
      policy: { ...quick, firstDelayMs: 60_000, maxDelayMs: 60_000 },
      ...NO_PROBE,
    });
    first.end();
    await until(() => sup.health.state().status === 'restarting');
    const t0 = Date.now();
    await sup.stop();
    expect(Date.now() - t0).toBeLessThan(1_000);
    expect(calls).toBe(1);
  });
});
