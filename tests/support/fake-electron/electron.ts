// A STAND-IN for the `electron` module, NOT Electron: the Electron binary cannot be downloaded on these machines, so
// tests/shell/ runs the built main bundle (out/main/index.js) in plain Node with this module answering its
// `import ... from 'electron'` (register.ts maps the specifier here). It records what the shell registers and lets
// the test, over the child process's IPC channel, act as Chromium would: call a contract channel from a frame, ask
// for a permission, request a URL on the app scheme, navigate, quit. It enforces the Electron rules a shell can
// break (schemes registered before ready, protocol/session/utilityProcess only after ready, one handler per
// channel). What it cannot show: Chromium's own behaviour — how it canonicalises URLs, which details it passes,
// whether the sandboxed page really loads. Utility processes are played by Node child processes started without
// the stand-in's loaders (as Electron's are); a worker thread in the main process would not get them on Node 20
// either, which is fine while the shell runs none (the recorder's worker lives in the services process).
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import net_ from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DriverCommand, DriverReply, DriverRequest, ExitReport, FakeFrame, FakeRecord } from './protocol';

type Listener = (...args: never[]) => unknown;

const record: FakeRecord = {
  timeline: [],
  schemes: [],
  protocolHandlers: [],
  handled: [],
  listened: [],
  appEvents: [],
  permissionRequestHandler: false,
  permissionCheckHandler: false,
  windows: [],
  paths: {},
  switches: [],
  defaultProtocolClients: [],
  singleInstanceLockRequested: false,
  dialogs: [],
  errorBoxes: [],
  openedExternally: [],
  sentToWindow: [],
  utilityProcesses: [],
  globalShortcuts: [],
  tray: null,
  notifications: [],
};

let ready = false;
let exiting = false;
let dialogAnswer = 0;
let watchedPorts: number[] = [];
const children: { pid: number | undefined; alive: () => boolean }[] = [];

function requireReady(what: string): void {
  if (!ready) throw new Error(`${what} can only be used after the app is ready (stand-in Electron)`);
}

/** An Electron-style event: preventDefault() is remembered. */
function electronEvent<T extends object>(extra?: T): { preventDefault(): void; defaultPrevented: boolean } & T {
  const event = {
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
    ...(extra ?? ({} as T)),
  };
  return event;
}

// ---------------------------------------------------------------------------------------------------- app

class FakeApp extends EventEmitter {
  readonly commandLine = { appendSwitch: (...args: string[]) => void record.switches.push(args) };
  readonly isPackaged = false;
  private readyPromise: Promise<void>;
  private resolveReady!: () => void;

  constructor() {
    super();
    this.readyPromise = new Promise((resolve) => (this.resolveReady = resolve));
    this.paths = { userData: process.env.FAKE_ELECTRON_USER_DATA ?? fs.mkdtempSync(path.join(os.tmpdir(), 'fake-electron-userdata-')) };
  }

  private paths: Record<string, string>;

  override on(event: string, listener: Listener): this {
    record.appEvents.push(event);
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  isReady(): boolean {
    return ready;
  }
  /** Driven by the test ('ready' command), so the shell's module body has fully run first, as in Electron. */
  becomeReady(): void {
    if (ready || exiting) return;
    ready = true;
    record.timeline.push('ready');
    this.emit('ready', electronEvent(), {});
    this.resolveReady();
  }
  requestSingleInstanceLock(): boolean {
    record.singleInstanceLockRequested = true;
    return process.env.FAKE_ELECTRON_LOCK !== 'taken';
  }
  setAsDefaultProtocolClient(scheme: string): boolean {
    record.defaultProtocolClients.push(scheme);
    return true;
  }
  getPath(name: string): string {
    return this.paths[name] ?? path.join(os.tmpdir(), `fake-electron-${name}`);
  }
  setPath(name: string, value: string): void {
    if (ready && name === 'userData') throw new Error('userData must be set before ready (stand-in Electron)');
    this.paths[name] = value;
    record.paths[name] = value;
  }
  getVersion(): string {
    return '0.0.0-stand-in';
  }
  getName(): string {
    return 'podium';
  }
  getAppPath(): string {
    return process.cwd();
  }
  /** Electron's quit: before-quit, close every window, will-quit, quit, exit — each of the first and third may be held. */
  quit(): void {
    record.timeline.push('quit()');
    setImmediate(() => {
      if (exiting) return;
      const beforeQuit = electronEvent();
      this.emit('before-quit', beforeQuit);
      if (beforeQuit.defaultPrevented) return void record.timeline.push('before-quit held');
      for (const win of [...windows]) win.close();
      const willQuit = electronEvent();
      this.emit('will-quit', willQuit);
      if (willQuit.defaultPrevented) return void record.timeline.push('will-quit held');
      record.timeline.push('will-quit passed');
      this.emit('quit', electronEvent(), 0);
      void finalExit(0);
    });
  }
  exit(code = 0): void {
    record.timeline.push(`exit(${code})`);
    void finalExit(code);
  }
  focus(): void {}
}

export const app = new FakeApp();

async function portListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net_.connect({ port, host: '127.0.0.1' });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}

