// How long the studio shell's own event loop is held up while a busy room runs: the thread that, in Electron, also
// runs the window. "Before": the studio's services in the shell's process, as Podium ran until now. "After": the
// services in a process of their own (main/services/process). 2,000 protocol listeners join, then 20 hands and 50
// reactions a second for 20 s, from a load process of their own. Not a test: it prints figures and the ratio.
//   npm run bench:main-thread [-- --listeners 2000 --seconds 20]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { dispatch } from '../../main/ipc/dispatch';
import { startStudioServices } from '../../main/services/studio';
import { startWebStudioHost } from '../../main/web/host';
import { runWebStudio } from '../../main/web/run';
import { startLivekit } from '../../scripts/livekit';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const LISTENERS = arg('listeners', 2000);
const SECONDS = arg('seconds', 20);

interface Setup {
  call(channel: string, request?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

async function measure(label: string, setup: Setup): Promise<{ label: string; p50: number; p99: number; max: number; connected: number }> {
  const created = (await setup.call('spaces:create', { title: 'Bench: a busy room' })) as { space: { id: string }; protocolUrl: string; credential: string };
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const load = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tests/bench/support/listener-load.ts'), created.protocolUrl, created.space.id, String(LISTENERS), String(SECONDS)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  load.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((resolve) => load.once('exit', resolve));
  histogram.disable();
  const ms = (ns: number) => ns / 1e6;
  const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { connected?: number };
  await setup.close();
  return { label, p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max), connected: result.connected ?? 0 };
}

const livekit = await startLivekit();
const assetsDir = path.join(ROOT, 'out', 'renderer');
const given = { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret };
try {
  const before = await (async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-bench-'));
    const services = await startStudioServices({ dataDir, assetsDir, shell: 'web', version: 'bench', startEmbeddedLivekit: async () => ({ ...given, stop: async () => {} }) });
    const host = await startWebStudioHost({ call: (c, r) => dispatch(services.handlers, c, r), assetsDir });
    return measure('services in the shell process (before)', {
      call: async (c, r) => ((await dispatch(services.handlers, c, r)) as { value: unknown }).value,
      close: async () => {
        await host.close();
        await services.close();
      },
    });
  })();
  const after = await (async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-bench-'));
    const studio = await runWebStudio({ dataDir, assetsDir, version: 'bench', livekit: given });
    return measure('services in their own process (after)', {
      call: async (c, r) => ((await studio.services.call(c, r)) as { value: unknown }).value,
      close: () => studio.close(),
    });
  })();
  console.log(`\nShell event-loop delay while ${LISTENERS} listeners join, then 20 hands/s and 50 reactions/s for ${SECONDS} s:`);
  console.log('  setup                                      connected   p50 ms   p99 ms   max ms');
  for (const r of [before, after]) {
    console.log(`  ${r.label.padEnd(42)} ${String(r.connected).padStart(9)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${r.max.toFixed(1).padStart(8)}`);
  }
  console.log(`  p99 before / after: ${(before.p99 / after.p99).toFixed(1)}×`);
} finally {
  await livekit.stop();
}
