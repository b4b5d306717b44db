// Keeps the studio's own livekit-server running. Whatever ends it — a crash, a kill, the OOM killer, a hang its
// health check catches — it is started again on the same ports with the same keys, so every URL and token stays
// valid, with backoff and a limit after which it says plainly that it gave up. Its health (up / restarting /
// failed, and an epoch bumped on each return) is what the space server tells every client.
import {
  findLivekitBinary,
  generateLivekitCredentials,
  missingBinaryMessage,
  startLivekit,
  type LivekitExit,
  type LivekitServer,
  type Log,
  type Ports,
  type StartLivekitOptions,
} from './runtime';
import { createHealthSource, type SfuHealth } from './health';
import { afterProbe, DEFAULT_RESTART_POLICY, nextRestart, recentLosses, type RestartPolicy } from './supervision';

export type { Ports };

export interface SupervisorOptions {
  log?: Log;
  policy?: Partial<RestartPolicy>;
  /** How often its HTTP root is checked while up (ms; default 1 s). */
  probeEveryMs?: number;
  /**
   * One check's limit (ms; default 2.5 s). Generous on purpose: killing a healthy SFU on a busy machine would cause
   * the very dead air this prevents, so a hang is called only after several seconds without any answer.
   */
  probeTimeoutMs?: number;
  /** Checks missed in a row that make it hung, to be killed and restarted (default 3). */
  missesForHung?: number;
  now?: () => number;
}

export interface SupervisedLivekit {
  url: string;
  apiKey: string;
  apiSecret: string;
  /** The same for its whole life, across restarts. */
  ports: Ports;
  health: SfuHealth;
  /** The running process's pid, or null between a loss and the next start. */
  pid(): number | null;
  /** Why it gave up (status 'failed'), for a person: what happened and its last output; null otherwise. */
  failure(): string | null;
  /** Stops it for good: no restart after this. */
  stop(): Promise<void>;
}

/** Where a server's output ends: the lines a person needs to see why it would not run. */
const LAST_LINES = 12;

