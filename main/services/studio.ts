// The studio's main-process services, composed once: settings, secrets, the LiveKit connection (an embedded
// livekit-server on loopback, kept running by its supervisor, or LiveKit Cloud / a cluster from settings), and the
// embedded space server, which tells every client the SFU's health.
// Both shells (Electron main, web studio host) build this and bind its handlers to their transport.
import path from 'node:path';
import { DEFAULT_PROCESSING, MAX_REMEMBERED_DEVICES, type AppInfo, type DesktopState, type HostedSpace, type ShortcutStatus } from '../../common/ipc';
import { PodiumError } from '../../common/result';
import { SFU_SIGNAL_PATH } from '../../common/sfu-signal';
import { startSpaceServer, type HostKeyed, type SpaceServer } from '../../server/index';
import type { SfuHealth } from '../../server/livekit/health';
import type { LivekitCredentials } from '../../server/livekit/tokens';
import { localWebhook } from '../../server/local-webhook';
import { generateLivekitCredentials, type LivekitServer, type Ports } from '../../server/livekit/runtime';
import { superviseLivekit } from '../../server/livekit/supervisor';
import type { IpcHandlers } from '../ipc/dispatch';
import { createSecretStore, type Cipher, type SecretStore } from './secrets';
import { createSettingsService } from './settings';
import { startRecordingHost, type RecordingHost } from './recording/host';
import { createMediaTokens } from './recording/media-tokens';
import { createEvidenceStore } from './evidence';
import { revealInFileManager } from './recording/reveal';

export const LIVEKIT_SECRET_NAME = 'livekit.apiSecret';
/** The embedded LiveKit's own pair: made once per installation, kept with the other secrets. */
export const EMBEDDED_KEY_NAME = 'livekit.embedded.apiKey';
export const EMBEDDED_SECRET_NAME = 'livekit.embedded.apiSecret';

export interface EmbeddedLivekitOptions {
  apiKey: string;
  apiSecret: string;
  /** Where LiveKit posts its webhooks: the embedded space server. */
  webhookUrls: string[];
  /** The ports to run on: the same on every restart, and those an earlier services process used. Absent: free ones. */
  ports?: Ports;
}

/**
 * What startEmbeddedLivekit gives back. A livekit-server this process runs (server/livekit/runtime.ts) is
 * supervised: restarted by calling startEmbeddedLivekit again on its ports. Bare credentials and stop (a LiveKit a
 * test already runs) are only probed, like a custom one.
 */
export type EmbeddedLivekit = LivekitCredentials & { stop(): Promise<void> } & Partial<Pick<LivekitServer, 'pid' | 'ports' | 'exited' | 'kill' | 'output'>>;

function isSupervisable(run: EmbeddedLivekit): run is LivekitServer {
  return run.ports !== undefined && run.exited instanceof Promise && typeof run.kill === 'function' && typeof run.output === 'function' && typeof run.pid === 'number';
}

export interface StudioOptions {
  dataDir: string;
  /** The built renderer (out/renderer). */
  assetsDir: string;
  shell: AppInfo['shell'];
  version: string;
  /** Starts the embedded LiveKit when settings ask for it (server/livekit/runtime.ts in production, tests pass a running one). */
  startEmbeddedLivekit: (opts: EmbeddedLivekitOptions) => Promise<EmbeddedLivekit>;
  /** The embedded LiveKit's ports (a restarted services process passes the previous one's, so its URL stays the same). */
  livekitPorts?: Ports;
  /** 0 or absent: a free port, chosen before LiveKit starts so its webhook URL can name it. */
  spaceServerPort?: number;
  spaceServerHost?: string;
  publicUrl?: string;
  cipher?: Cipher;
  log?: (line: string) => void;
  /** Where recordings go; default: <dataDir>/recordings. */
  recordingsDir?: string;
  /** The secret store to use (the services process gets the shell's); by default a file in dataDir. */
  secrets?: SecretStore;
  /** Shows a folder in the system's file manager (Electron: shell.showItemInFolder); answers whether it could. */
  reveal?: (folder: string) => Promise<boolean>;
  /**
   * The studio's state as the renderer last reported it (desktop:state), for the Electron shell's tray, global
   * shortcut and notifications. The web studio passes none: a browser tab has no tray.
   */
  onDesktopState?: (state: DesktopState) => void;
  /** The global mute shortcut's status for the settings (Electron); absent in the web studio. */
  shortcutStatus?: () => ShortcutStatus | null;
  /**
   * The SFU whatever the settings say (tests, PODIUM_SFU): 'mediasoup' runs it inside the space server and starts no
   * LiveKit; 'livekit' uses the settings' LiveKit (built-in or custom). Absent: the settings decide.
   */
  sfu?: 'livekit' | 'mediasoup';
}

