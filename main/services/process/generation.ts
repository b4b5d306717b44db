// One services process, from launch to exit: sends it the start message, matches results and media lookups to the
// calls that asked, bounds the audio in flight to it, and hands the secrets, folders and desktop state it reports to
// the shell. The supervisor in parent.ts starts a new one of these when one stops on its own.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DesktopState } from '../../../common/ipc';
import { readPcmHeader } from '../../../common/recording';
import { err, type Result } from '../../../common/result';
import type { SecretStore } from '../secrets';
import { SERVICE_SECRET_NAMES, type FromServices, type ServicesReady, type ServicesStartOptions, type ToServices } from './protocol';

/** How the shell talks to the process it started. */
export interface ServicesTransport {
  send(message: ToServices): void;
  onMessage(listener: (message: FromServices) => void): void;
  onExit(listener: (code: number | null) => void): void;
  kill(): void;
}

export type Launch = (entry: string) => ServicesTransport & { readonly pid?: number };

/**
 * Audio on its way to the services process and not yet acknowledged. Above this the link is behind (the services
 * process is starved or stuck): new frames are dropped here, counted and reported so the recorder marks the gap,
 * and neither memory nor the contract calls that share the channel queue up behind audio.
 */
export const MAX_AUDIO_IN_FLIGHT = 4 * 1024 * 1024;
const START_TIMEOUT_MS = 180_000;
/** A process that does not leave within this after being asked to close is killed. */
const CLOSE_TIMEOUT_MS = 15_000;

/** The entry beside the bundle in a build (out/main/services.js), the .ts source (run with tsx's loader) otherwise. */
export function servicesEntry(): { file: string; execArgv: string[] } {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const built of [path.join(here, 'services.js'), path.join(here, '..', 'services.js')]) {
    if (fs.existsSync(built)) return { file: built, execArgv: [] };
  }
  return { file: path.join(here, 'child.ts'), execArgv: ['--import', 'tsx'] };
}

