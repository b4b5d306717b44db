// The shell's side of the services process: starts it (a Node child process here; Electron passes its own
// utility-process launcher), forwards contract calls, audio frames and media lookups, and keeps the secrets the
// services change. Calls made while the process is down fail with words, not silence.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DesktopState, ShortcutStatus } from '../../../common/ipc';
import { readPcmHeader } from '../../../common/recording';
import { err, type Result } from '../../../common/result';
import type { SecretStore } from '../secrets';
import { SERVICE_SECRET_NAMES, type FromServices, type ServicesInfo, type ServicesStartOptions, type ToServices } from './protocol';

/** How the shell talks to the process it started. */
export interface ServicesTransport {
  send(message: ToServices): void;
  onMessage(listener: (message: FromServices) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

export interface ServicesHandle {
  info: ServicesInfo;
  call(channel: string, request: unknown): Promise<Result<unknown>>;
  ingestAudio(bytes: Uint8Array): void;
  mediaFile(token: string): Promise<string | null>;
  /** Audio frames dropped in the shell because the services were behind. */
  readonly droppedFrames: number;
  /** Tells the services how the shell's global mute key stands, for the studio's settings. */
  setShortcutStatus(status: ShortcutStatus | null): void;
  close(): Promise<void>;
  /** The process's id, for tests that kill it. */
  readonly pid: number | undefined;
}

export interface ServicesProcessOptions extends ServicesStartOptions {
  secrets: SecretStore;
  log?: (line: string) => void;
  /** Electron passes a utility-process launcher; by default a Node child process. */
  launch?: (entry: string) => ServicesTransport & { pid?: number };
  /** Electron reveals folders itself. */
  reveal?: (folder: string) => void;
  /** The renderer's desktop state (tray, mute key, notifications): Electron only. */
  onDesktopState?: (state: DesktopState) => void;
}

/** The entry beside the bundle in a build (out/main/services.js), the .ts source (run with tsx's loader) otherwise. */
export function servicesEntry(): { file: string; execArgv: string[] } {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const built of [path.join(here, 'services.js'), path.join(here, '..', 'services.js')]) {
    if (fs.existsSync(built)) return { file: built, execArgv: [] };
  }
  return { file: path.join(here, 'child.ts'), execArgv: ['--import', 'tsx'] };
}

function nodeLaunch(entry: string, execArgv: string[]): ServicesTransport & { pid?: number } {
  const child = fork(entry, [], { serialization: 'advanced', execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    pid: child.pid,
    send: (m) => void (child.connected && child.send(m)),
    onMessage: (listener) => child.on('message', (m) => listener(m as FromServices)),
    onExit: (listener) => child.once('exit', (code) => listener(code)),
    kill: () => void child.kill('SIGKILL'),
  };
}

const START_TIMEOUT_MS = 180_000;
/**
 * Audio on its way to the services process and not yet acknowledged. Above this the link is behind (the services
 * process is starved or stuck): new frames are dropped here, counted and reported so the recorder marks the gap,
 * and neither memory nor the contract calls that share the channel queue up behind audio.
 */
export const MAX_AUDIO_IN_FLIGHT = 4 * 1024 * 1024;

export async function startServicesProcess(options: ServicesProcessOptions): Promise<ServicesHandle> {
  const log = options.log ?? (() => {});
  const { secrets, launch, reveal } = options;
  const start: ServicesStartOptions = {
    dataDir: options.dataDir,
    assetsDir: options.assetsDir,
    shell: options.shell,
    version: options.version,
    spaceServerPort: options.spaceServerPort,
    spaceServerHost: options.spaceServerHost,
    publicUrl: options.publicUrl,
    recordingsDir: options.recordingsDir,
    livekit: options.livekit,
    revealInShell: options.revealInShell,
    resourcesDir: options.resourcesDir,
    secretRefusal: secrets.refusal?.(SERVICE_SECRET_NAMES[0]) ?? null,
  };
  const entry = servicesEntry();
  const transport = launch ? launch(entry.file) : nodeLaunch(entry.file, entry.execArgv);
  let nextId = 1;
  const calls = new Map<number, (result: Result<unknown>) => void>();
  const media = new Map<number, (file: string | null) => void>();
  let alive = true;
  let inFlight = 0;
  let droppedFrames = 0;
  let closing = false;
  let closed: (() => void) | null = null;

  const ready = new Promise<ServicesInfo>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the studio services did not start in time')), START_TIMEOUT_MS);
    transport.onMessage((message) => {
      switch (message.kind) {
        case 'ready':
          clearTimeout(timer);
          return resolve(message.info);
        case 'failed':
          clearTimeout(timer);
          return reject(new Error(message.message));
        case 'result':
          calls.get(message.id)?.(message.result);
          calls.delete(message.id);
          return;
        case 'media':
          media.get(message.id)?.(message.file);
          media.delete(message.id);
          return;
        case 'audioAck':
          inFlight = Math.max(0, inFlight - message.bytes);
          return;
        case 'secret':
          try {
            secrets.set(message.name, message.value);
          } catch (error) {
            log(`a secret could not be stored: ${(error as Error).message}`);
          }
          return;
        case 'reveal':
          reveal?.(message.folder);
          return;
        case 'desktop':
          try {
            options.onDesktopState?.(message.state);
          } catch (error) {
            log(`desktop state: ${(error as Error).message}`);
          }
          return;
        case 'log':
          return log(message.line);
        case 'closed':
          closed?.();
          return;
      }
    });
    transport.onExit((code) => {
      alive = false;
      clearTimeout(timer);
      reject(new Error(`the studio services stopped while starting (exit ${code})`));
      for (const settle of calls.values()) settle(err('unavailable', "The studio's services stopped. Restart Podium; recordings in progress are repaired at the next start."));
      calls.clear();
      for (const settle of media.values()) settle(null);
      media.clear();
      closed?.();
      if (!closing) log(`the studio services process exited (${code})`);
    });
  });

