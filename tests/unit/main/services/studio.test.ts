// The studio's composed services through the IPC dispatcher: which LiveKit is used, where the secret goes,
// and the space calls the studio makes.
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { DEFAULT_PROCESSING, type AppInfo, type DesktopState, type HostedSpace, type ProcessingSettings, type Settings } from '../../../../common/ipc';
import type { Result } from '../../../../common/result';
import { dispatch } from '../../../../main/ipc/dispatch';
import type { LivekitExit } from '../../../../server/livekit/runtime';
import type { LivekitCredentials } from '../../../../server/livekit/tokens';
import { LIVEKIT_WEBHOOK_PATH } from '../../../../server/livekit/webhooks';
import {
  EMBEDDED_KEY_NAME,
  EMBEDDED_SECRET_NAME,
  startStudioServices,
  type EmbeddedLivekitOptions,
  type StudioOptions,
  type StudioServices,
} from '../../../../main/services/studio';
import { connect, type TestClient } from '../../../support/ws-client';

const EMBEDDED = { url: 'ws://127.0.0.1:1', apiKey: 'devkey', apiSecret: 'secret-secret-secret-secret-secret' };

let dir: string;
let studio: StudioServices | null;
let clients: TestClient[];
let stop: Mock<() => Promise<void>>;
let startEmbeddedLivekit: Mock<(opts: EmbeddedLivekitOptions) => Promise<LivekitCredentials & { stop(): Promise<void> }>>;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-unit-studio-'));
  fs.mkdirSync(path.join(dir, 'renderer', 'listener'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'renderer', 'listener', 'index.html'), '<!doctype html>');
  studio = null;
  clients = [];
  stop = vi.fn(async () => {});
  startEmbeddedLivekit = vi.fn(async () => ({ ...EMBEDDED, stop }));
});

afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await studio?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function boot(extra: Partial<StudioOptions> = {}): Promise<StudioServices> {
  await studio?.close();
  studio = null;
  studio = await startStudioServices({
    dataDir: path.join(dir, 'data'),
    assetsDir: path.join(dir, 'renderer'),
    shell: 'web',
    version: '9.9.9',
    startEmbeddedLivekit,
    ...extra,
  });
  return studio;
}

