// The shell's side of the services process: starts it (a Node child process here; Electron passes its own
// utility-process launcher), forwards contract calls, audio frames and media lookups, keeps the secrets the services
// change — and supervises it. When the process stops on its own it is started again on the same ports, so every
// listener link and the studio's protocol URL stay valid, with a backoff and a limit (supervision.ts). While it is
// down, calls fail at once in words, audio is dropped and counted, media lookups find nothing; the shell and the
// studio follow it through status()/onStatus().
import type { DesktopState, ShortcutStatus } from '../../../common/ipc';
import { err, type Result } from '../../../common/result';
import type { ServicesStatus } from '../../../common/services-status';
import type { SecretStore } from '../secrets';
import { launchGeneration, mixFrames, type Generation, type Launch } from './generation';
import { waitForFreePorts, type HeldPort } from './ports';
import { SERVICE_SECRET_NAMES, type ServicesInfo, type ServicesReady, type ServicesStartOptions } from './protocol';
import { addressChange, CLOSED_MESSAGE, decideRestart, RESTART_POLICY, RESTARTING_MESSAGE, type RestartPolicy } from './supervision';

export { MAX_AUDIO_IN_FLIGHT, servicesEntry, type ServicesTransport } from './generation';

export interface ServicesHandle {
  /** The addresses the services serve on; the same object, and the same URLs, across restarts. */
  info: ServicesInfo;
  call(channel: string, request: unknown): Promise<Result<unknown>>;
  ingestAudio(bytes: Uint8Array): void;
  mediaFile(token: string): Promise<string | null>;
  /** Audio frames dropped in the shell because the services were behind, or down. */
  readonly droppedFrames: number;
  /** Tells the services how the shell's global mute key stands, for the studio's settings. */
  setShortcutStatus(status: ShortcutStatus | null): void;
  /** Running, restarting after a stop, or given up on. */
  status(): ServicesStatus;
  /** Every change of status(); returns the unsubscribe. */
  onStatus(listener: (status: ServicesStatus) => void): () => void;
  close(): Promise<void>;
  /** The current process's id (the one being started, during a restart), for tests that kill it. */
  readonly pid: number | undefined;
}

export interface ServicesProcessOptions extends ServicesStartOptions {
  secrets: SecretStore;
  log?: (line: string) => void;
  /** Electron passes a utility-process launcher; by default a Node child process. */
  launch?: Launch;
  /** Electron reveals folders itself. */
  reveal?: (folder: string) => void;
  /** The renderer's desktop state (tray, mute key, notifications): Electron only. */
  onDesktopState?: (state: DesktopState) => void;
  /** For tests: a quicker or stricter restart policy. */
  restartPolicy?: RestartPolicy;
}

/** How long a restart waits for the stopped process's ports (its LiveKit's included) to be given back. */
const PORTS_TIMEOUT_MS = 10_000;

/** The ports a process that reported `ready` held: the next one binds the same. */
function heldPorts(start: ServicesStartOptions, ready: ServicesReady): HeldPort[] {
  const held: HeldPort[] = [{ protocol: 'tcp', host: start.spaceServerHost ?? '127.0.0.1', port: ready.spaceServerPort }];
  const lk = ready.info.livekitPorts;
  // The embedded LiveKit binds loopback only (server/livekit/runtime.ts).
  if (lk) held.push({ protocol: 'tcp', host: '127.0.0.1', port: lk.http }, { protocol: 'udp', host: '127.0.0.1', port: lk.udp });
  return held;
}

