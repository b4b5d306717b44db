// What the studio's recording controls read and call. The controller (renderer/recording/controller.ts) taps the
// audio, streams it to the main-side recorder and keeps this view current; components only read it.
import type { ActiveRecording, RecordingEntry } from '../../common/recording';

export type RecordingPhase = 'idle' | 'starting' | 'recording' | 'stopping';

export interface TrackMeter {
  index: number;
  name: string;
  kind: 'mix' | 'host' | 'speaker';
  /** Peak level over the last ~100 ms, dBFS (−Infinity for silence). */
  peakDb: number;
}

export interface RecordingView {
  phase: RecordingPhase;
  /** The recorder's own account (written time, bytes, free disk, tracks, markers), polled about once a second. */
  active: ActiveRecording | null;
  /** One meter per track, mix first. */
  meters: TrackMeter[];
  /** The link to the writer or the writer itself fell behind: some audio became silence (see active.droppedMs). */
  behind: boolean;
  /** Why recording could not start or stopped on its own (disk full, folder gone…), in words. */
  error: string | null;
  /** The recording that just finished, for "Saved to …". */
  finished: RecordingEntry | null;
  /** Unfinished recordings found and repaired at start, until dismissed. */
  recovered: RecordingEntry[];
  /** Where recordings are written. */
  directory: string;
}

export const INITIAL_RECORDING_VIEW: RecordingView = {
  phase: 'idle',
  active: null,
  meters: [],
  behind: false,
  error: null,
  finished: null,
  recovered: [],
  directory: '',
};

export interface RecordingActions {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Adds a marker now, with an optional label. */
  mark(label?: string): Promise<void>;
  dismissError(): void;
  dismissFinished(): void;
  dismissRecovered(): Promise<void>;
}
