// The recorder's worker thread: the studio's main thread (Electron's UI thread, or the web studio's event loop) only
// forwards calls and audio frames here, so writing, metering and repairing files never hold it up.
import { parentPort, workerData } from 'node:worker_threads';
import { toAppError } from '../../../common/result';
import { createRecordingService, type RecordingServiceOptions } from './service';
import type { ToRecorder, FromRecorder } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('recorder worker started outside a worker thread');
const send = (message: FromRecorder) => port.postMessage(message);
const service = createRecordingService({ ...(workerData as RecordingServiceOptions), log: (line) => send({ kind: 'log', line }) });
const ticker = setInterval(() => service.tick(), 1000);

port.on('message', async (message: ToRecorder) => {
  switch (message.kind) {
    case 'pcm': {
      const result = service.ingest(new Uint8Array(message.data));
      send({ kind: 'ack', bytes: message.data.byteLength, refused: result.ok ? null : result.message });
      return;
    }
    case 'dropped':
      service.dropped(message.frames, message.atFrame, message.serial);
      return;
    case 'call': {
      try {
        const method = service[message.method] as (args: unknown) => unknown;
        const value = await method(message.args);
        send({ kind: 'result', id: message.id, ok: true, value });
      } catch (error) {
        const appError = toAppError(error);
        if (appError.code === 'internal') send({ kind: 'log', line: `recorder ${message.method} failed: ${(error as Error)?.stack ?? String(error)}` });
        send({ kind: 'result', id: message.id, ok: false, error: appError });
      }
      return;
    }
    case 'close':
      clearInterval(ticker);
      service.close();
      send({ kind: 'closed' });
      return;
  }
});
void service.ready.then(() => send({ kind: 'ready' }));
