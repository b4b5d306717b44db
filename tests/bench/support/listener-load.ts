// A load of plain space-protocol listeners, in a process of its own so it does not weigh on the process being
// measured: N listeners join (from several loopback addresses: the server caps connections per address), then
// hands go up and down and reactions fly for the given seconds. Prints one JSON line when done.
import WebSocket from 'ws';

const [url, spaceId, countArg, secondsArg] = process.argv.slice(2) as [string, string, string, string];
const count = Number(countArg);
const seconds = Number(secondsArg);
const EMOJI = ['👏', '🔥', '❤️', '😂'];
const sockets: WebSocket[] = [];

async function join(i: number): Promise<void> {
  const ws = new WebSocket(url, { localAddress: `127.0.0.${2 + (i % 8)}` });
  ws.on('message', () => {});
  ws.on('error', () => {});
  await new Promise<void>((resolve) => ws.once('open', () => resolve()).once('error', () => resolve()));
  if (ws.readyState !== WebSocket.OPEN) return;
  ws.send(JSON.stringify({ type: 'join', spaceId, key: `load-${String(i).padStart(16, '0')}`, name: `Listener ${i}` }));
  sockets.push(ws);
}

const began = Date.now();
for (let i = 0; i < count; i += 50) await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, j) => join(i + j)));
const joinedMs = Date.now() - began;
// 20 hands a second and 50 reactions a second, spread over the room.
const until = Date.now() + seconds * 1000;
let tick = 0;
while (Date.now() < until) {
  for (let k = 0; k < 2; k++) sockets[(tick * 7 + k) % sockets.length]?.send(JSON.stringify({ type: 'hand', raised: tick % 2 === 0 }));
  for (let k = 0; k < 5; k++) sockets[(tick * 13 + k * 101) % sockets.length]?.send(JSON.stringify({ type: 'react', emoji: EMOJI[k % EMOJI.length] }));
  tick++;
  await new Promise((r) => setTimeout(r, 100));
}
for (const ws of sockets) ws.terminate();
console.log(JSON.stringify({ connected: sockets.length, joinedMs }));
process.exit(0);
