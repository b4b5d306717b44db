// Electron main: app lifecycle, a sandboxed window served from the app's own scheme, guards on navigation,
// new windows and permissions, and the IPC contract bound to the same services the web studio uses.
// Kept thin: everything testable lives in main/services and runs without Electron.
import { app, BrowserWindow, ipcMain, net, protocol, safeStorage, session, shell } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { IPC_CHANNELS } from '../common/ipc';
import { fromAppLink, LINK_SCHEME } from '../common/links';
import { err } from '../common/result';
import { startLivekit } from '../scripts/livekit';
import { installProcessGuard } from '../server/process-guard';
import { dispatch } from './ipc/dispatch';
import { findRepoRoot, rendererDir } from './paths';
import { MEDIA_PATH, startStudioServices, type StudioServices } from './services/studio';

const APP_SCHEME = 'podium-app';
const APP_ORIGIN = `${APP_SCHEME}://studio`;
const OPEN_LINK_CHANNEL = 'podium:open-link';

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);
app.setAsDefaultProtocolClient(LINK_SCHEME);

let services: StudioServices | null = null;
let mainWindow: BrowserWindow | null = null;
/** A podium:// link that arrived before the window could take it. */
let pendingLink: string | null = null;

/** Hands a podium:// link (validated: only ever a space's web link) to the studio window. */
function openLink(raw: string | undefined): void {
  const web = raw ? fromAppLink(raw) : null;
  if (!web) return;
  if (mainWindow && !mainWindow.webContents.isLoading()) {
    mainWindow.webContents.send(OPEN_LINK_CHANNEL, web);
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  } else pendingLink = web;
}

// 480-sample Web Audio blocks (one RNNoise frame) take 9.3 ms off the microphone stage (renderer/audio/pipeline.ts).
// Chromium enables renderSizeHint by default from about M145; Electron 45 is M140, where it may still sit behind
// this runtime flag. If the flag is unknown or the hint is ignored, the stage adapts to 128-sample blocks.
app.commandLine.appendSwitch('enable-blink-features', 'WebAudioConfigurableRenderQuantum');

// One studio at a time: a second launch (e.g. clicking a podium:// link on Windows/Linux) passes its link here.
if (!app.requestSingleInstanceLock()) app.quit();
app.on('second-instance', (_event, argv) => openLink(argv.find((a) => a.startsWith(`${LINK_SCHEME}://`))));
app.on('open-url', (event, url) => {
  event.preventDefault();
  openLink(url);
});

function isAppSender(frame: Electron.WebFrameMain | null): boolean {
  // Only the app's own top-level page may call the contract; no iframe, no other origin.
  return !!frame && frame.parent === null && new URL(frame.url).origin === APP_ORIGIN;
}

function registerAppProtocol(assets: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.pathname.startsWith(MEDIA_PATH)) {
      // A recording the studio asked to play (a token recordings:mediaUrl handed out); nothing else on disk.
      const media = services?.mediaFile(url.pathname.slice(MEDIA_PATH.length)) ?? null;
      return media ? net.fetch(pathToFileURL(media).toString()) : new Response('not found', { status: 404 });
    }
    const rel = url.pathname === '/' ? '/studio/index.html' : url.pathname;
    const file = path.resolve(assets, '.' + path.posix.normalize(rel));
    if (!file.startsWith(path.resolve(assets) + path.sep)) return new Response('not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self' ws: wss: http://127.0.0.1:* https:; media-src 'self' blob: mediastream:; worker-src 'self' blob:",
    );
    return new Response(response.body, { status: response.status, headers });
  });
}

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Podium',
    backgroundColor: '#0f1115',
    webPreferences: {
      preload: path.join(import.meta.dirname, '../preload/index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  mainWindow = win;
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  win.webContents.on('did-finish-load', () => {
    if (pendingLink) win.webContents.send(OPEN_LINK_CHANNEL, pendingLink);
    pendingLink = null;
  });
  void win.loadURL(`${APP_ORIGIN}/`);
}

async function boot(): Promise<void> {
  // The embedded space server runs in this process: whatever escapes its handlers is logged, and spaces stay live.
  installProcessGuard((line) => console.error(line));
  await app.whenReady();
  const root = findRepoRoot(import.meta.dirname);
  const assets = rendererDir(root);
  registerAppProtocol(assets);
  session.defaultSession.setPermissionRequestHandler((contents, permission, callback) => {
    callback(permission === 'media' && new URL(contents.getURL()).origin === APP_ORIGIN);
  });
  session.defaultSession.setPermissionCheckHandler((_contents, permission, origin) => permission === 'media' && origin === APP_ORIGIN);
  services = await startStudioServices({
    dataDir: app.getPath('userData'),
    assetsDir: assets,
    shell: 'electron',
    version: app.getVersion(),
    startEmbeddedLivekit: (opts) => startLivekit(opts),
    spaceServerPort: Number(process.env.PODIUM_PORT ?? 7800),
    cipher: safeStorage.isEncryptionAvailable()
      ? {
          encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
          decrypt: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
        }
      : undefined,
    log: (line) => console.log(line),
    reveal: async (folder) => {
      shell.showItemInFolder(folder);
      return true;
    },
  });
  // Recording audio arrives on a MessagePort the preload sends once (see preload/index.ts).
  ipcMain.on('podium:audio-port', (event) => {
    const port = event.ports[0];
    if (!port || !isAppSender(event.senderFrame)) return;
    port.on('message', (message) => {
      const data: unknown = message.data;
      if (data instanceof ArrayBuffer) services?.ingestAudio(new Uint8Array(data));
      else if (ArrayBuffer.isView(data)) services?.ingestAudio(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    });
    port.start();
  });
  const handlers = services.handlers;
  for (const channel of IPC_CHANNELS) {
    ipcMain.handle(channel, (event, request: unknown) =>
      isAppSender(event.senderFrame) ? dispatch(handlers, channel, request, console.log) : err('forbidden', 'not the studio'),
    );
  }
  openLink(process.argv.find((a) => a.startsWith(`${LINK_SCHEME}://`)));
  createWindow();
  app.on('activate', () => BrowserWindow.getAllWindows().length === 0 && createWindow());
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('will-quit', () => {
  void services?.close();
});

boot().catch((error: unknown) => {
  console.error('Podium failed to start:', error);
  app.exit(1);
});
