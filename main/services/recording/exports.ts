// The text files a finished recording leaves beside its tracks: an Audacity label track, Podcasting 2.0 JSON
// chapters, session.json (tracks, loudness, markers, who was on stage when) and a REAPER project. Pure functions
// from the recording's facts to strings; finish.ts writes them.
import type { Loudness, Marker, MarkerKind, TrackInfo } from '../../../common/recording';

/** What a marker is called when nobody gave it a label. */
const UNTITLED: Record<MarkerKind, string> = {
  manual: 'Marker',
  approved: 'Brought on stage',
  muted: 'Muted',
  demoted: 'Moved to the audience',
  removed: 'Removed',
  blocked: 'Blocked',
  pin: 'Pinned',
  report: 'Reported',
  gap: 'Audio missing',
};

/** Moderation that changes who is heard: worth a chapter when its label says who and what. */
const MODERATION: ReadonlySet<MarkerKind> = new Set(['approved', 'muted', 'demoted', 'removed', 'blocked']);

/** One line of text: tabs, line breaks and other control characters become spaces, runs of spaces one. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is being removed
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/ {2,}/g, ' ').trim();
}

function title(marker: Marker): string {
  return oneLine(marker.label) || UNTITLED[marker.kind];
}

/** Markers in time order; equal times keep the order they were made in. */
function inOrder(markers: readonly Marker[]): Marker[] {
  return markers.map((m, i) => ({ m, i })).sort((a, b) => a.m.frame - b.m.frame || a.i - b.i).map(({ m }) => m);
}

/** Seconds with `digits` decimals and no trailing zeros, never in exponent notation. */
function seconds(frames: number, sampleRate: number, digits: number): string {
  return (frames / sampleRate).toFixed(digits).replace(/\.?0+$/, '') || '0';
}

const roundSeconds = (frames: number, sampleRate: number): number => Math.round((frames / sampleRate) * 1000) / 1000;

// ── Audacity ────────────────────────────────────────────────────────────────────────────────────────────────────
/**
 * An Audacity label track (File › Import › Labels): `start<TAB>end<TAB>label` per line, seconds with six decimals
 * as Audacity writes them; a point label has start = end. Every marker is there, gaps and reports included: this
 * file is for the person editing.
 */
export function audacityLabels(markers: Marker[], sampleRate: number): string {
  return inOrder(markers)
    .map((m) => {
      const at = (m.frame / sampleRate).toFixed(6);
      return `${at}\t${at}\t${title(m)}\n`;
    })
    .join('');
}

// ── Podcast chapters ────────────────────────────────────────────────────────────────────────────────────────────
/**
 * Podcasting 2.0 JSON chapters (podcast namespace, `<podcast:chapters>`, format version 1.2.0): chapters in
 * ascending `startTime` (seconds, float). Listeners see these, so only the host's own markers and moderation with a
 * real label become chapters; gaps, reports and pins stay out. The first chapter starts at 0 (named after the
 * recording) so players have something to show before the first marker.
 */
export function chaptersJson(markers: Marker[], sampleRate: number, meta: { title: string; startedAt: Date }): string {
  const chosen = inOrder(markers).filter((m) => m.kind === 'manual' || (MODERATION.has(m.kind) && oneLine(m.label) !== ''));
  const chapters = chosen.map((m) => ({ startTime: roundSeconds(m.frame, sampleRate), title: title(m) }));
  const name = oneLine(meta.title) || 'Recording';
  if (chapters.length === 0 || chapters[0]!.startTime > 0) chapters.unshift({ startTime: 0, title: name });
  const recorded = Number.isNaN(meta.startedAt.getTime()) ? undefined : `Recorded ${meta.startedAt.toISOString()}`;
  return `${JSON.stringify({ version: '1.2.0', title: name, ...(recorded ? { description: recorded } : {}), chapters }, null, 2)}\n`;
}

// ── session.json ────────────────────────────────────────────────────────────────────────────────────────────────
export interface StageMember {
  participantId: string;
  name: string;
  role: string;
}

export interface SessionMeta {
  id: string;
  title: string;
  spaceId: string;
  startedAt: Date;
  sampleRate: number;
  tracks: Array<TrackInfo & { file: string; loudness: Loudness | null }>;
  markers: Marker[];
  /** Who was on stage from `frame` on, until the next snapshot (or the end). */
  stage: Array<{ frame: number; members: StageMember[] }>;
  durationFrames: number;
}

interface StageInterval {
  start: number;
  end: number;
  role: string;
}

/**
 * Turns stage snapshots into intervals per person: a person is on stage from a snapshot that lists them until
 * the first later one that does not (or the recording's end). A change of role starts a new interval.
 */