export interface StudioServices {
  handlers: IpcHandlers;
  /** The renderer's last desktop:state, or null before the first (the shell reads it to build its tray menu). */
  desktopState(): DesktopState | null;
  spaceServer: SpaceServer;
  /** The LiveKit in use; null when the space server runs mediasoup. */
  livekit: LivekitCredentials | null;
  /** Where clients' SFU adapters connect: LiveKit's URL, or the space server's mediasoup signalling socket. */
  sfuUrl: string;
  /** The embedded LiveKit's ports, the same across its restarts (null for a custom LiveKit or one given by a test). */
  livekitPorts: Ports | null;
  /** The embedded LiveKit's pid now (null between a loss and its restart, or when it is not ours). */
  livekitPid(): number | null;
  /** Binary PCM frames from the renderer (a MessagePort in Electron, binary WebSocket frames in the web studio). */
  ingestAudio(bytes: Uint8Array): void;
  /** Audio dropped on the way here (the shell's link was behind): the recorder marks the gap. */
  audioDropped(frames: number, atFrame: number, serial: number): void;
  /** The file behind a /media/<token> URL that recordings:mediaUrl handed out, or null. */
  mediaFile(token: string): string | null;
  close(): Promise<void>;
}

/** The URL path under which the studio page plays recordings (web host and Electron's app scheme both serve it). */
export const MEDIA_PATH = '/media/';

function embeddedCredentials(secrets: SecretStore, log: (line: string) => void): { apiKey: string; apiSecret: string } {
  const apiKey = secrets.get(EMBEDDED_KEY_NAME);
  const apiSecret = secrets.get(EMBEDDED_SECRET_NAME);
  if (apiKey && apiSecret) return { apiKey, apiSecret };
  // First start (or the stored pair cannot be read here any more): the embedded LiveKit is ours, so a new pair is fine.
  const fresh = generateLivekitCredentials();
  try {
    secrets.set(EMBEDDED_KEY_NAME, fresh.apiKey);
    secrets.set(EMBEDDED_SECRET_NAME, fresh.apiSecret);
  } catch (error) {
    // No keyring to keep it (secrets.ts refuses): a pair for this run only works as well, since LiveKit starts with us.
    if (!(error instanceof PodiumError)) throw error;
    log(`the embedded LiveKit gets a new key pair at each start: ${error.message}`);
  }
  return fresh;
}

