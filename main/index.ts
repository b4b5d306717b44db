// Electron main: app lifecycle, a sandboxed window served from the app's own scheme, guards on navigation,
// new windows and permissions, and the IPC contract bound to the same services the web studio uses.
// Kept thin: every decision (who may call, what is granted, which file a URL is, which link opens) is a pure
// function in main/shell/, tested without Electron; tests/shell/ runs this file's bundle against a stand-in.
import {
  app,
  BrowserWindow,
  dialog,
  globalShortcut,
  ipcMain,
  Menu,
  nativeImage,
  net,
  Notification,
  protocol,
  safeStorage,
  session,
  shell,
  Tray,
  utilityProcess,
  type MenuItemConstructorOptions,
  type NativeImage,
  type WebContents,
} from 'electron';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { contentSecurityPolicy } from '../common/csp';
import { DESKTOP_COMMAND_CHANNEL, type DesktopCommand } from '../common/desktop';
import { IPC_CHANNELS } from '../common/ipc';
import { LINK_SCHEME } from '../common/links';
import { err } from '../common/result';
import { SERVICES_STATUS_CHANNEL, statusForNewWindow } from '../common/services-channel';
import { installProcessGuard } from '../server/process-guard';
import type { NotificationModel } from './desktop/notifications';
import { createDesktopShell, type DesktopShell } from './desktop/shell';
import { registerMuteShortcut } from './desktop/shortcut';
import { endSpaceConfirmation, hiddenToTrayNotice, quitConfirmation, windowCloseAction, type Confirmation, type TrayAction, type TrayModel } from './desktop/tray';
import { startServicesProcess, type ServicesHandle } from './services/process/parent';
import { planMediaResponse } from './web/media';
import { createSecretStore, safeStorageCipher } from './services/secrets';
import { APP_PAGE_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, isAppSender } from './shell/app-page';
import { resolveAppRequest } from './shell/app-protocol';
import { webLinkFromAppLink, webLinkFromArgv } from './shell/deep-links';
import { desktopSettings, type DesktopSettings } from './shell/env';
import type { ExternalDecision } from './shell/external-links';
import { navigationDecision, windowOpenDecision } from './shell/navigation';
import { grantPermissionCheck, grantPermissionRequest } from './shell/permissions';
import { createQuitGuard } from './shell/quit';
import { utilityTransport } from './shell/services-launch';

const OPEN_LINK_CHANNEL = 'podium:open-link';
const AUDIO_PORT_CHANNEL = 'podium:audio-port';
const STUDIO_CSP = contentSecurityPolicy({ page: 'studio' });
const log = (line: string) => console.log(line);

let services: ServicesHandle | null = null;
let mainWindow: BrowserWindow | null = null;
/** A podium:// link (already its web link) that arrived before the window could take it. */
let pendingLink: string | null = null;
/** One "open this link?" question at a time: a burst of clicks must not stack dialogs. */
let asking = false;
/** Tray, global mute key and notifications (main/desktop/); made once the app is ready. */
let desktop: DesktopShell | null = null;
let tray: Tray | null = null;
/** Set by before-quit: from then on, closing the window closes it rather than hiding it in the tray. */
let quitting = false;
/** Shown notifications are kept until closed, or their click handlers may be collected away. */
const shown = new Set<Notification>();
/** Tray icons: resources/tray/<state>.png (16 px, @2x beside it); macOS menu-bar icons are <state>Template.png. */
const TRAY_ICONS = app.isPackaged ? path.join(process.resourcesPath, 'tray') : path.join(import.meta.dirname, '..', '..', 'resources', 'tray');

/** A recording, with byte ranges so the studio's <audio> element can seek in a long mix (as the web studio does). */
function mediaResponse(file: string, request: Request): Response {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return new Response(null, { status: 404 });
  }
  const plan = planMediaResponse(size, request.headers.get('range'));
  const body = plan.range && request.method !== 'HEAD' ? (Readable.toWeb(fs.createReadStream(file, plan.range)) as ReadableStream) : null;
  return new Response(body, { status: plan.status, headers: plan.headers });
}

function showWindow(): void {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  // The window may be hidden in the tray (see createWindow's 'close').
  mainWindow.show();
  mainWindow.focus();
}

/** A tray item or the global mute key, carried out by the studio window (renderer/studio/controller.ts). */
function sendCommand(command: DesktopCommand): void {
  mainWindow?.webContents.send(DESKTOP_COMMAND_CHANNEL, command);
}

