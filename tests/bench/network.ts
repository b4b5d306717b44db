// Bench (not a test): how a listener hears the studio's microphone over bad networks, with each protection set LiveKit
// and Opus offer. A speaker Chromium publishes the speech fixture through the studio's own LiveKit adapter; a listener
// Chromium in a network namespace of its own hears it through a relay that drops and delays its packets (netem-like;
// this kernel has no sch_netem). Prints, per network condition and protection set, the listener's envelope
// correlation with the source and the share of 20 ms speech blocks that came out silent, with the receive stats.
//   npx tsx tests/bench/network.ts [--seconds 20] [--repeat 1] [--loss-proxying] [--only none,red]
// Needs root (network namespaces) and the pinned livekit-server.
import { parseArgs } from 'node:util';
import type { AudioProtection } from '../../renderer/sfu/audio-protection';
import { makeSpeechWav } from '../support/fixtures';
import { canMakeNamespaces } from '../support/netem';
import { measure, openSession, startRig, type Measured } from '../support/network-page';
import { CLEAN, type Impairment } from '../support/udp-impairment';

const SETS: Record<string, AudioProtection> = {
  none: { red: false, fec: false, dtx: false },
  fec: { red: false, fec: true, dtx: false },
  red: { red: true, fec: false, dtx: false },
  'red+fec': { red: true, fec: true, dtx: false },
  'red+fec+dtx': { red: true, fec: true, dtx: true },
};

const JITTERY: Impairment = { lossPct: 5, delayMs: 40, jitterMs: 20 };
const CONDITIONS: { name: string; listener: Impairment; speakerUp?: Impairment }[] = [
  { name: 'clean', listener: CLEAN },
  { name: 'listener 5 % loss, 40±20 ms', listener: JITTERY },
  { name: 'listener 15 % loss, 40±20 ms', listener: { lossPct: 15, delayMs: 40, jitterMs: 20 } },
  { name: 'speaker uplink 5 % loss, 40±20 ms', listener: CLEAN, speakerUp: JITTERY },
];

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    repeat: { type: 'string', default: '1' },
    settle: { type: 'string', default: '3' },
    'loss-proxying': { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const repeat = Number(values.repeat);
const settleMs = Number(values.settle) * 1000;
const sets = values.only ? values.only.split(',') : Object.keys(SETS);

const reason = canMakeNamespaces();
if (reason) {
  console.error(`bench:network needs network namespaces: ${reason}`);
  process.exit(1);
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
const concealed = (m: Measured): number => m.stats.concealedSamples / Math.max(1, m.stats.totalSamplesReceived);
const cell = (ms: Measured[]): string => {
  if (ms.length === 0) return '–';
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const r = ms.map((m) => m.r);
  const range = ms.length > 1 ? ` (${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)})` : '';
  return `r ${mean(r).toFixed(3)}${range}, silent ${pct(mean(ms.map((m) => m.silentShare)))}, concealed ${pct(mean(ms.map(concealed)))}`;
};

const speechWav = makeSpeechWav();
const rig = await startRig(speechWav, { lossProxying: values['loss-proxying'] });
const results = new Map<string, Measured[]>();
const started = Date.now();
try {
  console.log(`network bench: ${seconds} s per cell, ${repeat} run(s), SFU loss proxying ${values['loss-proxying'] ? 'on' : 'off'}`);
  for (let run = 0; run < repeat; run++) {
    for (const set of sets) {
      const protection = SETS[set];
      if (!protection) throw new Error(`unknown protection set ${set} (known: ${Object.keys(SETS).join(', ')})`);
      rig.impair(CLEAN);
      const session = await openSession(rig, protection);
      console.log(`\n[${set}] publisher sends ${session.sent.codec}`);
      try {
        for (const condition of CONDITIONS) {
          rig.impair(condition.listener, condition.speakerUp);
          await new Promise((r) => setTimeout(r, settleMs));
          const m = await measure(rig, session, seconds);
          const key = `${condition.name}|${set}`;
          results.set(key, [...(results.get(key) ?? []), m]);
          const st = m.stats;
          console.log(
            `  ${condition.name.padEnd(36)} r ${m.r.toFixed(3)} (control ${m.control.toFixed(3)}), silent ${pct(m.silentShare)} of ${m.speechBlocks} speech blocks, ` +
              `slips ${m.slips}; relay dropped ${m.droppedDown}/${m.droppedDown + m.forwardedDown} down, ${m.droppedUp}/${m.droppedUp + m.forwardedUp} speaker up; ` +
              `rx ${st.codec}: lost ${st.packetsLost}, nack ${st.nackCount}, fec ${st.fecPacketsReceived}, ` +
              `concealed ${pct(concealed(m))}, ` +
              `jb ${Math.round((st.jitterBufferDelay / Math.max(1, st.jitterBufferEmittedCount)) * 1000)} ms`,
          );
        }
      } finally {
        await session.close();
      }
    }
  }
} finally {
  rig.impair(CLEAN);
  await rig.close();
}

console.log(`\n| condition | ${sets.join(' | ')} |`);
console.log(`|---|${sets.map(() => '---').join('|')}|`);
for (const condition of CONDITIONS) {
  console.log(`| ${condition.name} | ${sets.map((set) => cell(results.get(`${condition.name}|${set}`) ?? [])).join(' | ')} |`);
}
console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s; r = envelope correlation with the source, 20 ms blocks; silent = share of source speech blocks received below -55 dBFS; concealed = share of played samples the listener's jitter buffer invented)`);
