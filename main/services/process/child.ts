// The services process: the studio's main-side services (space server, recorder, the embedded LiveKit) in a process
// of their own, so the shell's thread — Electron's UI thread, or the web studio host's event loop — never waits on
// SQLite, a thousand listeners' WebSockets or the enforcer. Started by parent.ts as an Electron utility process or a
// Node child process; the contract is dispatched here, with the same checks as in-process. It reports the port its
// space server took, so that a process started after this one stopped takes the same (links stay valid).
import { PodiumError } from '../../../common/result';
import { installProcessGuard } from '../../../server/process-guard';
import { dispatch } from '../../ipc/dispatch';
import { startLivekit } from '../../../server/livekit/runtime';
import { freePort } from '../../../server/local-webhook';
import { revealInFileManager } from '../recording/reveal';
import type { SecretStore } from '../secrets';
import { startStudioServices, type StudioServices } from '../studio';
import type { ShortcutStatus } from '../../../common/ipc';
import type { FromServices, ServicesStartOptions, ToServices } from './protocol';

interface Channel {
  send(message: FromServices): void;
  onMessage(listener: (message: ToServices) => void): void;
}

/** Electron's utility process has process.parentPort; a Node child process has process.send. */
function parentChannel(): Channel {
  const electronPort = (process as NodeJS.Process & { parentPort?: { postMessage(m: unknown): void; on(e: 'message', l: (e: { data: unknown }) => void): void } }).parentPort;
  if (electronPort) {
    return {
      send: (m) => electronPort.postMessage(m),
      onMessage: (listener) => electronPort.on('message', (e) => listener(e.data as ToServices)),
    };
  }
  if (!process.send) throw new Error('the services process must be started by the studio');
  return {
    // After a disconnect (the shell is gone) there is nobody to tell: sending would throw.
    send: (m) => void (process.connected && process.send!(m)),
    onMessage: (listener) => process.on('message', (m) => listener(m as ToServices)),
  };
}

const channel = parentChannel();
const log = (line: string) => channel.send({ kind: 'log', line });
let services: StudioServices | null = null;
/** Settles once the start has (or has not) worked: a close that arrives meanwhile waits for it. */
let starting: Promise<void> | null = null;
let closing = false;
let shortcut: ShortcutStatus | null = null;
// Whatever escapes a handler of the space server is logged, and the spaces stay live.
installProcessGuard(log);
// The shell went away without saying goodbye (it crashed): finish the recording, close the spaces, leave.
process.on('disconnect', () => closeAndExit());

/** Secrets live in the shell; the services keep a copy in memory and tell the shell about every change. */
function secretsFrom(initial: Record<string, string>, refusal: string | null): SecretStore {
  const values = new Map(Object.entries(initial));
  return {
    get: (name) => values.get(name) ?? null,
    refusal: () => refusal,
    set(name, value) {
      // The shell's store could not protect it (a weak keyring): say so now, in its words, rather than lose it later.
      if (value !== null && refusal) throw new PodiumError('unavailable', refusal);
      if (value === null) values.delete(name);
      else values.set(name, value);
      channel.send({ kind: 'secret', name, value });
    },
  };
}

// Audio taken is acknowledged in batches (every 50 ms): the shell stops sending, and drops, while too much is unacknowledged.
let unacknowledged = 0;
let ackTimer: ReturnType<typeof setTimeout> | null = null;
function acknowledge(bytes: number): void {
  unacknowledged += bytes;
  ackTimer ??= setTimeout(() => {
    ackTimer = null;
    channel.send({ kind: 'audioAck', bytes: unacknowledged });
    unacknowledged = 0;
  }, 50);
}

/** Starts the services on the port the shell asked for, or a free one it is then told about (and reuses after a restart). */
async function startServices(options: ServicesStartOptions, secrets: Record<string, string>): Promise<void> {
  try {
    const host = options.spaceServerHost ?? '127.0.0.1';
    const spaceServerPort = options.spaceServerPort || (await freePort(host));
    const given = options.livekit;
    const started = await startStudioServices({
      ...options,
      spaceServerPort,
      log,
      secrets: secretsFrom(secrets, options.secretRefusal ?? null),
      startEmbeddedLivekit: given ? async () => ({ ...given, stop: async () => {} }) : (opts) => startLivekit({ ...opts, resourcesDir: options.resourcesDir, log: () => {} }),
      onDesktopState: (state) => channel.send({ kind: 'desktop', state }),
      shortcutStatus: () => shortcut,
      reveal: options.revealInShell
        ? async (folder) => {
            channel.send({ kind: 'reveal', folder });
            return true;
          }
        : revealInFileManager,
    });
    services = started;
    if (closing) return;
    const info = {
      spaceServerUrl: started.spaceServer.url,
      protocolUrl: started.spaceServer.protocolUrl,
      livekitUrl: started.sfuUrl,
      livekitPorts: started.livekitPorts,
    };
    channel.send({ kind: 'ready', ready: { info, spaceServerPort } });
  } catch (error) {
    channel.send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}

/** Finishes the recording and closes the spaces (once a start under way has settled), then leaves. */
function closeAndExit(): void {
  if (closing) return;
  closing = true;
  void (starting ?? Promise.resolve())
    .then(() => services?.close())
    .catch((error: unknown) => log(`closing the studio services: ${String(error)}`))
    .finally(() => {
      channel.send({ kind: 'closed' });
      setTimeout(() => process.exit(0), 50);
    });
}

channel.onMessage((message) => {
  switch (message.kind) {
    case 'start':
      starting ??= startServices(message.options, message.secrets);
      return;
    case 'call':
      if (!services) return channel.send({ kind: 'result', id: message.id, result: { ok: false, error: { code: 'unavailable', message: 'The studio is still starting.' } } });
      void dispatch(services.handlers, message.channel, message.request, log).then((result) => channel.send({ kind: 'result', id: message.id, result }));
      return;
    case 'audio':
      services?.ingestAudio(message.bytes);
      acknowledge(message.bytes.byteLength);
      return;
    case 'dropped':
      services?.audioDropped(message.frames, message.atFrame, message.serial);
      return;
    case 'media':
      channel.send({ kind: 'media', id: message.id, file: services?.mediaFile(message.token) ?? null });
      return;
    case 'shortcut':
      shortcut = message.status;
      return;
    case 'close':
      return closeAndExit();
  }
});
