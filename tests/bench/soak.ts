// `npm run bench:soak [-- --minutes N --listeners N --seed N --json]`: a busy live space for ten minutes, and
// nothing grows. The space server runs alone (server/cli.ts) beside a real livekit-server; the host speaks a speech
// fixture in a loop on the SFU, 3 speakers raise hands, are approved, speak and leave, over and over, and 200
// protocol listeners join, react, raise and lower hands, leave and come back. Every 10 s one line: the server's RSS
// and open files (from /proc), connected listeners (the server's own count), speakers on stage, reactions/s, the
// host's level at a listener on the SFU, and errors so far. The verdict (soak-verdict.ts, bounds stated there and
// printed): memory after the warm-up, open files once the crowd has gone, no error anywhere, and the host heard in
// every sample. Exits 1 on any failure, 130 when interrupted. Ctrl+C stops everything it started.
import { setMaxListeners } from 'node:events';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { makeSpeechWav } from '../support/fixtures';
import type { Ear } from '../support/soak-audio';
import { connectSoakClient, isType, type SoakClient } from '../support/soak-client';
import { startCrowd, type Crowd } from '../support/soak-crowd';
import { LIVEKIT_LOG, startSoakServer, type SoakServer } from '../support/soak-server';
import type { Host, Speakers } from '../support/soak-stage';
import { FD_GROWTH_BOUND, judgeAudioWindow, judgeSoak, MAX_SILENCE_MS, PRESENT_FLOOR_DBFS, RSS_GROWTH_BOUND_MB, type Sample } from '../support/soak-verdict';

const SAMPLE_EVERY_MS = 10_000;
const SPEAKERS = 3;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    listeners: { type: 'string', default: '200' },
    seed: { type: 'string', default: '12' },
    json: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log('Usage: npm run bench:soak -- [--minutes 10] [--listeners 200] [--seed 12] [--json] [--verbose]');
  process.exit(0);
}
const minutes = Number(values.minutes);
const listeners = Number(values.listeners);
const seed = Number(values.seed);
if (!(minutes > 0) || !Number.isInteger(listeners) || listeners < 1 || listeners > 2000 || !Number.isInteger(seed)) {
  console.error('--minutes must be above 0, --listeners a whole number from 1 to 2000, --seed a whole number');
  process.exit(2);
}
// Memory is judged after the warm-up: the first minute, or the first fifth of a short run.
const warmupS = minutes >= 5 ? 60 : Math.max(10, Math.round((minutes * 60) / 5));
// With --json, stdout carries one JSON document; the running commentary goes to stderr.
const say = (line: string): void => void (values.json ? process.stderr : process.stdout).write(`${line}\n`);

interface Row extends Sample {
  sockets: number;
  listeners: number;
  onStage: number;
  reactionsSentPerS: number;
  reactionsHeardPerS: number;
  hostDb: number;
  longestSilenceMs: number;
  present: boolean;
  speakersHeard: number;
  loopDelayP99Ms: number;
  /** The machine's 1-minute load average: this soak shares its cores with whatever else runs. */
  load: number;
  errors: number;
}

// rtc-node logs at debug level unless NODE_ENV is production, one JSON line per SFU connection on stdout, which
// would bury the soak's lines (and break --json): so it is loaded only after that is settled.
process.env.NODE_ENV ??= 'production';
const { dispose } = await import('@livekit/rtc-node');
const { BLOCK_MS, connectEar, wavFrames } = await import('../support/soak-audio');
const { startHost, startSpeakers } = await import('../support/soak-stage');

const abort = new AbortController();
// Every waiting listener and speaker listens to this one signal.
setMaxListeners(0, abort.signal);
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) process.exit(130);
  interrupted = true;
  say('\n  interrupted: stopping everything the soak started (Ctrl+C again to quit at once)');
  abort.abort();
});

const fmtDb = (db: number): string => (Number.isFinite(db) ? `${db.toFixed(1)} dBFS` : 'silent');

