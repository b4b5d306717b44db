// The host-panel bench's audience, in a process of its own: N plain protocol listeners join a live space (from many
// loopback addresses: the server caps connections per address), then for the given seconds 20 hands a second go up
// (each comes down a second later, so the queue stays about 20 long, as a host working it would keep it) and 50
// reactions a second fly, spread over the room. Every half second one of the listeners named "Probe <k>" raises a hand:
// the page notes when that name shows in its Requests list, and the bench matches the two clocks (one machine).
// Prints "window start" and "window end" lines, then one JSON line with the probes' send times (Date.now()).
// PANEL_NO_REACTIONS=1: hands only (what the reactions cost, by difference).
//   node --import tsx tests/bench/support/panel-load.ts <protocolUrl> <spaceId> <listeners> <seconds>
import WebSocket from 'ws';

const [url, spaceId, countArg, secondsArg] = process.argv.slice(2) as [string, string, string, string];
const count = Number(countArg);
const seconds = Number(secondsArg);
const ADDRESSES = 40;
const EMOJI = ['👏', '🔥', '❤️', '😂'];
const PROBES = Math.ceil(seconds * 2) + 2;
const sockets: WebSocket[] = [];
const probes: WebSocket[] = [];

async function join(i: number, name: string, into: WebSocket[]): Promise<void> {
  const ws = new WebSocket(url, { localAddress: `127.0.0.${2 + (i % ADDRESSES)}`, skipUTF8Validation: true, perMessageDeflate: false });
  ws.on('message', () => {});
  ws.on('error', () => {});
  await new Promise<void>((resolve) => ws.once('open', () => resolve()).once('error', () => resolve()));
  if (ws.readyState !== WebSocket.OPEN) return;
  ws.send(JSON.stringify({ type: 'join', spaceId, key: `panel-${name.replace(/\W/g, '-').padStart(16, '0')}`, name }));
  into.push(ws);
}

const began = Date.now();
const crowd = count - PROBES;
for (let i = 0; i < crowd; i += 100) await Promise.all(Array.from({ length: Math.min(100, crowd - i) }, (_, j) => join(i + j, `Listener ${i + j}`, sockets)));
for (let k = 0; k < PROBES; k++) await join(crowd + k, `Probe ${k}`, probes);
const joinedMs = Date.now() - began;
await new Promise((r) => setTimeout(r, 3000)); // the joins' own updates settle

console.log('window start');
const sent: { name: string; at: number }[] = [];
const lowering: WebSocket[][] = [];
const until = Date.now() + seconds * 1000;
let tick = 0;
while (Date.now() < until) {
  const up = [sockets[(tick * 2) % sockets.length], sockets[(tick * 2 + 1) % sockets.length]].filter((x): x is WebSocket => !!x);
  for (const ws of up) ws.send(JSON.stringify({ type: 'hand', raised: true }));
  lowering.push(up);
  if (lowering.length > 10) for (const ws of lowering.shift()!) ws.send(JSON.stringify({ type: 'hand', raised: false }));
  if (!process.env.PANEL_NO_REACTIONS) for (let k = 0; k < 5; k++) sockets[(tick * 13 + k * 101) % sockets.length]?.send(JSON.stringify({ type: 'react', emoji: EMOJI[k % EMOJI.length] }));
  if (tick % 5 === 0 && sent.length < probes.length) {
    const k = sent.length;
    sent.push({ name: `Probe ${k}`, at: Date.now() });
    probes[k]!.send(JSON.stringify({ type: 'hand', raised: true }));
    setTimeout(() => probes[k]!.send(JSON.stringify({ type: 'hand', raised: false })), 1000);
  }
  tick++;
  await new Promise((r) => setTimeout(r, 100));
}
console.log('window end');
await new Promise((r) => setTimeout(r, 1500));
for (const ws of [...sockets, ...probes]) ws.terminate();
console.log(JSON.stringify({ connected: sockets.length + probes.length, joinedMs, sent }));
process.exit(0);
