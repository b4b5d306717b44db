// The soak's crowd: protocol listeners (Node WebSocket clients, no audio) that join, react, raise and lower hands,
// leave and come back — sometimes as someone new — on the seeded schedule of soak-plan.ts, each from one of a few
// loopback addresses as listeners behind different networks would. Any failure to connect or join, any error
// the server sends and any connection the server drops is reported to the caller.
import { setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { prng } from './prng';
import { between, DEFAULT_TIMING, listenerAddress, planStay, reactionMeanGapMs } from './soak-plan';
import { connectSoakClient, isType, type SoakClient } from './soak-client';

export interface CrowdStats {
  /** Listeners joined and connected right now. */
  connected: number;
  joins: number;
  reactionsSent: number;
  handsRaised: number;
}

export interface Crowd {
  stats: CrowdStats;
  /** Every listener leaves; resolves when all connections are closed. */
  stop(): Promise<void>;
}

export interface CrowdOptions {
  protocolUrl: string;
  spaceId: string;
  listeners: number;
  seed: number;
  onProblem: (problem: string) => void;
}

const KEY_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
const keyFrom = (rand: () => number): string => Array.from({ length: 24 }, () => KEY_CHARS[Math.floor(rand() * KEY_CHARS.length)]).join('');

export function startCrowd(options: CrowdOptions): Crowd {
  const stats: CrowdStats = { connected: 0, joins: 0, reactionsSent: 0, handsRaised: 0 };
  const abort = new AbortController();
  const { signal } = abort;
  // Every listener's waits listen to this one signal.
  setMaxListeners(0, signal);
  const open = new Set<SoakClient>();
  const meanGapMs = reactionMeanGapMs(options.listeners);

  async function stay(index: number, rand: () => number, key: string): Promise<void> {
    const who = `listener ${index}`;
    const problem = (text: string) => {
      if (!signal.aborted) options.onProblem(`${who}: ${text}`);
    };
    let client: SoakClient;
    try {
      client = await connectSoakClient(options.protocolUrl, { localAddress: listenerAddress(index), onProblem: problem });
    } catch (error) {
      problem(`could not connect: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    open.add(client);
    let leaving = false;
    void client.closed.then(({ code, reason }) => {
      if (!leaving) problem(`the server closed the connection (${code} ${reason})`);
    });
    try {
      const joined = client.expect(isType('joined'), 20_000, 'joined');
      client.send({ type: 'join', spaceId: options.spaceId, key, name: `Listener ${index}` });
      await joined;
      stats.joins++;
      stats.connected++;
      try {
        const stayMs = between(rand, DEFAULT_TIMING.stayMs);
        let now = 0;
        for (const event of planStay(rand, stayMs, meanGapMs)) {
          await delay(event.atMs - now, undefined, { signal });
          now = event.atMs;
          if (event.kind === 'react') {
            client.send({ type: 'react', emoji: event.emoji });
            stats.reactionsSent++;
          } else {
            client.send({ type: 'hand', raised: event.raised });
            if (event.raised) stats.handsRaised++;
          }
        }
        await delay(stayMs - now, undefined, { signal });
      } finally {
        stats.connected--;
      }
    } catch (error) {
      if (!signal.aborted) problem(error instanceof Error ? error.message : String(error));
    } finally {
      leaving = true;
      await client.close();
      open.delete(client);
    }
  }

  async function listener(index: number): Promise<void> {
    const rand = prng(options.seed * 1_000_003 + index);
    let key = keyFrom(rand);
    try {
      // Arrivals spread over the first ten seconds, as a crowd does when a space is shared.
      await delay(rand() * 10_000, undefined, { signal });
      while (!signal.aborted) {
        await stay(index, rand, key);
        await delay(between(rand, DEFAULT_TIMING.awayMs), undefined, { signal });
        if (rand() < DEFAULT_TIMING.newPersonChance) key = keyFrom(rand);
      }
    } catch (error) {
      if (!signal.aborted) options.onProblem(`listener ${index} stopped: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const running = Array.from({ length: options.listeners }, (_, i) => listener(i));
  return {
    stats,
    async stop() {
      abort.abort();
      await Promise.all(running);
      await Promise.all([...open].map((c) => c.close()));
    },
  };
}
