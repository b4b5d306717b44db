// `npm run bench:sfu [-- --sfu livekit,mediasoup --bots 50,100,200 --seconds 20 --clicks-seconds 25]`: LiveKit and
// mediasoup side by side, in one run, on the same machine, through the real studio.
//
// For each SFU a fresh web studio (tests/bench/support/sfu-stack.ts) gets a live space from a host page in Chromium
// whose fake microphone plays sharp clicks, one every 700 ms (support/sfu-clicks.ts):
//  1. Mouth to ear: a listener page on the share link; the onsets of the clicks as the studio captured them (its own
//     getUserMedia stream, tapped) and as the listener's remote audio element receives them, on the browser's one
//     clock. Includes the studio's pipeline (stage, RNNoise), Opus encoding, packetisation, loopback network, the SFU,
//     the listener's jitter buffer and decoding; not an output device (headless: none). p50 / p95 over every click.
//  2. Cost: the listener leaves; subscribing bots join in steps (50, 100, 200 by default) while the host keeps
//     publishing (DTX is off, so 50 packets a second whatever is said). At each step, after a short settle, `seconds`
//     of CPU (user + system, share of one core) and RSS at the end are read from /proc for the SFU's media process
//     (livekit-server; the mediasoup-worker processes, summed) and, separately, for the services process that runs
//     the space server (with mediasoup it also does the SFU's signalling). Bots are the same for both SFUs: a
//     space-protocol listener each, plus a receive-only subscriber in Chromium using that SFU's web SDK
//     (support/sfu-crowd.ts); a bot counts as receiving if its inbound RTP packets grew during the window.
// Not a test: prints two tables and the ratios mediasoup / LiveKit; exits 0, or 1 if it could measure nothing.
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { waitOnAir } from '../support/on-air';
import { waitForRemoteSound } from '../support/page-audio';
import { cpuSeconds, sampleProcess } from '../support/soak-server';
import { makeClickWav, matchOnsets, percentile, recordOnsets, shimTsxNames, tapStudioCapture } from './support/sfu-clicks';
import { startCrowd } from './support/sfu-crowd';
import { descendantsNamed, startSfuStack, type SfuKind, type SfuStack } from './support/sfu-stack';

const { values } = parseArgs({
  options: {
    sfu: { type: 'string', default: 'livekit,mediasoup' },
    bots: { type: 'string', default: '50,100,200' },
    seconds: { type: 'string', default: '20' },
    'clicks-seconds': { type: 'string', default: '25' },
  },
});
const kinds = values.sfu.split(',') as SfuKind[];
const steps = values.bots.split(',').map(Number).sort((a, b) => a - b);
const seconds = Number(values.seconds);
const clickSeconds = Number(values['clicks-seconds']);
const SETTLE_MS = 3000;

