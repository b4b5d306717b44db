// `npm run bench:rec [-- --hours N --tracks N --skip-meter]`: the local-recording writer under a whole session, not a
// test. 8 tracks × a synthetic 3-hour session of speech-like bursts arrive as 100 ms frames (4800 samples, copied
// fresh as the recorder decodes them), interleaved across tracks, with flush() on every track each simulated second,
// into a temporary folder that is deleted afterwards (also on Ctrl-C). Printed: writer speed in × real time per
// track, CPU share, resident memory every simulated 10 minutes, flush (fdatasync) cost, and PASS/MISS against the
// targets (≥ 200× real time per track; < 50 MB resident for 8 × 3 h). With the loudness meter present
// (main/services/recording/loudness.ts), the session is run again with one meter per track. Exits 0 whatever the
// figures: a missed target is a finding to report. 24-bit 48 kHz is 518 MB an hour a track, so 3 h × 8 tracks writes
// 12.4 GB a run (runs go one after another, each deleted first); free space is checked, and the session shortened if
// it would not fit.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { RECORDING_SAMPLE_RATE as RATE } from '../../common/recording';
import { TrackFile } from '../../main/services/recording/track-file';
import { readWavInfo } from '../../main/services/recording/wav';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FRAME = 4800;
const FRAMES_PER_S = RATE / FRAME;
const BYTES_PER_S = RATE * 3;
const TARGET_SPEED = 200;
const TARGET_RSS_MB = 50;
const MB = 1024 * 1024;
/** Room left on the disk after the bench's files, so the bench never fills it. */
const SPARE_BYTES = 2 * 1024 * MB;

const { values } = parseArgs({
  options: { hours: { type: 'string', default: '3' }, tracks: { type: 'string', default: '8' }, 'skip-meter': { type: 'boolean', default: false } },
});
const tracks = Math.max(1, Math.round(Number(values.tracks)));
let hours = Number(values.hours);
if (!(hours > 0) || !Number.isFinite(tracks)) throw new Error('--hours and --tracks take positive numbers');

interface Meter {
  push(samples: Float32Array): void;
  result(): { integrated: number | null; range: number | null; truePeak: number | null };
}
type MeterFactory = (sampleRate: number) => Meter;

/** The loudness meter, if that module is there and has the agreed shape; the bench runs without it otherwise. */
async function loadMeter(): Promise<MeterFactory | null> {
  const file = path.join(ROOT, 'main', 'services', 'recording', 'loudness.ts');
  if (!fs.existsSync(file)) return null;
  const mod: unknown = await import(pathToFileURL(file).href);
  const create = (mod as { createLoudnessMeter?: unknown }).createLoudnessMeter;
  return typeof create === 'function' ? (create as MeterFactory) : null;
}

// ── Material: speech-like bursts (noise shaped by a syllable envelope, in turns) and room tone ────────────────────
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
}

function makePool(): { speech: Float32Array[]; room: Float32Array[] } {
  const rand = random(7);
  const speech = Array.from({ length: 120 }, (_, k) => {
    const out = new Float32Array(FRAME);
    // Now and then a shout past full scale, so the writer's clipping runs too.
    const level = k % 40 === 39 ? 1.6 : 0.08 + rand() * 0.5;
    const syllableHz = 3 + rand() * 3;
    const phase = rand() * Math.PI * 2;
    let low = 0;
    for (let i = 0; i < FRAME; i++) {
      low += 0.25 * (rand() * 2 - 1 - low);
      const env = Math.max(0, Math.sin((2 * Math.PI * syllableHz * i) / RATE + phase)) ** 2;
      out[i] = level * 3 * low * env;
    }
    return out;
  });
  const room = Array.from({ length: 20 }, () => Float32Array.from({ length: FRAME }, () => (rand() * 2 - 1) * 0.001));
  return { speech, room };
}

// ── One simulated session ───────────────────────────────────────────────────────────────────────────────────────
interface RunResult {
  label: string;
  seconds: number;
  wallS: number;
  cpuS: number;
  writerS: number;
  meterS: number;
  flushMs: Float64Array;
  bytes: number;
  baselineMb: number;
  samples: Array<{ at: number; rssMb: number; heapMb: number; buffersMb: number }>;
  gaps: number;
  loudness: string;
}

const mb = (n: number) => n / MB;
const clock = (s: number) => `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(Math.round(s % 60)).padStart(2, '0')}`;