export async function startServicesProcess(options: ServicesProcessOptions): Promise<ServicesHandle> {
  const log = options.log ?? (() => {});
  const policy = options.restartPolicy ?? RESTART_POLICY;
  const { secrets } = options;
  const start: ServicesStartOptions = {
    dataDir: options.dataDir,
    assetsDir: options.assetsDir,
    shell: options.shell,
    version: options.version,
    spaceServerPort: options.spaceServerPort,
    spaceServerHost: options.spaceServerHost,
    publicUrl: options.publicUrl,
    recordingsDir: options.recordingsDir,
    ...(options.sfu ? { sfu: options.sfu } : {}),
    livekit: options.livekit,
    livekitPorts: options.livekitPorts,
    revealInShell: options.revealInShell,
    resourcesDir: options.resourcesDir,
    secretRefusal: secrets.refusal?.(SERVICE_SECRET_NAMES[0]) ?? null,
  };

  let status: ServicesStatus = { state: 'running', since: Date.now(), restarts: 0, detail: null };
  const listeners = new Set<(status: ServicesStatus) => void>();
  let closing = false;
  let closed: Promise<void> | null = null;
  let crashes: number[] = [];
  let restartTimer: ReturnType<typeof setTimeout> | null = null;
  let droppedFrames = 0;
  /** Re-sent to every new process: the studio reported them once and will not again until they change. */
  let shortcut: { status: ShortcutStatus | null } | null = null;
  let desktopReport: { request: unknown } | null = null;

  function setStatus(next: ServicesStatus): void {
    status = next;
    for (const listener of [...listeners]) {
      try {
        listener(next);
      } catch (error) {
        log(`services status listener: ${(error as Error).message}`);
      }
    }
  }

  /** What a call hears while there is no process to answer it. */
  const unavailable = () => (closing ? CLOSED_MESSAGE : status.state === 'failed' ? (status.detail ?? CLOSED_MESSAGE) : RESTARTING_MESSAGE);
  /** The serving process, once the first one is up; a process being started again is `starting` until it is. */
  let current: Generation | null = null;
  let starting: Generation | null = null;
  const launch = (startWith: ServicesStartOptions): Generation => {
    const generation: Generation = launchGeneration(
      startWith,
      {
        secrets,
        log,
        reveal: options.reveal,
        onDesktopState: options.onDesktopState,
        // Only the serving process's stop is a crash handled here; one that dies while starting is restart()'s.
        onExit: (code) => {
          if (!closing && generation === current) stopped(code);
        },
        unavailable,
      },
      options.launch,
    );
    return generation;
  };

  // The first process: if it cannot start, nothing is supervised and the caller hears why.
  const first = launch(start);
  let lastReady: ServicesReady;
  try {
    lastReady = await first.ready;
  } catch (error) {
    first.kill();
    throw error;
  }
  current = first;
  const info: ServicesInfo = { ...lastReady.info };

  /** The serving process stopped on its own: restart it after the backoff, or give up and say so. */
  function stopped(code: number | null): void {
    const decision = decideRestart(crashes, Date.now(), policy);
    crashes = decision.crashes;
    if (decision.action === 'give-up') {
      log(`the studio services process exited (${code}) again; not restarting it. ${decision.detail}`);
      return setStatus({ state: 'failed', since: Date.now(), restarts: status.restarts, detail: decision.detail });
    }
    log(`the studio services process exited (${code}); starting it again in ${decision.delayMs} ms`);
    if (status.state !== 'restarting') setStatus({ state: 'restarting', since: Date.now(), restarts: status.restarts, detail: null });
    restartTimer = setTimeout(() => {
      restartTimer = null;
      void restart().catch((error: unknown) => log(`restarting the studio services failed: ${String(error)}`));
    }, decision.delayMs);
  }

  async function restart(): Promise<void> {
    // The old process's LiveKit leaves a moment after it (its watchdog sees the pipe close): wait for its ports.
    if (!(await waitForFreePorts(heldPorts(start, lastReady), PORTS_TIMEOUT_MS, () => closing))) {
      if (closing) return;
      log('the stopped services process’s ports are still taken; starting anyway');
    }
    if (closing) return;
    const generation = launch({ ...start, spaceServerPort: lastReady.spaceServerPort, livekitPorts: lastReady.info.livekitPorts ?? start.livekitPorts });
    starting = generation;
    let next: ServicesReady;
    try {
      next = await generation.ready;
    } catch (error) {
      starting = null;
      generation.kill();
      await generation.exited;
      if (closing) return;
      log(`the studio services did not start again: ${(error as Error).message}`);
      return stopped(null);
    }
    starting = null;
    if (closing) return generation.close();
    current = generation;
    lastReady = next;
    const detail = addressChange(info, next.info);
    // Same object: whoever read info reads the current addresses (and the status says if they moved).
    Object.assign(info, next.info);
    if (shortcut) generation.send({ kind: 'shortcut', status: shortcut.status });
    if (desktopReport) void generation.call('desktop:state', desktopReport.request);
    log(`the studio services are running again (restart ${status.restarts + 1})`);
    setStatus({ state: 'running', since: Date.now(), restarts: status.restarts + 1, detail });
  }

  const serving = () => (current?.alive() && !closing ? current : null);

  return {
    info,
    get pid() {
      return (starting ?? current)?.pid;
    },
    call(channel, request) {
      const generation = serving();
      if (!generation) return Promise.resolve(err('unavailable', unavailable()));
      if (channel === 'desktop:state') desktopReport = { request };
      return generation.call(channel, request);
    },
    ingestAudio(bytes) {
      const generation = serving();
      // Down or restarting: what is lost is counted as the mix's frames, as when the link is behind.
      droppedFrames += generation ? generation.ingest(bytes) : (mixFrames(bytes)?.frames ?? 0);
    },
    get droppedFrames() {
      return droppedFrames;
    },
    setShortcutStatus(next) {
      shortcut = { status: next };
      serving()?.send({ kind: 'shortcut', status: next });
    },
    mediaFile(token) {
      return serving()?.mediaFile(token) ?? Promise.resolve(null);
    },
    status: () => status,
    onStatus(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close() {
      closed ??= (async () => {
        closing = true;
        if (restartTimer) clearTimeout(restartTimer);
        restartTimer = null;
        // A process being started again is stopped too: a restart never outlives close().
        await Promise.all([current, starting].map((g) => g?.close()));
        listeners.clear();
      })();
      return closed;
    },
  };
}
