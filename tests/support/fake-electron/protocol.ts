// What the shell test and the stand-in `electron` module say to each other over the child process's IPC channel:
// commands that drive what Electron would drive (a call from a frame, a permission request, a protocol request,
// a quit), and a record of everything the shell registered with "Electron".

/** A frame that sends an IPC message: its URL, and whether it sits inside another frame. */
export interface FakeFrame {
  url: string;
  /** true: an iframe of the studio page (its parent is the studio's main frame). */
  iframe?: boolean;
}

export type DriverCommand =
  | { cmd: 'state' }
  | { cmd: 'ready' }
  | { cmd: 'invoke'; channel: string; request?: unknown; frame: FakeFrame | null }
  | { cmd: 'audio-port'; frame: FakeFrame | null }
  | { cmd: 'permission-request'; permission: string; pageUrl: string; details: Record<string, unknown> }
  | { cmd: 'permission-check'; permission: string; pageUrl: string | null; requestingOrigin: string; details: Record<string, unknown> }
  | { cmd: 'protocol'; url: string; method?: string }
  | { cmd: 'will-navigate'; url: string }
  | { cmd: 'window-open'; url: string }
  | { cmd: 'dialog-answer'; response: number }
  | { cmd: 'second-instance'; argv: string[] }
  | { cmd: 'watch-ports'; ports: number[] }
  | { cmd: 'quit' };

export type DriverRequest = DriverCommand & { id: number };

export type DriverReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** What the stand-in saw the shell do. */
export interface FakeRecord {
  /** In order: ready, quit(), before-quit, will-quit (held or not), exit(code)… */
  timeline: string[];
  schemes: { scheme: string; privileges: Record<string, unknown> }[];
  protocolHandlers: string[];
  handled: string[];
  listened: string[];
  appEvents: string[];
  permissionRequestHandler: boolean;
  permissionCheckHandler: boolean;
  windows: { options: Record<string, unknown>; url: string | null; windowOpenHandler: boolean; contentsEvents: string[] }[];
  paths: Record<string, string>;
  switches: string[][];
  defaultProtocolClients: string[];
  singleInstanceLockRequested: boolean;
  dialogs: { message: string; detail?: string; buttons?: string[] }[];
  errorBoxes: { title: string; content: string }[];
  openedExternally: string[];
  sentToWindow: { channel: string; args: unknown[] }[];
  utilityProcesses: { modulePath: string; pid: number | undefined }[];
  /** Global shortcuts registered and not unregistered. */
  globalShortcuts: string[];
  /** The tray's last tooltip and menu labels (null: no tray). */
  tray: { tooltip: string; items: string[] } | null;
  notifications: { title: string; body: string }[];
}

/** Sent by the stand-in when the shell ends the process (app.exit, or a quit nobody held). */
export interface ExitReport {
  type: 'exit';
  code: number;
  /** For each watched port: was something still listening when the shell exited? */
  listening: Record<string, boolean>;
  /** Utility processes still alive when the shell exited (a closed services process leaves by itself just after). */
  aliveChildren: number[];
  /** Everything the shell had registered by then. */
  record: FakeRecord;
}
