// Latency and cost of the REAL built publish stage (out/renderer/assets/stage-processor-*.js) inside Chromium:
// the delay it adds, measured with an off-grid click through the dry path and by cross-correlating speech through
// each RNNoise model, and its CPU cost per render quantum from offline rendering. Measured twice: with the
// 480-sample render quanta the studio asks for (renderSizeHint) and with Web Audio's default 128, the fallback in
// browsers without the option. Prints figures and PASS/MISS against the issue's ≤ 20 ms target for the studio's
// configuration; exits 0 either way (a miss is a finding), 1 if it cannot measure.
//
//   npx electron-vite build && npx tsx tests/bench/latency.ts
import { PREFERRED_QUANTUM, RENDER_QUANTUM, stageLatency } from '../../renderer/audio/dsp/suppressor';
import { MODEL_DELAY_SAMPLES, STAGE_MODEL_DELAY } from '../../renderer/audio/dsp/denoiser';
import { launchChromium } from '../support/chromium';
import { makeNoisySpeechWav } from '../support/noise';
import { serveStage } from '../support/stage-page';

const SR = 48_000;
const QUANTA = [PREFERRED_QUANTUM, RENDER_QUANTUM] as const;
const TARGET_MS = 20;
const COST_SECONDS = 20;
const COST_RUNS = 5;

type Mode = 'none' | 'bypass' | 'quality' | 'lowCpu';
interface PageResult {
  /** The render quantum the offline contexts reported (renderQuantumSize), which is what the stage was told. */
  quantum: number;
  clickDelay: number;
  speechDelay: Record<'quality' | 'lowCpu', { lag: number; r: number; activeModel: string | null }>;
  costMs: Record<Mode, number[]>;
}

interface PageArgs {
  urls: { stage: string; wasm: string; noisy: string; clean: string };
  costSeconds: number;
  costRuns: number;
  /** renderSizeHint for every context. */
  quantum: number;
}

