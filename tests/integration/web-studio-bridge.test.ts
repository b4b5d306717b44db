// The web studio's bridge carries the whole IPC contract, so it must refuse anyone but the studio page that
// `npm start` opened: wrong origin, missing or wrong key, or junk. And a space must survive a studio restart.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { runWebStudio, type WebStudio } from '../../main/web/run';

function open(url: string, origin: string): Promise<{ ws: WebSocket; next: () => Promise<unknown>; closed: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin });
    const queue: unknown[] = [];
    const waiters: ((v: unknown) => void)[] = [];
    ws.on('message', (raw) => {
      const msg: unknown = JSON.parse(String(raw));
      const w = waiters.shift();
      if (w) w(msg);
      else queue.push(msg);
    });
    const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
    ws.on('open', () =>
      resolve({ ws, closed, next: () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiters.push(r))) }),
    );
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

describe('web studio bridge', () => {
  let studio: WebStudio;
  let dataDir: string;
  let assetsDir: string;
  let secret: string;
  const start = () =>
    runWebStudio({
      dataDir,
      assetsDir,
      version: 'test',
      startEmbeddedLivekit: async () => ({ url: 'ws://127.0.0.1:9', apiKey: 'devkey', apiSecret: 'secret', stop: async () => {} }),
    });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-bridge-'));
    assetsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-assets-'));
    fs.mkdirSync(path.join(assetsDir, 'studio'));
    fs.writeFileSync(path.join(assetsDir, 'studio', 'index.html'), '<!doctype html><title>studio</title>');
    studio = await start();
    secret = new URL(studio.host.url).hash.replace('#k=', '');
  });
  afterAll(async () => {
    await studio?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(assetsDir, { recursive: true, force: true });
  });

  const bridgeUrl = () => `${studio.host.origin.replace('http', 'ws')}/bridge`;

  it('serves the studio page with a CSP', async () => {
    const res = await fetch(studio.host.origin + '/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self' 'wasm-unsafe-eval'");
  });

  it('refuses a page from another origin before any message', async () => {
    await expect(open(bridgeUrl(), 'http://evil.example')).rejects.toThrow('HTTP 403');
  });

  it('refuses a wrong key and calls made without one', async () => {
    const a = await open(bridgeUrl(), studio.host.origin);
    a.ws.send(JSON.stringify({ type: 'hello', secret: 'x'.repeat(secret.length) }));
    expect(await a.next()).toMatchObject({ type: 'error' });
    expect(await a.closed).toBe(4401);

    const b = await open(bridgeUrl(), studio.host.origin);
    b.ws.send(JSON.stringify({ type: 'call', id: 1, channel: 'spaces:create', request: { title: 'sneaky' } }));
    expect(await b.closed).toBe(4401);
    expect(studio.services.spaceServer.listSpaces()).toHaveLength(0);
  });

  it('with the key: calls work, bad requests get clear errors and change nothing', async () => {
    const c = await open(bridgeUrl(), studio.host.origin);
    c.ws.send(JSON.stringify({ type: 'hello', secret }));
    expect(await c.next()).toEqual({ type: 'welcome' });
    c.ws.send(JSON.stringify({ type: 'call', id: 1, channel: 'spaces:create', request: { title: '' } }));
    expect(await c.next()).toMatchObject({ id: 1, result: { ok: false, error: { code: 'bad_request', message: expect.stringContaining('title') } } });
    c.ws.send(JSON.stringify({ type: 'call', id: 2, channel: 'fs:readFile', request: '/etc/passwd' }));
    expect(await c.next()).toMatchObject({ id: 2, result: { ok: false, error: { code: 'unknown_type' } } });
    c.ws.send('not json');
    expect(await c.next()).toMatchObject({ type: 'error' });
    expect(studio.services.spaceServer.listSpaces()).toHaveLength(0);

    c.ws.send(JSON.stringify({ type: 'call', id: 3, channel: 'spaces:create', request: { title: 'Kept across restarts' } }));
    const created = (await c.next()) as { result: { ok: true; value: { space: { id: string }; credential: string; shareUrl: string } } };
    expect(created.result.ok).toBe(true);
    expect(created.result.value.shareUrl).toMatch(/\/s\/[a-z0-9]{10}$/);
    c.ws.send(JSON.stringify({ type: 'call', id: 4, channel: 'settings:setMicrophone', request: { deviceId: 'abc', label: 'USB mic' } }));
    expect(await c.next()).toMatchObject({ id: 4, result: { ok: true } });
    c.ws.close();

    // Restart the whole studio on the same data folder: the space and the microphone choice are still there.
    await studio.close();
    studio = await start();
    expect(studio.services.spaceServer.listSpaces().map((s) => s.title)).toEqual(['Kept across restarts']);
    const settings = await studio.services.handlers['settings:get'](undefined);
    expect(settings.microphone).toEqual({ deviceId: 'abc', label: 'USB mic' });
    // The old key from before the restart no longer opens the bridge.
    const d = await open(`${studio.host.origin.replace('http', 'ws')}/bridge`, studio.host.origin);
    d.ws.send(JSON.stringify({ type: 'hello', secret }));
    expect(await d.closed).toBe(4401);
  });
});
