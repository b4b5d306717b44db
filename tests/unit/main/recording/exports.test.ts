// The files a recording leaves for editors and podcasts, checked by structure: Audacity labels, Podcasting 2.0
// chapters, session.json and the REAPER project, with hostile labels (quotes, tabs, line breaks, unicode).
import { describe, expect, it } from 'vitest';
import type { Marker } from '../../../../common/recording';
import { audacityLabels, chaptersJson, reaperProject, sessionJson, type SessionMeta } from '../../../../main/services/recording/exports';

const RATE = 48_000;
const at = (s: number) => Math.round(s * RATE);

const HOSTILE = 'He said "hi"\tand \'bye\'\nthen `left` — ünïcödé 🎙️';

const markers: Marker[] = [
  { frame: at(90.5), kind: 'manual', label: 'Q&A' },
  { frame: at(12.25), kind: 'approved', label: 'Alice came on stage' },
  { frame: at(30), kind: 'gap', label: '0.4 s of Bob missing' },
  { frame: at(45), kind: 'manual', label: '' },
  { frame: at(60), kind: 'muted', label: '' },
  { frame: at(75), kind: 'report', label: 'Carol reported a listener' },
  { frame: at(80), kind: 'pin', label: 'Pinned a link' },
  { frame: at(120), kind: 'manual', label: HOSTILE },
];

describe('audacityLabels', () => {
  it('writes one point label per marker, in time order, seconds with six decimals', () => {
    const text = audacityLabels(markers, RATE);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines).toHaveLength(markers.length);
    const rows = lines.map((line) => line.split('\t'));
    for (const row of rows) {
      expect(row).toHaveLength(3);
      expect(row[0]).toMatch(/^\d+\.\d{6}$/);
      expect(row[1]).toBe(row[0]);
    }
    expect(rows.map((r) => Number(r[0]))).toEqual([12.25, 30, 45, 60, 75, 80, 90.5, 120]);
    expect(rows[0]![2]).toBe('Alice came on stage');
    // Untitled markers are named by what they are.
    expect(rows[2]![2]).toBe('Marker');
    expect(rows[3]![2]).toBe('Muted');
  });

  it('keeps a hostile label on its line and in its column', () => {
    const [line] = audacityLabels([{ frame: at(1), kind: 'manual', label: HOSTILE }], RATE).split('\n');
    expect(line).toBe(`1.000000\t1.000000\tHe said "hi" and 'bye' then \`left\` — ünïcödé 🎙️`);
  });

  it('is empty without markers, and exact at sample resolution', () => {
    expect(audacityLabels([], RATE)).toBe('');
    expect(audacityLabels([{ frame: 1, kind: 'manual', label: 'x' }], RATE)).toBe('0.000021\t0.000021\tx\n');
  });
});

describe('chaptersJson (Podcasting 2.0 JSON chapters 1.2.0)', () => {
  const startedAt = new Date('2025-03-01T18:30:00Z');
  const parse = (text: string) => JSON.parse(text) as { version: string; title?: string; description?: string; chapters: Array<{ startTime: number; title?: string }> };

  it('has the required version and chapters, ascending startTime in seconds', () => {
    const doc = parse(chaptersJson(markers, RATE, { title: 'Evening show', startedAt }));
    expect(doc.version).toBe('1.2.0');
    expect(doc.title).toBe('Evening show');
    expect(doc.description).toContain('2025-03-01T18:30:00.000Z');
    const times = doc.chapters.map((c) => c.startTime);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    for (const c of doc.chapters) {
      expect(typeof c.startTime).toBe('number');
      expect(typeof c.title).toBe('string');
      expect(Object.keys(c).sort()).toEqual(['startTime', 'title']);
    }
  });

  it('keeps manual markers and labelled moderation; leaves out gaps, reports, pins and unlabelled moderation', () => {
    const doc = parse(chaptersJson(markers, RATE, { title: 'Evening show', startedAt }));
    expect(doc.chapters).toEqual([
      { startTime: 0, title: 'Evening show' },
      { startTime: 12.25, title: 'Alice came on stage' },
      { startTime: 45, title: 'Marker' },
      { startTime: 90.5, title: 'Q&A' },
      { startTime: 120, title: `He said "hi" and 'bye' then \`left\` — ünïcödé 🎙️` },
    ]);
  });

  it('starts at 0 only once, and still opens with a chapter when there are no markers', () => {
    const first = parse(chaptersJson([{ frame: 0, kind: 'manual', label: 'Welcome' }], RATE, { title: 'T', startedAt }));
    expect(first.chapters).toEqual([{ startTime: 0, title: 'Welcome' }]);
    const none = parse(chaptersJson([], RATE, { title: '', startedAt }));
    expect(none.chapters).toEqual([{ startTime: 0, title: 'Recording' }]);
  });
});