export function nodeLaunch(entry: string, execArgv: string[]): ServicesTransport & { pid?: number } {
  const child = fork(entry, [], { serialization: 'advanced', execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  // A process that died a moment ago still counts as connected until its channel's end is read: a send then fails
  // (EPIPE). With a callback Node hands that failure to it instead of emitting an 'error' nobody listens to, which
  // would be an uncaught exception in the shell. Nothing else is needed: the exit answers whatever was waiting.
  const ignoreSendFailure = (): void => {};
  return {
    pid: child.pid,
    send: (m) => void (child.connected && child.send(m, ignoreSendFailure)),
    onMessage: (listener) => child.on('message', (m) => listener(m as FromServices)),
    onExit: (listener) => child.once('exit', (code) => listener(code)),
    kill: () => void child.kill('SIGKILL'),
  };
}

export interface GenerationHooks {
  secrets: SecretStore;
  log: (line: string) => void;
  reveal?: (folder: string) => void;
  onDesktopState?: (state: DesktopState) => void;
  /** Called once the process has gone (before the calls still waiting are answered). */
  onExit: (code: number | null) => void;
  /** The words for calls still waiting when the process went, decided after onExit. */
  unavailable: () => string;
}

export interface Generation {
  readonly pid: number | undefined;
  /** Resolves with what the process reported once it serves; rejects if it failed or stopped first. */
  readonly ready: Promise<ServicesReady>;
  /** Resolves once the process has exited. */
  readonly exited: Promise<void>;
  alive(): boolean;
  call(channel: string, request: unknown): Promise<Result<unknown>>;
  /** Sends one audio frame; answers the mix frames dropped instead (0 when it was sent). */
  ingest(bytes: Uint8Array): number;
  mediaFile(token: string): Promise<string | null>;
  send(message: ToServices): void;
  /** Asks the process to finish its recording and close its spaces, and waits for it to leave (killed if stuck). */
  close(): Promise<void>;
  kill(): void;
}

/** The mix frames one audio frame carries (0 for another track, or a header that is not believed). */
export function mixFrames(bytes: Uint8Array): { frames: number; atFrame: number; serial: number } | null {
  const header = readPcmHeader(bytes);
  return header?.track === 0 ? { frames: header.sampleCount, atFrame: header.startFrame, serial: header.serial } : null;
}

export function launchGeneration(start: ServicesStartOptions, hooks: GenerationHooks, launch?: Launch): Generation {
  const { secrets, log } = hooks;
  const entry = servicesEntry();
  const transport = launch ? launch(entry.file) : nodeLaunch(entry.file, entry.execArgv);
  let nextId = 1;
  const calls = new Map<number, (result: Result<unknown>) => void>();
  const media = new Map<number, (file: string | null) => void>();
  let alive = true;
  let inFlight = 0;
  let settleReady: { resolve: (r: ServicesReady) => void; reject: (e: Error) => void } | null = null;
  const ready = new Promise<ServicesReady>((resolve, reject) => (settleReady = { resolve, reject }));
  // Nobody may be listening yet (or any more): a rejection here is the supervisor's to handle, never unhandled.
  ready.catch(() => {});
  const timer = setTimeout(() => settleReady?.reject(new Error('the studio services did not start in time')), START_TIMEOUT_MS);
  let markExited: () => void = () => {};
  let closing: Promise<void> | null = null;
  const exited = new Promise<void>((resolve) => (markExited = resolve));

  transport.onMessage((message) => {
    switch (message.kind) {
      case 'ready':
        clearTimeout(timer);
        return settleReady?.resolve(message.ready);
      case 'failed':
        clearTimeout(timer);
        return settleReady?.reject(new Error(message.message));
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
        hooks.reveal?.(message.folder);
        return;
      case 'desktop':
        try {
          hooks.onDesktopState?.(message.state);
        } catch (error) {
          log(`desktop state: ${(error as Error).message}`);
        }
        return;
      case 'log':
        return log(message.line);
      case 'closed':
        return;
    }
  });
  transport.onExit((code) => {
    alive = false;
    clearTimeout(timer);
    settleReady?.reject(new Error(`the studio services stopped while starting (exit ${code})`));
    hooks.onExit(code);
    const words = hooks.unavailable();
    for (const settle of calls.values()) settle(err('unavailable', words));
    calls.clear();
    for (const settle of media.values()) settle(null);
    media.clear();
    markExited();
  });

  const initial: Record<string, string> = {};
  for (const name of SERVICE_SECRET_NAMES) {
    const value = secrets.get(name);
    if (value !== null) initial[name] = value;
  }
  transport.send({ kind: 'start', options: start, secrets: initial });

  return {
    get pid() {
      return transport.pid;
    },
    ready,
    exited,
    alive: () => alive,
    call(channel, request) {
      if (!alive) return Promise.resolve(err('unavailable', hooks.unavailable()));
      const id = nextId++;
      return new Promise((resolve) => {
        calls.set(id, resolve);
        transport.send({ kind: 'call', id, channel, request });
      });
    },
    ingest(bytes) {
      if (!alive) return mixFrames(bytes)?.frames ?? 0;
      if (inFlight + bytes.byteLength > MAX_AUDIO_IN_FLIGHT) {
        // Counted by the mix's frames (every track loses the same time); only a well-formed header is believed.
        const dropped = mixFrames(bytes);
        if (!dropped) return 0;
        transport.send({ kind: 'dropped', ...dropped });
        return dropped.frames;
      }
      inFlight += bytes.byteLength;
      transport.send({ kind: 'audio', bytes });
      return 0;
    },
    mediaFile(token) {
      if (!alive) return Promise.resolve(null);
      const id = nextId++;
      return new Promise((resolve) => {
        media.set(id, resolve);
        transport.send({ kind: 'media', id, token });
      });
    },
    send(message) {
      if (alive) transport.send(message);
    },
    close() {
      if (!alive) return exited;
      closing ??= (async () => {
        transport.send({ kind: 'close' });
        // The recording is finished and the spaces closed before the process leaves; a stuck one is killed.
        const stuck = setTimeout(() => transport.kill(), CLOSE_TIMEOUT_MS);
        await exited;
        clearTimeout(stuck);
      })();
      return closing;
    },
    kill() {
      if (alive) transport.kill();
    },
  };
}
