// The soak's judgements, as pure functions so they are tested in Node without a server: how a window of received
// audio is judged, which server log lines are failures, and the verdict over the whole run (memory, open files,
// errors, audio) with the bounds it is held to.

/** A block (100 ms) quieter than this is silence; speech said at -3 dBFS peak sits around -20 dBFS RMS. */
export const SILENT_BLOCK_DBFS = -50;
/** A window is "audio present" when its RMS is above this floor (a dead or muted track decodes to near zero). */
export const PRESENT_FLOOR_DBFS = -40;
/**
 * Longest silence allowed inside one window. The fixture's own pauses (between sentences, and its 0.5 s pads each
 * side where the loop restarts) stay near 1.2 s; three seconds without a sound while the host speaks is dead air.
 */
export const MAX_SILENCE_MS = 3_000;

/**
 * How far the server's RSS floor may rise from the first third of the run after the warm-up to the last third. The
 * floor (the least RSS in each third, what is left after V8 has collected) is judged rather than two single samples:
 * measured here, RSS saws between ~106 and ~136 MB in a steady 200-listener room as V8 grows its heap and gives it
 * back, so "at 1 min vs at the end" (also printed) can differ by 30 MB either way by chance. 20 MB: above the step
 * V8 takes when it enlarges its heap, while a leak of ~12 KB per listener join (member, session, timers; the default
 * run makes ~1,600 joins) or of a few KB per second anywhere raises the floor beyond it.
 */
export const RSS_GROWTH_BOUND_MB = 20;
/**
 * Open files allowed beyond the start once the crowd has gone and keep-alive sockets have expired. Every socket of a
 * client that left is closed by then, so what is left over is a leak; a few are allowed for pooled connections
 * (LiveKit's admin API, its webhooks) that a sweep happened to open at that moment.
 */
export const FD_GROWTH_BOUND = 4;

export function dbfs(linear: number): number {
  return linear > 0 ? 20 * Math.log10(linear) : -Infinity;
}

export interface AudioWindow {
  /** RMS of the whole window, dBFS (-Infinity for digital silence or no audio at all). */
  levelDb: number;
  /** The longest run of silent blocks, ms. */
  longestSilenceMs: number;
  present: boolean;
}

/** Judges one window of received audio from its block sums: `squares[i]` is the sum of squares of block i's samples. */
export function judgeAudioWindow(blocks: { squares: number; count: number }[], blockMs: number): AudioWindow {
  let squares = 0;
  let count = 0;
  let run = 0;
  let longest = 0;
  for (const b of blocks) {
    squares += b.squares;
    count += b.count;
    const silent = b.count === 0 || dbfs(Math.sqrt(b.squares / b.count)) < SILENT_BLOCK_DBFS;
    run = silent ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  const levelDb = count > 0 ? dbfs(Math.sqrt(squares / count)) : -Infinity;
  const longestSilenceMs = longest * blockMs;
  return { levelDb, longestSilenceMs, present: levelDb > PRESENT_FLOOR_DBFS && longestSilenceMs <= MAX_SILENCE_MS };
}

/** Lines the space server prints in normal operation that say nothing went wrong. */
const ROUTINE = [/^space server listening on /, /Podium space server ready at /, /Admin token for POST/, /started a local livekit-server/];
/** Words that mark a failure in a log line; the enforcer acting is one too, since nobody here outstays their right. */
const FAILURE = /error|exception|fail|could not|refused|unhandled|denied|enforcer/i;

/** Whether a line the space server printed reports a failure: anything on stderr, or failure words on stdout. */
export function isFailureLine(line: string, stream: 'stdout' | 'stderr'): boolean {
  const text = line.replace(/^\s*[·!]\s*/, '').trim();
  if (text === '') return false;
  if (stream === 'stderr') return true;
  if (ROUTINE.some((r) => r.test(text))) return false;
  return FAILURE.test(text);
}

export interface Sample {
  /** Seconds since the crowd started. */
  t: number;
  rssMb: number;
  fds: number;
}

export interface VerdictInput {
  samples: Sample[];
  /** Seconds of warm-up: memory is judged from here to the end. */
  warmupS: number;
  /** Open files with only the host and the audio check connected, before the crowd came and after it left. */
  quietFds: { start: number; end: number };
  errors: string[];
  audio: { present: number; total: number };
}

export interface Verdict {
  rss: {
    /** The sample at the end of the warm-up, and the last one: the figures the issue asks for. */
    atWarmupMb: number;
    atEndMb: number;
    growthMb: number;
    growthPct: number;
    /** The least RSS in the first and in the last third after the warm-up: what the bound judges. */
    floorStartMb: number;
    floorEndMb: number;
    floorGrowthMb: number;
    slopeMbPerMin: number;
  };
  fds: { first: number; last: number; quietStart: number; quietEnd: number; growth: number };
  failures: string[];
}

/** Least-squares slope of y over x. */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den > 0 ? num / den : 0;
}

/** The run's verdict. Needs at least one sample after the warm-up; with none, that alone is the failure. */
export function judgeSoak(input: VerdictInput): Verdict {
  const failures: string[] = [];
  const after = input.samples.filter((s) => s.t >= input.warmupS);
  if (after.length === 0) failures.push(`no sample after the ${input.warmupS} s warm-up: the run ended too early to judge memory`);
  const atWarmupMb = after[0]?.rssMb ?? NaN;
  const atEndMb = after.at(-1)?.rssMb ?? NaN;
  const third = Math.max(1, Math.floor(after.length / 3));
  const floorStartMb = after.length ? Math.min(...after.slice(0, third).map((s) => s.rssMb)) : NaN;
  const floorEndMb = after.length ? Math.min(...after.slice(-third).map((s) => s.rssMb)) : NaN;
  const floorGrowthMb = floorEndMb - floorStartMb;
  if (floorGrowthMb > RSS_GROWTH_BOUND_MB) {
    failures.push(
      `the server's RSS floor rose ${floorGrowthMb.toFixed(1)} MB after the warm-up (${floorStartMb.toFixed(1)} → ${floorEndMb.toFixed(1)} MB; bound ${RSS_GROWTH_BOUND_MB} MB)`,
    );
  }
  const fdGrowth = input.quietFds.end - input.quietFds.start;
  if (fdGrowth > FD_GROWTH_BOUND) {
    failures.push(`server open files grew by ${fdGrowth} with the crowd gone (${input.quietFds.start} → ${input.quietFds.end}; bound ${FD_GROWTH_BOUND})`);
  }
  if (input.errors.length) failures.push(`${input.errors.length} error(s); first: ${input.errors[0]}`);
  if (input.audio.total === 0) failures.push('no audio sample was taken');
  else if (input.audio.present < input.audio.total) {
    failures.push(`host audio absent at the listener in ${input.audio.total - input.audio.present} of ${input.audio.total} samples`);
  }
  return {
    rss: {
      atWarmupMb,
      atEndMb,
      growthMb: atEndMb - atWarmupMb,
      growthPct: ((atEndMb - atWarmupMb) / atWarmupMb) * 100,
      floorStartMb,
      floorEndMb,
      floorGrowthMb,
      slopeMbPerMin: slope(after.map((s) => s.t / 60), after.map((s) => s.rssMb)),
    },
    fds: {
      first: input.samples[0]?.fds ?? NaN,
      last: input.samples.at(-1)?.fds ?? NaN,
      quietStart: input.quietFds.start,
      quietEnd: input.quietFds.end,
      growth: fdGrowth,
    },
    failures,
  };
}