/** The process ends here, as Electron's would; first the test hears what was still running at that moment. */
async function finalExit(code: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  const listening: Record<string, boolean> = {};
  for (const port of watchedPorts) listening[String(port)] = await portListening(port);
  const report: ExitReport = {
    type: 'exit',
    code,
    listening,
    aliveChildren: children.filter((c) => c.alive()).map((c) => c.pid ?? -1),
    record,
  };
  if (process.send && process.connected) process.send(report, () => process.exit(code));
  else process.exit(code);
}

// ---------------------------------------------------------------------------------------------------- windows

type WindowOpenHandler = (details: { url: string; frameName: string; disposition: string }) => { action: string };

class FakeWebContents extends EventEmitter {
  private url = '';
  loading = true;
  windowOpenHandler: WindowOpenHandler | null = null;
  constructor(private readonly entry: FakeRecord['windows'][number]) {
    super();
  }
  override on(event: string, listener: Listener): this {
    this.entry.contentsEvents.push(event);
    return super.on(event, listener as (...args: unknown[]) => void);
  }
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
    this.entry.windowOpenHandler = true;
  }
  getURL(): string {
    return this.url;
  }
  isLoading(): boolean {
    return this.loading;
  }
  send(channel: string, ...args: unknown[]): void {
    record.sentToWindow.push({ channel, args });
  }
  setURL(url: string): void {
    this.url = url;
  }
}

const windows: BrowserWindow[] = [];

export class BrowserWindow extends EventEmitter {
  readonly webContents: FakeWebContents;
  private destroyed = false;
  private readonly entry: FakeRecord['windows'][number];

  constructor(options: Record<string, unknown> = {}) {
    super();
    requireReady('BrowserWindow');
    this.entry = { options, url: null, windowOpenHandler: false, contentsEvents: [] };
    record.windows.push(this.entry);
    this.webContents = new FakeWebContents(this.entry);
    windows.push(this);
    app.emit('web-contents-created', electronEvent(), this.webContents);
  }
  static getAllWindows(): BrowserWindow[] {
    return [...windows];
  }
  static fromWebContents(contents: unknown): BrowserWindow | null {
    return windows.find((w) => w.webContents === contents) ?? null;
  }
  async loadURL(url: string): Promise<void> {
    this.entry.url = url;
    this.webContents.setURL(url);
    await new Promise((resolve) => setImmediate(resolve));
    this.webContents.loading = false;
    this.webContents.emit('did-finish-load');
  }
  isMinimized(): boolean {
    return false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  restore(): void {}
  focus(): void {}
  show(): void {}
  /** The stand-in's window is never in front: what a host in another app would have. */
  isFocused(): boolean {
    return false;
  }
  hide(): void {}
  close(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    windows.splice(windows.indexOf(this), 1);
    this.emit('closed');
  }
}

// ---------------------------------------------------------------------------------------------------- ipcMain

type IpcHandler = (event: unknown, ...args: unknown[]) => unknown;
const handlers = new Map<string, IpcHandler>();
const onListeners = new Map<string, IpcHandler[]>();

interface FakeIpcMain {
  handle(channel: string, handler: IpcHandler): void;
  on(channel: string, listener: IpcHandler): FakeIpcMain;
  removeHandler(channel: string): void;
}

export const ipcMain: FakeIpcMain = {
  handle(channel: string, handler: IpcHandler): void {
    if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    handlers.set(channel, handler);
    record.handled.push(channel);
  },
  on(channel: string, listener: IpcHandler): FakeIpcMain {
    onListeners.set(channel, [...(onListeners.get(channel) ?? []), listener]);
    record.listened.push(channel);
    return ipcMain;
  },
  removeHandler(channel: string): void {
    handlers.delete(channel);
  },
};

/** A WebFrameMain as the shell reads it: url and parent (null for a top-level frame). */
function frameOf(frame: FakeFrame | null): { url: string; parent: unknown; top: unknown } | null {
  if (!frame) return null;
  const main = { url: windows[0]?.webContents.getURL() ?? 'podium-app://studio/', parent: null, top: null };
  return frame.iframe ? { url: frame.url, parent: main, top: main } : { url: frame.url, parent: null, top: null };
}

// ---------------------------------------------------------------------------------------------------- protocol, net, session

type ProtocolHandler = (request: Request) => Response | Promise<Response>;
const protocolHandlers = new Map<string, ProtocolHandler>();

export const protocol = {
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges?: Record<string, unknown> }[]): void {
    if (ready) throw new Error('protocol.registerSchemesAsPrivileged must be called before the app is ready');
    for (const s of schemes) record.schemes.push({ scheme: s.scheme, privileges: { ...(s.privileges ?? {}) } });
  },
  handle(scheme: string, handler: ProtocolHandler): void {
    requireReady('protocol.handle');
    protocolHandlers.set(scheme, handler);
    record.protocolHandlers.push(scheme);
  },
};

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.wav': 'audio/wav' };