async function main(): Promise<number> {
  const started = performance.now();
  const since = () => ((performance.now() - started) / 1000).toFixed(0);
  const errors: string[] = [];
  const notes: string[] = [];
  /** What the SFU connections of the ear and the host went through, printed when the host goes missing. */
  const earNotes: string[] = [];
  const problem = (text: string): void => {
    if (abort.signal.aborted) return;
    errors.push(`${since()} s: ${text}`);
    if (errors.length <= 20) say(`  ! ${text}`);
    else if (errors.length === 21) say('  ! (further errors are counted, not printed)');
  };
  // Everything started is stopped, newest first, whatever happens.
  const closers: { what: string; close: () => Promise<void> }[] = [];
  const closeAll = async () => {
    for (const { what, close } of closers.reverse()) {
      await Promise.race([close(), delay(20_000).then(() => say(`  (gave up waiting for ${what} to stop)`))]).catch((e: unknown) => say(`  (${what} did not stop cleanly: ${String(e)})`));
    }
  };
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  try {
    say(`Soak: ${minutes} min, ${listeners} listeners, ${SPEAKERS} speakers, seed ${seed}; memory judged after a ${warmupS} s warm-up`);
    const frames = wavFrames(makeSpeechWav());
    const server: SoakServer = await startSoakServer({
      onLine: (line, failure) => (failure ? problem(`server said: ${line.trim()}`) : notes.push(line.trim())),
      onExit: (code, signal) => {
        problem(`the space server exited on its own (${code ?? signal})`);
        abort.abort();
      },
    });
    closers.push({ what: 'the space server and livekit-server', close: () => server.close() });
    say(`  space server pid ${server.pid} at ${server.url}`);
    // Closed in reverse: rtc-node itself only after every room made with it (host, ear, speakers).
    closers.push({ what: "rtc-node's native client", close: () => dispose() });
    const { spaceId, hostKey } = await server.createSpace('Soak', 'Soak Host');
    const host: Host = await startHost(server.protocolUrl, spaceId, hostKey, frames, problem, (text) => earNotes.push(`${since()} s: ${text}`));
    closers.push({ what: 'the host', close: () => host.close() });
    const { ear, earClient, reactionsHeard } = await startEar(server, spaceId, problem, (text) => earNotes.push(`${since()} s: ${text}`));
    closers.push({ what: 'the listening ear', close: async () => (await ear.close(), await earClient.close()) });
    await waitFor(() => ear.heard().has(host.participantId), 20_000, "the host's voice at the listening ear");

    const quietStart = await quietFds(server);
    say(`  open files with only the host and the ear: ${quietStart}`);
    const crowd: Crowd = startCrowd({ protocolUrl: server.protocolUrl, spaceId, listeners, seed, onProblem: problem });
    closers.push({ what: 'the listeners', close: () => crowd.stop() });
    const speakers: Speakers = startSpeakers({ protocolUrl: server.protocolUrl, spaceId, host, count: SPEAKERS, frames, seed, onProblem: problem });
    closers.push({ what: 'the speakers', close: () => speakers.stop() });

    const rows: Row[] = [];
    const t0 = performance.now();
    let lastReactions = { sent: 0, heard: 0 };
    let lastVoiceFrames = host.voice.progress().frames;
    ear.takeAll(); // what came before the crowd is not judged
    for (let n = 1; n * SAMPLE_EVERY_MS <= minutes * 60_000; n++) {
      await delay(Math.max(0, t0 + n * SAMPLE_EVERY_MS - performance.now()), undefined, { signal: abort.signal });
      const proc = server.sample();
      const windows = ear.takeAll();
      const hostAudio = judgeAudioWindow(windows.get(host.participantId) ?? [], BLOCK_MS);
      const voice = host.voice.progress();
      if (!hostAudio.present) {
        // What the host's voice did meanwhile tells a starved harness (few frames fed) from audio lost on the way.
        problem(
          `host audio absent at the listener: ${fmtDb(hostAudio.levelDb)}, longest silence ${(hostAudio.longestSilenceMs / 1000).toFixed(1)} s; ` +
            `${(windows.get(host.participantId) ?? []).length} blocks heard, the host's voice fed ${voice.frames - lastVoiceFrames} frames of 10 ms, ${voice.queuedMs.toFixed(0)} ms queued`,
        );
      }
      lastVoiceFrames = voice.frames;
      if (!hostAudio.present || values.verbose) for (const line of earNotes.splice(0)) say(`    (${line})`);
      earNotes.length = 0;
      const speakersHeard = [...windows].filter(([id, blocks]) => id !== host.participantId && judgeAudioWindow(blocks, BLOCK_MS).levelDb > PRESENT_FLOOR_DBFS).length;
      const row: Row = {
        t: n * (SAMPLE_EVERY_MS / 1000),
        rssMb: proc.rssMb,
        fds: proc.fds,
        sockets: proc.sockets,
        // The ear is a listener too; the line counts the crowd.
        listeners: (await server.listenerCount(spaceId)) - 1,
        onStage: host.stage().filter((m) => m.role === 'speaker').length,
        reactionsSentPerS: (crowd.stats.reactionsSent - lastReactions.sent) / (SAMPLE_EVERY_MS / 1000),
        reactionsHeardPerS: (reactionsHeard() - lastReactions.heard) / (SAMPLE_EVERY_MS / 1000),
        hostDb: hostAudio.levelDb,
        longestSilenceMs: hostAudio.longestSilenceMs,
        present: hostAudio.present,
        speakersHeard,
        loopDelayP99Ms: loop.percentile(99) / 1e6,
        load: os.loadavg()[0]!,
        errors: errors.length,
      };
      loop.reset();
      lastReactions = { sent: crowd.stats.reactionsSent, heard: reactionsHeard() };
      rows.push(row);
      say(
        `  ${String(row.t).padStart(4)} s  rss ${row.rssMb.toFixed(1).padStart(6)} MB  fds ${String(row.fds).padStart(4)} (${row.sockets} sockets)  ` +
          `listeners ${String(row.listeners).padStart(4)}/${listeners}  on stage ${row.onStage}  reactions ${row.reactionsSentPerS.toFixed(1)}/s ` +
          `(heard ${row.reactionsHeardPerS.toFixed(1)}/s)  host ${fmtDb(row.hostDb)} (gap ${(row.longestSilenceMs / 1000).toFixed(1)} s)  ` +
          `speakers heard ${row.speakersHeard}  loop p99 ${row.loopDelayP99Ms.toFixed(0)} ms  load ${row.load.toFixed(1)}  errors ${row.errors}`,
      );
    }

    say('  run over: the listeners and speakers leave');
    await crowd.stop();
    await speakers.stop();
    await waitFor(async () => (await server.listenerCount(spaceId)) === 1, 30_000, 'every listener but the ear to be gone from the server');
    const quietEnd = await quietFds(server);
    const verdict = judgeSoak({
      samples: rows,
      warmupS,
      quietFds: { start: quietStart, end: quietEnd },
      errors,
      audio: { present: rows.filter((r) => r.present).length, total: rows.length },
    });
    const turns = speakers.turns;
    say('');
    say(`Summary (${minutes} min, ${listeners} listeners, ${crowd.stats.joins} joins, ${crowd.stats.reactionsSent} reactions, ${crowd.stats.handsRaised} hands, ${turns.demoted + turns.left} speaker turns)`);
    say(`  server RSS   ${verdict.rss.atWarmupMb.toFixed(1)} MB at ${warmupS} s → ${verdict.rss.atEndMb.toFixed(1)} MB at the end: ${signed(verdict.rss.growthMb)} MB (${signed(verdict.rss.growthPct)} %), trend ${signed(verdict.rss.slopeMbPerMin)} MB/min`);
    say(`               floor (least RSS) ${verdict.rss.floorStartMb.toFixed(1)} MB in the first third after warm-up → ${verdict.rss.floorEndMb.toFixed(1)} MB in the last: ${signed(verdict.rss.floorGrowthMb)} MB; bound +${RSS_GROWTH_BOUND_MB} MB`);
    say(`  open files   ${verdict.fds.first} first, ${verdict.fds.last} last sample; with the crowd gone ${verdict.fds.quietStart} → ${verdict.fds.quietEnd} (${signed(verdict.fds.growth)}); bound +${FD_GROWTH_BOUND}`);
    say(`  errors       ${errors.length}${notes.length > 2 ? `; other server lines: ${notes.length}` : ''}`);
    say(`  host audio   present in ${rows.filter((r) => r.present).length}/${rows.length} samples (RMS above ${PRESENT_FLOOR_DBFS} dBFS, no silence over ${MAX_SILENCE_MS / 1000} s)`);
    const trouble = server.sfuTrouble();
    say(`  SFU          ${trouble.iceDrops} ICE connections dropped, ${trouble.rejoins} full rejoins, ${trouble.highCpu} "high cpu load" notes (LiveKit's log: ${LIVEKIT_LOG})`);
    const loads = rows.map((r) => r.load);
    say(`  machine      ${os.cpus().length} cores, load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} during the run`);
    say(`  harness      event-loop delay p99 worst ${Math.max(0, ...rows.map((r) => r.loopDelayP99Ms)).toFixed(0)} ms (a starved harness, not the server, would show here)`);
    for (const f of verdict.failures) say(`  FAIL ${f}`);
    say(verdict.failures.length ? '  SOAK FAILED' : '  SOAK PASSED');
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ minutes, listeners, seed, warmupS, rows, verdict, errors, serverLines: notes, crowd: crowd.stats, turns, sfu: trouble }, null, 2)}\n`);
    }
    return verdict.failures.length ? 1 : 0;
  } catch (error) {
    if (abort.signal.aborted && interrupted) return 130;
    say(`\n  The soak could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    for (const e of errors.slice(0, 10)) say(`  ! ${e}`);
    return 1;
  } finally {
    loop.disable();
    abort.abort();
    await closeAll();
  }
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;
}

