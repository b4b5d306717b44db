// What the soak's crowd does, decided ahead by a seeded PRNG (pure, so it is tested and a run can be replayed with
// its seed): how long each listener stays and is away, and what they do while in the space — react, raise and
// lower a hand — always within the server's rate limits, so that any rate-limit error is the server's fault.
import { REACTIONS, type Reaction } from '../../common/moderation';

export type StayEvent = { atMs: number; kind: 'react'; emoji: Reaction } | { atMs: number; kind: 'hand'; raised: boolean };

/** The server allows one reaction a second per person (bursts of five): a listener here never goes faster than this. */
export const MIN_REACTION_GAP_MS = 1_200;
/** Listeners per source address. The server allows 5 reactions/s per address; five listeners at most 1/1.2 s stay below. */
export const LISTENERS_PER_ADDRESS = 5;
/** The whole crowd's average reaction rate, well under the room's cap of 40/s (bursts of 80). */
export const CROWD_REACTIONS_PER_S = 20;

export interface CrowdTiming {
  stayMs: [number, number];
  awayMs: [number, number];
  /** Chance that a listener who comes back is someone new (a fresh client key) rather than the same person. */
  newPersonChance: number;
  /** Chance that a listener raises a hand during a stay. */
  handChance: number;
}

export const DEFAULT_TIMING: CrowdTiming = { stayMs: [20_000, 120_000], awayMs: [1_000, 10_000], newPersonChance: 0.3, handChance: 0.3 };

export const between = (rand: () => number, [lo, hi]: [number, number]): number => lo + rand() * (hi - lo);

/** The mean time between one listener's reactions, so that the crowd reacts CROWD_REACTIONS_PER_S on average. */
export function reactionMeanGapMs(listeners: number): number {
  return Math.max(10_000, (listeners / CROWD_REACTIONS_PER_S) * 1000);
}

/** The loopback address listener `index` connects from (127.0.0.2 onwards), LISTENERS_PER_ADDRESS to an address. */
export function listenerAddress(index: number): string {
  const n = 2 + Math.floor(index / LISTENERS_PER_ADDRESS);
  if (n > 254 * 254) throw new Error('too many listeners for the loopback addresses used here');
  return `127.0.${Math.floor(n / 254)}.${(n % 254) + 1}`;
}

/** What one listener does during one stay of `stayMs`, in time order. */
export function planStay(rand: () => number, stayMs: number, meanGapMs: number, timing: CrowdTiming = DEFAULT_TIMING): StayEvent[] {
  const events: StayEvent[] = [];
  // Exponential gaps (a Poisson crowd), never closer than the per-person limit allows.
  for (let at = rand() * meanGapMs; at < stayMs; at += Math.max(MIN_REACTION_GAP_MS, -Math.log(1 - rand()) * meanGapMs)) {
    events.push({ atMs: Math.round(at), kind: 'react', emoji: REACTIONS[Math.floor(rand() * REACTIONS.length)]! });
  }
  if (rand() < timing.handChance) {
    const up = rand() * stayMs;
    events.push({ atMs: Math.round(up), kind: 'hand', raised: true });
    // Some lower it again; the others leave with it up.
    const down = up + between(rand, [5_000, 30_000]);
    if (down < stayMs) events.push({ atMs: Math.round(down), kind: 'hand', raised: false });
  }
  return events.sort((a, b) => a.atMs - b.atMs);
}