export async function startStudioServices(options: StudioOptions): Promise<StudioServices> {
  const log = options.log ?? (() => {});
  const settings = createSettingsService(options.dataDir, log);
  const secrets = options.secrets ?? createSecretStore(options.dataDir, log, options.cipher);
  const spaceServerHost = options.spaceServerHost ?? '127.0.0.1';
  let spaceServerPort = options.spaceServerPort ?? 0;

  let stopLivekit: (() => Promise<void>) | null = null;
  let livekit: LivekitCredentials | null = null;
  let livekitPorts: Ports | null = null;
  let livekitPid = (): number | null => null;
  /** The supervisor's, for the embedded LiveKit; absent, the space server probes the LiveKit itself. */
  let sfuHealth: SfuHealth | undefined;
  const chosen = settings.get().livekit;
  const useMediasoup = options.sfu ? options.sfu === 'mediasoup' : chosen.mode === 'mediasoup';
  if (useMediasoup) {
    // The space server runs mediasoup's worker itself (server/sfu/mediasoup): no LiveKit process, no webhook.
  } else if (chosen.mode === 'custom') {
    const apiSecret = secrets.get(LIVEKIT_SECRET_NAME);
    if (!apiSecret) throw new PodiumError('invalid_state', 'LiveKit is set to a custom server but its API secret is missing; set it again in settings.');
    livekit = { url: chosen.url, apiKey: chosen.apiKey, apiSecret };
  } else {
    // LiveKit starts first and must be told where the space server will be, so settle its port now.
    const webhook = await localWebhook(spaceServerHost, spaceServerPort);
    spaceServerPort = webhook.port;
    const launch = { ...embeddedCredentials(secrets, log), webhookUrls: [webhook.url] };
    const first = await options.startEmbeddedLivekit({ ...launch, ...(options.livekitPorts ? { ports: options.livekitPorts } : {}) });
    livekit = { url: first.url, apiKey: first.apiKey, apiSecret: first.apiSecret };
    if (isSupervisable(first)) {
      const supervised = await superviseLivekit(
        async (ports) => {
          const run = await options.startEmbeddedLivekit({ ...launch, ...(ports ? { ports } : {}) });
          if (isSupervisable(run)) return run;
          await run.stop();
          throw new Error('the embedded LiveKit cannot be supervised');
        },
        { started: first, log },
      );
      supervised.health.subscribe((state) => {
        if (state.status === 'failed') log(supervised.failure() ?? 'the embedded LiveKit failed');
      });
      stopLivekit = () => supervised.stop();
      sfuHealth = supervised.health;
      livekitPorts = supervised.ports;
      livekitPid = () => supervised.pid();
    } else {
      stopLivekit = () => first.stop();
    }
  }

  let spaceServer: SpaceServer;
  try {
    spaceServer = await startSpaceServer({
      dbFile: path.join(options.dataDir, 'podium.sqlite'),
      // mediasoup's transports listen on loopback, as the embedded LiveKit does (server/livekit/runtime.ts).
      ...(useMediasoup ? { mediasoup: {} } : { livekit: livekit ?? undefined }),
      assetsDir: options.assetsDir,
      port: spaceServerPort,
      host: spaceServerHost,
      publicUrl: options.publicUrl,
      log,
      sfuHealth,
    });
  } catch (error) {
    await stopLivekit?.();
    throw error;
  }

  let recorder: RecordingHost;
  try {
    recorder = await startRecordingHost({
      directory: options.recordingsDir ?? path.join(options.dataDir, 'recordings'),
      dataDir: options.dataDir,
      log,
    });
  } catch (error) {
    await spaceServer.close();
    await stopLivekit?.();
    throw error;
  }
  const sfuUrl = livekit?.url ?? spaceServer.url.replace(/^http/, 'ws') + SFU_SIGNAL_PATH;
  const media = createMediaTokens();
  const evidence = createEvidenceStore(path.join(options.dataDir, 'evidence'));
  let desktop: DesktopState | null = null;

  const hosted = ({ space, hostKey }: HostKeyed): HostedSpace => ({
    space,
    shareUrl: spaceServer.shareUrl(space.id),
    protocolUrl: spaceServer.protocolUrl,
    credential: hostKey,
  });

  const handlers: IpcHandlers = {
    'app:info': () => ({
      version: options.version,
      shell: options.shell,
      spaceServerUrl: spaceServer.url,
      livekitUrl: sfuUrl,
      sfu: useMediasoup ? ('mediasoup' as const) : ('livekit' as const),
    }),
    'settings:get': () => settings.get(),
    'settings:setMicrophone': (req) => settings.update({ microphone: req }),
    'settings:setOutput': (req) => settings.update({ output: req.output }),
    'settings:setHostName': (req) => settings.update({ hostName: req.hostName, hostNameChosen: true }),
    'settings:setLivekit': (req) => {
      // Takes effect at the next start: switching SFUs under a live space would drop everyone.
      if (req.mode === 'embedded' || req.mode === 'mediasoup') return settings.update({ livekit: { mode: req.mode } });
      secrets.set(LIVEKIT_SECRET_NAME, req.apiSecret);
      return settings.update({ livekit: { mode: 'custom', url: req.url, apiKey: req.apiKey } });
    },
    'audio:getProcessing': (req) => settings.get().processing[req.deviceKey] ?? DEFAULT_PROCESSING,
    'audio:setProcessing': (req) => {
      // Newest first, and only so many devices: a studio that met 500 USB headsets keeps the last 50.
      const rest = Object.entries(settings.get().processing).filter(([key]) => key !== req.deviceKey);
      const processing = Object.fromEntries([[req.deviceKey, req.settings], ...rest].slice(0, MAX_REMEMBERED_DEVICES));
      return settings.update({ processing }).processing[req.deviceKey]!;
    },
    'desktop:state': (req) => {
      desktop = req;
      // The shell's tray is decoration: whatever it throws must not fail the studio's report.
      try {
        options.onDesktopState?.(req);
      } catch (error) {
        log(`desktop state: ${(error as Error).message}`);
      }
      return { ok: true as const, shortcut: options.shortcutStatus?.() ?? null };
    },
    'spaces:create': (req) =>
      hosted(spaceServer.createSpace({ ...req, hostName: settings.get().hostName })),
    'spaces:list': () => spaceServer.listSpaces(20),
    // Re-opening hands out a fresh host key; only the studio, which holds the main process, can ask for one.
    'spaces:open': (req) => hosted(spaceServer.reopenSpace(req.spaceId)),
    'schedule:create': (req) => spaceServer.scheduleSpace({ ...req, hostName: settings.get().hostName }).space,
    'schedule:update': (req) => spaceServer.rescheduleSpace(req),
    'schedule:cancel': (req) => spaceServer.cancelSpace(req),
    'schedule:overview': () => spaceServer.hostOverview(),
    'recording:start': (req) => recorder.call('start', req),
    'recording:addTrack': (req) => recorder.call('addTrack', req),
    'recording:mark': (req) => recorder.call('mark', req),
    'recording:stage': (req) => recorder.call('stage', req),
    'recording:stop': (req) => recorder.call('stop', req),
    'recording:status': () => recorder.call('status'),
    'recordings:list': () => recorder.call('list'),
    'recordings:delete': async (req) => {
      const folder = await recorder.call('folderOf', req);
      const done = await recorder.call('delete', req);
      // Playback URLs handed out for it stop working with it.
      media.revokeFolder(folder);
      return done;
    },
    'recordings:reveal': async (req) => {
      const folder = await recorder.call('folderOf', req);
      const reveal = options.reveal ?? revealInFileManager;
      return { path: folder, opened: await reveal(folder).catch(() => false) };
    },
    'recordings:mediaUrl': async (req) => ({ url: MEDIA_PATH + media.issue(await recorder.call('mediaFile', req)) }),
    'recordings:normalize': (req) => recorder.call('normalize', req),
    'recordings:dismissRecovered': () => recorder.call('dismissRecovered'),
    'evidence:save': (req) => evidence.save(req),
    'evidence:list': (req) => evidence.list(req.spaceId),
    'evidence:mediaUrl': (req) => ({ url: MEDIA_PATH + media.issue(evidence.file(req.spaceId, req.file)) }),
  };

  return {
    handlers,
    desktopState: () => desktop,
    spaceServer,
    livekit,
    sfuUrl,
    livekitPorts,
    livekitPid: () => livekitPid(),
    ingestAudio: (bytes) => recorder.ingest(bytes),
    audioDropped: (frames, atFrame, serial) => recorder.noteDropped(frames, atFrame, serial),
    mediaFile: (token) => media.resolve(token),
    async close() {
      // The recording is finished first: its files are what a producer cannot get back.
      await recorder.close();
      await spaceServer.close();
      if (stopLivekit) await stopLivekit();
    },
  };
}
