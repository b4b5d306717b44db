// The SFU's health as the space server sees it, from one of two sources: the supervisor of the studio's own
// livekit-server (supervisor.ts), or — for LiveKit Cloud or someone's own LiveKit, not ours to restart — a probe of
// its HTTP(S) root that says only 'up' or 'down'. Both are a HealthSource: the current state and its changes.
import { httpUrlOf } from './admin';
import { initialHealth, moveHealth, type HealthMachine, type SfuHealthState, type SfuStatus } from './supervision';

export type { SfuHealthState };

/** Where the space server reads the SFU's health: now, and every change (the unsubscribe function is returned). */
export interface SfuHealth {
  state(): SfuHealthState;
  subscribe(listener: (state: SfuHealthState) => void): () => void;
}

/** A health source its owner moves; listeners hear each change once, and one that throws does not stop the rest. */
export function createHealthSource(
  initial: SfuStatus,
  now: () => number,
  log: (line: string) => void,
): SfuHealth & { move(status: SfuStatus): void } {
  let machine: HealthMachine = initialHealth(initial, now());
  const listeners = new Set<(state: SfuHealthState) => void>();
  return {
    state: () => machine.health,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    move(status) {
      const next = moveHealth(machine, status, now());
      if (next === machine) return;
      machine = next;
      for (const listener of [...listeners]) {
        try {
          listener(machine.health);
        } catch (error) {
          log(`SFU health listener: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    },
  };
}

/** For a space server whose SFU is a test double: always up, never changes. */
export function steadyHealth(now: () => number = Date.now): SfuHealth {
  const state: SfuHealthState = { status: 'up', since: now(), epoch: 0 };
  return { state: () => state, subscribe: () => () => {} };
}

export interface ProbeOptions {
  /** The SFU's signalling URL (ws:// or wss://); its http(s) root is probed. */
  url: string;
  log?: (line: string) => void;
  /** Default 2 s. */
  everyMs?: number;
  /** One check's limit (ms; default 3 s). */
  timeoutMs?: number;
  /** Checks missed in a row before it counts as down (default 2: one lost packet is not an outage). */
  misses?: number;
  now?: () => number;
}

/** One check: any HTTP answer below 500 means something serves there (a proxy in front may answer the root with 404). */
export async function probeOnce(httpUrl: string, timeoutMs: number): Promise<{ ok: true } | { ok: false; why: string }> {
  try {
    const res = await fetch(httpUrl, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await res.body?.cancel().catch(() => {});
    return res.status < 500 ? { ok: true } : { ok: false, why: `HTTP ${res.status}` };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { ok: false, why: `${error instanceof Error ? error.message : String(error)}${cause}` };
  }
}

/**
 * Probes a LiveKit that is not ours every `everyMs`: 'up' until `misses` checks in a row fail, then 'down' until one
 * answers (a new epoch). It assumes 'up' at first, so a studio that starts does not show an outage it has not seen.
 */
export function probeSfu(options: ProbeOptions): SfuHealth & { stop(): void } {
  const log = options.log ?? (() => {});
  const now = options.now ?? Date.now;
  const limit = options.misses ?? 2;
  const httpUrl = httpUrlOf(options.url);
  const source = createHealthSource('up', now, log);
  let missed = 0;
  let checking = false;
  let stopped = false;
  async function check(): Promise<void> {
    if (checking || stopped) return;
    checking = true;
    try {
      const result = await probeOnce(httpUrl, options.timeoutMs ?? 3_000);
      if (stopped) return;
      if (result.ok) {
        if (source.state().status !== 'up') log(`the audio server at ${httpUrl} answers again`);
        missed = 0;
        source.move('up');
      } else if (++missed >= limit && source.state().status === 'up') {
        // One line when it goes, one when it is back: not one per check.
        log(`the audio server at ${httpUrl} does not answer (${result.why}); checking every ${(options.everyMs ?? 2_000) / 1000} s`);
        source.move('down');
      }
    } finally {
      checking = false;
    }
  }
  const timer = setInterval(() => void check(), options.everyMs ?? 2_000);
  timer.unref();
  void check();
  return {
    state: source.state,
    subscribe: source.subscribe,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
