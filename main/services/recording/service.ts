// The recorder's whole surface as plain methods: the recording itself (recorder.ts), the library, recovery at
// start, deleting, revealing and normalising. It runs wherever it is put: inside a worker thread in the studio
// (worker.ts), or directly in tests. Whatever it deletes, serves or exports must be a plain file or folder whose real
// path is inside the recordings folder: a library row or a folder's contents may have been changed behind its back.
import fs from 'node:fs';
import path from 'node:path';
import type { RecorderStatus, RecordingEntry } from '../../../common/recording';
import { PodiumError } from '../../../common/result';
import { whyNotInside, MISSING } from './folder';
import { openRecordingLibrary } from './library';
import { normalizeWav } from './normalize';
import { createRecorder, type Recorder, type RecorderOptions } from './recorder';
import { recoverUnfinished } from './recovery';

export const LIBRARY_FILE = 'recordings.sqlite';
export const NORMALIZED_FILE = 'mix-normalized.wav';

export interface RecordingServiceOptions {
  /** Where recording folders go. */
  directory: string;
  /** Where the library's SQLite file lives (the studio's data folder). */
  dataDir: string;
  log?: (line: string) => void;
  freeBytes?: RecorderOptions['freeBytes'];
  now?: RecorderOptions['now'];
}

export type RecordingService = ReturnType<typeof createRecordingService>;

/**
 * A path inside `directory` by its name, or an error: the library never deletes or serves anything outside it. (Where
 * the path really leads is checked before a file is touched: see plainFile.)
 */
function inside(directory: string, folder: string): string {
  const relative = path.relative(path.resolve(directory), path.resolve(folder));
  if (!relative || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new PodiumError('forbidden', 'That recording is not in the recordings folder.');
  }
  return path.resolve(folder);
}

/** `name` (a bare file name) in `folder`, checked to be a plain file really inside `directory`, or an error in words. */
function plainFile(directory: string, folder: string, name: string, use: string): string {
  const file = path.join(folder, path.basename(name));
  const why = whyNotInside(directory, folder, 'folder') ?? whyNotInside(directory, file, 'file');
  if (why === MISSING) throw new PodiumError('not_found', `${path.basename(name)} is missing from ${folder}.`);
  if (why) throw new PodiumError('forbidden', `Podium does not ${use} ${file}: ${why}.`);
  return file;
}

export function createRecordingService(options: RecordingServiceOptions) {
  const log = options.log ?? (() => {});
  fs.mkdirSync(options.dataDir, { recursive: true });
  const library = openRecordingLibrary(path.join(options.dataDir, LIBRARY_FILE), log);
  const recorder: Recorder = createRecorder({ directory: options.directory, library, log, freeBytes: options.freeBytes, now: options.now });
  // Repairing (and measuring) what a crash left takes a moment for a long recording; calls wait for it.
  const ready = recoverUnfinished(options.directory, library, log).then(
    (recovered) => void (recorder.recovered = recovered),
    (error: unknown) => log(`recording recovery failed: ${(error as Error).message}`),
  );

  /** Recordings being exported now: a second export would render into the same file at the same time. */
  const exporting = new Set<string>();

  const entry = (id: string): RecordingEntry => {
    const found = library.get(id);
    if (!found) throw new PodiumError('not_found', 'That recording is not in the library any more.');
    return found;
  };

  return {
    /** Resolves once recovery at start is done. */
    ready,
    recorder,
    start: recorder.start,
    addTrack: recorder.addTrack,
    mark: recorder.mark,
    stage: (input: Parameters<Recorder['stage']>[0]) => {
      recorder.stage(input);
      return { ok: true as const };
    },
    stop: recorder.stop,
    status: (): RecorderStatus => recorder.status(),
    list: () => library.list(),
    dismissRecovered: (): RecorderStatus => {
      recorder.recovered = [];
      return recorder.status();
    },
    delete({ id }: { id: string }) {
      const found = entry(id);
      if (recorder.activeId() === id) throw new PodiumError('invalid_state', 'Stop the recording before deleting it.');
      if (exporting.has(id)) throw new PodiumError('invalid_state', 'Wait for the export to finish before deleting this recording.');
      const folder = inside(options.directory, found.folder);
      const stat = fs.lstatSync(folder, { throwIfNoEntry: false });
      if (stat?.isSymbolicLink()) {
        // Only the link goes: what it leads to was never Podium's.
        fs.unlinkSync(folder);
      } else if (stat) {
        const why = whyNotInside(options.directory, folder, 'folder');
        if (why) throw new PodiumError('forbidden', `Podium does not delete ${folder}: ${why}.`);
        fs.rmSync(folder, { recursive: true, force: true });
      }
      library.remove(id);
      return { deleted: true as const };
    },
    folderOf({ id }: { id: string }): string {
      return inside(options.directory, entry(id).folder);
    },
    /** The file to play: the mix or its normalised export. */
    mediaFile({ id, file }: { id: string; file: 'mix' | 'normalized' }): string {
      const found = entry(id);
      const folder = inside(options.directory, found.folder);
      const name = file === 'mix' ? found.tracks.find((t) => t.kind === 'mix')?.file : found.normalizedFile;
      if (!name) throw new PodiumError('not_found', file === 'mix' ? 'This recording has no mix.' : 'Export it for podcasts first.');
      return plainFile(options.directory, folder, name, 'play');
    },
    async normalize({ id }: { id: string }) {
      const found = entry(id);
      if (recorder.activeId() === id) throw new PodiumError('invalid_state', 'Stop the recording before exporting it.');
      if (exporting.has(id)) throw new PodiumError('invalid_state', 'This recording is already being exported.');
      const folder = inside(options.directory, found.folder);
      const mix = found.tracks.find((t) => t.kind === 'mix');
      if (!mix) throw new PodiumError('not_found', 'This recording has no mix to export.');
      const source = plainFile(options.directory, folder, mix.file, 'export');
      exporting.add(id);
      let result: Awaited<ReturnType<typeof normalizeWav>>;
      try {
        result = await normalizeWav(source, path.join(folder, NORMALIZED_FILE));
      } finally {
        exporting.delete(id);
      }
      const updated: RecordingEntry = { ...(library.get(id) ?? found), normalizedFile: NORMALIZED_FILE };
      library.put(updated);
      return {
        entry: updated,
        measured: { integrated: result.integrated, range: null, truePeak: result.truePeak },
        gainDb: result.gainDb,
        limited: result.limited,
      };
    },
    tick: () => recorder.tick(),
    ingest: (bytes: Uint8Array) => recorder.ingest(bytes),
    dropped: (frames: number, atFrame: number, serial: number) => recorder.dropped(frames, atFrame, serial),
    close() {
      recorder.close();
      library.close();
    },
  };
}
