// The owner's side of the recorder's worker thread: calls become messages, audio frames are transferred, and the
// queue to the worker is bounded. If the disk (or the machine) cannot keep up, frames are dropped here — the audio
// thread and the studio never wait — and the worker records the dropped time as silence with a marker, so every
// track keeps its clock. If the worker dies, it is started again, and its recovery repairs what was being written.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { readPcmHeader } from '../../../common/recording';
import { PodiumError } from '../../../common/result';
import type { RecordingServiceOptions } from './service';
import type { FromRecorder, RecorderArgs, RecorderMethod, RecorderResult, ToRecorder } from './worker-protocol';

/** ~5 s of 8 tracks: beyond this the writer is behind and new audio is dropped instead of piling up in memory. */
export const MAX_QUEUED_BYTES = 8 * 1024 * 1024;
const RESTART_WINDOW_MS = 60_000;

export interface RecordingHost {
  call<M extends RecorderMethod>(method: M, ...args: RecorderArgs<M> extends undefined ? [] : [RecorderArgs<M>]): Promise<RecorderResult<M>>;
  /** One binary frame from the renderer; never blocks, never throws. */
  ingest(bytes: Uint8Array): void;
  /** Frames dropped here because the writer was behind. */
  readonly droppedFrames: number;
  /** Audio dropped before it reached this host (the shell's link to the services was behind): marked as a gap. */
  noteDropped(frames: number, atFrame: number, serial: number): void;
  close(): Promise<void>;
}

/**
 * The worker's entry: beside the bundle in a build (out/main/recorder-worker.js). Run from source (npm start under
 * tsx, the tests), the worker needs tsx's loader too, and a loader given to this thread does not reach a worker:
 * a two-line bootstrap registers it inside the worker, then imports the TypeScript entry.
 */
function workerEntry(): { code: string; eval: boolean } {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const built = path.join(here, 'recorder-worker.js');
  if (fs.existsSync(built)) return { code: built, eval: false };
  // require.resolve answers tsx's CommonJS build; the worker imports its ES module build, which sits beside it.
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const entry = pathToFileURL(path.join(here, 'worker.ts')).href;
  return { code: `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`, eval: true };
}

export async function startRecordingHost(options: Omit<RecordingServiceOptions, 'log'> & { log?: (line: string) => void }): Promise<RecordingHost> {
  const log = options.log ?? (() => {});
  let worker: Worker;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let queued = 0;
  let droppedFrames = 0;
  let closing = false;
  let restarts: number[] = [];
  let lastRefusalLog = 0;

  function spawn(): Promise<void> {
    const entry = workerEntry();
    // Everything but the log function, which cannot cross to a thread (the worker sends log lines back instead).
    const data = { directory: options.directory, dataDir: options.dataDir };
    worker = new Worker(entry.code, { workerData: data, eval: entry.eval });
    queued = 0;
    return new Promise((resolve, reject) => {
      worker.on('message', (message: FromRecorder) => {
        switch (message.kind) {
          case 'ready':
            return resolve();
          case 'ack':
            queued = Math.max(0, queued - message.bytes);
            if (message.refused && Date.now() - lastRefusalLog > 5000) {
              lastRefusalLog = Date.now();
              log(`recorder refused an audio frame: ${message.refused}`);
            }
            return;
          case 'log':
            return log(message.line);
          case 'result': {
            const waiter = pending.get(message.id);
            pending.delete(message.id);
            if (message.ok) waiter?.resolve(message.value);
            else waiter?.reject(new PodiumError(message.error.code, message.error.message));
            return;
          }
          case 'closed':
            return;
        }
      });
      worker.once('error', (error) => {
        log(`recorder worker failed: ${error.stack ?? error.message}`);
        reject(error);
      });
      worker.once('exit', (code) => {
        for (const waiter of pending.values()) waiter.reject(new PodiumError('unavailable', 'The recorder stopped unexpectedly. What was recorded has been kept; start recording again.'));
        pending.clear();
        if (closing) return;
        const now = Date.now();
        restarts = [...restarts.filter((t) => now - t < RESTART_WINDOW_MS), now];
        if (restarts.length > 3) return log(`recorder worker exited (${code}) again; not restarting it`);
        log(`recorder worker exited (${code}); starting it again`);
        spawn().catch((error: unknown) => log(`recorder worker could not restart: ${String(error)}`));
      });
    });
  }

  await spawn();

  const host: RecordingHost = {
    call(method, ...args) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        worker.postMessage({ kind: 'call', id, method, args: args[0] } satisfies ToRecorder);
      });
    },
    ingest(bytes) {
      if (queued + bytes.byteLength > MAX_QUEUED_BYTES) {
        // Count what is lost by the mix's frames (every track loses the same time), so the worker can mark it. Only a
        // well-formed header is believed; the worker checks the serial and the position against the clock again.
        const header = readPcmHeader(bytes);
        if (header && header.track === 0) {
          droppedFrames += header.sampleCount;
          worker.postMessage({ kind: 'dropped', frames: header.sampleCount, atFrame: header.startFrame, serial: header.serial } satisfies ToRecorder);
        }
        return;
      }
      // A copy the worker can own: the caller's bytes may be a view into a larger, pooled buffer (and a Node Buffer's
      // slice() is a view, not a copy), which must not be transferred away.
      const copy = new Uint8Array(bytes.byteLength);
      copy.set(bytes);
      const data = copy.buffer;
      queued += data.byteLength;
      worker.postMessage({ kind: 'pcm', data } satisfies ToRecorder, [data]);
    },
    get droppedFrames() {
      return droppedFrames;
    },
    noteDropped(frames, atFrame, serial) {
      worker.postMessage({ kind: 'dropped', frames, atFrame, serial } satisfies ToRecorder);
    },
    async close() {
      closing = true;
      const closed = new Promise<void>((resolve) => {
        worker.once('exit', () => resolve());
        worker.on('message', (m: FromRecorder) => m.kind === 'closed' && void worker.terminate());
      });
      worker.postMessage({ kind: 'close' } satisfies ToRecorder);
      await Promise.race([closed, new Promise((r) => setTimeout(r, 5000))]);
      await worker.terminate();
    },
  };
  return host;
}
