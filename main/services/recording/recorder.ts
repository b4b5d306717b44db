// The recorder: one recording at a time, one WAV per person on stage plus mix.wav, all on the recording's own sample
// clock. Audio arrives as binary PCM frames (common/recording.ts) that say where on that clock they start, so a
// person who joins later gets leading silence and a network gap becomes silence, never a shift. Every second the
// tracks are flushed and their headers rewritten; a killed process leaves files that recovery.ts repairs.
// No Electron import: the web studio, Electron (in a worker thread) and the tests run this very code.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  PCM_MAX_SAMPLES,
  RECORDING_SAMPLE_RATE as RATE,
  decodePcmFrame,
  marker,
  type ActiveRecording,
  type Loudness,
  type Marker,
  type RecorderStatus,
  type RecordingEntry,
  type TrackInfo,
} from '../../../common/recording';
import { PodiumError } from '../../../common/result';
import { writeExports } from './finish';
import { createRecordingFolder, diskError, MANIFEST_LIMITS, recordingFolderName, takeLock, trackFileName, writeManifest, type Manifest } from './folder';
import type { RecordingLibrary } from './library';
import { createLoudnessMeter } from './loudness';
import { TrackFile } from './track-file';

/** A frame may start at most this far past the wall-clock time since the start: no padding hours of silence. */
const AHEAD_LIMIT_FRAMES = RATE * 10;
/** A gap this long on a track that already had audio is marked, so a producer can find it. */
const GAP_MARK_FRAMES = RATE / 5;
/** Below this much free space the recording stops while its files can still be finished. */
export const MIN_FREE_BYTES = 64 * 1024 * 1024;
// Bounds on what the manifest (rewritten every second) may hold: a few MB at most (folder.ts).
const MAX_MARKERS = MANIFEST_LIMITS.markers;
const MAX_STAGE_SNAPSHOTS = MANIFEST_LIMITS.stageSnapshots;

interface LiveTrack {
  info: TrackInfo;
  file: TrackFile;
  fileName: string;
  meter: ReturnType<typeof createLoudnessMeter>;
  hadAudio: boolean;
  lastGapMarkAt: number;
}

interface Active {
  manifest: Manifest;
  folder: string;
  tracks: Map<number, LiveTrack>;
  releaseLock: () => void;
  droppedFrames: number;
  /** The furthest point on the clock any frame reached (written or dropped): every track ends here. */
  clockEnd: number;
  /** Members kept across all stage snapshots (bounded, with the manifest). */
  stageMembers: number;
  dirty: boolean;
}

export interface RecorderOptions {
  directory: string;
  library: RecordingLibrary;
  log?: (line: string) => void;
  now?: () => number;
  /** Free bytes on the recordings disk (tests stand in a full disk). */
  freeBytes?: (directory: string) => number | null;
}

export interface Recorder {
  start(input: { spaceId: string; title: string }): ActiveRecording;
  addTrack(input: { id: string; track: TrackInfo }): ActiveRecording;
  /** One binary frame from the renderer. A bad frame is refused whole: nothing of it is written. */
  ingest(bytes: Uint8Array): { ok: true } | { ok: false; message: string };
  mark(input: { id: string; marker: Marker }): ActiveRecording;
  stage(input: { id: string; frame: number; members: Manifest['stage'][number]['members'] }): void;
  stop(input: { id: string }): RecordingEntry;
  /**
   * Audio the link could not deliver (dropped before it reached the writer), to count and mark. Believed only for the
   * running recording (its serial) and within the clock's reach: a dropped frame must not extend the recording.
   */
  dropped(frames: number, atFrame: number, serial: number): void;
  /** Once a second: flush, rewrite headers, watch the folder and the free space. */
  tick(): void;
  status(): RecorderStatus;
  activeId(): string | null;
  /** Finishes a running recording (the studio is closing). */
  close(): void;
  /** Set by recovery at start. */
  recovered: RecordingEntry[];
  lastError: string | null;
}