describe('sessionJson', () => {
  const meta: SessionMeta = {
    id: 'r0123456789ab',
    title: 'Evening "show"',
    spaceId: 'space-1',
    startedAt: new Date('2025-03-01T18:30:00Z'),
    sampleRate: RATE,
    tracks: [
      { index: 1, kind: 'host', participantId: 'p-alice', name: 'Alice', file: 'tracks/01 Alice.wav', loudness: { integrated: -20.5, range: 6.1, truePeak: -3.2 } },
      { index: 0, kind: 'mix', participantId: '', name: 'Mix', file: 'mix.wav', loudness: null },
      { index: 2, kind: 'speaker', participantId: 'p-bob', name: 'Bob', file: 'tracks/02 Bob.wav', loudness: { integrated: null, range: null, truePeak: null } },
    ],
    markers,
    stage: [
      // Deliberately out of order: intervals follow frames, not the array.
      { frame: at(100), members: [{ participantId: 'p-alice', name: 'Alice', role: 'host' }] },
      { frame: 0, members: [{ participantId: 'p-alice', name: 'Alice', role: 'host' }] },
      { frame: at(10), members: [{ participantId: 'p-alice', name: 'Alice', role: 'host' }, { participantId: 'p-bob', name: 'Bob', role: 'speaker' }] },
      { frame: at(40), members: [{ participantId: 'p-alice', name: 'Alice', role: 'host' }] },
      { frame: at(50), members: [{ participantId: 'p-alice', name: 'Alice', role: 'host' }, { participantId: 'p-bob', name: 'Bobby', role: 'cohost' }] },
      { frame: at(70), members: [{ participantId: 'p-alice', name: 'Alice', role: 'host' }, { participantId: 'p-bob', name: 'Bobby', role: 'speaker' }] },
    ],
    durationFrames: at(130),
  };

  it('says who was on stage when, as intervals per person in seconds', () => {
    const doc = JSON.parse(sessionJson(meta)) as { stage: Array<{ participantId: string; name: string; intervals: Array<{ start: number; end: number; role: string }> }> };
    expect(doc.stage).toEqual([
      { participantId: 'p-alice', name: 'Alice', intervals: [{ start: 0, end: 130, role: 'host' }] },
      {
        participantId: 'p-bob',
        name: 'Bobby',
        intervals: [
          { start: 10, end: 40, role: 'speaker' },
          { start: 50, end: 70, role: 'cohost' },
          { start: 70, end: 100, role: 'speaker' },
        ],
      },
    ]);
  });

  it('lists tracks by index with their files and loudness, markers in time order, and the recording facts', () => {
    const doc = JSON.parse(sessionJson(meta)) as Record<string, unknown> & {
      tracks: Array<{ index: number; file: string; loudness: unknown }>;
      markers: Array<{ frame: number; seconds: number; kind: string; label: string }>;
    };
    expect(doc).toMatchObject({
      format: 'podium-session',
      version: 1,
      id: 'r0123456789ab',
      title: 'Evening "show"',
      spaceId: 'space-1',
      startedAt: '2025-03-01T18:30:00.000Z',
      sampleRate: RATE,
      durationFrames: at(130),
      durationSeconds: 130,
    });
    expect(doc.tracks.map((t) => t.index)).toEqual([0, 1, 2]);
    expect(doc.tracks[1]).toEqual({ index: 1, kind: 'host', participantId: 'p-alice', name: 'Alice', file: 'tracks/01 Alice.wav', loudness: { integrated: -20.5, range: 6.1, truePeak: -3.2 } });
    expect(doc.tracks[0]!.loudness).toBeNull();
    expect(doc.markers.map((m) => m.seconds)).toEqual([12.25, 30, 45, 60, 75, 80, 90.5, 120]);
    expect(doc.markers.at(-1)).toEqual({ frame: at(120), seconds: 120, kind: 'manual', label: HOSTILE });
  });

  it('has no stage intervals without snapshots, and clamps snapshots past the end', () => {
    const none = JSON.parse(sessionJson({ ...meta, stage: [] })) as { stage: unknown[] };
    expect(none.stage).toEqual([]);
    const late = JSON.parse(
      sessionJson({ ...meta, stage: [{ frame: at(20), members: [{ participantId: 'p-x', name: 'X', role: 'speaker' }] }, { frame: at(500), members: [] }] }),
    ) as { stage: Array<{ intervals: unknown[] }> };
    expect(late.stage).toEqual([{ participantId: 'p-x', name: 'X', intervals: [{ start: 20, end: 130, role: 'speaker' }] }]);
  });
});