function describeExit(exit: LivekitExit): string {
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code ?? 'unknown'}`;
}

/**
 * Supervises what `start` runs. The first run is `started` if given, else `start(initialPorts)` (whose failure is
 * thrown to the caller); every restart is `start(the first run's ports)`, which must use the same keys.
 */
export async function superviseLivekit(
  start: (ports: Ports | undefined) => Promise<LivekitServer>,
  options: SupervisorOptions & { initialPorts?: Ports; started?: LivekitServer } = {},
): Promise<SupervisedLivekit> {
  const log = options.log ?? (() => {});
  const now = options.now ?? Date.now;
  const policy: RestartPolicy = { ...DEFAULT_RESTART_POLICY, ...options.policy };
  const missesForHung = options.missesForHung ?? 3;
  const first = options.started ?? (await start(options.initialPorts));
  const { url, apiKey, apiSecret, ports } = first;
  const health = createHealthSource('up', now, log);
  let current: LivekitServer | null = first;
  let stopped = false;
  let failure: string | null = null;
  let losses: number[] = [];
  let lastOutput: string[] = [];
  /** The restart in progress, if any: stop() waits for it, so a server it starts is not left behind. */
  let restarting: Promise<void> | null = null;
  let cancelWait: (() => void) | null = null;
  /** Health checks missed in a row by the running server. */
  let misses = 0;
  let probing = false;

  const wait = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        cancelWait = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      cancelWait = done;
    });

  async function restart(lostAt: number): Promise<void> {
    let failedStarts = 0;
    for (;;) {
      const decision = nextRestart({ failedStarts, losses }, now(), policy);
      if (decision.action === 'give-up') {
        failure =
          `The studio's audio server stopped and could not be kept running: ${decision.reason}. ` +
          'Restart Podium; if it happens again, use another audio server (Settings → Audio server).' +
          (lastOutput.length ? `\nIts last output:\n${lastOutput.join('\n')}` : '');
        log(`livekit supervisor: giving up: ${decision.reason}`);
        health.move('failed');
        return;
      }
      await wait(decision.delayMs);
      if (stopped) return;
      let next: LivekitServer;
      try {
        next = await start(ports);
      } catch (error) {
        failedStarts++;
        const text = error instanceof Error ? error.message : String(error);
        lastOutput = text.split('\n').slice(-LAST_LINES);
        log(`livekit supervisor: start ${failedStarts} failed: ${text.split('\n')[0]}`);
        continue;
      }
      if (stopped) {
        await next.stop();
        return;
      }
      if (next.url !== url || next.apiKey !== apiKey || next.apiSecret !== apiSecret) {
        // Clients' URLs and tokens would stop working: this start does not count as the same SFU.
        await next.stop();
        failedStarts++;
        lastOutput = [`restarted at ${next.url}, not ${url}, or with other keys`];
        log(`livekit supervisor: ${lastOutput[0]}`);
        continue;
      }
      current = next;
      misses = 0;
      health.move('up');
      log(`livekit supervisor: livekit-server is back (pid ${next.pid}, ${now() - lostAt} ms after it was lost; epoch ${health.state().epoch})`);
      watch(next);
      return;
    }
  }

  function watch(server: LivekitServer): void {
    void server.exited.then((exit) => {
      if (stopped || current !== server) return;
      current = null;
      lastOutput = server.output().slice(-LAST_LINES);
      const at = now();
      losses = [...recentLosses(losses, at, policy), at];
      log(`livekit supervisor: livekit-server (pid ${server.pid}) ended (${describeExit(exit)}); restarting it on ports ${ports.http}/${ports.udp}`);
      health.move('restarting');
      restarting = restart(at).finally(() => (restarting = null));
    });
  }
  watch(first);

  // A process can be alive and answer nothing (stopped, deadlocked): its HTTP root is checked while it is up.
  const probe = setInterval(() => {
    const server = current;
    if (probing || stopped || !server || health.state().status !== 'up') return;
    probing = true;
    void fetch(`http://127.0.0.1:${ports.http}/`, { signal: AbortSignal.timeout(options.probeTimeoutMs ?? 2_500) })
      .then(
        async (res) => {
          await res.body?.cancel().catch(() => {});
          return res.status === 200;
        },
        () => false,
      )
      .then((answered) => {
        probing = false;
        if (stopped || current !== server) return;
        const step = afterProbe(misses, answered, missesForHung);
        misses = step.misses;
        if (step.hung) {
          log(`livekit supervisor: livekit-server (pid ${server.pid}) missed ${missesForHung} health checks in a row; killing it to restart it`);
          misses = 0;
          server.kill();
        }
      });
  }, options.probeEveryMs ?? 1_000);
  probe.unref();

  return {
    url,
    apiKey,
    apiSecret,
    ports,
    health: { state: health.state, subscribe: health.subscribe },
    pid: () => current?.pid ?? null,
    failure: () => failure,
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(probe);
      cancelWait?.();
      await restarting;
      const server = current;
      current = null;
      await server?.stop();
      health.move('down');
    },
  };
}

/**
 * startLivekit under supervision: one key pair and one binary for every run (a random pair is made once here when
 * none is given), the same ports each time.
 */
export async function startSupervisedLivekit(options: StartLivekitOptions & SupervisorOptions = {}): Promise<SupervisedLivekit> {
  const { policy, probeEveryMs, probeTimeoutMs, missesForHung, now, ports, ...launch } = options;
  const credentials =
    launch.apiKey !== undefined && launch.apiSecret !== undefined ? { apiKey: launch.apiKey, apiSecret: launch.apiSecret } : generateLivekitCredentials();
  const bin = launch.bin ?? (await findLivekitBinary({ log: launch.log, resourcesDir: launch.resourcesDir }));
  if (!bin) throw new Error(missingBinaryMessage({ resourcesDir: launch.resourcesDir }));
  return superviseLivekit((given) => startLivekit({ ...launch, ...credentials, bin, ...(given ? { ports: given } : {}) }), {
    log: launch.log,
    policy,
    probeEveryMs,
    probeTimeoutMs,
    missesForHung,
    now,
    initialPorts: ports,
  });
}