function freeBytesOf(directory: string): number | null {
  try {
    const stats = fs.statfsSync(directory);
    return stats.bavail * stats.bsize;
  } catch {
    return null;
  }
}

export function createRecorder(options: RecorderOptions): Recorder {
  const log = options.log ?? (() => {});
  const now = options.now ?? Date.now;
  const freeBytes = options.freeBytes ?? freeBytesOf;
  let active: Active | null = null;

  const need = (id: string): Active => {
    if (!active) throw new PodiumError('invalid_state', 'Nothing is being recorded.');
    if (active.manifest.id !== id) throw new PodiumError('invalid_state', 'That recording has already stopped.');
    return active;
  };

  const writtenFrames = (a: Active) => Math.max(0, ...[...a.tracks.values()].map((t) => t.file.framesWritten));
  const bytes = (a: Active) => [...a.tracks.values()].reduce((sum, t) => sum + t.file.bytesOnDisk, 0);
  const ms = (frames: number) => Math.round((frames / RATE) * 1000);

  function view(a: Active): ActiveRecording {
    return {
      id: a.manifest.id,
      serial: a.manifest.serial,
      title: a.manifest.title,
      folder: a.folder,
      startedAt: a.manifest.startedAt,
      writtenMs: ms(writtenFrames(a)),
      bytes: bytes(a),
      freeBytes: freeBytes(options.directory),
      tracks: [...a.tracks.values()].map((t) => ({ ...t.info, writtenMs: ms(t.file.framesWritten) })),
      markers: a.manifest.markers.slice(-50),
      droppedMs: ms(a.droppedFrames),
    };
  }

  function entryFor(a: Active, state: RecordingEntry['status'], message: string | null, loudness: Map<number, Loudness>): RecordingEntry {
    const mix = [...a.tracks.values()].find((t) => t.info.kind === 'mix');
    return {
      id: a.manifest.id,
      title: a.manifest.title,
      spaceId: a.manifest.spaceId,
      folder: a.folder,
      startedAt: a.manifest.startedAt,
      durationMs: ms(writtenFrames(a)),
      sizeBytes: bytes(a),
      tracks: [...a.tracks.values()].map((t) => ({ ...t.info, file: t.fileName, loudness: loudness.get(t.info.index) ?? null })),
      markerCount: a.manifest.markers.length,
      status: state,
      message,
      loudness: mix ? (loudness.get(mix.info.index) ?? null) : null,
      normalizedFile: null,
    };
  }

  /** The furthest frame the clock can have reached now: what a frame, a marker or the final padding may not pass. */
  const reach = (a: Active) => ((now() - a.manifest.startedAt) / 1000) * RATE + AHEAD_LIMIT_FRAMES;

  function addMarker(a: Active, m: Marker): void {
    // Markers come from the renderer and from dropped-frame reports: only well-formed ones reach the manifest, whose
    // schema recovery relies on.
    const checked = marker.safeParse(m);
    if (!checked.success || checked.data.frame > reach(a) || a.manifest.markers.length >= MAX_MARKERS) return;
    a.manifest.markers.push(checked.data);
    a.dirty = true;
  }

  function persist(a: Active): void {
    if (!a.dirty) return;
    writeManifest(a.folder, a.manifest);
    a.dirty = false;
  }

  /** Ends the recording: every file finished and playable, the exports written, the library told. */
  function finish(a: Active, state: 'complete' | 'failed', message: string | null): RecordingEntry {
    active = null;
    const loudness = new Map<number, Loudness>();
    // Every track ends at the same instant: a person who left the stage, or audio dropped at the very end, is
    // silence up to the end, so the files line up at both ends in an editor.
    const end = Math.min(Math.max(a.clockEnd, writtenFrames(a)), Math.floor(reach(a)));
    for (const t of a.tracks.values()) {
      if (state === 'complete' && t.file.framesWritten < end) {
        try {
          t.file.writeAt(end - 1, new Float32Array(1));
        } catch (error) {
          log(`recording: could not pad ${t.fileName}: ${(error as Error).message}`);
        }
      }
      const measured = t.meter.result();
      loudness.set(t.info.index, measured);
      try {
        if (state === 'complete') t.file.close(measured);
        else t.file.abort();
      } catch (error) {
        log(`recording: could not finish ${t.fileName}: ${(error as Error).message}`);
        t.file.abort();
      }
    }
    a.manifest.state = state;
    a.manifest.message = message;
    const entry = entryFor(a, state, message, loudness);
    try {
      // Writes the manifest's final state first, then each export on its own (finish.ts).
      writeExports(a.folder, a.manifest, entry, writtenFrames(a));
    } catch (error) {
      log(`recording: ${(error as Error).message}`);
    }
    a.releaseLock();
    options.library.put(entry);
    return entry;
  }

  /** A disk failure mid-recording: stop, keep what was written, say what happened. */
  function fail(a: Active, error: unknown): void {
    const message = diskError(error, a.folder).message;
    log(`recording stopped: ${message}`);
    recorder.lastError = message;
    finish(a, 'failed', message);
  }

  const recorder: Recorder = {
    recovered: [],
    lastError: null,
    start({ spaceId, title }) {
      if (active) throw new PodiumError('invalid_state', `A recording is already running ("${active.manifest.title}"). Stop it first.`);
      try {
        fs.mkdirSync(options.directory, { recursive: true });
      } catch (error) {
        throw diskError(error, options.directory, 'create');
      }
      const free = freeBytes(options.directory);
      if (free !== null && free < MIN_FREE_BYTES) {
        throw new PodiumError('unavailable', `The disk holding ${options.directory} is almost full (${Math.round(free / 1e6)} MB free). Free some space first.`);
      }
      const releaseLock = takeLock(options.directory);
      try {
        const startedAt = now();
        const folder = createRecordingFolder(options.directory, recordingFolderName(title, new Date(startedAt)));
        const manifest: Manifest = {
          format: 1,
          id: `r${crypto.randomBytes(6).toString('hex')}`,
          serial: crypto.randomBytes(4).readUInt32LE(0),
          title,
          spaceId,
          startedAt,
          state: 'recording',
          tracks: [],
          markers: [],
          stage: [],
          message: null,
        };
        writeManifest(folder, manifest);
        active = { manifest, folder, tracks: new Map(), releaseLock, droppedFrames: 0, clockEnd: 0, stageMembers: 0, dirty: false };
        recorder.lastError = null;
        options.library.put(entryFor(active, 'recording', null, new Map()));
        return view(active);
      } catch (error) {
        releaseLock();
        throw diskError(error, options.directory, 'create');
      }
    },

    addTrack({ id, track }) {
      const a = need(id);
      const existing = a.tracks.get(track.index);
      if (existing) {
        if (existing.info.participantId === track.participantId && existing.info.kind === track.kind) return view(a);
        throw new PodiumError('bad_request', `Track ${track.index} is already ${existing.info.name}.`);
      }
      if (track.kind === 'mix' && [...a.tracks.values()].some((t) => t.info.kind === 'mix')) {
        throw new PodiumError('bad_request', 'A recording has one mix.');
      }
      const fileName = trackFileName(track.index, track.name, track.kind);
      try {
        const file = TrackFile.create(path.join(a.folder, fileName), {
          bext: {
            description: `${a.manifest.title} — ${track.kind === 'mix' ? 'mix' : track.name}`,
            originator: 'Podium',
            originatorReference: `${a.manifest.id}-${track.index}`,
            startedAt: new Date(a.manifest.startedAt),
          },
        });
        a.tracks.set(track.index, { info: track, file, fileName, meter: createLoudnessMeter(RATE), hadAudio: false, lastGapMarkAt: -Infinity });
      } catch (error) {
        fail(a, error);
        throw diskError(error, a.folder);
      }
      a.manifest.tracks.push({ ...track, file: fileName });
      a.dirty = true;
      persist(a);
      return view(a);
    },

    ingest(bytes) {
      const decoded = decodePcmFrame(bytes);
      if (!decoded.ok) return { ok: false, message: decoded.message };
      const { frame } = decoded;
      const a = active;
      // Frames of a recording that just stopped still arrive for a moment: they are late, not wrong.
      if (!a || frame.serial !== a.manifest.serial) return { ok: true };
      const track = a.tracks.get(frame.track);
      if (!track) return { ok: false, message: `track ${frame.track} was not announced` };
      if (frame.startFrame > reach(a)) return { ok: false, message: 'an audio frame starts after the current time' };
      try {
        a.clockEnd = Math.max(a.clockEnd, frame.startFrame + frame.samples.length);
        const before = track.file.framesWritten;
        const { gapFrames } = track.file.writeAt(frame.startFrame, frame.samples);
        track.meter.push(frame.samples);
        if (track.hadAudio && gapFrames >= GAP_MARK_FRAMES && before - track.lastGapMarkAt > RATE * 5) {
          track.lastGapMarkAt = before;
          addMarker(a, { frame: before, kind: 'gap', label: `${(gapFrames / RATE).toFixed(1)} s of ${track.info.name} missing` });
        }
        track.hadAudio = true;
      } catch (error) {
        fail(a, error);
        return { ok: false, message: recorder.lastError ?? 'the recording stopped' };
      }
      return { ok: true };
    },

    mark({ id, marker }) {
      const a = need(id);
      addMarker(a, marker);
      return view(a);
    },

    stage({ id, frame, members }) {
      const a = need(id);
      const kept = members.slice(0, MANIFEST_LIMITS.membersPerSnapshot);
      const last = a.manifest.stage.at(-1);
      if (last && JSON.stringify(last.members) === JSON.stringify(kept)) return;
      if (a.manifest.stage.length >= MAX_STAGE_SNAPSHOTS || a.stageMembers + kept.length > MANIFEST_LIMITS.stageMembers || frame > reach(a)) return;
      a.stageMembers += kept.length;
      a.manifest.stage.push({ frame, members: kept });
      a.dirty = true;
    },

    stop({ id }) {
      const a = need(id);
      return finish(a, 'complete', null);
    },

    dropped(frames, atFrame, serial) {
      const a = active;
      if (!a || serial !== a.manifest.serial) return;
      if (!Number.isInteger(frames) || frames < 1 || frames > PCM_MAX_SAMPLES) return;
      if (!Number.isInteger(atFrame) || atFrame < 0 || atFrame + frames > reach(a)) return;
      const first = a.droppedFrames === 0;
      a.droppedFrames += frames;
      a.clockEnd = Math.max(a.clockEnd, atFrame + frames);
      if (first || a.manifest.markers.at(-1)?.kind !== 'gap') {
        addMarker(a, { frame: atFrame, kind: 'gap', label: 'The writer fell behind: audio replaced by silence' });
      }
    },

    tick() {
      const a = active;
      if (!a) return;
      try {
        if (!fs.existsSync(a.folder)) throw new PodiumError('unavailable', `The recording's folder was deleted while recording: ${a.folder}.`);
        for (const t of a.tracks.values()) t.file.flush();
        persist(a);
        const free = freeBytes(options.directory);
        if (free !== null && free < MIN_FREE_BYTES) {
          throw new PodiumError('unavailable', `The disk is full (${Math.round(free / 1e6)} MB left): the recording stopped so that its files stay playable.`);
        }
      } catch (error) {
        fail(a, error);
      }
    },

    status() {
      return {
        active: active ? view(active) : null,
        lastError: recorder.lastError,
        recovered: recorder.recovered,
        directory: options.directory,
      };
    },

    activeId: () => active?.manifest.id ?? null,

    close() {
      if (active) finish(active, 'complete', null);
    },
  };
  return recorder;
}
