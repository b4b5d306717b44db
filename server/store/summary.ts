// Queries over a space's running figures (migration 0060): written as they change — a new peak, a hand, a batch of
// reactions, a new listener, someone going on or off stage — and read back whole when a room is made again after a
// restart, and when the space's summary is asked for.
import type { Reaction } from '../../common/moderation';
import type { Role } from '../../common/space';
import type { Db } from './db';

export type StageRole = Exclude<Role, 'listener'>;

export interface StageStretch {
  id: string;
  name: string;
  /** Their highest role on stage so far. */
  role: StageRole;
  /** Time on stage in closed stretches, ms. */
  stageMs: number;
  /** When their current stretch began (server clock); null while off stage. */
  since: number | null;
  /** When they first went on stage: the summary lists people in that order within a role. */
  firstAt: number;
}

export interface SpaceFigures {
  peakListeners: number;
  hands: number;
  reactions: Map<Reaction, number>;
  /** The hashes of everyone who listened. */
  listeners: Set<string>;
  stage: StageStretch[];
}

export interface SummaryStore {
  load(spaceId: string): SpaceFigures;
  setPeak(spaceId: string, peak: number): void;
  addHand(spaceId: string): void;
  addReactions(spaceId: string, counts: ReadonlyMap<Reaction, number>): void;
  /** A listener counted once per space; false if they had been counted already. */
  addListener(spaceId: string, subject: string): boolean;
  saveStage(spaceId: string, stretch: StageStretch): void;
}

export function createSummaryStore(db: Db): SummaryStore {
  const q = {
    totals: db.prepare<[string], { peak_listeners: number; hands: number }>('SELECT peak_listeners, hands FROM space_totals WHERE space_id = ?'),
    reactions: db.prepare<[string], { emoji: Reaction; count: number }>('SELECT emoji, count FROM space_reactions WHERE space_id = ?'),
    listeners: db.prepare<[string], { subject: string }>('SELECT subject FROM space_listeners WHERE space_id = ?'),
    stage: db.prepare<[string], { id: string; name: string; role: StageRole; stage_ms: number; since: number | null; first_at: number }>(
      'SELECT id, name, role, stage_ms, since, first_at FROM space_stage WHERE space_id = ? ORDER BY first_at, id',
    ),
    setPeak: db.prepare(
      `INSERT INTO space_totals (space_id, peak_listeners) VALUES (?, ?)
       ON CONFLICT (space_id) DO UPDATE SET peak_listeners = MAX(peak_listeners, excluded.peak_listeners)`,
    ),
    addHand: db.prepare(`INSERT INTO space_totals (space_id, hands) VALUES (?, 1) ON CONFLICT (space_id) DO UPDATE SET hands = hands + 1`),
    addReaction: db.prepare(
      `INSERT INTO space_reactions (space_id, emoji, count) VALUES (?, ?, ?)
       ON CONFLICT (space_id, emoji) DO UPDATE SET count = count + excluded.count`,
    ),
    addListener: db.prepare('INSERT OR IGNORE INTO space_listeners (space_id, subject) VALUES (?, ?)'),
    saveStage: db.prepare(
      `INSERT INTO space_stage (space_id, id, name, role, stage_ms, since, first_at)
       VALUES (@spaceId, @id, @name, @role, @stageMs, @since, @firstAt)
       ON CONFLICT (space_id, id) DO UPDATE SET name = excluded.name, role = excluded.role, stage_ms = excluded.stage_ms,
         since = excluded.since`,
    ),
  };
  const addReactions = db.transaction((spaceId: string, counts: ReadonlyMap<Reaction, number>) => {
    for (const [emoji, count] of counts) if (count > 0) q.addReaction.run(spaceId, emoji, count);
  });
  return {
    load(spaceId) {
      const totals = q.totals.get(spaceId);
      return {
        peakListeners: totals?.peak_listeners ?? 0,
        hands: totals?.hands ?? 0,
        reactions: new Map(q.reactions.all(spaceId).map((r) => [r.emoji, r.count])),
        listeners: new Set(q.listeners.all(spaceId).map((r) => r.subject)),
        stage: q.stage.all(spaceId).map((r) => ({ id: r.id, name: r.name, role: r.role, stageMs: r.stage_ms, since: r.since, firstAt: r.first_at })),
      };
    },
    setPeak: (spaceId, peak) => void q.setPeak.run(spaceId, peak),
    addHand: (spaceId) => void q.addHand.run(spaceId),
    addReactions: (spaceId, counts) => addReactions(spaceId, counts),
    addListener: (spaceId, subject) => q.addListener.run(spaceId, subject).changes > 0,
    saveStage: (spaceId, s) => void q.saveStage.run({ spaceId, ...s }),
  };
}
