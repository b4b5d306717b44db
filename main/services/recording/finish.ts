// What a finished (or repaired) recording leaves beside its tracks, for editors and people: markers as an Audacity
// label file and as podcast chapters, session.json (tracks, loudness, who was on stage when), and a REAPER project
// that opens every track aligned with the markers.
import fs from 'node:fs';
import path from 'node:path';
import { RECORDING_SAMPLE_RATE as RATE, type RecordingEntry } from '../../../common/recording';
import { audacityLabels, chaptersJson, reaperProject, sessionJson } from './exports';
import { safeName, type Manifest } from './folder';

export const EXPORT_FILES = { labels: 'markers.txt', chapters: 'chapters.json', session: 'session.json' } as const;

export function projectFileName(title: string): string {
  return `${safeName(title)}.RPP`;
}

export function writeExports(folder: string, manifest: Manifest, entry: RecordingEntry, durationFrames: number): void {
  const startedAt = new Date(manifest.startedAt);
  const write = (name: string, text: string) => fs.writeFileSync(path.join(folder, name), text);
  write(EXPORT_FILES.labels, audacityLabels(manifest.markers, RATE));
  write(EXPORT_FILES.chapters, chaptersJson(manifest.markers, RATE, { title: manifest.title, startedAt }));
  write(
    EXPORT_FILES.session,
    sessionJson({
      id: manifest.id,
      title: manifest.title,
      spaceId: manifest.spaceId,
      startedAt,
      sampleRate: RATE,
      tracks: entry.tracks,
      markers: manifest.markers,
      stage: manifest.stage,
      durationFrames,
    }),
  );
  // Mix last in the project: editors work on the people's tracks; the mix is there to compare against.
  const ordered = [...entry.tracks].sort((a, b) => (a.kind === 'mix' ? 1 : 0) - (b.kind === 'mix' ? 1 : 0) || a.index - b.index);
  write(
    projectFileName(manifest.title),
    reaperProject({
      title: manifest.title,
      sampleRate: RATE,
      tracks: ordered.map((t) => ({ file: t.file, name: t.kind === 'mix' ? 'Mix' : t.name, frames: durationFrames })),
      markers: manifest.markers,
    }),
  );
}