async function confirm(question: Confirmation): Promise<boolean> {
  const options = { type: 'question' as const, noLink: true, ...question };
  const { response } = mainWindow ? await dialog.showMessageBox(mainWindow, options) : await dialog.showMessageBox(options);
  return response === 1;
}

function trayImage(icon: TrayModel['icon']): NativeImage {
  return nativeImage.createFromPath(path.join(TRAY_ICONS, process.platform === 'darwin' ? `${icon}Template.png` : `${icon}.png`));
}

async function trayAction(action: TrayAction): Promise<void> {
  switch (action) {
    case 'toggleMute':
      return sendCommand('toggleMute');
    case 'show':
      return mainWindow ? showWindow() : createWindow();
    case 'endSpace': {
      // The studio ends the space itself (it holds the host's connection); main only asks first.
      const question = endSpaceConfirmation(desktop?.state() ?? null);
      if (question && (await confirm(question))) sendCommand('endSpace');
      return;
    }
    case 'quit': {
      const question = quitConfirmation(desktop?.state() ?? null);
      if (!question || (await confirm(question))) app.quit();
      return;
    }
  }
}

function showTray(model: TrayModel): void {
  if (!tray) {
    tray = new Tray(trayImage(model.icon));
    // Windows and Linux: a click on the icon brings the studio up (the menu is on right-click); macOS shows the menu.
    tray.on('click', () => void trayAction('show'));
  } else {
    tray.setImage(trayImage(model.icon));
  }
  tray.setToolTip(model.tooltip);
  const template: MenuItemConstructorOptions[] = model.items.map((item) => {
    if (item.type === 'separator') return { type: 'separator' };
    if (item.type === 'info') return { label: item.label, enabled: false };
    // registerAccelerator: false — the key is the global shortcut's; the menu only shows it.
    return { label: item.label, enabled: item.enabled, accelerator: item.accelerator, registerAccelerator: false, click: () => void trayAction(item.action) };
  });
  tray.setContextMenu(Menu.buildFromTemplate(template));
}

function notify(model: Pick<NotificationModel, 'title' | 'body'> & { silent?: boolean }): void {
  if (!Notification.isSupported()) return;
  const note = new Notification({ title: model.title, body: model.body, silent: model.silent ?? false });
  shown.add(note);
  note.on('click', () => showWindow());
  note.on('close', () => shown.delete(note));
  note.show();
}

/** Tray, global mute key and notifications; the studio window feeds them with desktop:state (see bindContract). */
function startDesktopShell(): void {
  desktop = createDesktopShell({
    showTray,
    notify: (n) => notify({ ...n, silent: n.kind === 'link-back' }),
    focused: () => mainWindow?.isFocused() ?? false,
    now: () => Date.now(),
    later: (fn, ms) => {
      const timer = setTimeout(fn, ms);
      return () => clearTimeout(timer);
    },
  });
  const mute = registerMuteShortcut(
    (accelerator) => globalShortcut.register(accelerator, () => sendCommand('toggleMute')),
    process.platform,
    process.env.XDG_SESSION_TYPE === 'wayland',
  );
  // The studio shows the status in its microphone card (it comes back with the answer to desktop:state).
  desktop.setShortcut(mute.accelerator, mute.status);
  if (!mute.status.registered) log(mute.status.message);
}

/** Hands a space's web link (from a podium:// link) to the studio window, now or once it has loaded. */
function openLink(web: string | null): void {
  if (!web) return;
  if (mainWindow && !mainWindow.webContents.isLoading()) {
    mainWindow.webContents.send(OPEN_LINK_CHANNEL, web);
    showWindow();
  } else pendingLink = web;
}

