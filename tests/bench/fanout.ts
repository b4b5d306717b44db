// `npm run bench:fanout [-- --sizes 1000,5000,10000 --seconds 30]`: how the space server's fan-out holds as a room
// grows. For each size a fresh space server (its own process, as `npm run server` runs it, with a real livekit-server)
// gets a live space, N plain protocol listeners (tests/bench/support/fanout-load.ts, a process of its own), and for the
// given seconds 20 hands and 50 reactions a second. Printed per size: how long a host's reaction takes to reach every
// listener (p50 / p95 / max, and the share over 1 s), what each listener receives (bytes and frames a second), the
// server's CPU (share of one core) and memory, and the load process's CPU (it shares the machine: judge with it).
// Not a test: it prints figures and the ratio to the goal (p95 ≤ 250 ms at 10,000 listeners on one core).
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpuSeconds, sampleProcess, startSoakServer } from '../support/soak-server';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const GOAL_P95_MS = 250;
const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1000,5000,10000' }, seconds: { type: 'string', default: '30' } } });
const sizes = values.sizes.split(',').map(Number);
const seconds = Number(values.seconds);

interface LoadResult {
  connected: number;
  joinedMs: number;
  markers: { sent: number; accepted: number };
  deliveries: number;
  missing: number;
  p50: number;
  p95: number;
  max: number;
  firstP50: number;
  firstP95: number;
  spreadP50: number;
  spreadP95: number;
  overOneSecond: number;
  bytesPerListenerPerSecond: number;
  framesPerListenerPerSecond: number;
  loadCpu: number;
}

async function run(listeners: number): Promise<LoadResult & { serverCpu: number; rssMb: number; serverLines: string[] }> {
  const serverLines: string[] = [];
  const server = await startSoakServer({
    onLine: (line, failure) => failure && serverLines.push(line),
    onExit: (code, signal) => serverLines.push(`the space server exited (${code ?? signal})`),
  });
  try {
    const { spaceId, hostKey } = await server.createSpace(`Fan-out bench: ${listeners} listeners`, 'Host');
    const load = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tests/bench/support/fanout-load.ts'), server.protocolUrl, spaceId, hostKey, String(listeners), String(seconds)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let cpuAtStart = 0;
    let windowStart = 0;
    let serverCpu = NaN;
    let rssMb = NaN;
    let result: LoadResult | null = null;
    createInterface({ input: load.stdout }).on('line', (line) => {
      if (line === 'window start') {
        cpuAtStart = cpuSeconds(server.pid);
        windowStart = performance.now();
      } else if (line === 'window end') {
        serverCpu = (cpuSeconds(server.pid) - cpuAtStart) / ((performance.now() - windowStart) / 1000);
        rssMb = sampleProcess(server.pid).rssMb;
      } else if (line.startsWith('{')) result = JSON.parse(line) as LoadResult;
    });
    const code = await new Promise<number | null>((resolve) => load.once('exit', resolve));
    if (!result) throw new Error(`the load process ended (${code}) without its figures`);
    return { ...(result as LoadResult), serverCpu, rssMb, serverLines };
  } finally {
    await server.close();
  }
}

console.log(`fan-out: ${seconds} s of 20 hands/s and 50 reactions/s per size, on ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'})`);
console.log('listeners  joined   p50 ms  p95 ms  max ms  >1 s    bytes/s/listener  frames/s/listener  server CPU  server RSS  load CPU   p95/goal');
for (const n of sizes) {
  const r = await run(n);
  const cells = [
    String(r.connected).padStart(9),
    `${(r.joinedMs / 1000).toFixed(1)} s`.padStart(7),
    r.p50.toFixed(0).padStart(8),
    r.p95.toFixed(0).padStart(7),
    r.max.toFixed(0).padStart(7),
    `${(r.overOneSecond * 100).toFixed(1)} %`.padStart(7),
    r.bytesPerListenerPerSecond.toFixed(0).padStart(17),
    r.framesPerListenerPerSecond.toFixed(1).padStart(18),
    `${(r.serverCpu * 100).toFixed(0)} %`.padStart(11),
    `${r.rssMb.toFixed(0)} MB`.padStart(11),
    `${(r.loadCpu * 100).toFixed(0)} %`.padStart(9),
    `${(r.p95 / GOAL_P95_MS).toFixed(2)}x`.padStart(10),
  ];
  console.log(cells.join(' '));
  console.log(`           markers ${r.markers.accepted}/${r.markers.sent} accepted, ${r.deliveries} deliveries, ${r.missing} missing`);
  console.log(
    `           to the first listener p50 ${r.firstP50.toFixed(0)} / p95 ${r.firstP95.toFixed(0)} ms; first to last listener p50 ${r.spreadP50.toFixed(0)} / p95 ${r.spreadP95.toFixed(0)} ms`,
  );
  for (const line of r.serverLines) console.log(`           server: ${line}`);
}
