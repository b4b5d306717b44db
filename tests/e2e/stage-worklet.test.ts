// The BUILT publish stage in Chromium's audio engine, without the studio around it: the delay it adds with the
// 480-sample render quanta the studio asks for and with Web Audio's default 128, measured with a click off the
// quantum grid, and what it does when the page reports one quantum size and the engine renders another (it adapts
// to the real size and says so in its reports, rather than running misaligned or passing audio through).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';
import { makeSpeechWav } from '../support/fixtures';
import { serveStage, type StagePage } from '../support/stage-page';

interface ClickRun {
  /** renderQuantumSize of the context (what the engine renders). */
  contextQuantum: number;
  /** Where the click came out minus where it went in, in samples; null if it never came out. */
  delay: number | null;
  peak: number;
  /** The stage's last report. */
  metrics: { quantumSize: number; latencySamples: number | null; stageError: string | null; activeModel: string | null };
}

interface ClickArgs {
  stageUrl: string;
  /** renderSizeHint for the context. */
  hint: number;
  /** quantumSize handed to the stage, or undefined to leave it out. */
  told: number | undefined;
  enabled: boolean;
}

/** Runs in the page: a click 37 samples off any quantum grid through the stage, rendered offline. */
async function clickThroughStage({ stageUrl, hint, told, enabled }: ClickArgs): Promise<ClickRun> {
  const sr = 48_000;
  const length = sr;
  const ctx = new OfflineAudioContext({ numberOfChannels: 1, length, sampleRate: sr, renderSizeHint: hint } as OfflineAudioContextOptions);
  const contextQuantum = (ctx as OfflineAudioContext & { renderQuantumSize?: number }).renderQuantumSize ?? 128;
  await ctx.audioWorklet.addModule(stageUrl);
  const node = new AudioWorkletNode(ctx, 'podium-stage', {
    outputChannelCount: [1],
    processorOptions: { settings: { enabled, model: 'quality', strength: 1 }, ...(told === undefined ? {} : { quantumSize: told }) },
  });
  let metrics: ClickRun['metrics'] = { quantumSize: -1, latencySamples: null, stageError: 'no report', activeModel: null };
  node.port.onmessage = (e: MessageEvent<{ type: string; metrics?: ClickRun['metrics'] }>) => {
    if (e.data.metrics) metrics = { ...e.data.metrics };
  };
  const buffer = ctx.createBuffer(1, length, sr);
  const at = 10_037;
  buffer.getChannelData(0)[at] = 0.9;
  const src = ctx.createBufferSource();
  src.buffer = buffer;
  src.connect(node).connect(ctx.destination);
  src.start();
  const out = (await ctx.startRendering()).getChannelData(0);
  // Reports are posted from the audio thread; let the last ones arrive.
  await new Promise((r) => setTimeout(r, 200));
  let index = 0;
  for (let i = 1; i < out.length; i++) if (Math.abs(out[i]!) > Math.abs(out[index]!)) index = i;
  return { contextQuantum, delay: out[index] !== 0 ? index - at : null, peak: out[index]!, metrics };
}

let browser: Browser;
let page: Page;
let served: StagePage;

beforeAll(async () => {
  served = await serveStage();
  browser = await launchChromium(makeSpeechWav());
  page = await browser.newPage();
  // tsx names nested functions with an `__name` helper that the page does not have.
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await page.goto(`${served.origin}/`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  served?.close();
});

const run = (args: Omit<ClickArgs, 'stageUrl'>) => page.evaluate(clickThroughStage, { stageUrl: served.urls.stage, ...args });

describe('the built stage in Chromium', () => {
  it('adds exactly 960 samples (20.0 ms) with 480-sample render quanta, bypassed or with the quality model heard', async () => {
    const bypass = await run({ hint: 480, told: 480, enabled: false });
    expect(bypass.contextQuantum).toBe(480);
    expect(bypass).toMatchObject({ delay: 960, metrics: { quantumSize: 480, latencySamples: 960, stageError: null, activeModel: null } });
    // Bypass is the dry path, delayed: the click keeps its exact value.
    expect(bypass.peak).toBeCloseTo(0.9, 6);
    const on = await run({ hint: 480, told: 480, enabled: true });
    expect(on.metrics).toMatchObject({ quantumSize: 480, latencySamples: 960, stageError: null, activeModel: 'quality' });
  });

  it('adds 1408 samples (29.3 ms) with the default 128-sample quanta', async () => {
    const r = await run({ hint: 128, told: 128, enabled: false });
    expect(r).toMatchObject({ contextQuantum: 128, delay: 1408, metrics: { quantumSize: 128, latencySamples: 1408, stageError: null } });
  });

  it('told the wrong quantum size, adapts to the one it is given instead of running misaligned', async () => {
    const toldMore = await run({ hint: 128, told: 480, enabled: false });
    expect(toldMore).toMatchObject({ contextQuantum: 128, delay: 1408, metrics: { quantumSize: 128, latencySamples: 1408, stageError: null } });
    const toldNothing = await run({ hint: 480, told: undefined, enabled: false });
    expect(toldNothing).toMatchObject({ contextQuantum: 480, delay: 960, metrics: { quantumSize: 480, latencySamples: 960, stageError: null } });
  });
});