async function call<T>(channel: string, request?: unknown): Promise<T> {
  if (!studio) throw new Error('studio not started');
  const result: Result<unknown> = await dispatch(studio.handlers, channel, request);
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.code} ${result.error.message}`);
  return result.value as T;
}

async function joinWith(hosted: HostedSpace, credential: string): Promise<string> {
  const c = await connect(hosted.protocolUrl);
  clients.push(c);
  c.send({ type: 'join', spaceId: hosted.space.id, credential });
  const reply = await c.next((m) => m.type === 'joined' || m.type === 'error');
  return reply.type === 'joined' ? reply.role : reply.code;
}

describe('LiveKit choice', () => {
  it('starts the embedded LiveKit by default, reports it, and stops it on close', async () => {
    await boot();
    expect(startEmbeddedLivekit).toHaveBeenCalledTimes(1);
    const info = await call<AppInfo>('app:info');
    expect(info).toMatchObject({ version: '9.9.9', shell: 'web', livekitUrl: EMBEDDED.url });
    expect(info.spaceServerUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await studio!.close();
    studio = null;
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('a custom LiveKit is stored with its secret apart, and used (without the embedded one) from the next start', async () => {
    await boot();
    const settings = await call<Settings>('settings:setLivekit', {
      mode: 'custom',
      url: 'wss://lk.example.com',
      apiKey: 'APIcustom',
      apiSecret: 'custom-secret-value',
    });
    expect(settings.livekit).toEqual({ mode: 'custom', url: 'wss://lk.example.com', apiKey: 'APIcustom' });
    expect(JSON.stringify(settings)).not.toContain('custom-secret-value');
    const dataDir = path.join(dir, 'data');
    expect(fs.readFileSync(path.join(dataDir, 'settings.json'), 'utf8')).not.toContain('custom-secret-value');
    expect(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')).toContain('custom-secret-value');
    expect(fs.statSync(path.join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);

    await boot();
    expect(startEmbeddedLivekit).toHaveBeenCalledTimes(1);
    expect(studio!.livekit).toEqual({ url: 'wss://lk.example.com', apiKey: 'APIcustom', apiSecret: 'custom-secret-value' });
    expect((await call<AppInfo>('app:info')).livekitUrl).toBe('wss://lk.example.com');
  });

  it('refuses to start with a custom LiveKit whose secret is missing, saying what to do', async () => {
    await boot();
    await call('settings:setLivekit', { mode: 'custom', url: 'wss://lk.example.com', apiKey: 'k', apiSecret: 's' });
    await studio!.close();
    studio = null;
    fs.rmSync(path.join(dir, 'data', 'secrets.json'));
    await expect(boot()).rejects.toMatchObject({ code: 'invalid_state', message: expect.stringMatching(/secret/) });
  });
});

describe('the embedded LiveKit\'s own credentials', () => {
  it('are generated once per installation, kept in the 0600 secrets file, and reused at the next start', async () => {
    await boot();
    expect(startEmbeddedLivekit).toHaveBeenCalledTimes(1);
    const first = startEmbeddedLivekit.mock.calls[0]![0];
    expect(first.apiKey).toMatch(/^API[0-9A-Za-z]{8,}$/);
    expect(first.apiSecret.length).toBeGreaterThanOrEqual(32);
    expect([first.apiKey, first.apiSecret]).not.toContain('devkey');
    const file = path.join(dir, 'data', 'secrets.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({
      [EMBEDDED_KEY_NAME]: first.apiKey,
      [EMBEDDED_SECRET_NAME]: first.apiSecret,
    });

    await boot();
    expect(startEmbeddedLivekit).toHaveBeenCalledTimes(2);
    const second = startEmbeddedLivekit.mock.calls[1]![0];
    expect({ apiKey: second.apiKey, apiSecret: second.apiSecret }).toEqual({ apiKey: first.apiKey, apiSecret: first.apiSecret });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('another installation (data folder) gets another pair', async () => {
    await boot();
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-unit-studio-other-'));
    try {
      const second = await startStudioServices({
        dataDir: other,
        assetsDir: path.join(dir, 'renderer'),
        shell: 'web',
        version: '1',
        startEmbeddedLivekit,
      });
      await second.close();
      const [a, b] = startEmbeddedLivekit.mock.calls.map(([opts]) => opts);
      expect(a!.apiKey).not.toBe(b!.apiKey);
      expect(a!.apiSecret).not.toBe(b!.apiSecret);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it('tells LiveKit to post its webhooks to the space server, whose port is chosen before LiveKit starts', async () => {
    await boot();
    const { webhookUrls } = startEmbeddedLivekit.mock.calls[0]![0];
    expect(webhookUrls).toEqual([`${studio!.spaceServer.url}${LIVEKIT_WEBHOOK_PATH}`]);
    expect(webhookUrls[0]).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*\//);
  });

  it('a space server on every interface is reached over loopback; a fixed port is used as given', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    studio = await startStudioServices({
      dataDir: path.join(dir, 'data'),
      assetsDir: path.join(dir, 'renderer'),
      shell: 'web',
      version: '1',
      startEmbeddedLivekit,
      spaceServerHost: '0.0.0.0',
      spaceServerPort: port,
    });
    expect(startEmbeddedLivekit.mock.calls[0]![0].webhookUrls).toEqual([`http://127.0.0.1:${port}${LIVEKIT_WEBHOOK_PATH}`]);
    // A wildcard is not a host name: links name loopback (PODIUM_PUBLIC_URL names the world).
    expect(studio.spaceServer.url).toBe(`http://127.0.0.1:${port}`);
  });
});