/** Runs in the page (passed to page.evaluate, so it may use nothing from this module's scope). */
async function measure({ urls, costSeconds, costRuns, quantum }: PageArgs): Promise<PageResult> {
  const sr = 48_000;
  const wasm = await (await fetch(urls.wasm)).arrayBuffer();
  const decode = async (url: string) => (await new OfflineAudioContext(1, 1, sr).decodeAudioData(await (await fetch(url)).arrayBuffer())).getChannelData(0);
  const noisy = await decode(urls.noisy);
  const clean = await decode(urls.clean);
  let actualQuantum = 128;

  // Renders `input` through one stage (or none); for lowCpu, the wasm is posted while rendering is held at 10 ms.
  const render = async (input: Float32Array<ArrayBuffer>, mode: 'none' | 'bypass' | 'quality' | 'lowCpu') => {
    const ctx = new OfflineAudioContext({ numberOfChannels: 1, length: input.length, sampleRate: sr, renderSizeHint: quantum } as OfflineAudioContextOptions);
    const size = (ctx as OfflineAudioContext & { renderQuantumSize?: number }).renderQuantumSize ?? 128;
    actualQuantum = size;
    const buffer = ctx.createBuffer(1, input.length, sr);
    buffer.copyToChannel(input, 0);
    const src = ctx.createBufferSource();
    src.buffer = buffer;
    let last: { activeModel: string | null } = { activeModel: null };
    let t0 = 0;
    if (mode === 'none') {
      src.connect(ctx.destination);
    } else {
      await ctx.audioWorklet.addModule(urls.stage);
      const model = mode === 'lowCpu' ? 'lowCpu' : 'quality';
      const node = new AudioWorkletNode(ctx, 'podium-stage', {
        outputChannelCount: [1],
        processorOptions: { settings: { enabled: mode !== 'bypass', model, strength: 1 }, quantumSize: size },
      });
      node.port.onmessage = (e: MessageEvent<{ type: string; metrics?: { activeModel: string | null } }>) => {
        if (e.data.metrics) last = e.data.metrics;
      };
      src.connect(node).connect(ctx.destination);
      if (mode === 'lowCpu') {
        // Held at ~10 ms while the worklet instantiates the posted wasm (tens of ms); the model actually heard is
        // read back from the stage's last report, so a load that did not finish in time shows in the output.
        void ctx.suspend((Math.ceil(1280 / size) * size) / sr).then(async () => {
          node.port.postMessage({ type: 'lowCpuWasm', bytes: wasm });
          await new Promise((r) => setTimeout(r, 500));
          // The wait is not the stage's cost: time from here (the 10 ms rendered before are negligible).
          t0 = performance.now();
          await ctx.resume();
        });
      }
    }
    src.start();
    t0 = performance.now();
    const out = await ctx.startRendering();
    return { out: out.getChannelData(0), ms: performance.now() - t0, activeModel: last.activeModel };
  };

  // 1. A click 37 samples off the quantum grid through the dry (bypass) path: exact, no model in the way.
  const click = new Float32Array(sr);
  const at = 10_000 + 37;
  click[at] = 0.9;
  const dry = (await render(click, 'bypass')).out;
  let peak = 0;
  for (let i = 1; i < dry.length; i++) if (Math.abs(dry[i]!) > Math.abs(dry[peak]!)) peak = i;

  // 2. Speech over noise through each model: the lag that best lines the output up with the clean speech.
  const speechDelay = {} as PageResult['speechDelay'];
  for (const model of ['quality', 'lowCpu'] as const) {
    const r = await render(noisy, model);
    const from = Math.floor(sr * 1.5);
    const len = Math.min(sr * 4, noisy.length - from - 4000);
    let best = { lag: -1, r: -2 };
    for (let lag = 0; lag <= 3000; lag++) {
      let xy = 0;
      let xx = 0;
      let yy = 0;
      for (let i = from; i < from + len; i++) {
        const x = clean[i]!;
        const y = r.out[i + lag]!;
        xy += x * y;
        xx += x * x;
        yy += y * y;
      }
      const corr = xy / Math.sqrt(xx * yy || 1);
      if (corr > best.r) best = { lag, r: corr };
    }
    speechDelay[model] = { ...best, activeModel: r.activeModel };
  }

  // 3. Cost: wall time to render `costSeconds` of noisy speech, per mode, several runs each.
  const long = new Float32Array(sr * costSeconds);
  for (let i = 0; i < long.length; i++) long[i] = noisy[i % noisy.length]!;
  const costMs: PageResult['costMs'] = { none: [], bypass: [], quality: [], lowCpu: [] };
  for (let run = 0; run < costRuns; run++) {
    for (const mode of ['none', 'bypass', 'quality', 'lowCpu'] as const) costMs[mode].push((await render(long, mode)).ms);
  }
  return { quantum: actualQuantum, clickDelay: peak - at, speechDelay, costMs };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (samples: number) => ((samples / SR) * 1000).toFixed(2);

async function main(): Promise<void> {
  const fixture = makeNoisySpeechWav();
  const served = await serveStage({ '/noisy.wav': fixture.wav, '/clean.wav': fixture.cleanWav });
  const { origin, stageFile: stage } = served;
  const browser = await launchChromium(fixture.wav);
  try {
    const page = await browser.newPage();
    // tsx names nested functions with an `__name` helper that the page does not have.
    await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    await page.goto(`${origin}/`);
    console.log(`Podium publish stage latency & cost — built worklet ${stage}, Chromium ${browser.version()}, 48 kHz`);
    const results: PageResult[] = [];
    for (const quantum of QUANTA) {
      const result = await page.evaluate(measure, {
        urls: { stage: served.urls.stage, wasm: served.urls.wasm, noisy: '/noisy.wav', clean: '/clean.wav' },
        costSeconds: COST_SECONDS,
        costRuns: COST_RUNS,
        quantum,
      });
      report(result, quantum);
      results.push(result);
    }
    verdict(results[0]!);
  } finally {
    await browser.close();
    served.close();
  }
}

function worstDelay(r: PageResult): number {
  return Math.max(r.clickDelay, r.speechDelay.quality.lag, r.speechDelay.lowCpu.lag);
}

function report(r: PageResult, asked: number): void {
  const expected = stageLatency(r.quantum);
  const honoured = r.quantum === asked ? '' : ` (asked for ${asked}: not honoured by this browser)`;
  const role = asked === PREFERRED_QUANTUM ? 'what the studio asks for' : "Web Audio's default, the fallback";
  console.log(`\n== ${r.quantum}-sample render quanta${honoured} — ${role}\n`);
  console.log('Delay added by the stage');
  const row = (label: string, samples: number, note = '') => console.log(`  ${label.padEnd(38)}${samples} samples = ${ms(samples)} ms${note}`);
  row('click through the dry path (NS off)', r.clickDelay);
  for (const model of ['quality', 'lowCpu'] as const) {
    const d = r.speechDelay[model];
    row(`speech through ${model} (xcorr)`, d.lag, `   (r = ${d.r.toFixed(3)}, model heard: ${d.activeModel ?? 'none'})`);
  }
  const framing = expected - STAGE_MODEL_DELAY;
  row('expected by design', expected, `   (re-framing ${framing} + model alignment ${STAGE_MODEL_DELAY})`);
  const quanta = (COST_SECONDS * SR) / r.quantum;
  const budget = (r.quantum / SR) * 1000;
  const base = median(r.costMs.none);
  console.log(`\nCost per render quantum (offline render of ${COST_SECONDS} s, median of ${COST_RUNS}; budget ${budget.toFixed(3)} ms per quantum)`);
  for (const mode of ['bypass', 'quality', 'lowCpu'] as const) {
    const per = (median(r.costMs[mode]) - base) / quanta;
    console.log(
      `  ${mode.padEnd(8)} ${(per * 1000).toFixed(1).padStart(6)} µs  = ${((per / budget) * 100).toFixed(1).padStart(5)} % of real time` +
        `   (render ${median(r.costMs[mode]).toFixed(0)} ms vs ${base.toFixed(0)} ms without the stage)`,
    );
  }
}

/** The target applies to what the studio runs: the first (preferred-quantum) measurement. */
function verdict(r: PageResult): void {
  const worst = worstDelay(r);
  const delayMs = (worst / SR) * 1000;
  const pass = delayMs <= TARGET_MS;
  console.log(`\nTarget: stage delay ≤ ${TARGET_MS} ms in the studio's configuration (${r.quantum}-sample quanta): ${pass ? 'PASS' : 'MISS'} (${delayMs.toFixed(1)} ms)`);
  console.log(
    `  The delay is RNNoise 0.2's own: it looks one frame ahead, ${MODEL_DELAY_SAMPLES.quality} samples (${ms(MODEL_DELAY_SAMPLES.quality)} ms, measured), ` +
      `not the 480 often quoted. The low-CPU model (${MODEL_DELAY_SAMPLES.lowCpu}) is padded to the same delay so that switching models or ` +
      'bypassing never shifts the audio. With 128-sample quanta (browsers without renderSizeHint), re-framing into 480-sample frames ' +
      `adds ${stageLatency(RENDER_QUANTUM) - STAGE_MODEL_DELAY} more: ${ms(stageLatency(RENDER_QUANTUM))} ms.`,
  );
}

main().catch((error: unknown) => {
  console.error(`latency bench failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
});