  const initial: Record<string, string> = {};
  for (const name of SERVICE_SECRET_NAMES) {
    const value = secrets.get(name);
    if (value !== null) initial[name] = value;
  }
  transport.send({ kind: 'start', options: start, secrets: initial });
  let info: ServicesInfo;
  try {
    info = await ready;
  } catch (error) {
    transport.kill();
    throw error;
  }

  return {
    info,
    pid: transport.pid,
    call(channel, request) {
      if (!alive) return Promise.resolve(err('unavailable', "The studio's services are not running. Restart Podium."));
      const id = nextId++;
      return new Promise((resolve) => {
        calls.set(id, resolve);
        transport.send({ kind: 'call', id, channel, request });
      });
    },
    ingestAudio(bytes) {
      if (!alive) return;
      if (inFlight + bytes.byteLength > MAX_AUDIO_IN_FLIGHT) {
        // Counted by the mix's frames (every track loses the same time); only a well-formed header is believed.
        const header = readPcmHeader(bytes);
        if (header?.track === 0) {
          droppedFrames += header.sampleCount;
          transport.send({ kind: 'dropped', frames: header.sampleCount, atFrame: header.startFrame, serial: header.serial });
        }
        return;
      }
      inFlight += bytes.byteLength;
      transport.send({ kind: 'audio', bytes });
    },
    get droppedFrames() {
      return droppedFrames;
    },
    setShortcutStatus(status) {
      if (alive) transport.send({ kind: 'shortcut', status });
    },
    mediaFile(token) {
      if (!alive) return Promise.resolve(null);
      const id = nextId++;
      return new Promise((resolve) => {
        media.set(id, resolve);
        transport.send({ kind: 'media', id, token });
      });
    },
    async close() {
      if (!alive) return;
      closing = true;
      const done = new Promise<void>((resolve) => (closed = resolve));
      transport.send({ kind: 'close' });
      // The recording is finished and the spaces closed before the process leaves; a stuck one is killed.
      const timer = setTimeout(() => transport.kill(), 15_000);
      await done;
      clearTimeout(timer);
    },
  };
}
