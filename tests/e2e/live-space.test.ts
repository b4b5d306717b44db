// The foundation's proof: a host goes live in the web studio and a listener who opens the share link hears them,
// through a real livekit-server, in Debian's Chromium. What the listener receives is measured, not assumed.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLivekit, type LivekitServer } from '../../scripts/livekit';
import { dbfs, describeSlips, envelope, trackedLoopCorrelation } from '../support/audio-analysis';
import { launchChromium } from '../support/chromium';
import { BLOCKS_PER_SECOND, ENVELOPE_BLOCK, recordRemoteEnvelope, waitForRemoteSound } from '../support/page-audio';
import { makeSpeechWav, readWavMono16 } from '../support/fixtures';
import { runWebStudio } from '../../main/web/run';
import { ask, ASSETS_DIR, SCREENSHOT_DIR, startTestStudio } from '../support/studio';
import { waitOnAir } from '../support/on-air';
import { SFU_KINDS, sfuShot, startTestSfu, type TestSfu } from '../support/sfus';

const BLOCK = ENVELOPE_BLOCK;

// Heard on each SFU: LiveKit, and mediasoup run by the studio's own space server. The same test, not a copy.
describe.each(SFU_KINDS)('a live space, heard end to end, on %s', (kind) => {
  let sfu: TestSfu;
  let studio: Awaited<ReturnType<typeof startTestStudio>>;
  let browser: Browser;
  let speechWav: string;
  const shot = (name: string) => sfuShot(SCREENSHOT_DIR, kind, name);

  beforeAll(async () => {
    speechWav = makeSpeechWav();
    sfu = await startTestSfu(kind);
    studio = await startTestStudio(sfu);
    browser = await launchChromium(speechWav);
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    await sfu?.stop();
  });

  it('host goes live; a listener on the share link hears speech that follows the source', async () => {
    const host = await (await browser.newContext({ viewport: { width: 1280, height: 820 } })).newPage();
    await host.goto(studio.host.url);
    await host.getByTestId('mic-status').waitFor();
    // A fresh studio asks the host's name before the first space (listeners read it).
    await host.getByTestId('lobby-host-name').fill('Lena');
    await host.getByTestId('space-title').fill('Friday design chat: building Podium');
    await host.getByLabel('Description').fill('How we hear each other: LiveKit, RNNoise and a studio that stays out of the way.');
    await host.screenshot({ path: shot('studio-lobby') });
    await host.getByTestId('create-space').click();
    const shareUrl = await host.getByTestId('share-url').inputValue();
    expect(shareUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/s\/[a-z0-9]{10}$/);

    // The listener arrives before the host goes live: a clear "not started" state, then live without a reload.
    const listenerPage = await (await browser.newContext({ viewport: { width: 820, height: 760 } })).newPage();
    await listenerPage.goto(shareUrl);
    await listenerPage.getByTestId('state-waiting').waitFor();
    await listenerPage.screenshot({ path: shot('listener-waiting') });
    await expect.poll(() => host.getByTestId('listener-count').textContent()).toBe('1');

    await host.getByTestId('go-live').click();
    await waitOnAir(host);
    await listenerPage.getByTestId('listen').click();
    await listenerPage.getByTestId('listening').getByText('You are listening.').waitFor({ timeout: 20_000 });
    await listenerPage.locator('audio[data-podium-remote-audio]').waitFor({ state: 'attached', timeout: 20_000 });
    expect(await listenerPage.getByTestId('listener-title').textContent()).toBe('Friday design chat: building Podium');

    // Measured from when the host's voice arrives: how long publication, subscription and the jitter buffer take varies.
    const arrived = await waitForRemoteSound(listenerPage, undefined, { db: -40 });
    // 12 s (two thirds of the 16 s loop): more windows than the 8 s this took before make r and its control steadier;
    // in one loaded CI run 8 s gave r − control 0.18 against the 0.2 margin.
    const received = await recordRemoteEnvelope(listenerPage, 12);
    await listenerPage.screenshot({ path: shot('listener-live') });
    await host.screenshot({ path: shot('studio-live') });

    const source = readWavMono16(speechWav);
    const sourceEnv = envelope(source.samples, BLOCK);
    // Aligned window by window, so that a jitter buffer stretching or dropping a little audio on a loaded machine (a
    // "slip", logged) does not hide that every phrase arrived in shape. One lag for all 8 s measured r 0.57–0.97 in
    // 8 recordings under stress-ng --cpu 2 (0.565 after one 85 ms slip); window by window the same recordings gave
    // 0.93–0.97, reversed control 0.41–0.54: the thresholds are unchanged. Measured again over 12 s on a machine
    // busy compiling: r 0.97, control 0.45.
    const { r, lags, slips } = trackedLoopCorrelation(received, sourceEnv);
    const loudest = Math.max(...received);
    const speechBlocks = received.filter((v) => dbfs(v) > -40).length / received.length;
    // A control: the same envelope reversed in time has the same energy but not the same shape.
    const control = trackedLoopCorrelation(received, [...sourceEnv].reverse()).r;
    console.log(
      `listener audio (${Math.round(arrived.elapsedMs)} ms to first sound): peak block ${dbfs(loudest).toFixed(1)} dBFS, ` +
        `${(speechBlocks * 100).toFixed(0)}% blocks above -40 dBFS, envelope r=${r.toFixed(3)} from lag ${lags[0]} blocks, ` +
        `reversed-source control r=${control.toFixed(3)}, alignment slips: ${describeSlips(slips, BLOCKS_PER_SECOND)}`,
    );
    // Kept for study when the shape check fails on a loaded machine (what an outlier looks like decides the next fix).
    fs.writeFileSync(shot('listener-envelope').replace(/\.png$/, '.json'), JSON.stringify({ r, control, lags, received }));
    expect(dbfs(loudest)).toBeGreaterThan(-30);
    expect(speechBlocks).toBeGreaterThan(0.3);
    expect(r).toBeGreaterThan(0.7);
    expect(r - control).toBeGreaterThan(0.2);

    // Who is speaking: the host's avatar lights up on the listener page while the fake mic talks.
    await expect.poll(() => listenerPage.locator('[data-speaking=true]').count(), { timeout: 10_000 }).toBeGreaterThan(0);

    // End: the listener is told, without a reload.
    await host.getByTestId('end-space').click();
    await host.getByTestId('confirm-end').click();
    await listenerPage.getByTestId('state-ended').waitFor({ timeout: 10_000 });
    await host.getByTestId('ended-note').waitFor();
    await listenerPage.screenshot({ path: shot('listener-ended') });
  });

});