function run(label: string, seconds: number, pool: ReturnType<typeof makePool>, opts: { meter: MeterFactory | null; durable: boolean }): RunResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-bench-rec-'));
  cleanup.add(dir);
  const memory = () => process.memoryUsage();
  const base = memory();
  const samples: RunResult['samples'] = [];
  const flushMs = new Float64Array(seconds);
  const startedAt = new Date();
  const files = Array.from({ length: tracks }, (_, t) =>
    TrackFile.create(path.join(dir, `${String(t).padStart(2, '0')}.wav`), {
      bext: { description: `bench track ${t}`, originator: 'Podium bench', originatorReference: `bench-${t}`, startedAt },
      durable: opts.durable,
    }),
  );
  const meters = opts.meter ? files.map(() => opts.meter!(RATE)) : [];
  const rand = random(11);
  let writerNs = 0n;
  let meterNs = 0n;
  let gaps = 0;
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  const steps = seconds * FRAMES_PER_S;
  for (let step = 0; step < steps; step++) {
    const second = Math.floor(step / FRAMES_PER_S);
    const turn = Math.floor(second / 5);
    for (let t = 0; t < tracks; t++) {
      // One person holds the floor for 5 s turns; the others are room tone with the odd interjection.
      const talking = turn % tracks === t || rand() < 0.05;
      const source = talking ? pool.speech[(step * 7 + t * 13) % pool.speech.length]! : pool.room[(step + t) % pool.room.length]!;
      const samples = new Float32Array(source);
      // A frame lost on the way now and then: the next one lands after a gap the writer fills with silence.
      if (step < steps - 1 && rand() < 0.0005) {
        gaps++;
        continue;
      }
      const w0 = process.hrtime.bigint();
      files[t]!.writeAt(step * FRAME, samples);
      const w1 = process.hrtime.bigint();
      writerNs += w1 - w0;
      if (meters.length) {
        meters[t]!.push(samples);
        meterNs += process.hrtime.bigint() - w1;
      }
    }
    if ((step + 1) % FRAMES_PER_S === 0) {
      const f0 = process.hrtime.bigint();
      for (const f of files) f.flush();
      const ns = process.hrtime.bigint() - f0;
      writerNs += ns;
      flushMs[second] = Number(ns) / 1e6;
      if ((second + 1) % 600 === 0 || second + 1 === seconds) {
        const m = memory();
        samples.push({ at: second + 1, rssMb: mb(m.rss), heapMb: mb(m.heapUsed), buffersMb: mb(m.arrayBuffers) });
      }
    }
  }
  const wallS = Number(process.hrtime.bigint() - wall0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const c0 = process.hrtime.bigint();
  for (const f of files) f.close();
  writerNs += process.hrtime.bigint() - c0;
  let bytes = 0;
  for (const f of files) {
    const info = readWavInfo(f.path);
    if (info.frames !== seconds * RATE) throw new Error(`${f.path} holds ${info.frames} frames, expected ${seconds * RATE}`);
    bytes += fs.statSync(f.path).size;
  }
  const loud = meters[0]?.result();
  fs.rmSync(dir, { recursive: true, force: true });
  cleanup.delete(dir);
  return {
    label,
    seconds,
    wallS,
    cpuS: (cpu.user + cpu.system) / 1e6,
    writerS: Number(writerNs) / 1e9,
    meterS: Number(meterNs) / 1e9,
    flushMs,
    bytes,
    baselineMb: mb(base.rss),
    samples,
    gaps,
    loudness: loud ? `track 0: ${loud.integrated?.toFixed(1)} LUFS, LRA ${loud.range?.toFixed(1)} LU, ${loud.truePeak?.toFixed(1)} dBTP` : '',
  };
}

// ── Reporting ───────────────────────────────────────────────────────────────────────────────────────────────────
const pct = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const speedOf = (r: RunResult, s: number) => (r.seconds * tracks) / s;

function report(r: RunResult): void {
  console.log(`\n${r.label}: ${tracks} tracks × ${clock(r.seconds)}`);
  console.log('  simulated   RSS MB   heap MB   buffers MB');
  for (const s of r.samples) console.log(`  ${clock(s.at).padStart(9)}   ${s.rssMb.toFixed(1).padStart(6)}   ${s.heapMb.toFixed(1).padStart(7)}   ${s.buffersMb.toFixed(1).padStart(10)}`);
  const first = r.samples[0]!;
  const last = r.samples.at(-1)!;
  const peak = Math.max(...r.samples.map((s) => s.rssMb));
  const sorted = Float64Array.from(r.flushMs).sort();
  console.log(`  wrote ${(r.bytes / 1e9).toFixed(2)} GB in ${tracks} files in ${r.wallS.toFixed(1)} s wall (session at ${(r.seconds / r.wallS).toFixed(0)}× real time for all tracks); ${r.gaps} lost frames became silence`);
  console.log(`  writer (writeAt + flush + close): ${r.writerS.toFixed(1)} s → ${speedOf(r, r.writerS).toFixed(0)}× real time per track`);
  if (r.meterS > 0) {
    console.log(`  loudness meter: ${r.meterS.toFixed(1)} s → ${speedOf(r, r.meterS).toFixed(0)}× real time per track; writer + meter ${speedOf(r, r.writerS + r.meterS).toFixed(0)}×  (${r.loudness})`);
  }
  console.log(`  flush of all ${tracks} tracks, each simulated second: p50 ${pct(sorted, 50).toFixed(2)} ms, p99 ${pct(sorted, 99).toFixed(2)} ms, max ${pct(sorted, 100).toFixed(1)} ms`);
  console.log(`  CPU: ${r.cpuS.toFixed(1)} s = ${((r.cpuS / r.wallS) * 100).toFixed(0)}% of wall (one core = 100%); live, the same work is ${((r.cpuS / r.seconds) * 100).toFixed(2)}% of one core`);
  console.log(`  RSS: ${r.baselineMb.toFixed(1)} MB before the tracks opened, peak ${peak.toFixed(1)} MB (+${(peak - r.baselineMb).toFixed(1)} MB); ${clock(first.at)} → end: ${(last.rssMb - first.rssMb >= 0 ? '+' : '') + (last.rssMb - first.rssMb).toFixed(1)} MB`);
  // The rest of the rise is the garbage of a fresh Float32Array per frame (as the recorder decodes them) and V8/malloc.
  console.log(`  the writer's own buffers: ${mb(tracks * BYTES_PER_S).toFixed(1)} MB (${tracks} × 1 s of 24-bit audio), plus 1.1 MB of zeros shared by all tracks once a gap overflows a buffer`);
}

