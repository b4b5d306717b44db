// A space's running figures while it is live — the most listeners at once, every different listener, hands raised,
// reactions per emoji, and each person's time on stage with their highest role — and the summary they come to once
// it ends (common/protocol.ts spaceSummarySchema), for its host and co-hosts. Counted only while the space is live,
// written through to SQLite as they change (server/store/summary.ts), so a restart of the server loses none of it.
import type { Reaction } from '../common/moderation';
import type { SpaceSummary } from '../common/protocol';
import type { PublicSpace, Role } from '../common/space';
import type { SpaceFigures, StageRole, StageStretch, SummaryStore } from './store/summary';

const RANK: Record<Role, number> = { listener: 0, speaker: 1, cohost: 2, host: 3 };

const emptyFigures = (): SpaceFigures => ({ peakListeners: 0, hands: 0, reactions: new Map(), listeners: new Set(), stage: [] });

export class SpaceTally {
  private readonly figures: SpaceFigures;
  private readonly stage = new Map<string, StageStretch>();
  /** Reactions counted since the last write: written with each reactions batch, not one write per tap. */
  private pendingReactions = new Map<Reaction, number>();
  private live = false;

  constructor(
    private readonly spaceId: string,
    /** Null in tests of memory alone. */
    private readonly store: SummaryStore | null,
    private readonly now: () => number,
    private readonly log: (line: string) => void = () => {},
  ) {
    this.figures = this.guard('read the figures', () => store?.load(spaceId)) ?? emptyFigures();
    for (const s of this.figures.stage) this.stage.set(s.id, s);
  }

  /** A failed write is logged, never thrown into the action that counted it. */
  private guard<T>(what: string, run: () => T): T | undefined {
    try {
      return run();
    } catch (error) {
      this.log(`could not ${what} of space ${this.spaceId}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  isLive(): boolean {
    return this.live;
  }

  /** The space is (or, after a restart, still is) live: counting starts. People on stage are passed to onStage(). */
  start(): void {
    this.live = true;
  }

  /** The space ended at `at`: every stretch on stage closes there, and nothing more is counted. */
  end(at: number): void {
    this.flushReactions();
    for (const s of this.stage.values()) {
      if (s.since === null) continue;
      s.stageMs += Math.max(0, at - s.since);
      s.since = null;
      this.save(s);
    }
    this.live = false;
  }

  private save(s: StageStretch): void {
    this.guard('keep the stage time', () => this.store?.saveStage(this.spaceId, s));
  }

  /** How many listeners are connected right now. */
  listenersNow(n: number): void {
    if (!this.live || n <= this.figures.peakListeners) return;
    this.figures.peakListeners = n;
    this.guard('keep the peak', () => this.store?.setPeak(this.spaceId, n));
  }

  /** Someone is listening (by the hash of their client key: the same person across reloads counts once). */
  listener(subject: string): void {
    if (!this.live || this.figures.listeners.has(subject)) return;
    this.figures.listeners.add(subject);
    this.guard('count a listener', () => this.store?.addListener(this.spaceId, subject));
  }

  hand(): void {
    if (!this.live) return;
    this.figures.hands++;
    this.guard('count a hand', () => this.store?.addHand(this.spaceId));
  }

  reaction(emoji: Reaction): void {
    if (!this.live) return;
    this.figures.reactions.set(emoji, (this.figures.reactions.get(emoji) ?? 0) + 1);
    this.pendingReactions.set(emoji, (this.pendingReactions.get(emoji) ?? 0) + 1);
  }

  flushReactions(): void {
    if (this.pendingReactions.size === 0) return;
    const batch = this.pendingReactions;
    this.pendingReactions = new Map();
    this.guard('count reactions', () => this.store?.addReactions(this.spaceId, batch));
  }

  /**
   * Where a member stands now: on stage (a stretch starts, or their highest role goes up) or off it (their stretch
   * closes). Writes only when something changed, so the many calls of a busy room cost nothing.
   */
  observe(m: { id: string; name: string; role: Role }, at = this.now()): void {
    const s = this.stage.get(m.id);
    if (m.role === 'listener') return this.offStage(m.id);
    if (!this.live) return;
    if (!s) {
      const fresh: StageStretch = { id: m.id, name: m.name, role: m.role as StageRole, stageMs: 0, since: at, firstAt: at };
      this.stage.set(m.id, fresh);
      return this.save(fresh);
    }
    let changed = false;
    if (s.since === null) [s.since, changed] = [at, true];
    if (RANK[m.role] > RANK[s.role]) [s.role, changed] = [m.role as StageRole, true];
    if (s.name !== m.name) [s.name, changed] = [m.name, true];
    if (changed) this.save(s);
  }

  /** This member left the stage (moved to the listeners, removed, or forgotten). */
  offStage(id: string): void {
    const s = this.stage.get(id);
    if (!s || s.since === null) return;
    s.stageMs += Math.max(0, this.now() - s.since);
    s.since = null;
    this.save(s);
  }

  /** What the space came to; for a space still live, up to now. */
  summary(space: Pick<PublicSpace, 'startedAt' | 'endedAt'>): SpaceSummary {
    const endedAt = space.endedAt ?? this.now();
    const speakers = [...this.stage.values()]
      .sort((a, b) => RANK[b.role] - RANK[a.role] || a.firstAt - b.firstAt)
      .map((s) => ({ id: s.id, name: s.name, role: s.role, stageMs: s.stageMs + (s.since === null ? 0 : Math.max(0, endedAt - s.since)) }));
    const reactions = [...this.figures.reactions].filter(([, n]) => n > 0).map(([emoji, count]) => ({ emoji, count }));
    reactions.sort((a, b) => b.count - a.count);
    return {
      startedAt: space.startedAt,
      endedAt,
      peakListeners: this.figures.peakListeners,
      totalListeners: this.figures.listeners.size,
      speakers,
      reactions,
      hands: this.figures.hands,
    };
  }
}