describe('reaperProject (.RPP)', () => {
  const project = reaperProject({
    title: 'Evening show',
    sampleRate: RATE,
    tracks: [
      { file: 'tracks/01 Alice.wav', name: 'Alice', frames: at(130) },
      { file: 'tracks/02 "Bob".wav', name: `Bob "the" builder's`, frames: at(130) },
      { file: 'mix.wav', name: 'Mix', frames: at(130) },
    ],
    markers,
  });
  const lines = project.split('\n');

  /** Reads one RPP string parameter the way REAPER does: quoted with ", ' or `, or a bare word. */
  const readParam = (text: string): { value: string; rest: string } => {
    const q = text[0]!;
    if (q === '"' || q === "'" || q === '`') {
      const end = text.indexOf(q, 1);
      return { value: text.slice(1, end), rest: text.slice(end + 1).trimStart() };
    }
    const space = text.indexOf(' ');
    return space < 0 ? { value: text, rest: '' } : { value: text.slice(0, space), rest: text.slice(space + 1) };
  };

  it('is one balanced REAPER_PROJECT block with the project sample rate set and used', () => {
    expect(lines[0]).toMatch(/^<REAPER_PROJECT 0\.1 "[^"]+" \d+$/);
    expect(project.endsWith('>\n')).toBe(true);
    let depth = 0;
    for (const line of lines.filter((l) => l.trim() !== '')) {
      if (line.trim().startsWith('<')) depth++;
      else if (line.trim() === '>') depth--;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
    expect(lines).toContain('  SAMPLERATE 48000 1 0');
  });

  it('puts every track at position 0 with its file and length', () => {
    expect(lines.filter((l) => l === '  <TRACK')).toHaveLength(3);
    expect(lines.filter((l) => l.trim() === '<SOURCE WAVE')).toHaveLength(3);
    expect(lines.filter((l) => l.trim() === 'POSITION 0')).toHaveLength(3);
    expect(lines.filter((l) => l.trim() === 'LENGTH 130')).toHaveLength(3);
    const files = lines.filter((l) => l.trim().startsWith('FILE ')).map((l) => readParam(l.trim().slice(5)).value);
    expect(files).toEqual(['tracks/01 Alice.wav', 'tracks/02 "Bob".wav', 'mix.wav']);
    const names = lines.filter((l) => l.startsWith('    NAME ')).map((l) => readParam(l.trim().slice(5)).value);
    expect(names).toEqual(['Alice', `Bob "the" builder's`, 'Mix']);
  });

  it('has one MARKER line per marker, numbered, in time order, with its time and name', () => {
    const markerLines = lines.filter((l) => l.startsWith('  MARKER '));
    expect(markerLines).toHaveLength(markers.length);
    const parsed = markerLines.map((l) => {
      const [, index, time, ...rest] = l.trim().split(' ');
      const { value, rest: tail } = readParam(rest.join(' '));
      return { index: Number(index), time: Number(time), name: value, tail };
    });
    expect(parsed.map((p) => p.index)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(parsed.map((p) => p.time)).toEqual([12.25, 30, 45, 60, 75, 80, 90.5, 120]);
    expect(parsed.every((p) => p.tail === '0 0 1')).toBe(true);
    expect(parsed[0]!.name).toBe('Alice came on stage');
    // All three quote characters: backticks, with ` turned into ' as REAPER itself does; no tab or line break.
    expect(markerLines.at(-1)).toBe(`  MARKER 8 120 \`He said "hi" and 'bye' then 'left' — ünïcödé 🎙️\` 0 0 1`);
  });

  it('quotes as REAPER does: "…" by default, \'…\' around a double quote', () => {
    const rpp = reaperProject({ title: 't', sampleRate: RATE, tracks: [], markers: [{ frame: at(1.5), kind: 'manual', label: 'say "cheese"' }, { frame: at(2), kind: 'manual', label: "it's" }] });
    expect(rpp).toContain(`  MARKER 1 1.5 'say "cheese"' 0 0 1\n`);
    expect(rpp).toContain(`  MARKER 2 2 "it's" 0 0 1\n`);
  });

  it('gives marker times at sample resolution', () => {
    const rpp = reaperProject({ title: 't', sampleRate: RATE, tracks: [], markers: [{ frame: 1, kind: 'manual', label: 'x' }] });
    const time = Number(rpp.split('\n').find((l) => l.startsWith('  MARKER'))!.split(' ')[4]);
    expect(Math.round(time * RATE)).toBe(1);
  });
});
