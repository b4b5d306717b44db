// What an ended space came to, as the studio shows it: the server's figures (common/protocol.ts spaceSummarySchema)
// plus the speaking time this studio measured (speaking-time.ts), turned into the lines a person reads. Pure, so
// the words and the numbers are tested without a browser.
import type { SpaceSummary } from '../../common/protocol';
import type { Role } from '../../common/space';
import { countOf } from '../../common/text';

/** "45 s", "3 min 5 s", "1 h 2 min"; "0 s" for nothing. */
export function spanText(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return s > 0 ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}

export interface SummaryFigure {
  key: 'duration' | 'peak' | 'total' | 'reactions' | 'hands';
  value: string;
  label: string;
}

export interface SummarySpeaker {
  id: string;
  name: string;
  role: Role;
  stage: string;
  /** How long they spoke, as heard by this studio; null when it heard nothing of them (it was not there). */
  spoke: string | null;
  spokeMs: number;
}

export interface SummaryModel {
  /** "Ended after 42 min" (or "Ended before it went live"). */
  headline: string;
  figures: SummaryFigure[];
  speakers: SummarySpeaker[];
  /** "No one spoke on stage" when the list is empty. */
  speakersEmpty: string;
  reactions: Array<{ emoji: string; count: number; text: string }>;
  reactionsLine: string;
}

const ROLE_ORDER: Record<Role, number> = { host: 0, cohost: 1, speaker: 2, listener: 3 };

export function summaryModel(summary: SpaceSummary, spokeMs: Readonly<Record<string, number>> = {}, measured = true): SummaryModel {
  const duration = summary.startedAt === null ? null : Math.max(0, summary.endedAt - summary.startedAt);
  const reactionTotal = summary.reactions.reduce((n, r) => n + r.count, 0);
  const speakers = [...summary.speakers]
    .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || (spokeMs[b.id] ?? 0) - (spokeMs[a.id] ?? 0) || b.stageMs - a.stageMs)
    .map((s) => {
      const ms = spokeMs[s.id] ?? 0;
      return { id: s.id, name: s.name, role: s.role, stage: spanText(s.stageMs), spokeMs: ms, spoke: measured ? spanText(ms) : null };
    });
  return {
    headline: duration === null ? 'Ended before it went live' : `Ended after ${spanText(duration)}`,
    figures: [
      { key: 'duration', value: duration === null ? '—' : spanText(duration), label: 'on air' },
      { key: 'peak', value: summary.peakListeners.toLocaleString('en'), label: summary.peakListeners === 1 ? 'listener at the peak' : 'listeners at the peak' },
      { key: 'total', value: summary.totalListeners.toLocaleString('en'), label: summary.totalListeners === 1 ? 'listener in all' : 'listeners in all' },
      { key: 'reactions', value: reactionTotal.toLocaleString('en'), label: reactionTotal === 1 ? 'reaction' : 'reactions' },
      { key: 'hands', value: summary.hands.toLocaleString('en'), label: summary.hands === 1 ? 'hand raised' : 'hands raised' },
    ],
    speakers,
    speakersEmpty: 'No one was on stage.',
    reactions: [...summary.reactions].sort((a, b) => b.count - a.count).map((r) => ({ emoji: r.emoji, count: r.count, text: `${r.emoji} ${r.count.toLocaleString('en')}` })),
    reactionsLine: countOf(reactionTotal, 'reaction', 'reactions', 'No reactions'),
  };
}