async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
    await delay(250, undefined, { signal: abort.signal });
  }
}

/**
 * The server's open files at rest: after keep-alive sockets (LiveKit's webhooks, its admin API) have had time to
 * close, the least of five samples over ten seconds, so a sweep's connection at one moment is not counted.
 */
async function quietFds(server: SoakServer): Promise<number> {
  await delay(8_000, undefined, { signal: abort.signal });
  let least = Infinity;
  for (let i = 0; i < 5; i++) {
    least = Math.min(least, server.sample().fds);
    await delay(2_000, undefined, { signal: abort.signal });
  }
  return least;
}

/** A listener on the SFU whose protocol client also counts the reactions the room is sent. */
async function startEar(server: SoakServer, spaceId: string, problem: (p: string) => void, note: (n: string) => void): Promise<{ ear: Ear; earClient: SoakClient; reactionsHeard: () => number }> {
  const earClient = await connectSoakClient(server.protocolUrl, { onProblem: (p) => problem(`ear: ${p}`) });
  let heard = 0;
  earClient.onMessage((m) => {
    if (m.type === 'reactions') for (const item of m.items) heard += item.count;
  });
  const grant = earClient.expect(isType('media'), 20_000, "the ear's media grant");
  earClient.send({ type: 'join', spaceId, key: 'soak-listening-ear-key', name: 'Ear' });
  try {
    const ear = await connectEar((await grant).media, problem, note);
    return { ear, earClient, reactionsHeard: () => heard };
  } catch (error) {
    await earClient.close();
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