interface Latency {
  p50: number;
  p95: number;
  min: number;
  max: number;
  /** p50 with each onset timed by when the page read its frame, not by the frame's timestamp: a cross-check. */
  byReadP50: number;
  clicks: number;
  missed: number;
  unmatched: number;
  readLag: string;
}
interface CostStep {
  bots: number;
  receiving: number;
  /** Bots that received at least 80 % of the median bot's packets in the window, and the least packets/s of any. */
  full: number;
  minPps: number;
  kbpsPerBot: number;
  sfuCpu: number;
  sfuRss: number;
  serverCpu: number;
  serverRss: number;
  /** The whole machine's busy share in the window (both cores = 100 %): what the bots and everything else took. */
  machineBusy: number;
}
interface SfuResult {
  latency: Latency | null;
  cost: CostStep[];
  notes: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The whole machine's CPU ticks (all cores) from /proc/stat: busy and total. */
function machineTicks(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

async function goLive(page: Page, url: string, title: string): Promise<string> {
  await page.goto(url);
  await page.getByTestId('mic-status').waitFor();
  await page.getByTestId('lobby-host-name').fill('Bench Host');
  await page.getByTestId('space-title').fill(title);
  await page.getByTestId('create-space').click();
  const shareUrl = await page.getByTestId('share-url').inputValue();
  await page.getByTestId('go-live').click();
  await waitOnAir(page, 30_000);
  return shareUrl;
}

async function measureLatency(browser: Browser, host: Page, shareUrl: string, notes: string[]): Promise<Latency | null> {
  const context = await browser.newContext();
  try {
    const listener = await context.newPage();
    await shimTsxNames(listener);
    await listener.goto(shareUrl);
    await listener.getByTestId('listen').click({ timeout: 30_000 });
    await listener.locator('audio[data-podium-remote-audio]').waitFor({ state: 'attached', timeout: 30_000 });
    await waitForRemoteSound(listener, undefined, { db: -40, timeoutMs: 20_000 });
    // The host's tap runs a little longer on both ends, so every click the listener hears has its source.
    const [mouth, ear] = await Promise.all([
      recordOnsets(host, 'capture', clickSeconds + 2),
      sleep(1000).then(() => recordOnsets(listener, 'remote', clickSeconds)),
    ]);
    if (!mouth.complete || !ear.complete) notes.push(`a tap ended early (studio capture ${mouth.complete}, listener ${ear.complete})`);
    const m = matchOnsets(mouth.onsets, ear.onsets);
    const byRead = matchOnsets(mouth.onsetsRead, ear.onsetsRead).latencies;
    if (m.latencies.length === 0) {
      notes.push(
        `no click matched: ${mouth.onsets.length} captured (${mouth.frames} frames, peak ${mouth.peak.toFixed(3)}, floor ${mouth.floor.toFixed(3)}), ` +
          `${ear.onsets.length} heard (${ear.frames} frames, peak ${ear.peak.toFixed(3)}, floor ${ear.floor.toFixed(3)})`,
      );
      return null;
    }
    return {
      p50: percentile(m.latencies, 50),
      p95: percentile(m.latencies, 95),
      clicks: m.latencies.length,
      missed: m.missed,
      unmatched: m.unmatched,
      min: Math.min(...m.latencies),
      max: Math.max(...m.latencies),
      readLag: `${mouth.readLagMs.toFixed(1)} / ${ear.readLagMs.toFixed(1)}`,
      byReadP50: percentile(byRead, 50),
    };
  } finally {
    await context.close();
  }
}

async function measureCost(browser: Browser, stack: SfuStack, shareUrl: string, notes: string[]): Promise<CostStep[]> {
  const spaceId = new URL(shareUrl).pathname.split('/').pop()!;
  const crowd = await startCrowd(browser, stack.studio.services.info.protocolUrl, spaceId, stack.kind);
  const out: CostStep[] = [];
  try {
    for (const n of steps) {
      const errors = await crowd.grow(n - crowd.size());
      if (errors.length) notes.push(`${errors.length} bots could not join at ${n}: ${[...new Set(errors)].slice(0, 3).join('; ')}`);
      await sleep(SETTLE_MS);
      const sfu = stack.sfuPids();
      const server = stack.serverPid();
      if (sfu.length === 0) throw new Error(`no ${stack.kind} media process found among ${descendantsNamed(server, '').map((p) => `${p} ${fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim()}`).join(", ")} under ${server}`);
      const before = await crowd.received();
      const cpu0 = sfu.reduce((s, pid) => s + cpuSeconds(pid), 0);
      const srv0 = cpuSeconds(server);
      const m0 = machineTicks();
      const t0 = performance.now();
      await sleep(seconds * 1000);
      const elapsed = (performance.now() - t0) / 1000;
      const cpu1 = sfu.reduce((s, pid) => s + cpuSeconds(pid), 0);
      const srv1 = cpuSeconds(server);
      const m1 = machineTicks();
      const after = await crowd.received();
      const grew = after.filter((a, i) => a.packets > (before[i]?.packets ?? 0));
      const pps = after.map((a, i) => (a.packets - (before[i]?.packets ?? 0)) / elapsed).sort((x, y) => x - y);
      const median = pps[Math.floor(pps.length / 2)] ?? 0;
      const bytes = after.reduce((s, a, i) => s + a.bytes - (before[i]?.bytes ?? 0), 0);
      out.push({
        bots: crowd.size(),
        receiving: grew.length,
        full: pps.filter((p) => p >= 0.8 * median).length,
        minPps: pps[0] ?? 0,
        kbpsPerBot: (bytes * 8) / 1000 / elapsed / Math.max(1, after.length),
        sfuCpu: (cpu1 - cpu0) / elapsed,
        sfuRss: sfu.reduce((s, pid) => s + sampleProcess(pid).rssMb, 0),
        serverCpu: (srv1 - srv0) / elapsed,
        serverRss: sampleProcess(server).rssMb,
        machineBusy: (m1.busy - m0.busy) / Math.max(1, m1.total - m0.total),
      });
      console.log(
        `  ${stack.kind}: ${crowd.size()} bots, ${grew.length} receiving, ${out.at(-1)!.full} at ≥ 80 % of the median ${median.toFixed(1)} packets/s ` +
          `(least ${(pps[0] ?? 0).toFixed(1)}), SFU ${(out.at(-1)!.sfuCpu * 100).toFixed(1)} % of a core`,
      );
    }
  } finally {
    await crowd.close();
  }
  return out;
}

async function runOne(browser: Browser, kind: SfuKind): Promise<SfuResult> {
  const notes: string[] = [];
  const stack = await startSfuStack(kind);
  try {
    const context = await browser.newContext();
    const host = await context.newPage();
    await tapStudioCapture(host);
    const shareUrl = await goLive(host, stack.studio.host.url, `SFU bench on ${kind}`);
    const latency = await measureLatency(browser, host, shareUrl, notes).catch((e: unknown) => {
      notes.push(`mouth-to-ear failed: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    });
    const cost = await measureCost(browser, stack, shareUrl, notes).catch((e: unknown) => {
      notes.push(`cost failed: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    });
    await context.close();
    return { latency, cost, notes };
  } finally {
    await stack.close();
  }
}

const fmt = (v: number | undefined, digits = 0, unit = ''): string => (v === undefined || !Number.isFinite(v) ? '—' : `${v.toFixed(digits)}${unit}`);
const ratio = (ms: number | undefined, lk: number | undefined): string =>
  ms === undefined || lk === undefined || !Number.isFinite(ms) || !Number.isFinite(lk) || lk === 0 ? '—' : `${(ms / lk).toFixed(2)}x`;

const results = new Map<SfuKind, SfuResult>();
const browser = await launchChromium(makeClickWav());
try {
  for (const kind of kinds) {
    console.log(`measuring ${kind}…`);
    results.set(kind, await runOne(browser, kind).catch((e: unknown) => ({ latency: null, cost: [], notes: [`failed: ${e instanceof Error ? e.message : String(e)}`] })));
  }
} finally {
  await browser.close();
}

const lk = results.get('livekit');
const ms = results.get('mediasoup');
console.log(`\nSFU bench on ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), load average ${os.loadavg()[0]!.toFixed(1)}`);
console.log(`\nMouth to ear, host studio capture → listener page's received track (clicks every 700 ms, ${clickSeconds} s per SFU)`);
console.log('                    LiveKit   mediasoup   mediasoup/LiveKit');
for (const [label, key] of [['p50 ms', 'p50'], ['p95 ms', 'p95']] as const) {
  console.log(`  ${label.padEnd(16)} ${fmt(lk?.latency?.[key]).padStart(8)} ${fmt(ms?.latency?.[key]).padStart(11)} ${ratio(ms?.latency?.[key], lk?.latency?.[key]).padStart(19)}`);
}
for (const [name, r] of results) {
  if (!r.latency) continue;
  const l = r.latency;
  console.log(`  ${name}: ${l.clicks} clicks timed (min ${fmt(l.min)}, max ${fmt(l.max)} ms), ${l.missed} not heard, ${l.unmatched} heard without a source`);
  console.log(`  ${name}: median page read lag (capture / listener) ${l.readLag} ms; p50 timed by read instead of timestamp ${fmt(l.byReadP50)} ms`);
}
console.log(`\nSFU cost: 1 publisher (the host studio) + N subscribing bots, ${seconds} s per step; CPU = share of one core (user + system), RSS at the end`);
console.log('  bots  measure                              LiveKit      mediasoup   mediasoup/LiveKit');
const rows: [string, (c: CostStep) => number, number, string][] = [
  ['SFU media process CPU %', (c) => c.sfuCpu * 100, 1, 'livekit-server / mediasoup-worker(s)'],
  ['SFU media process RSS MB', (c) => c.sfuRss, 0, ''],
  ['space server process CPU %', (c) => c.serverCpu * 100, 1, 'the studio services process; mediasoup signalling'],
  ['space server process RSS MB', (c) => c.serverRss, 0, ''],
  ['kbit/s received per bot', (c) => c.kbpsPerBot, 1, 'RTP payload + headers, inbound-rtp bytes'],
  ['least packets/s of any bot', (c) => c.minPps, 1, ''],
  ['machine busy % (both cores)', (c) => c.machineBusy * 100, 0, 'everything: bots, browser, SFU, others'],
];
for (const [i, n] of steps.entries()) {
  const a = lk?.cost[i];
  const b = ms?.cost[i];
  const got = (c: CostStep | undefined): string => (c ? `${c.receiving}/${c.bots} (${c.full})` : '—');
  console.log(`${String(n).padStart(6)}  ${'bots receiving (at full rate)'.padEnd(31)}${got(a).padStart(14)}${got(b).padStart(15)}`);
  for (const [label, get, digits, note] of rows) {
    const va = a && get(a);
    const vb = b && get(b);
    const r = label.startsWith('SFU') || label.startsWith('space') ? ratio(vb, va) : '';
    console.log(`        ${label.padEnd(31)}${fmt(va, digits).padStart(14)}${fmt(vb, digits).padStart(15)}${r.padStart(20)}  ${note}`.trimEnd());
  }
}
for (const [name, r] of results) {
  for (const c of r.cost) {
    // Packets missing at the bots and a machine with no idle time: the SFU was not given the CPU it wanted.
    if (c.minPps < 45 || c.machineBusy >= 0.97) {
      console.log(`  ${name}: at ${c.bots} bots the machine was saturated (${(c.machineBusy * 100).toFixed(0)} % busy, least ${c.minPps.toFixed(1)} packets/s): its CPU figure is a floor`);
    }
  }
  for (const note of r.notes) console.log(`  ${name}: ${note}`);
}
const measured = [...results.values()].some((r) => r.latency || r.cost.length);
process.exit(measured ? 0 : 1);
