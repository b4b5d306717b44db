// How long each person on stage actually spoke, measured where the audio is heard: the SFU's "speaking now" list
// (renderer/sfu/adapter.ts activeSpeakers) sampled as it changes. A pure accumulator: each change credits the time
// since the previous one to everyone who was speaking during it. The server knows stage time, never speech.

export interface SpeakingClock {
  /** Milliseconds spoken so far, by SFU identity (= participant id), up to `since`. */
  totals: Readonly<Record<string, number>>;
  /** Who was speaking at `since`. */
  speaking: readonly string[];
  /** When `speaking` was last sampled; null while not counting (before live, after the end). */
  since: number | null;
  /** It has counted at some point (this studio was live on the call): a missing total then means 0, not unknown. */
  counted: boolean;
}

export const EMPTY_SPEAKING: SpeakingClock = { totals: {}, speaking: [], since: null, counted: false };

function credit(clock: SpeakingClock, now: number): Record<string, number> {
  const totals = { ...clock.totals };
  if (clock.since === null) return totals;
  const elapsed = Math.max(0, now - clock.since);
  if (elapsed === 0) return totals;
  for (const id of new Set(clock.speaking)) totals[id] = (totals[id] ?? 0) + elapsed;
  return totals;
}

/**
 * A new sample: `speaking` are the identities speaking from `now` on, `live` whether the space is on air (when it is
 * not, nothing more is counted — the time up to `now` still is). Returns the same clock when nothing changed.
 */
export function stepSpeaking(clock: SpeakingClock, speaking: readonly string[], now: number, live: boolean): SpeakingClock {
  if (!live) {
    if (clock.since === null) return clock;
    return { totals: credit(clock, now), speaking: [], since: null, counted: true };
  }
  if (clock.since !== null && sameSet(clock.speaking, speaking)) return clock;
  return { totals: credit(clock, now), speaking: [...speaking], since: now, counted: true };
}

/** Everyone's total at `now`, the running stretch included. */
export function speakingTotals(clock: SpeakingClock, now: number): Record<string, number> {
  return credit(clock, now);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((x) => set.has(x));
}