/** Asks before a link goes to the system browser; the dialog names the host the link really leads to. */
async function offerExternal(decision: ExternalDecision): Promise<void> {
  if (!('ask' in decision)) return log(`link not opened: ${decision.reason}`);
  if (asking) return;
  asking = true;
  try {
    const { ask } = decision;
    const options = {
      type: 'question' as const,
      title: 'Open link',
      message: ask.message,
      detail: ask.detail,
      buttons: ['Cancel', `Open ${ask.host}`],
      defaultId: 0,
      cancelId: 0,
      noLink: true,
    };
    const { response } = mainWindow ? await dialog.showMessageBox(mainWindow, options) : await dialog.showMessageBox(options);
    if (response === 1) await shell.openExternal(ask.url);
  } catch (error) {
    log(`opening a link failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    asking = false;
  }
}

/** Every web contents, whatever made it: no navigation away, no new windows, no <webview>. */
function guardContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    void offerExternal(navigationDecision(event.url).external);
  });
  // A frame inside the page (the studio has none) navigates nowhere either; the main frame is handled above.
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = windowOpenDecision(url);
    void offerExternal(decision.external);
    return { action: decision.action };
  });
}

function registerAppProtocol(assets: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    try {
      const target = resolveAppRequest(request, assets);
      if (target.kind === 'refuse') return new Response(null, { status: target.status });
      if (target.kind === 'media') {
        // A recording the studio asked to play (a token recordings:mediaUrl handed out); nothing else on disk.
        const media = (await services?.mediaFile(target.token)) ?? null;
        return media ? mediaResponse(media, request) : new Response(null, { status: 404 });
      }
      if (!fs.statSync(target.file, { throwIfNoEntry: false })?.isFile()) return new Response(null, { status: 404 });
      const response = await net.fetch(pathToFileURL(target.file).toString());
      const headers = new Headers(response.headers);
      headers.set('Content-Security-Policy', STUDIO_CSP);
      headers.set('X-Content-Type-Options', 'nosniff');
      return new Response(response.body, { status: response.status, headers });
    } catch (error) {
      log(`${APP_SCHEME}: ${request.url} failed: ${error instanceof Error ? error.message : String(error)}`);
      return new Response(null, { status: 500 });
    }
  });
}

function guardPermissions(): void {
  session.defaultSession.setPermissionRequestHandler((contents, permission, callback, details) => {
    callback(grantPermissionRequest({ permission, pageUrl: contents.getURL(), details }));
  });
  session.defaultSession.setPermissionCheckHandler((contents, permission, requestingOrigin, details) =>
    grantPermissionCheck({ permission, pageUrl: contents?.getURL(), requestingOrigin, details }),
  );
}

function bindContract(studio: ServicesHandle): void {
  // The services process parses and checks every call against the contract (main/ipc/dispatch.ts); here only who
  // is calling is decided.
  for (const channel of IPC_CHANNELS) {
    ipcMain.handle(channel, (event, request: unknown) => {
      if (!isAppSender(event.senderFrame)) return err('forbidden', 'not the studio');
      // The tray lives in this process, not the services': the desktop shell checks and answers this one itself.
      if (channel === 'desktop:state' && desktop) return desktop.report(request);
      return studio.call(channel, request);
    });
  }
  // Recording audio arrives on a MessagePort the preload sends once (see preload/index.ts), only from the studio.
  ipcMain.on(AUDIO_PORT_CHANNEL, (event) => {
    const port = event.ports[0];
    if (!port || !isAppSender(event.senderFrame)) return;
    port.on('message', (message) => {
      const data: unknown = message.data;
      if (data instanceof ArrayBuffer) studio.ingestAudio(new Uint8Array(data));
      else if (ArrayBuffer.isView(data)) studio.ingestAudio(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    });
    port.start();
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
      webviewTag: false,
    },
  });
  mainWindow = win;
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  // Notifications are for when the studio is in the background.
  win.on('focus', () => desktop?.focusChanged());
  win.on('blur', () => desktop?.focusChanged());
  // Closing the window mid-space hides it: the space server runs in this app, and closing would end the space.
  win.on('close', (event) => {
    const state = desktop?.state() ?? null;
    if (quitting || !state || windowCloseAction(state) === 'close') return;
    event.preventDefault();
    win.hide();
    notify(hiddenToTrayNotice(state));
  });
  win.webContents.on('did-finish-load', () => {
    if (pendingLink) win.webContents.send(OPEN_LINK_CHANNEL, pendingLink);
    pendingLink = null;
    // A page (re)loaded during or after a restart of the services must not assume they never stopped.
    const status = services?.status();
    if (status && statusForNewWindow(status)) win.webContents.send(SERVICES_STATUS_CHANNEL, status);
  });
  void win.loadURL(APP_PAGE_URL);
}

async function boot(settings: DesktopSettings): Promise<ServicesHandle> {
  await app.whenReady();
  // The renderer is built beside this bundle (out/main → out/renderer), in a checkout and inside a package's app.asar
  // alike; looking for the checkout's root would miss it in a package.
  const assets = path.join(import.meta.dirname, '..', 'renderer');
  registerAppProtocol(assets);
  guardPermissions();
  const dataDir = app.getPath('userData');
  // Secrets stay in this process, sealed with the OS keyring (safeStorage needs 'ready'); the services get a copy.
  const secrets = createSecretStore(dataDir, log, safeStorageCipher(safeStorage));
  // The space server, recorder and LiveKit's supervision run in a utility process: never on the UI thread.
  const studio = await startServicesProcess({
    dataDir,
    assetsDir: assets,
    shell: 'electron',
    version: app.getVersion(),
    spaceServerPort: settings.spaceServerPort,
    spaceServerHost: settings.spaceServerHost,
    publicUrl: settings.publicUrl,
    ...(settings.sfu ? { sfu: settings.sfu } : {}),
    revealInShell: true,
    reveal: (folder) => shell.showItemInFolder(folder),
    secrets,
    log,
    launch: (entry) => utilityTransport(utilityProcess.fork(entry, [], { serviceName: 'Podium services', stdio: 'inherit' })),
  });
  try {
    services = studio;
    // The services process is restarted by the handle when it stops on its own; the studio window says so.
    studio.onStatus((status) => {
      if (status.state !== 'running') log(`studio services: ${status.state}${status.detail ? ` (${status.detail})` : ''}`);
      mainWindow?.webContents.send(SERVICES_STATUS_CHANNEL, status);
    });
    startDesktopShell();
    bindContract(studio);
    openLink(webLinkFromArgv(process.argv));
    createWindow();
    app.on('activate', () => BrowserWindow.getAllWindows().length === 0 && createWindow());
    return studio;
  } catch (error) {
    await studio.close();
    throw error;
  }
}

function start(): void {
  let settings: DesktopSettings;
  try {
    settings = desktopSettings(process.env);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`Podium cannot start: ${message}`);
    dialog.showErrorBox('Podium cannot start', message);
    app.exit(1);
    return;
  }
  // PODIUM_DATA_DIR moves everything, Chromium's profile too: two studios with two data folders are two apps (the
  // single-instance lock below is per folder), and a test never touches the user's own studio.
  if (settings.dataDir) app.setPath('userData', settings.dataDir);
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

  // One studio at a time: a second launch (e.g. clicking a podium:// link on Windows/Linux) passes its link to the
  // first and quits before starting anything — a second space server or LiveKit would fight over ports and files.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.setAsDefaultProtocolClient(LINK_SCHEME);
  // 480-sample Web Audio blocks (one RNNoise frame) take 9.3 ms off the microphone stage (renderer/audio/pipeline.ts).
  // Chromium enables renderSizeHint by default from about M145; Electron 45 is M140, where it may still sit behind
  // this runtime flag. If the flag is unknown or the hint is ignored, the stage adapts to 128-sample blocks.
  app.commandLine.appendSwitch('enable-blink-features', 'WebAudioConfigurableRenderQuantum');
  // Global keys in a Wayland session go through the desktop's GlobalShortcuts portal (X11, macOS, Windows ignore it).
  if (process.platform === 'linux') app.commandLine.appendSwitch('enable-features', 'GlobalShortcutsPortal');

  // Whatever escapes a handler here is logged rather than ending the app (the services process guards itself).
  installProcessGuard((line) => console.error(line));
  app.on('web-contents-created', (_event, contents) => guardContents(contents));
  app.on('second-instance', (_event, argv) => {
    openLink(webLinkFromArgv(argv));
    showWindow();
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    openLink(webLinkFromAppLink(url));
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  const started = boot(settings);
  // Quitting while the services are still starting waits for them too, then closes them.
  const quit = createQuitGuard({
    close: async () => (await started.catch(() => null))?.close(),
    exit: (code) => app.exit(code),
    log,
  });
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('will-quit', (event) => {
    globalShortcut.unregisterAll();
    desktop?.dispose();
    quit.onWillQuit(event);
  });
  started.catch((error: unknown) => {
    console.error('Podium failed to start:', error);
    // Without a window, a dialog is the only place the user would see why (e.g. a custom LiveKit lost its secret).
    dialog.showErrorBox('Podium could not start', error instanceof Error ? error.message : String(error));
    app.exit(1);
  });
}

start();
