// The probe of a LiveKit that is not ours to restart (server/livekit/health.ts): up while its root answers, down
// after missed checks in a row — one line in the log, not one per check — and up again in a new epoch.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeOnce, probeSfu, type SfuHealthState } from '../../../../server/livekit/health';

const servers: http.Server[] = [];
const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  for (const s of servers.splice(0)) s.close();
});

async function serve(status: number, port = 0): Promise<http.Server> {
  const server = http.createServer((_req, res) => {
    res.statusCode = status;
    res.end('OK');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

function next(source: { subscribe(l: (s: SfuHealthState) => void): () => void }, status: SfuHealthState['status']): Promise<SfuHealthState> {
  return new Promise((resolve) => {
    const off = source.subscribe((s) => {
      if (s.status !== status) return;
      off();
      resolve(s);
    });
  });
}

describe('probing a LiveKit that is not ours', () => {
  it('counts any answer below 500 as reachable, and a refused connection or a 5xx as not', async () => {
    const ok = await serve(200);
    const proxied = await serve(404);
    const broken = await serve(503);
    const url = (s: http.Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}/`;
    expect(await probeOnce(url(ok), 2_000)).toEqual({ ok: true });
    expect(await probeOnce(url(proxied), 2_000)).toEqual({ ok: true });
    expect(await probeOnce(url(broken), 2_000)).toEqual({ ok: false, why: 'HTTP 503' });
    const gone = url(broken);
    await new Promise((r) => broken.close(r));
    expect(await probeOnce(gone, 2_000)).toMatchObject({ ok: false, why: expect.stringMatching(/fetch failed/) });
  });

  it('goes down after missed checks, logs it once, and is up again in a new epoch when it answers', async () => {
    const server = await serve(200);
    const port = (server.address() as AddressInfo).port;
    const lines: string[] = [];
    const probe = probeSfu({ url: `ws://127.0.0.1:${port}`, everyMs: 50, timeoutMs: 500, misses: 2, log: (l) => lines.push(l) });
    stops.push(() => probe.stop());
    expect(probe.state()).toMatchObject({ status: 'up', epoch: 0 });
    const down = next(probe, 'down');
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    expect(await down).toMatchObject({ status: 'down', epoch: 0 });
    // Many more checks fail while it is down: still one line.
    await new Promise((r) => setTimeout(r, 400));
    expect(lines.filter((l) => /does not answer/.test(l))).toHaveLength(1);
    const up = next(probe, 'up');
    await serve(200, port);
    expect(await up).toMatchObject({ status: 'up', epoch: 1 });
    expect(lines.at(-1)).toMatch(/answers again/);
  });
});