export const net = {
  /** file: URLs read the file (as Chromium's file loader would, content type from the extension); others: Node's fetch. */
  async fetch(url: string): Promise<Response> {
    if (!url.startsWith('file:')) return fetch(url);
    const file = fileURLToPath(url);
    const body = await fs.promises.readFile(file);
    return new Response(body, { status: 200, headers: { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' } });
  },
};

type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void;
type PermissionCheckHandler = (contents: unknown, permission: string, requestingOrigin: string, details: unknown) => boolean;
let permissionRequestHandler: PermissionRequestHandler | null = null;
let permissionCheckHandler: PermissionCheckHandler | null = null;

const defaultSession = {
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    permissionRequestHandler = handler;
    record.permissionRequestHandler = handler !== null;
  },
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    permissionCheckHandler = handler;
    record.permissionCheckHandler = handler !== null;
  },
};

export const session = {
  get defaultSession() {
    requireReady('session.defaultSession');
    return defaultSession;
  },
};

// ---------------------------------------------------------------------------------------------------- the rest

/** A keyring stand-in: values are sealed (reversibly, visibly) so a test can tell sealed from plain text. */
export const safeStorage = {
  isEncryptionAvailable: () => ready,
  getSelectedStorageBackend: () => (ready ? 'gnome_libsecret' : 'unknown'),
  encryptString: (plain: string) => Buffer.from(`stand-in-sealed:${Buffer.from(plain).toString('base64')}`),
  decryptString: (sealed: Buffer) => {
    const text = sealed.toString();
    if (!text.startsWith('stand-in-sealed:')) throw new Error('not sealed by this keyring');
    return Buffer.from(text.slice('stand-in-sealed:'.length), 'base64').toString();
  },
};

export const shell = {
  async openExternal(url: string): Promise<void> {
    record.openedExternally.push(url);
  },
  showItemInFolder(_folder: string): void {},
};

export const dialog = {
  async showMessageBox(...args: unknown[]): Promise<{ response: number; checkboxChecked: boolean }> {
    const options = (args.length > 1 ? args[1] : args[0]) as { message: string; detail?: string; buttons?: string[] };
    record.dialogs.push({ message: options.message, detail: options.detail, buttons: options.buttons });
    return { response: dialogAnswer, checkboxChecked: false };
  },
  showErrorBox(title: string, content: string): void {
    record.errorBoxes.push({ title, content });
  },
};

/** Electron's utility process, played by a Node child process (which gets process.send instead of parentPort). */
export const utilityProcess = {
  fork(modulePath: string, args: string[] = [], options: { stdio?: unknown; env?: NodeJS.ProcessEnv } = {}) {
    requireReady('utilityProcess.fork');
    const child = fork(modulePath, args, {
      serialization: 'advanced',
      // A utility process does not inherit this process's loaders (the stand-in's hook, tsx).
      execArgv: [],
      env: options.env ?? process.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const emitter = new EventEmitter();
    const entry = { modulePath, pid: child.pid };
    record.utilityProcesses.push(entry);
    let alive = true;
    children.push({ pid: child.pid, alive: () => alive });
    child.once('spawn', () => emitter.emit('spawn'));
    child.on('message', (message) => emitter.emit('message', message));
    child.once('exit', (code) => {
      alive = false;
      emitter.emit('exit', code ?? 1);
    });
    return Object.assign(emitter, {
      get pid() {
        return alive ? child.pid : undefined;
      },
      postMessage: (message: unknown) => void (child.connected && child.send(message as never)),
      kill: () => child.kill('SIGKILL'),
    });
  },
};

// ---------------------------------------------------------------------------------------------------- the test's driver

async function run(command: DriverCommand): Promise<unknown> {
  switch (command.cmd) {
    case 'state':
      return record;
    case 'ready':
      app.becomeReady();
      return true;
    case 'invoke': {
      const handler = handlers.get(command.channel);
      if (!handler) throw new Error(`no handler for ${command.channel}`);
      return handler({ senderFrame: frameOf(command.frame), sender: windows[0]?.webContents }, command.request);
    }
    case 'audio-port': {
      let started = false;
      const port = Object.assign(new EventEmitter(), { start: () => void (started = true), close: () => {} });
      for (const listener of onListeners.get('podium:audio-port') ?? []) listener({ senderFrame: frameOf(command.frame), ports: [port] });
      return { started, listening: port.listenerCount('message') > 0 };
    }
    case 'permission-request': {
      if (!permissionRequestHandler) throw new Error('no permission request handler');
      const handler = permissionRequestHandler;
      const contents = { getURL: () => command.pageUrl };
      return new Promise<boolean>((resolve) => handler(contents, command.permission, resolve, command.details));
    }
    case 'permission-check': {
      if (!permissionCheckHandler) throw new Error('no permission check handler');
      const contents = command.pageUrl === null ? null : { getURL: () => command.pageUrl };
      return permissionCheckHandler(contents, command.permission, command.requestingOrigin, command.details);
    }
    case 'protocol': {
      const scheme = new URL(command.url).protocol.slice(0, -1);
      const handler = protocolHandlers.get(scheme);
      if (!handler) throw new Error(`no handler for ${scheme}:`);
      const response = await handler(new Request(command.url, { method: command.method ?? 'GET' }));
      const body = Buffer.from(await response.arrayBuffer());
      return { status: response.status, headers: Object.fromEntries(response.headers), body: body.toString('utf8', 0, Math.min(body.length, 400)), size: body.length };
    }
    case 'will-navigate': {
      const contents = windows[0]?.webContents;
      if (!contents) throw new Error('no window');
      const event = electronEvent({ url: command.url, isMainFrame: true });
      contents.emit('will-navigate', event, command.url);
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { prevented: event.defaultPrevented };
    }
    case 'window-open': {
      const contents = windows[0]?.webContents;
      if (!contents?.windowOpenHandler) throw new Error('no window open handler');
      const result = contents.windowOpenHandler({ url: command.url, frameName: '', disposition: 'foreground-tab' });
      // The shell asks in a dialog, then maybe opens: let that finish before the test looks.
      await new Promise((resolve) => setTimeout(resolve, 20));
      return result;
    }
    case 'dialog-answer':
      dialogAnswer = command.response;
      return true;
    case 'second-instance':
      app.emit('second-instance', electronEvent(), command.argv, process.cwd());
      return true;
    case 'watch-ports':
      watchedPorts = command.ports;
      return true;
    case 'quit':
      app.quit();
      return true;
  }
}

if (process.send) {
  process.on('message', (message: DriverRequest) => {
    const { id, ...command } = message;
    run(command as DriverCommand).then(
      (value) => process.send?.({ id, ok: true, value } satisfies DriverReply),
      (error: unknown) => process.send?.({ id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies DriverReply),
    );
  });
}

/** Desktop bits: they record what the shell shows, and show nothing. */
export const globalShortcut = {
  register(accelerator: string, _callback: () => void): boolean {
    record.globalShortcuts.push(accelerator);
    return true;
  },
  unregisterAll(): void {
    record.globalShortcuts = [];
  },
};

export const nativeImage = {
  createFromPath: (file: string) => ({ file }),
};

export class Tray extends EventEmitter {
  constructor(_image: unknown) {
    super();
    record.tray = { tooltip: '', items: [] };
  }
  setImage(_image: unknown): void {}
  setToolTip(tooltip: string): void {
    if (record.tray) record.tray.tooltip = tooltip;
  }
  setContextMenu(menu: { items: string[] }): void {
    if (record.tray) record.tray.items = menu.items;
  }
  destroy(): void {
    record.tray = null;
  }
}

export const Menu = {
  buildFromTemplate: (template: Array<{ label?: string; type?: string }>) => ({ items: template.map((t) => t.label ?? `-${t.type ?? ''}`) }),
};

export class Notification extends EventEmitter {
  static isSupported(): boolean {
    return true;
  }
  constructor(private readonly options: { title: string; body: string }) {
    super();
  }
  show(): void {
    record.notifications.push({ title: this.options.title, body: this.options.body });
  }
}

export default { app, BrowserWindow, ipcMain, protocol, net, session, safeStorage, shell, dialog, utilityProcess, globalShortcut, nativeImage, Tray, Menu, Notification };
