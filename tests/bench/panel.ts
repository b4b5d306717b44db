// `npm run bench:panel [-- --sizes 500,2000,10000 --seconds 30]`: how smooth the host panel stays in a busy room. The
// web studio (services in their own process, real livekit-server) hosts a live space, open in Chromium at desktop size;
// N plain protocol listeners (tests/bench/support/panel-load.ts, a process of its own) join, then for the given seconds
// 20 hands a second go up (each down a second later) and 50 reactions a second fly. Printed per size: the page's frame
// intervals (p50 / p95 / max), long tasks (count, total, longest), how long a raised hand takes to show in Requests
// (p50 / p95), the page's JS heap, and the services process's CPU and memory (the space server runs there).
// Not a test: it prints figures and the ratios to the goals (frame p95 ≤ 20 ms at 2,000 and ≤ 33 ms at 10,000 listeners;
// no long task over 50 ms; hand → Requests p95 ≤ 250 ms at 2,000). The load process runs at a lower priority (nice 10):
// it stands in for listeners on other machines, and must not take the studio's CPU. To see what a part costs:
// PANEL_NO_REACTIONS=1 sends no reactions; PANEL_HIDE_FLOATS=1 sends them but hides the floating emoji.
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { startLivekit } from '../../scripts/livekit';
import { launchChromium } from '../support/chromium';
import { makeSpeechWav } from '../support/fixtures';
import { cpuSeconds, sampleProcess } from '../support/soak-server';
import { createTestSpace, ROOT, startTestStudio } from '../support/studio';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '500,2000,10000' }, seconds: { type: 'string', default: '30' } } });
const sizes = values.sizes.split(',').map(Number);
const seconds = Number(values.seconds);

interface PageFigures {
  frames: number[];
  longTasks: number[];
  seen: Record<string, number>;
  heapMb: number;
}

/**
 * Installed before the window: frame intervals, long tasks, and when each "Probe <k>" first shows as a hand row.
 * Plain JavaScript in a string: tsx names functions with a helper the page does not have.
 */
const INSTRUMENT = `(() => {
  const bench = { frames: [], longTasks: [], seen: {}, on: true };
  window.__bench = bench;
  let last = performance.now();
  const frame = (t) => {
    bench.frames.push(t - last);
    last = t;
    if (bench.on) requestAnimationFrame(frame);
  };
  requestAnimationFrame((t) => { last = t; requestAnimationFrame(frame); });
  new PerformanceObserver((list) => { for (const e of list.getEntries()) bench.longTasks.push(e.duration); }).observe({ type: 'longtask' });
  const look = (el) => {
    const rows = el.matches('[data-testid="hand-row"]') ? [el] : Array.from(el.querySelectorAll('[data-testid="hand-row"]'));
    for (const row of rows) {
      const name = (row.querySelector('.prow-name') || row).textContent.trim();
      if (/^Probe \\d+$/.test(name) && !(name in bench.seen)) bench.seen[name] = Date.now();
    }
  };
  new MutationObserver((records) => {
    for (const r of records) {
      for (const n of r.addedNodes) if (n instanceof Element) look(n);
      if (r.type === 'characterData' && r.target.parentElement) look(r.target.parentElement.closest('[data-testid="hand-row"]') || r.target.parentElement);
    }
  }).observe(document.body, { childList: true, subtree: true, characterData: true });
})()`;

const COLLECT = `(() => {
  const bench = window.__bench;
  bench.on = false;
  const memory = performance.memory;
  return { frames: bench.frames, longTasks: bench.longTasks, seen: bench.seen, heapMb: (memory ? memory.usedJSHeapSize : NaN) / 1048576 };
})()`;

async function instrument(page: Page): Promise<void> {
  await page.evaluate(INSTRUMENT);
}