function stageIntervals(meta: SessionMeta): Array<{ participantId: string; name: string; intervals: StageInterval[] }> {
  const rate = meta.sampleRate;
  const end = meta.durationFrames;
  const snapshots = meta.stage.map((s, i) => ({ s, i })).sort((a, b) => a.s.frame - b.s.frame || a.i - b.i).map(({ s }) => s);
  const people = new Map<string, { participantId: string; name: string; runs: Array<{ from: number; to: number; role: string }> }>();
  const open = new Map<string, { from: number; role: string }>();
  const close = (key: string, at: number) => {
    const run = open.get(key);
    open.delete(key);
    if (run && at > run.from) people.get(key)!.runs.push({ from: run.from, to: at, role: run.role });
  };
  for (const snapshot of snapshots) {
    const at = Math.min(snapshot.frame, end);
    const present = new Map<string, StageMember>();
    for (const member of snapshot.members) present.set(member.participantId || `name:${member.name}`, member);
    for (const key of [...open.keys()]) if (present.get(key)?.role !== open.get(key)!.role) close(key, at);
    for (const [key, member] of present) {
      const person = people.get(key) ?? { participantId: member.participantId, name: member.name, runs: [] };
      person.name = member.name || person.name;
      people.set(key, person);
      if (!open.has(key)) open.set(key, { from: at, role: member.role });
    }
  }
  for (const key of [...open.keys()]) close(key, end);
  return [...people.values()]
    .filter((p) => p.runs.length > 0)
    .map((p) => ({
      participantId: p.participantId,
      name: p.name,
      intervals: p.runs.map((r) => ({ start: roundSeconds(r.from, rate), end: roundSeconds(r.to, rate), role: r.role })),
    }))
    .sort((a, b) => a.intervals[0]!.start - b.intervals[0]!.start || a.name.localeCompare(b.name));
}

/** Everything known about a recording, for people and scripts: times in seconds (and frames where exactness matters). */
export function sessionJson(meta: SessionMeta): string {
  const rate = meta.sampleRate;
  const session = {
    format: 'podium-session',
    version: 1,
    id: meta.id,
    title: meta.title,
    spaceId: meta.spaceId,
    startedAt: Number.isNaN(meta.startedAt.getTime()) ? null : meta.startedAt.toISOString(),
    sampleRate: rate,
    durationFrames: meta.durationFrames,
    durationSeconds: roundSeconds(meta.durationFrames, rate),
    tracks: [...meta.tracks]
      .sort((a, b) => a.index - b.index)
      .map((t) => ({ index: t.index, kind: t.kind, participantId: t.participantId, name: t.name, file: t.file, loudness: t.loudness })),
    markers: inOrder(meta.markers).map((m) => ({ frame: m.frame, seconds: roundSeconds(m.frame, rate), kind: m.kind, label: m.label })),
    stage: stageIntervals(meta),
  };
  return `${JSON.stringify(session, null, 2)}\n`;
}

// ── REAPER ──────────────────────────────────────────────────────────────────────────────────────────────────────
/**
 * A string parameter as REAPER writes one: in double quotes; in single quotes if it holds a double quote; in
 * backticks if it holds both; and with all three, REAPER's own answer: backticks with ` turned into '. A project
 * line cannot hold a line break, so control characters become spaces.
 */
function rppString(text: string): string {
  const s = oneLine(text);
  if (!s.includes('"')) return `"${s}"`;
  if (!s.includes("'")) return `'${s}'`;
  return `\`${s.replace(/`/g, "'")}\``;
}

export interface ReaperMeta {
  title: string;
  sampleRate: number;
  /** `file` relative to the project, so the folder can move. */
  tracks: Array<{ file: string; name: string; frames: number }>;
  markers: Marker[];
}

/**
 * A minimal REAPER project (.RPP, plain text): the project sample rate set and used, every track as one item at
 * position 0 (so they line up as recorded), and the markers as project markers. REAPER fills in everything else
 * with its defaults and rewrites the file in full when it saves.
 */
export function reaperProject(meta: ReaperMeta): string {
  const rate = meta.sampleRate;
  const lines = ['<REAPER_PROJECT 0.1 "6.0/Podium" 0', `  SAMPLERATE ${rate} 1 0`, '  TEMPO 120 4 4', '  <NOTES 0 2', `    |${oneLine(meta.title)}`, '  >'];
  inOrder(meta.markers).forEach((m, i) => {
    // index, position (s), name, flags (0: a marker, not a region), colour (0: default), 1 as REAPER writes it.
    lines.push(`  MARKER ${i + 1} ${seconds(m.frame, rate, 9)} ${rppString(title(m))} 0 0 1`);
  });
  for (const track of meta.tracks) {
    const name = rppString(track.name);
    lines.push(
      '  <TRACK',
      `    NAME ${name}`,
      '    <ITEM',
      '      POSITION 0',
      `      LENGTH ${seconds(track.frames, rate, 9)}`,
      // A file shorter than LENGTH must not repeat itself.
      '      LOOP 0',
      `      NAME ${name}`,
      '      SOFFS 0',
      '      <SOURCE WAVE',
      `        FILE ${rppString(track.file)}`,
      '      >',
      '    >',
      '  >',
    );
  }
  lines.push('>');
  return `${lines.join('\n')}\n`;
}
