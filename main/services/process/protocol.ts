// Messages between the studio's shell (Electron main, or the web studio's host process) and the services process
// that runs the space server, the recorder and LiveKit's supervision off the shell's thread. Structured-clone
// messages: audio frames travel as typed arrays, never as JSON.
import type { Result } from '../../../common/result';
import type { AppInfo, DesktopState, ShortcutStatus } from '../../../common/ipc';

/** What the services need to start, all of it serialisable (functions stay in the shell). */
export interface ServicesStartOptions {
  dataDir: string;
  assetsDir: string;
  shell: AppInfo['shell'];
  version: string;
  spaceServerPort?: number;
  spaceServerHost?: string;
  publicUrl?: string;
  recordingsDir?: string;
  /** The SFU whatever the settings say (tests, PODIUM_SFU): see StudioOptions.sfu in main/services/studio.ts. */
  sfu?: 'livekit' | 'mediasoup';
  /** An already running LiveKit to use (tests); absent: the services start the embedded one when settings say so. */
  livekit?: { url: string; apiKey: string; apiSecret: string };
  /** "Show folder" is done by the shell (Electron's shell.showItemInFolder), not by the services process. */
  revealInShell?: boolean;
  /** A packaged app's resources folder, where its livekit-server is. */
  resourcesDir?: string;
  /** The embedded LiveKit's ports: a restarted services process passes the previous one's, so its URL stays the same. */
  livekitPorts?: { http: number; udp: number };
  /** Why the shell's secret store would refuse a new secret (a weak keyring), so the services refuse in those words. */
  secretRefusal?: string | null;
}

export interface ServicesInfo {
  spaceServerUrl: string;
  protocolUrl: string;
  livekitUrl: string;
  /** The embedded LiveKit's ports (the same across its restarts); null or absent when the LiveKit is not the services' own. */
  livekitPorts?: { http: number; udp: number } | null;
}

/** What a process that started reports: its addresses, and the port its space server took (kept across restarts). */
export interface ServicesReady {
  info: ServicesInfo;
  spaceServerPort: number;
}

export type ToServices =
  | { kind: 'start'; options: ServicesStartOptions; secrets: Record<string, string> }
  | { kind: 'call'; id: number; channel: string; request: unknown }
  | { kind: 'audio'; bytes: Uint8Array }
  /** Audio the shell dropped because the link to the services was behind: the recorder marks the gap. */
  | { kind: 'dropped'; frames: number; atFrame: number; serial: number }
  | { kind: 'media'; id: number; token: string }
  /** The shell's global mute key status, for the studio's settings (Electron only). */
  | { kind: 'shortcut'; status: ShortcutStatus | null }
  | { kind: 'close' };

export type FromServices =
  | { kind: 'ready'; ready: ServicesReady }
  | { kind: 'failed'; message: string }
  | { kind: 'result'; id: number; result: Result<unknown> }
  | { kind: 'media'; id: number; file: string | null }
  /** How many audio bytes the services have taken since the last ack: the shell's queue to them is bounded by it. */
  | { kind: 'audioAck'; bytes: number }
  /** A secret changed: the shell keeps secrets (encrypted with safeStorage in Electron). */
  | { kind: 'secret'; name: string; value: string | null }
  | { kind: 'reveal'; folder: string }
  /** The renderer's desktop:state, for the shell's tray, global shortcut and notifications. */
  | { kind: 'desktop'; state: DesktopState }
  | { kind: 'log'; line: string }
  | { kind: 'closed' };

/** The secrets the services read at start; the shell reads them from its store and hands them over. */
export const SERVICE_SECRET_NAMES = ['livekit.apiSecret', 'livekit.embedded.apiKey', 'livekit.embedded.apiSecret'] as const;
