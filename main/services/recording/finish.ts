// What a finished (or repaired) recording leaves beside its tracks, for editors and people: markers as an Audacity
// label file and as podcast chapters, session.json (tracks, loudness, who was on stage when), and a REAPER project
// that opens every track aligned with the markers. The manifest's final state is written first and on its own: an
// export that cannot be written must not leave the recording looking unfinished.
import path from 'node:path';
import { RECORDING_SAMPLE_RATE as RATE, type RecordingEntry } from '../../../common/recording';
import { PodiumError } from '../../../common/result';
import { audacityLabels, chaptersJson, reaperProject, sessionJson } from './exports';
import { boundedManifest, replaceFile, safeName, writeManifest, MANIFEST_FILE, type Manifest } from './folder';

export const EXPORT_FILES = { labels: 'markers.txt', chapters: 'chapters.json', session: 'session.json' } as const;

export function projectFileName(title: string): string {
  return `${safeName(title)}.RPP`;
}

/**
 * Settles a finished (or repaired) recording's folder: first the manifest, on its own, so that a failing export can
 * never leave a finished recording saying "recording" (recovery would redo it at every start, calling it a crash),
 * then each export on its own, so one that cannot be written does not cost the others. Throws once at the end,
 * naming what it could not write; everything else is written.
 */
export function writeExports(folder: string, manifest: Manifest, entry: RecordingEntry, durationFrames: number): void {
  const failed: string[] = [];
  const attempt = (name: string, write: () => void) => {
    try {
      write();
    } catch (error) {
      failed.push(`${name} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  };
  attempt(MANIFEST_FILE, () => writeManifest(folder, manifest));
  // The exports hold what the manifest holds, within the same limits: session.json is no bigger than the manifest.
  const bounded = boundedManifest(manifest);
  const startedAt = new Date(manifest.startedAt);
  const write = (name: string, text: () => string) => attempt(name, () => replaceFile(path.join(folder, name), text()));
  write(EXPORT_FILES.labels, () => audacityLabels(bounded.markers, RATE));
  write(EXPORT_FILES.chapters, () => chaptersJson(bounded.markers, RATE, { title: manifest.title, startedAt }));
  write(EXPORT_FILES.session, () =>
    sessionJson({
      id: manifest.id,
      title: manifest.title,
      spaceId: manifest.spaceId,
      startedAt,
      sampleRate: RATE,
      tracks: entry.tracks,
      markers: bounded.markers,
      stage: bounded.stage,
      durationFrames,
    }),
  );
  // Mix last in the project: editors work on the people's tracks; the mix is there to compare against.
  const ordered = [...entry.tracks].sort((a, b) => (a.kind === 'mix' ? 1 : 0) - (b.kind === 'mix' ? 1 : 0) || a.index - b.index);
  write(projectFileName(manifest.title), () =>
    reaperProject({
      title: manifest.title,
      sampleRate: RATE,
      tracks: ordered.map((t) => ({ file: t.file, name: t.kind === 'mix' ? 'Mix' : t.name, frames: durationFrames })),
      markers: bounded.markers,
    }),
  );
  if (failed.length) throw new PodiumError('unavailable', `Could not write ${failed.join(', ')} in ${folder}; the recording itself is kept.`);
}
