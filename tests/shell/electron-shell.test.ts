// The desktop shell as built (out/main/index.js), booted in a Node child process against a STAND-IN for the
// `electron` module (tests/support/fake-electron/) — not Electron, whose binary cannot be downloaded here. The
// stand-in records what the shell registers and plays Chromium's part over IPC; the studio's services are real:
// the services process (out/main/services.js), the embedded LiveKit (.cache/livekit), SQLite, the space server.
// What this cannot prove is listed in README ("What does not work yet").
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../common/csp';
import { IPC_CHANNELS } from '../../common/ipc-channels';
import type { Result } from '../../common/result';
import { ROOT, startShell, type ShellProcess } from '../support/fake-electron/driver';
import type { FakeFrame } from '../support/fake-electron/protocol';

const APP: FakeFrame = { url: 'podium-app://studio/' };
const PUBLIC_URL = 'http://podium-shell.test:9999';
const BOOT_TIMEOUT_MS = 150_000;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'podium-shell-'));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the desktop shell on a stand-in Electron', () => {
  let shell: ShellProcess;
  let dataDir: string;
  let port: number;

  const invoke = (channel: string, request?: unknown, frame: FakeFrame | null = APP) =>
    shell.send<Result<Record<string, unknown>>>({ cmd: 'invoke', channel, request, frame });
  const fetchApp = (url: string, method?: string) =>
    shell.send<{ status: number; headers: Record<string, string>; body: string }>({ cmd: 'protocol', url, method });

  beforeAll(async () => {
    dataDir = tempDir();
    port = await freePort();
    shell = startShell({ PODIUM_DATA_DIR: dataDir, PODIUM_PORT: String(port), PODIUM_HOST: '127.0.0.1', PODIUM_PUBLIC_URL: PUBLIC_URL });
    await shell.send({ cmd: 'ready' });
    // Booting starts the services process and the embedded LiveKit for real; the window comes once they are up.
    const deadline = Date.now() + BOOT_TIMEOUT_MS;
    while ((await shell.state()).windows.length === 0) {
      if (Date.now() > deadline) throw new Error(`the shell did not open its window:\n${shell.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, BOOT_TIMEOUT_MS + 10_000);

  afterAll(() => {
    shell?.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('opens one sandboxed window on the app scheme, with the built preload', async () => {
    const state = await shell.state();
    expect(state.windows).toHaveLength(1);
    const win = state.windows[0]!;
    expect(win.url).toBe('podium-app://studio/');
    expect(win.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    const preload = (win.options.webPreferences as { preload: string }).preload;
    expect(preload).toBe(path.join(ROOT, 'out', 'preload', 'index.cjs'));
    expect(fs.existsSync(preload)).toBe(true);
    expect(win.windowOpenHandler).toBe(true);
    expect(win.contentsEvents).toEqual(expect.arrayContaining(['will-navigate', 'will-attach-webview']));
    // The services run in a utility process, never on the UI thread.
    expect(state.utilityProcesses.map((p) => p.modulePath)).toEqual([path.join(ROOT, 'out', 'main', 'services.js')]);
  });

  it('registers the app scheme as standard and secure before ready, and handles it after', async () => {
    const state = await shell.state();
    // The stand-in refuses registerSchemesAsPrivileged after ready and protocol.handle before it.
    expect(state.schemes).toEqual([{ scheme: 'podium-app', privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true }) }]);
    expect(state.protocolHandlers).toEqual(['podium-app']);
    expect(state.defaultProtocolClients).toEqual(['podium']);
    expect(state.singleInstanceLockRequested).toBe(true);
  });

  it('handles every contract channel, once, and the recording port', async () => {
    const state = await shell.state();
    expect([...state.handled].sort()).toEqual([...IPC_CHANNELS].sort());
    expect(state.listened).toEqual(['podium:audio-port']);
  });

  it('answers the studio page from the real services (the origin check used to refuse it)', async () => {
    const info = await invoke('app:info');
    expect(info).toMatchObject({ ok: true, value: { shell: 'electron', version: '0.0.0-stand-in', spaceServerUrl: PUBLIC_URL } });
    const created = await invoke('spaces:create', { title: 'Shell test' });
    expect(created.ok).toBe(true);
    if (created.ok) expect(String(created.value.shareUrl)).toMatch(new RegExp(`^${PUBLIC_URL}/s/[a-z0-9]{10}$`));
  });

  it('honours PODIUM_DATA_DIR, PODIUM_PORT, PODIUM_HOST and PODIUM_PUBLIC_URL', async () => {
    const state = await shell.state();
    expect(state.paths.userData).toBe(dataDir);
    expect(fs.existsSync(path.join(dataDir, 'podium.sqlite'))).toBe(true);
    // The space server listens where PODIUM_HOST/PODIUM_PORT say; links name PODIUM_PUBLIC_URL (checked above).
    expect(await get(`http://127.0.0.1:${port}/healthz`)).toMatchObject({ status: 200 });
    // The embedded LiveKit's key pair is kept sealed by the keyring (the stand-in's), not in plain text.
    const secrets = JSON.parse(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
    expect(Object.keys(secrets).length).toBeGreaterThan(0);
    for (const sealed of Object.values(secrets)) expect(Buffer.from(sealed, 'base64').toString()).toMatch(/^stand-in-sealed:/);
  });

  it.each<[string, FakeFrame | null]>([
    ['an iframe showing the studio page', { url: 'podium-app://studio/', iframe: true }],
    ['another host on the app scheme', { url: 'podium-app://evil/' }],
    ['a look-alike host', { url: 'podium-app://studio.evil/' }],
    ['userinfo before another host', { url: 'podium-app://studio@evil/' }],
    ['a web page', { url: 'https://evil.example/' }],
    ['a file', { url: 'file:///work/main/out/renderer/studio/index.html' }],
    ['a frame that is gone', null],
  ])('refuses a call from %s', async (_what, frame) => {
    const refused = await invoke('spaces:create', { title: 'Not from the studio' }, frame);
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await invoke('app:info', undefined, frame)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('never let a refused call reach the services', async () => {
    const spaces = await invoke('spaces:list');
    expect(spaces.ok).toBe(true);
    const titles = (spaces.ok ? (spaces.value as unknown as { title: string }[]) : []).map((s) => s.title);
    expect(titles).toContain('Shell test');
    expect(titles).not.toContain('Not from the studio');
  });

  it('takes the recording port only from the studio page', async () => {
    expect(await shell.send({ cmd: 'audio-port', frame: APP })).toEqual({ started: true, listening: true });
    for (const frame of [{ ...APP, iframe: true }, { url: 'podium-app://evil/' }, null]) {
      expect(await shell.send({ cmd: 'audio-port', frame })).toEqual({ started: false, listening: false });
    }
  });

  it('grants the microphone to the studio page and nothing else', async () => {
    const request = (pageUrl: string, details: Record<string, unknown>, permission = 'media') =>
      shell.send<boolean>({ cmd: 'permission-request', permission, pageUrl, details });
    const mic = { isMainFrame: true, requestingUrl: APP.url, mediaTypes: ['audio'], securityOrigin: 'podium-app://studio/' };
    expect(await request(APP.url, mic)).toBe(true);
    expect(await request(APP.url, { ...mic, mediaTypes: ['audio', 'video'] })).toBe(false);
    expect(await request(APP.url, { ...mic, mediaTypes: ['video'] })).toBe(false);
    expect(await request(APP.url, { ...mic, isMainFrame: false })).toBe(false);
    expect(await request('https://evil.example/', { ...mic, requestingUrl: 'https://evil.example/' })).toBe(false);
    expect(await request(APP.url, mic, 'display-capture')).toBe(false);
    expect(await request(APP.url, mic, 'notifications')).toBe(false);

    const check = (pageUrl: string | null, requestingOrigin: string, details: Record<string, unknown>) =>
      shell.send<boolean>({ cmd: 'permission-check', permission: 'media', pageUrl, requestingOrigin, details });
    const audio = { isMainFrame: true, requestingUrl: APP.url, mediaType: 'audio' };
    expect(await check(APP.url, 'null', audio)).toBe(true);
    expect(await check(APP.url, 'podium-app://studio', audio)).toBe(true);
    expect(await check(APP.url, 'null', { ...audio, mediaType: 'video' })).toBe(false);
    expect(await check(APP.url, 'https://evil.example', audio)).toBe(false);
    expect(await check('https://evil.example/', 'null', { ...audio, requestingUrl: 'https://evil.example/' })).toBe(false);
    expect(await check(null, 'null', { isMainFrame: false, mediaType: 'audio' })).toBe(false);
  });

  it('serves the studio page with the one CSP, and refuses traversal', async () => {
    const page = await fetchApp('podium-app://studio/');
    expect(page.status).toBe(200);
    expect(page.body).toBe(fs.readFileSync(path.join(ROOT, 'out', 'renderer', 'studio', 'index.html'), 'utf8').slice(0, 400));
    expect(page.headers['content-security-policy']).toBe(contentSecurityPolicy({ page: 'studio' }));
    const script = fs.readdirSync(path.join(ROOT, 'out', 'renderer', 'assets')).find((f) => f.endsWith('.js'))!;
    const asset = await fetchApp(`podium-app://studio/assets/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    for (const url of [
      'podium-app://studio/..%2f..%2fpackage.json',
      'podium-app://studio/%2e%2e/%2e%2e/package.json',
      'podium-app://studio/assets/..%5c..%5c..%5cpackage.json',
      'podium-app://studio//etc/passwd',
      'podium-app://studio/index.html%00.js',
      'podium-app://evil/studio/index.html',
      'podium-app://studio/media/not-a-token-we-issued',
    ]) {
      expect((await fetchApp(url)).status, url).toBe(404);
    }
    expect((await fetchApp('podium-app://studio/', 'POST')).status).toBe(405);
  });

  it('never navigates, and asks before a link goes to the browser, naming its host', async () => {
    await shell.send({ cmd: 'dialog-answer', response: 0 });
    expect(await shell.send({ cmd: 'will-navigate', url: 'https://example.org/page' })).toEqual({ prevented: true });
    expect(await shell.send({ cmd: 'will-navigate', url: 'file:///etc/passwd' })).toEqual({ prevented: true });
    expect(await shell.send({ cmd: 'window-open', url: 'https://x.com/someone/status/1' })).toEqual({ action: 'deny' });
    let state = await shell.state();
    expect(state.dialogs.map((d) => d.message)).toEqual([expect.stringContaining('example.org'), expect.stringContaining('x.com')]);
    expect(state.dialogs[1]!.detail).toContain('https://x.com/someone/status/1');
    expect(state.openedExternally).toEqual([]);

    await shell.send({ cmd: 'dialog-answer', response: 1 });
    expect(await shell.send({ cmd: 'window-open', url: 'https://x.com/someone/status/2' })).toEqual({ action: 'deny' });
    for (const url of ['http://127.0.0.1:7800/', 'https://x.com@evil.example/', 'javascript:alert(1)', 'podium-app://studio/']) {
      expect(await shell.send({ cmd: 'window-open', url })).toEqual({ action: 'deny' });
    }
    state = await shell.state();
    expect(state.openedExternally).toEqual(['https://x.com/someone/status/2']);
    expect(state.dialogs).toHaveLength(3);
  });

  it('registers the global mute key, and the tray and notifications follow what the studio reports', async () => {
    expect((await shell.state()).globalShortcuts).toEqual(['CommandOrControl+Shift+M']);
    const state = { live: true, canEnd: true, onAir: true, muted: false, recording: true, title: 'Night show', handsUp: 0, link: 'ok' };
    const reply = await invoke('desktop:state', state);
    expect(reply).toMatchObject({ ok: true, value: { ok: true, shortcut: { registered: true } } });
    const tray = (await shell.state()).tray;
    expect(tray?.tooltip).toContain('Night show');
    expect(tray?.items.some((label) => /End space/.test(label))).toBe(true);
    // A hand goes up while the window is in the background (the stand-in's window is never focused): a notification.
    await invoke('desktop:state', { ...state, handsUp: 1 });
    await expect.poll(async () => (await shell.state()).notifications.length, { timeout: 10_000 }).toBeGreaterThan(0);
    // Nothing but the studio page may feed the tray.
    expect(await invoke('desktop:state', { ...state, title: 'Evil' }, { url: 'https://evil.example/' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await shell.state()).tray?.tooltip).not.toContain('Evil');
  });

  it('hands a podium:// link from a second launch to the window', async () => {
    await shell.send({ cmd: 'second-instance', argv: ['podium', '--some-switch', 'podium://open/spaces.example.org/abcdefghij'] });
    await shell.send({ cmd: 'second-instance', argv: ['podium', 'podium://open/evil.example/../../x'] });
    const state = await shell.state();
    expect(state.sentToWindow).toEqual([{ channel: 'podium:open-link', args: ['https://spaces.example.org/s/abcdefghij'] }]);
  });

  it('starts the services process again when it dies, on the same ports, and tells the window', async () => {
    const before = await invoke('app:info');
    expect(before.ok).toBe(true);
    const oldPid = (await shell.state()).utilityProcesses.at(-1)!.pid!;
    const statuses = async () =>
      (await shell.state()).sentToWindow.filter((m) => m.channel === 'podium:services-status').map((m) => m.args[0] as { state: string; restarts: number });
    expect(await statuses()).toEqual([]);
    process.kill(oldPid, 'SIGKILL');
    await expect.poll(async () => (await statuses()).map((s) => s.state), { timeout: 5_000 }).toEqual(['restarting']);
    // Meanwhile the studio page's calls are answered at once, in words.
    expect(await invoke('spaces:list')).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/restarting/) } });
    // Starting the embedded LiveKit and the space server again takes seconds on a loaded machine.
    await expect.poll(async () => (await statuses()).map((s) => s.state), { timeout: 90_000 }).toEqual(['restarting', 'running']);
    expect((await statuses()).at(-1)).toMatchObject({ restarts: 1 });
    const processes = (await shell.state()).utilityProcesses;
    expect(processes).toHaveLength(2);
    expect(processes[1]!.modulePath).toBe(path.join(ROOT, 'out', 'main', 'services.js'));
    expect(processes[1]!.pid).not.toBe(oldPid);
    // Same addresses: the space server on PODIUM_PORT, LiveKit on its port; the spaces made before are still there.
    expect(await invoke('app:info')).toEqual(before);
    expect(await get(`http://127.0.0.1:${port}/healthz`)).toMatchObject({ status: 200 });
    const livekitPort = Number(new URL(String(before.ok && before.value.livekitUrl)).port);
    expect((await get(`http://127.0.0.1:${livekitPort}/`)).status).toBe(200);
    const spaces = await invoke('spaces:list');
    expect(spaces.ok && (spaces.value as unknown as { title: string }[]).map((s) => s.title)).toContain('Shell test');
  }, 120_000);

  it('quits only after the services have closed: space server, LiveKit and the services process', async () => {
    const info = await invoke('app:info');
    const livekitPort = Number(new URL(String(info.ok && info.value.livekitUrl)).port);
    const servicesPid = (await shell.state()).utilityProcesses.at(-1)!.pid!;
    await shell.send({ cmd: 'watch-ports', ports: [port, livekitPort] });
    await shell.send({ cmd: 'quit' });
    const { code, report } = await shell.exited;
    expect(code).toBe(0);
    expect(report?.code).toBe(0);
    // will-quit was held, and app.exit came after the close — with nothing of the studio still listening.
    expect(report?.record.timeline.slice(-3)).toEqual(['quit()', 'will-quit held', 'exit(0)']);
    // The global mute key is given back to the system.
    expect(report?.record.globalShortcuts).toEqual([]);
    expect(report?.listening).toEqual({ [String(port)]: false, [String(livekitPort)]: false });
    await expect.poll(() => alive(servicesPid), { timeout: 5_000 }).toBe(false);
  });
});

describe('starting the desktop shell', () => {
  it('quits at once when another studio holds the single-instance lock, starting nothing', async () => {
    const dataDir = tempDir();
    const shell = startShell({ PODIUM_DATA_DIR: dataDir, FAKE_ELECTRON_LOCK: 'taken' });
    void shell.send({ cmd: 'ready' }).catch(() => {});
    const { code, report } = await shell.exited;
    expect(code).toBe(0);
    expect(report?.record.singleInstanceLockRequested).toBe(true);
    expect(report?.record.timeline).toContain('quit()');
    expect(report?.record.appEvents).toEqual([]);
    expect(report?.record.handled).toEqual([]);
    expect(report?.record.windows).toEqual([]);
    expect(report?.record.utilityProcesses).toEqual([]);
    expect(fs.existsSync(path.join(dataDir, 'podium.sqlite'))).toBe(false);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a PODIUM_PORT that cannot work, saying which', async () => {
    const shell = startShell({ PODIUM_DATA_DIR: tempDir(), PODIUM_PORT: 'eighty' });
    const { code, report } = await shell.exited;
    expect(code).toBe(1);
    expect(report?.record.errorBoxes).toEqual([{ title: 'Podium cannot start', content: expect.stringContaining('PODIUM_PORT') }]);
    expect(report?.record.utilityProcesses).toEqual([]);
  });

  it('says why when the services cannot start, and exits without leaving them running', async () => {
    const dataDir = tempDir();
    // A custom LiveKit whose API secret is missing: the services refuse to start, before LiveKit or the space server.
    fs.writeFileSync(
      path.join(dataDir, 'settings.json'),
      JSON.stringify({ microphone: null, hostName: 'Host', livekit: { mode: 'custom', url: 'wss://lk.example.org', apiKey: 'APIkey' }, processing: {} }),
    );
    const shell = startShell({ PODIUM_DATA_DIR: dataDir, PODIUM_PORT: '0' });
    await shell.send({ cmd: 'ready' });
    const { code, report } = await shell.exited;
    expect(code).toBe(1);
    expect(report?.record.errorBoxes).toEqual([{ title: 'Podium could not start', content: expect.stringMatching(/secret/i) }]);
    expect(report?.record.windows).toEqual([]);
    const pid = report?.record.utilityProcesses[0]?.pid;
    if (pid) await expect.poll(() => alive(pid), { timeout: 5_000 }).toBe(false);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
