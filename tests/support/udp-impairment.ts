// A bad network made by the test: a UDP relay in front of the SFU's media port that drops and delays packets the way
// `tc qdisc ... netem loss P% delay D ms J ms` would (each packet independently, so jitter reorders as netem does).
// It exists because this machine's kernel has no sch_netem (only htb and pfifo qdiscs), while network namespaces and
// veth pairs work: the listener's Chromium sits in a namespace whose only way to the SFU is this relay, so the
// impairment cannot be bypassed. Each client address gets its own socket towards the SFU, so the SFU sees one
// peer-reflexive address per client and answers through the relay; impairments are chosen per client address
// (listener vs speaker) and per direction, and may change while media flows (tc qdisc change).
import dgram from 'node:dgram';
import { prng } from './prng';

export interface Impairment {
  /** Share of packets dropped, 0..100. */
  lossPct: number;
  /** Mean one-way delay added, ms. */
  delayMs: number;
  /** Delay varies by up to ± this (uniform) or with this standard deviation (normal), ms. */
  jitterMs: number;
  distribution?: 'uniform' | 'normal';
}

export const CLEAN: Impairment = { lossPct: 0, delayMs: 0, jitterMs: 0 };

/** What happens to one packet: null = dropped, else the delay (ms, never negative). Pure given the random source. */
export function impairPacket(random: () => number, imp: Impairment): number | null {
  if (imp.lossPct > 0 && random() * 100 < imp.lossPct) return null;
  if (imp.jitterMs <= 0) return Math.max(0, imp.delayMs);
  let offset: number;
  if (imp.distribution === 'normal') {
    // Box–Muller; 1 - u keeps log() away from 0.
    const u = 1 - random();
    const v = random();
    offset = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v) * imp.jitterMs;
  } else {
    offset = (random() * 2 - 1) * imp.jitterMs;
  }
  return Math.max(0, imp.delayMs + offset);
}

export interface DirectionCounts {
  forwarded: number;
  dropped: number;
}

export interface ImpairmentRelay {
  host: string;
  port: number;
  /** Which impairment applies to a client (by its address), towards the SFU (up) and from it (down). */
  setPolicy(policy: ImpairmentPolicy): void;
  /** Packets per client address since start (or since resetCounts). */
  counts(): Map<string, { up: DirectionCounts; down: DirectionCounts }>;
  resetCounts(): void;
  close(): Promise<void>;
}

export type ImpairmentPolicy = (clientAddress: string) => { up: Impairment; down: Impairment };

interface Client {
  socket: dgram.Socket;
  up: DirectionCounts;
  down: DirectionCounts;
}

/**
 * Listens on `host`:`port` (0 = any free port) and relays each client's datagrams to `target`, impaired per `policy`.
 * `seed` makes the loss pattern repeatable.
 */
export async function startImpairmentRelay(options: {
  host: string;
  port?: number;
  /** Where the SFU listens; port defaults to the relay's own port number (the SFU on loopback, the relay outside). */
  target: { host: string; port?: number };
  policy?: ImpairmentPolicy;
  seed?: number;
}): Promise<ImpairmentRelay> {
  const random = prng(options.seed ?? 0x5eed);
  let policy: ImpairmentPolicy = options.policy ?? (() => ({ up: CLEAN, down: CLEAN }));
  const clients = new Map<string, Client>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const front = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.bind(options.port ?? 0, options.host, () => {
      front.off('error', reject);
      resolve();
    });
  });
  const targetPort = options.target.port ?? (front.address() as { port: number }).port;
  // A send that fails (a client gone, a socket closing) must not take the relay down.
  front.on('error', () => {});

  const later = (delay: number, send: () => void): void => {
    if (delay <= 0) return send();
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!closed) send();
    }, delay);
    timers.add(timer);
  };

  const clientFor = (address: string, port: number): Client => {
    const key = `${address}:${port}`;
    const known = clients.get(key);
    if (known) return known;
    const socket = dgram.createSocket('udp4');
    socket.on('error', () => {});
    const made: Client = { socket, up: { forwarded: 0, dropped: 0 }, down: { forwarded: 0, dropped: 0 } };
    socket.on('message', (msg) => {
      const delay = impairPacket(random, policy(address).down);
      if (delay === null) return void made.down.dropped++;
      made.down.forwarded++;
      later(delay, () => front.send(msg, port, address));
    });
    // Loopback towards the SFU; bound before the first send, so every packet leaves from the same address.
    socket.bind(0, options.target.host);
    clients.set(key, made);
    return made;
  };

  front.on('message', (msg, rinfo) => {
    const client = clientFor(rinfo.address, rinfo.port);
    const delay = impairPacket(random, policy(rinfo.address).up);
    if (delay === null) return void client.up.dropped++;
    client.up.forwarded++;
    later(delay, () => client.socket.send(msg, targetPort, options.target.host));
  });

  return {
    host: options.host,
    port: (front.address() as { port: number }).port,
    setPolicy: (next) => void (policy = next),
    counts: () => new Map([...clients].map(([key, c]) => [key, { up: { ...c.up }, down: { ...c.down } }])),
    resetCounts() {
      for (const c of clients.values()) {
        c.up = { forwarded: 0, dropped: 0 };
        c.down = { forwarded: 0, dropped: 0 };
      }
    },
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const sockets = [front, ...[...clients.values()].map((c) => c.socket)];
      clients.clear();
      await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