describe('start-up failures', () => {
  // Regression guard, fixed (common/ipc.ts url regex): settings:setLivekit accepts a URL with an impossible port; from then on the studio
  // cannot start at all (server/http.ts securityHeaders throws "Invalid URL"), and the settings UI that could fix
  // it never loads.
  it('a LiveKit URL the studio cannot use is refused when set, so the next start still works', async () => {
    await boot();
    const result = await dispatch(studio!.handlers, 'settings:setLivekit', {
      mode: 'custom',
      url: 'wss://lk.example.com:78800',
      apiKey: 'k',
      apiSecret: 's',
    });
    if (!result.ok) expect(result.error.code).toBe('bad_request');
    else await expect(boot()).resolves.toBeDefined();
  });

  // Regression guard, fixed (main/services/studio.ts startStudioServices): when the space server fails to start after the embedded
  // LiveKit was started (e.g. its port is taken), the embedded livekit-server is never stopped.
  it('stops the embedded LiveKit when the space server cannot start', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const starting = startStudioServices({
        dataDir: path.join(dir, 'data'),
        assetsDir: path.join(dir, 'renderer'),
        shell: 'web',
        version: '1',
        startEmbeddedLivekit,
        spaceServerPort: port,
      });
      await expect(starting).rejects.toThrow(/EADDRINUSE/);
      expect(startEmbeddedLivekit).toHaveBeenCalledTimes(1);
      expect(stop).toHaveBeenCalledTimes(1);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('spaces through the studio', () => {
  it('creates a space under the host name from settings, with a share link and a working host key', async () => {
    await boot();
    await call('settings:setHostName', { hostName: 'Ann' });
    const hosted = await call<HostedSpace>('spaces:create', { title: 'Morning show', hostName: 'Mallory' });
    expect(hosted.space).toMatchObject({ title: 'Morning show', hostName: 'Ann', status: 'scheduled' });
    expect(hosted.shareUrl).toBe(`${studio!.spaceServer.url}/s/${hosted.space.id}`);
    expect(hosted.protocolUrl).toBe(studio!.spaceServer.protocolUrl);
    expect(await joinWith(hosted, hosted.credential)).toBe('host');
    expect((await call<{ id: string }[]>('spaces:list')).map((s) => s.id)).toEqual([hosted.space.id]);
  });

  it('re-opening a space hands out a new host key and retires the old one', async () => {
    await boot();
    const hosted = await call<HostedSpace>('spaces:create', { title: 'Show' });
    const reopened = await call<HostedSpace>('spaces:open', { spaceId: hosted.space.id });
    expect(reopened.credential).not.toBe(hosted.credential);
    expect(await joinWith(hosted, hosted.credential)).toBe('forbidden');
    expect(await joinWith(reopened, reopened.credential)).toBe('host');
  });

  it('re-opening an unknown space answers not_found', async () => {
    await boot();
    const result = await dispatch(studio!.handlers, 'spaces:open', { spaceId: 'zzzzzzzzzz' });
    expect(result).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('spaces survive a studio restart', async () => {
    await boot();
    const hosted = await call<HostedSpace>('spaces:create', { title: 'Kept' });
    await boot();
    expect((await call<{ id: string; title: string }[]>('spaces:list')).map((s) => s.title)).toEqual(['Kept']);
    expect((await call<HostedSpace>('spaces:open', { spaceId: hosted.space.id })).space.title).toBe('Kept');
  });
});

describe('microphone processing, remembered per device', () => {
  it('keeps each device its own settings across a restart, defaults for a new one, newest first and bounded', async () => {
    await boot();
    const fresh = await call<ProcessingSettings>('audio:getProcessing', { deviceKey: 'USB Mic' });
    expect(fresh).toEqual(DEFAULT_PROCESSING);
    const mine = { ...DEFAULT_PROCESSING, model: 'lowCpu' as const, strength: 0.7, gate: { enabled: true, threshold: 0.4 } };
    await call('audio:setProcessing', { deviceKey: 'USB Mic', settings: mine });
    await call('audio:setProcessing', { deviceKey: 'Laptop Mic', settings: { ...DEFAULT_PROCESSING, noiseSuppression: false } });
    await boot();
    expect(await call('audio:getProcessing', { deviceKey: 'USB Mic' })).toEqual(mine);
    expect(await call<ProcessingSettings>('audio:getProcessing', { deviceKey: 'Laptop Mic' })).toMatchObject({ noiseSuppression: false });
    // Out-of-range values are refused and change nothing.
    const bad = await dispatch(studio!.handlers, 'audio:setProcessing', { deviceKey: 'USB Mic', settings: { ...mine, strength: 3 } });
    expect(bad.ok).toBe(false);
    expect(await call('audio:getProcessing', { deviceKey: 'USB Mic' })).toEqual(mine);
    for (let i = 0; i < 60; i++) await call('audio:setProcessing', { deviceKey: `Headset ${i}`, settings: DEFAULT_PROCESSING });
    const stored = await call<Settings>('settings:get');
    expect(Object.keys(stored.processing)).toHaveLength(50);
    expect(Object.keys(stored.processing)[0]).toBe('Headset 59');
  });
});

describe('the monitor output, remembered', () => {
  it('is the system default until chosen, kept across a restart, and can go back to the default', async () => {
    await boot();
    expect((await call<Settings>('settings:get')).output).toBeNull();
    const headphones = { deviceId: 'f1e3db04', label: 'External Headphones' };
    expect((await call<Settings>('settings:setOutput', { output: headphones })).output).toEqual(headphones);
    await boot();
    expect((await call<Settings>('settings:get')).output).toEqual(headphones);
    expect((await call<Settings>('settings:setOutput', { output: null })).output).toBeNull();
    const bad = await dispatch(studio!.handlers, 'settings:setOutput', { output: { deviceId: 'x'.repeat(600), label: '' } });
    expect(bad.ok).toBe(false);
  });
});

describe('desktop state for the tray', () => {
  const state: DesktopState = { live: true, canEnd: true, onAir: true, muted: true, recording: false, title: 'Show', handsUp: 2, link: 'ok' };

  it('is stored and handed to the shell, which answers the mute shortcut for the settings', async () => {
    const seen: DesktopState[] = [];
    const shortcut = { label: 'Ctrl+Shift+M', registered: true, message: 'Ctrl+Shift+M mutes or unmutes you from any app.' };
    await boot({ onDesktopState: (s) => seen.push(s), shortcutStatus: () => shortcut });
    expect(studio!.desktopState()).toBeNull();
    expect(await call('desktop:state', state)).toEqual({ ok: true, shortcut });
    expect(seen).toEqual([state]);
    expect(studio!.desktopState()).toEqual(state);
  });

  it('the web studio has no shell to tell: answered all the same, without a shortcut', async () => {
    await boot();
    expect(await call('desktop:state', state)).toEqual({ ok: true, shortcut: null });
  });

  it('a shell callback that throws does not fail the studio’s report', async () => {
    const log = vi.fn();
    await boot({ log, onDesktopState: () => { throw new Error('tray gone'); } });
    expect(await call('desktop:state', state)).toEqual({ ok: true, shortcut: null });
    expect(log).toHaveBeenCalledWith(expect.stringContaining('tray gone'));
  });

  it('refuses a malformed report', async () => {
    await boot();
    for (const bad of [{ ...state, handsUp: -1 }, { ...state, link: 'down' }, { ...state, title: 't'.repeat(201) }]) {
      expect((await dispatch(studio!.handlers, 'desktop:state', bad)).ok).toBe(false);
    }
  });
});

describe('the embedded LiveKit under supervision', () => {
  it('runs on the ports it is given, reports them, and a restart reuses them while every client is told', async () => {
    // A stand-in livekit-server: its HTTP root answers as LiveKit's does, so the supervisor's health checks pass.
    const http = await import('node:http');
    const root = http.createServer((_req, res) => res.end('OK'));
    await new Promise<void>((resolve) => root.listen(0, '127.0.0.1', resolve));
    const ports = { http: (root.address() as AddressInfo).port, udp: 9 };
    const ends: (() => void)[] = [];
    const start = vi.fn(async (opts: EmbeddedLivekitOptions) => {
      const exited = new Promise<LivekitExit>((resolve) => ends.push(() => resolve({ code: null, signal: 'SIGKILL' })));
      return {
        url: `ws://127.0.0.1:${opts.ports?.http ?? 1}`,
        apiKey: opts.apiKey,
        apiSecret: opts.apiSecret,
        pid: 1_000 + ends.length,
        ports: opts.ports ?? { http: 1, udp: 2 },
        exited,
        kill: () => ends.at(-1)!(),
        output: () => [],
        stop: async () => ends.at(-1)!(),
      };
    });
    try {
      const s = await boot({ startEmbeddedLivekit: start, livekitPorts: ports });
      expect(start.mock.calls[0]![0].ports).toEqual(ports);
      expect(s.livekitPorts).toEqual(ports);
      expect(s.livekitPid()).toBe(1_001);
      const hosted = await call<HostedSpace>('spaces:create', { title: 'Through a crash' });
      const c = await connect(hosted.protocolUrl);
      clients.push(c);
      c.send({ type: 'join', spaceId: hosted.space.id, credential: hosted.credential });
      const first = await c.next((m) => m.type === 'sfu' && m.sfu.status === 'up');
      const epoch = first.type === 'sfu' ? first.sfu.epoch : -1;
      ends[0]!();
      await c.next((m) => m.type === 'sfu' && m.sfu.status === 'restarting');
      await c.next((m) => m.type === 'sfu' && m.sfu.status === 'up' && m.sfu.epoch === epoch + 1);
      expect(start).toHaveBeenCalledTimes(2);
      expect(start.mock.calls[1]![0].ports).toEqual(ports);
      expect(s.livekitPid()).toBe(1_002);
    } finally {
      await studio?.close();
      studio = null;
      root.close();
    }
  });

  it('only probes a LiveKit it cannot restart (one a test already runs): no ports to report', async () => {
    const s = await boot();
    expect(s.livekitPorts).toBeNull();
    expect(s.livekitPid()).toBeNull();
  });
});