// What does not depend on the SFU: the studio's settings and the listener page's states, on LiveKit.
describe('the studio and the listener page, apart from the audio', () => {
  let livekit: LivekitServer;
  let studio: Awaited<ReturnType<typeof startTestStudio>>;
  let browser: Browser;

  beforeAll(async () => {
    livekit = await startLivekit();
    studio = await startTestStudio(livekit);
    browser = await launchChromium(makeSpeechWav());
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    await livekit?.stop();
  });

  it('the studio remembers the chosen microphone across a reload', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(studio.host.url);
    await page.getByTestId('mic-status').waitFor();
    const options = await page.getByTestId('mic-select').locator('option').evaluateAll((els) =>
      els.map((el) => ({ value: (el as HTMLOptionElement).value, label: el.textContent ?? '' })),
    );
    expect(options.length).toBeGreaterThan(1);
    expect(await page.getByTestId('mic-status').textContent()).not.toContain('Remembered');
    const choice = options[options.length - 1]!;
    await page.getByTestId('mic-select').selectOption(choice.value);
    await page.getByTestId('mic-status').getByText('Remembered', { exact: false }).waitFor();
    await page.reload();
    await page.getByTestId('mic-status').getByText('Remembered', { exact: false }).waitFor();
    expect(await page.getByTestId('mic-select').inputValue()).toBe(choice.value);
    const saved = JSON.parse(fs.readFileSync(path.join(studio.dataDir, 'settings.json'), 'utf8')) as { microphone: { label: string } };
    expect(saved.microphone.label).toBe(choice.label);
  });

  it('a listener page whose server goes away says it cannot connect, and recovers when it is back', async () => {
    const other = await startTestStudio(livekit);
    const port = new URL(other.services.info.spaceServerUrl).port;
    const { shareUrl } = await ask(other, 'spaces:create', { title: 'Flaky network hour' });
    const page = await (await browser.newContext()).newPage();
    await page.goto(shareUrl);
    await page.getByTestId('state-waiting').waitFor();
    await other.close();
    await page.getByTestId('offline').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'listener-offline.png') });
    // Same data folder, same port: the page finds its space again by itself.
    const back = await runWebStudio({
      dataDir: other.dataDir,
      assetsDir: ASSETS_DIR,
      version: 'test',
      spaceServerPort: Number(port),
      livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
    });
    try {
      await page.getByTestId('offline').waitFor({ state: 'detached', timeout: 20_000 });
      await page.getByTestId('state-waiting').waitFor();
    } finally {
      await back.close();
    }
  });

  it('a listener link to a space that does not exist says so', async () => {
    const page = await (await browser.newContext()).newPage();
    const response = await page.goto(`${studio.services.info.spaceServerUrl}/s/zzzzzzzzzz`);
    expect(response?.status()).toBe(404);
    await page.getByTestId('state-not-found').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'listener-not-found.png') });
  });
});
