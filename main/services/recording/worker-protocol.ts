// Messages between the recorder's worker thread and the thread that owns it. Audio travels as transferred
// ArrayBuffers, never copied into JSON.
import type { AppError } from '../../../common/result';
import type { RecordingService } from './service';

export type RecorderMethod = 'start' | 'addTrack' | 'mark' | 'stage' | 'stop' | 'status' | 'list' | 'dismissRecovered' | 'delete' | 'folderOf' | 'mediaFile' | 'normalize';
type Method<M extends RecorderMethod> = RecordingService[M];
export type RecorderArgs<M extends RecorderMethod> = Parameters<Method<M>> extends [] ? undefined : Parameters<Method<M>>[0];
export type RecorderResult<M extends RecorderMethod> = Awaited<ReturnType<Method<M>>>;

export type ToRecorder =
  | { kind: 'call'; id: number; method: RecorderMethod; args: unknown }
  | { kind: 'pcm'; data: ArrayBuffer }
  | { kind: 'dropped'; frames: number; atFrame: number; serial: number }
  | { kind: 'close' };

export type FromRecorder =
  | { kind: 'ready' }
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: AppError }
  | { kind: 'ack'; bytes: number; refused: string | null }
  | { kind: 'log'; line: string }
  | { kind: 'closed' };