const cleanup = new Set<string>();
function removeAll(): void {
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
}
process.on('SIGINT', () => {
  removeAll();
  console.log('\ninterrupted: temporary files removed');
  process.exit(130);
});

async function main(): Promise<void> {
  const meter = values['skip-meter'] ? null : await loadMeter();
  const perHour = tracks * 3600 * BYTES_PER_S;
  const stat = fs.statfsSync(os.tmpdir());
  const free = stat.bavail * stat.bsize;
  const wanted = hours;
  const fits = (free - SPARE_BYTES) / perHour;
  console.log(`Recording writer bench: ${tracks} tracks × ${wanted} h, 100 ms frames, flush every simulated second, in ${os.tmpdir()}`);
  console.log(`disk: ${(free / 1e9).toFixed(1)} GB free, a run needs ${((perHour * wanted) / 1e9).toFixed(1)} GB (+${(SPARE_BYTES / 1e9).toFixed(1)} GB kept free); runs one after another, each deleted before the next`);
  if (fits < wanted) {
    hours = Math.floor(fits * 60) / 60;
    if (hours <= 0) {
      console.log(`NOT ENOUGH DISK SPACE for even one minute of ${tracks} tracks: free some space in ${os.tmpdir()} and run again.`);
      return;
    }
    console.log(`NOT ENOUGH DISK SPACE for ${wanted} h: scaled down to ${hours.toFixed(2)} h. The figures below are for that.`);
  }
  console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (other work running here skews wall-clock figures)`);
  const seconds = Math.max(1, Math.round(hours * 3600));
  const pool = makePool();

  const plain = run('Writer only (fdatasync on every flush)', seconds, pool, { meter: null, durable: true });
  report(plain);
  const metered = meter ? run('Writer + one loudness meter per track', seconds, pool, { meter, durable: true }) : null;
  if (metered) report(metered);
  else console.log(`\n(no loudness meter: ${values['skip-meter'] ? '--skip-meter' : 'main/services/recording/loudness.ts missing or without createLoudnessMeter'})`);

  // What fdatasync costs: the same first minutes with and without it.
  const short = Math.min(seconds, 600);
  const synced = run('fdatasync on', short, pool, { meter: null, durable: true });
  const unsynced = run('fdatasync off', short, pool, { meter: null, durable: false });
  const p = (r: RunResult, q: number) => pct(Float64Array.from(r.flushMs).sort(), q).toFixed(2);
  console.log(`\nfdatasync cost over ${clock(short)} × ${tracks} tracks (flush of all tracks per simulated second, p50 / p99 / max ms):`);
  console.log(`  with    ${p(synced, 50)} / ${p(synced, 99)} / ${p(synced, 100)}   writer ${speedOf(synced, synced.writerS).toFixed(0)}× real time per track`);
  console.log(`  without ${p(unsynced, 50)} / ${p(unsynced, 99)} / ${p(unsynced, 100)}   writer ${speedOf(unsynced, unsynced.writerS).toFixed(0)}× real time per track`);

  const peak = (r: RunResult) => Math.max(...r.samples.map((s) => s.rssMb));
  console.log(`\nTargets (${tracks} tracks × ${clock(seconds)}${seconds < wanted * 3600 ? `, scaled down from ${wanted} h` : ''}):`);
  const speed = speedOf(plain, plain.writerS);
  console.log(`  ≥ ${TARGET_SPEED}× real time per track, writer:          ${speed.toFixed(0)}×  ${verdict(speed >= TARGET_SPEED)}`);
  if (metered) {
    const both = speedOf(metered, metered.writerS + metered.meterS);
    console.log(`  ≥ ${TARGET_SPEED}× real time per track, writer + meter:  ${both.toFixed(0)}×  ${verdict(both >= TARGET_SPEED)}`);
  }
  for (const r of metered ? [plain, metered] : [plain]) {
    const own = peak(r) - r.baselineMb;
    console.log(
      `  < ${TARGET_RSS_MB} MB resident (${r === plain ? 'writer' : 'writer + meter'}): peak ${peak(r).toFixed(1)} MB for the whole process ${verdict(peak(r) < TARGET_RSS_MB)};` +
        ` ${own.toFixed(1)} MB above the ${r.baselineMb.toFixed(1)} MB the runtime (Node + tsx + material) held before ${verdict(own < TARGET_RSS_MB)}`,
    );
  }
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(removeAll);
