// The web studio's bridge carries the whole IPC contract, so it must refuse anyone but the studio page that
// `npm start` opened: wrong origin, missing or wrong key, or junk. And a space must survive a studio restart.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { execFileSync } from 'node:child_process';
import { encodePcmFrame } from '../../common/recording';
import { runWebStudio, type WebStudio } from '../../main/web/run';
import { ask } from '../support/studio';

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
      livekit: { url: 'ws://127.0.0.1:9', apiKey: 'devkey', apiSecret: 'secret' },
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
    expect(await ask(studio, 'spaces:list')).toHaveLength(0);
  });

  it('with the key: calls work, bad requests get clear errors and change nothing', async () => {
    const c = await open(bridgeUrl(), studio.host.origin);
    c.ws.send(JSON.stringify({ type: 'hello', secret }));
    expect(await c.next()).toEqual({ type: 'welcome' });
    // Then the services' status, which the studio shows when they are not simply running.
    expect(await c.next()).toMatchObject({ type: 'services', status: { state: 'running', restarts: 0, detail: null } });
    c.ws.send(JSON.stringify({ type: 'call', id: 1, channel: 'spaces:create', request: { title: '' } }));
    expect(await c.next()).toMatchObject({ id: 1, result: { ok: false, error: { code: 'bad_request', message: expect.stringContaining('title') } } });
    c.ws.send(JSON.stringify({ type: 'call', id: 2, channel: 'fs:readFile', request: '/etc/passwd' }));
    expect(await c.next()).toMatchObject({ id: 2, result: { ok: false, error: { code: 'unknown_type' } } });
    c.ws.send('not json');
    expect(await c.next()).toMatchObject({ type: 'error' });
    expect(await ask(studio, 'spaces:list')).toHaveLength(0);

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
    expect((await ask(studio, 'spaces:list')).map((s) => s.title)).toEqual(['Kept across restarts']);
    const settings = await ask(studio, 'settings:get');
    expect(settings.microphone).toEqual({ deviceId: 'abc', label: 'USB mic' });
    // The old key from before the restart no longer opens the bridge.
    const d = await open(`${studio.host.origin.replace('http', 'ws')}/bridge`, studio.host.origin);
    d.ws.send(JSON.stringify({ type: 'hello', secret }));
    expect(await d.closed).toBe(4401);
  });

  it('carries recording audio as binary frames, only for the studio page, and plays the mix back with ranges', async () => {
    const key = new URL(studio.host.url).hash.replace('#k=', '');
    const url = `${studio.host.origin.replace('http', 'ws')}/bridge`;
    // Binary before the key: dropped with the connection, nothing recorded.
    const sneaky = await open(url, studio.host.origin);
    sneaky.ws.send(Buffer.from(encodePcmFrame({ track: 0, serial: 1, startFrame: 0, samples: new Float32Array(480) })));
    expect(await sneaky.closed).toBe(4401);

    const page = await open(url, studio.host.origin);
    page.ws.send(JSON.stringify({ type: 'hello', secret: key }));
    expect(await page.next()).toEqual({ type: 'welcome' });
    // Then the services' status, which the studio shows when they are not simply running.
    expect(await page.next()).toMatchObject({ type: 'services', status: { state: 'running', restarts: 0, detail: null } });
    let id = 10;
    const call = async (channel: string, request?: unknown) => {
      page.ws.send(JSON.stringify({ type: 'call', id: ++id, channel, request }));
      const reply = (await page.next()) as { result: { ok: boolean; value: Record<string, unknown>; error?: { message: string } } };
      if (!reply.result.ok) throw new Error(reply.result.error?.message);
      return reply.result.value;
    };
    const active = (await call('recording:start', { spaceId: 'abcde12345', title: 'Bridge test' })) as { id: string; serial: number };
    await call('recording:addTrack', { id: active.id, track: { index: 0, kind: 'mix', participantId: '', name: 'Mix' } });
    const second = Float32Array.from({ length: 48_000 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 48_000));
    for (let at = 0; at < second.length; at += 4800) {
      page.ws.send(Buffer.from(encodePcmFrame({ track: 0, serial: active.serial, startFrame: at, samples: second.subarray(at, at + 4800) })));
    }
    // A junk binary frame is refused by the recorder and hurts nothing.
    page.ws.send(Buffer.from('not audio at all, just bytes'));
    await expect.poll(async () => ((await call('recording:status')) as { active: { writtenMs: number } }).active.writtenMs, { timeout: 10_000 }).toBe(1000);
    const entry = (await call('recording:stop', { id: active.id })) as { id: string; folder: string };
    const mix = path.join(entry.folder, 'mix.wav');
    expect(execFileSync('sox', ['--i', '-s', mix]).toString().trim()).toBe('48000');

    const { url: mediaPath } = (await call('recordings:mediaUrl', { id: entry.id, file: 'mix' })) as { url: string };
    expect(mediaPath).toMatch(/^\/media\/[A-Za-z0-9_-]{24}$/);
    const whole = await fetch(studio.host.origin + mediaPath);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/wav');
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.equals(fs.readFileSync(mix))).toBe(true);
    const part = await fetch(studio.host.origin + mediaPath, { headers: { Range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
    for (const bad of ['/media/AAAAAAAAAAAAAAAAAAAAAAAA', '/media/..%2f..%2fetc%2fpasswd', '/media/']) {
      expect((await fetch(studio.host.origin + bad)).status, bad).toBe(404);
    }
    page.ws.close();
  });
  it("tells the page when the studio's services stop and come back, and calls meanwhile get words", async () => {
    const key = new URL(studio.host.url).hash.replace('#k=', '');
    const page = await open(`${studio.host.origin.replace('http', 'ws')}/bridge`, studio.host.origin);
    page.ws.send(JSON.stringify({ type: 'hello', secret: key }));
    expect(await page.next()).toEqual({ type: 'welcome' });
    expect(await page.next()).toMatchObject({ type: 'services', status: { state: 'running' } });
    process.kill(studio.services.pid!, 'SIGKILL');
    expect(await page.next()).toMatchObject({ type: 'services', status: { state: 'restarting', restarts: 0 } });
    page.ws.send(JSON.stringify({ type: 'call', id: 1, channel: 'spaces:list' }));
    expect(await page.next()).toEqual({ type: 'result', id: 1, result: { ok: false, error: { code: 'unavailable', message: expect.stringContaining('restarting') } } });
    // Generous: the services process starts again on a machine that may be busy.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const back = await Promise.race([page.next(), new Promise((r) => (timer = setTimeout(() => r('timed out'), 60_000)))]);
    clearTimeout(timer);
    expect(back).toMatchObject({ type: 'services', status: { state: 'running', restarts: 1, detail: null } });
    page.ws.send(JSON.stringify({ type: 'call', id: 2, channel: 'spaces:list' }));
    expect(await page.next()).toMatchObject({ type: 'result', id: 2, result: { ok: true } });
    page.ws.close();
  });
});
