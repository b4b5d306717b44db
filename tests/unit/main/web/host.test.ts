// The web studio host: the studio page on loopback, and the IPC bridge that only the page holding the secret may drive.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WEB_BRIDGE_PATH, type Settings } from '../../../../common/ipc';
import { dispatch, type IpcHandlers } from '../../../../main/ipc/dispatch';
import { startWebStudioHost, type WebStudioHost } from '../../../../main/web/host';
import type { ServicesStatus } from '../../../../common/services-status';

const SETTINGS: Settings = { microphone: null, hostName: 'Host', livekit: { mode: 'embedded' }, processing: {} };
const STUDIO_PAGE = '<!doctype html><title>Podium studio</title>';

let dir: string;
let host: WebStudioHost;
let getSettings: ReturnType<typeof vi.fn<() => Settings>>;
const sockets: WebSocket[] = [];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-web-host-'));
  fs.mkdirSync(path.join(dir, 'studio'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'studio', 'index.html'), STUDIO_PAGE);
  getSettings = vi.fn(() => SETTINGS);
  const handlers = { 'settings:get': getSettings } as unknown as IpcHandlers;
  host = await startWebStudioHost({ call: (channel, request) => dispatch(handlers, channel, request), assetsDir: dir });
});

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await host.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const secret = () => new URL(host.url).hash.replace(/^#k=/, '');

interface Bridge {
  ws: WebSocket;
  next(): Promise<unknown>;
  closed: Promise<number>;
}

function open(origin = host.origin, pathname = WEB_BRIDGE_PATH): Promise<Bridge> {
  const ws = new WebSocket(host.origin.replace(/^http/, 'ws') + pathname, { origin });
  sockets.push(ws);
  const inbox: unknown[] = [];
  const waiting: ((m: unknown) => void)[] = [];
  ws.on('message', (raw) => {
    const message: unknown = JSON.parse(String(raw));
    const w = waiting.shift();
    if (w) w(message);
    else inbox.push(message);
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    ws.once('open', () =>
      resolve({ ws, closed, next: () => (inbox.length ? Promise.resolve(inbox.shift()) : new Promise((r) => waiting.push(r))) }),
    );
    ws.once('error', reject);
  });
}

describe('web studio host', () => {
  it('gives a loopback URL carrying the secret in the fragment only', () => {
    const url = new URL(host.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.pathname).toBe('/');
    expect(url.search).toBe('');
    expect(secret().length).toBeGreaterThanOrEqual(32);
  });

  it('serves the studio page with a CSP, and 404 elsewhere', async () => {
    const page = await fetch(host.origin + '/');
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(STUDIO_PAGE);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect((await fetch(host.origin + '/studio/index.html')).status).toBe(404);
    expect((await fetch(host.origin + '/nothing')).status).toBe(404);
  });

  it('refuses a bridge connection from another origin or on another path', async () => {
    await expect(open('http://evil.example')).rejects.toThrow(/403/);
    await expect(open('http://127.0.0.1:1')).rejects.toThrow(/403/);
    await expect(open(host.origin, '/other')).rejects.toThrow(/403/);
  });

  it('answers calls once the secret is presented', async () => {
    const bridge = await open();
    bridge.ws.send(JSON.stringify({ type: 'hello', secret: secret() }));
    expect(await bridge.next()).toEqual({ type: 'welcome' });
    bridge.ws.send(JSON.stringify({ type: 'call', id: 7, channel: 'settings:get' }));
    expect(await bridge.next()).toEqual({ type: 'result', id: 7, result: { ok: true, value: SETTINGS } });
    bridge.ws.send(JSON.stringify({ type: 'call', id: 8, channel: 'nope' }));
    expect(await bridge.next()).toMatchObject({ type: 'result', id: 8, result: { ok: false, error: { code: 'unknown_type' } } });
  });

  it('refuses a wrong secret and closes the connection', async () => {
    const bridge = await open();
    bridge.ws.send(JSON.stringify({ type: 'hello', secret: 'x'.repeat(secret().length) }));
    expect(await bridge.next()).toMatchObject({ type: 'error' });
    expect(await bridge.closed).toBe(4401);
  });

  it('closes a connection that calls before presenting the secret, without running the handler', async () => {
    const bridge = await open();
    bridge.ws.send(JSON.stringify({ type: 'call', id: 1, channel: 'settings:get' }));
    expect(await bridge.closed).toBe(4401);
    expect(getSettings).not.toHaveBeenCalled();
  });

  it('answers malformed bridge messages with an error', async () => {
    const bridge = await open();
    bridge.ws.send('not json');
    expect(await bridge.next()).toMatchObject({ type: 'error' });
    bridge.ws.send(JSON.stringify({ type: 'call', id: -1, channel: 'settings:get' }));
    expect(await bridge.next()).toMatchObject({ type: 'error', message: expect.stringContaining('id') });
  });

  it('drops a connection that never presents the secret', { timeout: 6000 }, async () => {
    const bridge = await open();
    const started = Date.now();
    expect(await bridge.closed).toBe(4401);
    expect(Date.now() - started).toBeLessThan(4500);
  });
});

describe('web studio host: the services status', () => {
  it('tells a page that showed the secret the current status at once, then every change; others hear nothing', async () => {
    const listeners = new Set<(status: ServicesStatus) => void>();
    let status: ServicesStatus = { state: 'running', since: 1, restarts: 0, detail: null };
    const withStatus = await startWebStudioHost({
      call: async () => ({ ok: true, value: null }),
      assetsDir: dir,
      services: {
        status: () => status,
        onStatus(listener) {
          listeners.add(listener);
          return () => void listeners.delete(listener);
        },
      },
    });
    try {
      const key = new URL(withStatus.url).hash.replace(/^#k=/, '');
      const connect = async () => {
        const ws = new WebSocket(withStatus.origin.replace(/^http/, 'ws') + WEB_BRIDGE_PATH, { origin: withStatus.origin });
        sockets.push(ws);
        const inbox: unknown[] = [];
        ws.on('message', (raw) => inbox.push(JSON.parse(String(raw))));
        await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
        return { ws, inbox };
      };
      const page = await connect();
      const stranger = await connect();
      page.ws.send(JSON.stringify({ type: 'hello', secret: key }));
      await vi.waitFor(() => expect(page.inbox).toEqual([{ type: 'welcome' }, { type: 'services', status }]));
      status = { state: 'restarting', since: 2, restarts: 0, detail: null };
      for (const listener of listeners) listener(status);
      await vi.waitFor(() => expect(page.inbox.at(-1)).toEqual({ type: 'services', status }));
      expect(stranger.inbox).toEqual([]);
    } finally {
      await withStatus.close();
    }
    // Closing the host lets go of the services' status.
    expect(listeners.size).toBe(0);
  });
});
