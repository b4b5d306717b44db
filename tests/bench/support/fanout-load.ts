// The fan-out bench's clients, in a process of their own (the space server is measured alone): the host goes live,
// N plain protocol listeners join (from many loopback addresses: the server caps connections per address), then for
// the given seconds 20 hands a second go up and down and 50 reactions a second fly, spread over the room.
//
// The probe: once a second the host reacts with 🎉 (an emoji the listeners never send) and a `ref`. Someone on stage is
// named in the batch that carries their reaction (`"from":["<host id>"]`), so each listener can tell that batch apart
// without parsing anything else. Markers the room's reaction cap refused come back as errors with their ref and are not
// counted; accepted markers arrive in the order they were sent, so the k-th marker a listener receives is the k-th
// accepted one. Fan-out latency = arrival at the listener − the moment the host sent it (one clock: one process).
//
// Prints "window start" and "window end" lines (the parent samples the server's CPU between them), then one JSON line.
//   node --import tsx tests/bench/support/fanout-load.ts <protocolUrl> <spaceId> <hostKey> <listeners> <seconds>
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { rawConnect, type RawClient } from './raw-ws';

const [url, spaceId, hostKey, countArg, secondsArg] = process.argv.slice(2) as [string, string, string, string, string];
const count = Number(countArg);
const seconds = Number(secondsArg);
const ADDRESSES = 40;
const EMOJI = ['👏', '🔥', '❤️', '😂'];

interface Listener {
  ws: RawClient;
  arrivals: number[];
}

let measuring = false;
let bytes = 0;
let frames = 0;
let marker = Buffer.alloc(0);
const listeners: Listener[] = [];

function open(i: number, onText?: (text: string) => void): Promise<WebSocket | null> {
  const ws = new WebSocket(url, { localAddress: `127.0.0.${2 + (i % ADDRESSES)}`, skipUTF8Validation: true, perMessageDeflate: false });
  ws.on('error', () => {});
  if (onText) ws.on('message', (data: Buffer) => onText(data.toString()));
  return new Promise((resolve) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', () => resolve(null));
  });
}

// ---- the host: joins with its key, learns its id, goes live; markers and their refusals ----
const sent: { ref: string; at: number; refused: boolean }[] = [];
let hostId = '';
let live = false;
const host = await open(count, (text) => {
  for (const line of text.split('\n')) {
    const msg = JSON.parse(line) as { type: string; participantId?: string; space?: { status: string }; ref?: string };
    if (msg.type === 'joined') hostId = msg.participantId!;
    if (msg.type === 'space' && msg.space?.status === 'live') live = true;
    if (msg.type === 'error' && msg.ref?.startsWith('m')) {
      const s = sent.find((x) => x.ref === msg.ref);
      if (s) s.refused = true;
    }
  }
});
if (!host) throw new Error('the host could not connect');
host.send(JSON.stringify({ type: 'join', spaceId, credential: hostKey, key: 'fanout-bench-host-key-000000', name: 'Host' }));
while (!hostId) await new Promise((r) => setTimeout(r, 20));
host.send(JSON.stringify({ type: 'start' }));
while (!live) await new Promise((r) => setTimeout(r, 20));
marker = Buffer.from(`"from":["${hostId}"`);

// ---- the listeners ----
async function join(i: number): Promise<void> {
  const l: Listener = { ws: null as unknown as RawClient, arrivals: [] };
  // Listeners read raw frames (raw-ws.ts): the load process's own reading must not be what the bench measures.
  const ws = await rawConnect(url, `127.0.0.${2 + (i % ADDRESSES)}`, (payload) => {
    if (!measuring) return;
    bytes += payload.length;
    frames++;
    if (payload.indexOf(marker) !== -1) l.arrivals.push(performance.now());
  });
  if (!ws) return;
  l.ws = ws;
  ws.send(JSON.stringify({ type: 'join', spaceId, key: `fanout-${String(i).padStart(16, '0')}`, name: `Listener ${i}` }));
  listeners.push(l);
}
const began = Date.now();
for (let i = 0; i < count; i += 100) await Promise.all(Array.from({ length: Math.min(100, count - i) }, (_, j) => join(i + j)));
const joinedMs = Date.now() - began;
await new Promise((r) => setTimeout(r, 3000)); // the joins' own updates settle

// ---- the window ----
console.log('window start');
measuring = true;
const cpu = process.cpuUsage();
const windowBegan = performance.now();
const until = windowBegan + seconds * 1000;
let tick = 0;
while (performance.now() < until) {
  for (let k = 0; k < 2; k++) listeners[(tick * 7 + k) % listeners.length]?.ws.send(JSON.stringify({ type: 'hand', raised: tick % 2 === 0 }));
  for (let k = 0; k < 5; k++) listeners[(tick * 13 + k * 101) % listeners.length]?.ws.send(JSON.stringify({ type: 'react', emoji: EMOJI[k % EMOJI.length] }));
  if (tick % 10 === 0) {
    const ref = `m${sent.length}`;
    sent.push({ ref, at: performance.now(), refused: false });
    host.send(JSON.stringify({ type: 'react', emoji: '🎉', ref }));
  }
  tick++;
  await new Promise((r) => setTimeout(r, 100));
}
const windowMs = performance.now() - windowBegan;
console.log('window end');
const used = process.cpuUsage(cpu);
await new Promise((r) => setTimeout(r, 3000)); // the last markers arrive
measuring = false;

const accepted = sent.filter((s) => !s.refused);
const latencies: number[] = [];
let missing = 0;
for (const l of listeners) {
  accepted.forEach((s, k) => {
    const at = l.arrivals[k];
    if (at === undefined) missing++;
    else latencies.push(at - s.at);
  });
}
latencies.sort((a, b) => a - b);
const pctOf = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
const pct = (p: number) => pctOf(latencies, p);
// Where the time goes, per marker: until the first listener has it (the room's coalescing and the server's path to
// its first socket), and from the first listener to the last (the server writing every socket, and this process
// reading them all on its one thread).
const firsts: number[] = [];
const spreads: number[] = [];
accepted.forEach((s, k) => {
  const at = listeners.map((l) => l.arrivals[k]).filter((x): x is number => x !== undefined);
  if (at.length === 0) return;
  const first = Math.min(...at);
  firsts.push(first - s.at);
  spreads.push(Math.max(...at) - first);
});
firsts.sort((a, b) => a - b);
spreads.sort((a, b) => a - b);
for (const l of listeners) l.ws.close();
host.terminate();
console.log(
  JSON.stringify({
    connected: listeners.length,
    joinedMs,
    markers: { sent: sent.length, accepted: accepted.length },
    deliveries: latencies.length,
    missing,
    p50: pct(50),
    p95: pct(95),
    max: latencies.at(-1) ?? NaN,
    firstP50: pctOf(firsts, 50),
    firstP95: pctOf(firsts, 95),
    spreadP50: pctOf(spreads, 50),
    spreadP95: pctOf(spreads, 95),
    overOneSecond: latencies.filter((x) => x > 1000).length / Math.max(1, latencies.length),
    bytesPerListenerPerSecond: bytes / Math.max(1, listeners.length) / (windowMs / 1000),
    framesPerListenerPerSecond: frames / Math.max(1, listeners.length) / (windowMs / 1000),
    loadCpu: (used.user + used.system) / 1000 / windowMs,
  }),
);
process.exit(0);