async function collect(page: Page): Promise<PageFigures> {
  return (await page.evaluate(COLLECT)) as PageFigures;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

const livekit = await startLivekit();
const browser = await launchChromium(makeSpeechWav());
console.log(`host panel: ${seconds} s of 20 hands/s and 50 reactions/s per size, Chromium at 1440×1000, on ${os.availableParallelism()} cores`);
console.log('listeners  frame p50/p95/max ms   long tasks (n, total, longest)   hand→Requests p50/p95 ms (seen)   heap    services CPU/RSS   frame p95/goal  hand p95/goal');
try {
  for (const n of sizes) {
    const studio = await startTestStudio(livekit);
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    try {
      const { space } = await createTestSpace(studio, `Bench: ${n} listeners`, 'Ann');
      const page = await context.newPage();
      await page.goto(studio.host.url);
      await page.getByRole('listitem').filter({ hasText: `Bench: ${n} listeners` }).getByRole('button', { name: 'Open' }).click();
      await page.getByTestId('go-live').click({ timeout: 30_000 });
      await page.getByTestId('on-air').waitFor({ timeout: 30_000 });
      const pid = studio.services.pid!;
      const load = spawn('nice', ['-n', '10', process.execPath, '--import', 'tsx', path.join(ROOT, 'tests/bench/support/panel-load.ts'), studio.services.info.protocolUrl, space.id, String(n), String(seconds)], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let cpuAt = 0;
      let startedAt = 0;
      let servicesCpu = NaN;
      let rssMb = NaN;
      let figures: PageFigures | null = null;
      let sent: { name: string; at: number }[] = [];
      const pending: Promise<unknown>[] = [];
      createInterface({ input: load.stdout }).on('line', (line) => {
        if (line === 'window start') {
          cpuAt = cpuSeconds(pid);
          startedAt = performance.now();
          pending.push(instrument(page));
          if (process.env.PANEL_HIDE_FLOATS) pending.push(page.addStyleTag({ content: '.reaction-float{display:none!important}' }));
        } else if (line === 'window end') {
          servicesCpu = (cpuSeconds(pid) - cpuAt) / ((performance.now() - startedAt) / 1000);
          rssMb = sampleProcess(pid).rssMb;
          // The last probe's row may still be on its way: read the page a moment later.
          pending.push(new Promise((r) => setTimeout(r, 1000)).then(() => collect(page)).then((f) => (figures = f)));
        } else if (line.startsWith('{')) sent = (JSON.parse(line) as { sent: typeof sent }).sent;
      });
      await new Promise((resolve) => load.once('exit', resolve));
      await Promise.all(pending);
      const f = figures as PageFigures | null;
      if (!f) throw new Error('the load process ended before its window did');
      const frames = [...f.frames].sort((a, b) => a - b);
      const tasks = [...f.longTasks].sort((a, b) => a - b);
      const hands = sent.filter((s) => s.name in f.seen).map((s) => f.seen[s.name]! - s.at).sort((a, b) => a - b);
      const framesGoal = n >= 10_000 ? 33 : 20;
      console.log(
        [
          String(n).padStart(9),
          `${pct(frames, 50).toFixed(1)} / ${pct(frames, 95).toFixed(1)} / ${(frames.at(-1) ?? NaN).toFixed(0)}`.padStart(22),
          `${tasks.length}, ${(tasks.reduce((a, b) => a + b, 0) / 1000).toFixed(2)} s, ${(tasks.at(-1) ?? 0).toFixed(0)} ms`.padStart(31),
          `${pct(hands, 50).toFixed(0)} / ${pct(hands, 95).toFixed(0)} (${hands.length}/${sent.length})`.padStart(34),
          `${f.heapMb.toFixed(0)} MB`.padStart(7),
          `${(servicesCpu * 100).toFixed(0)} % / ${rssMb.toFixed(0)} MB`.padStart(18),
          `${(pct(frames, 95) / framesGoal).toFixed(2)}x`.padStart(15),
          n <= 2000 ? `${(pct(hands, 95) / 250).toFixed(2)}x`.padStart(14) : '—'.padStart(14),
        ].join(' '),
      );
    } finally {
      await context.close();
      await studio.close();
    }
  }
} finally {
  await browser.close();
  await livekit.stop();
}
