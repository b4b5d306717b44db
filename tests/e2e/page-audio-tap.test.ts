// The audio tap that every e2e audio measurement stands on (tests/support/page-audio.ts) must measure what the
// element plays even when the page's main thread is late — as it is on a 2-core machine under load, where the
// listener page also runs React and livekit-client. Its earlier ScriptProcessorNode version did not: its buffers are
// handed to the main thread through a double buffer the audio thread overwrites when the main thread is late, which
// on a loaded machine measured plateaus of one repeated buffer and silences that no audio had (issue 9).
//
// Here the main thread is starved on purpose and repeatably: a busy loop holds it for 150 ms of every 200 ms while a
// fake microphone plays a known speech loop into an element marked as remote audio. The tap must still see that
// speech, aligned as well as on an idle page.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope, trackedLoopCorrelation } from '../support/audio-analysis';
import { launchChromium } from '../support/chromium';
import { makeSpeechWav, readWavMono16 } from '../support/fixtures';
import { ENVELOPE_BLOCK, recordRemoteEnvelope, recordUntilQuiet, waitForRemoteSound } from '../support/page-audio';

const SPEECH = 'Hello everyone, thanks for bringing me up. I have a question about the roadmap for next spring.';

describe('the page audio tap', () => {
  let server: http.Server;
  let browser: Browser;
  let page: Page;
  let source: number[];

  beforeAll(async () => {
    const wav = makeSpeechWav(SPEECH, 'en-gb');
    source = envelope(readWavMono16(wav).samples, ENVELOPE_BLOCK);
    // A page on 127.0.0.1 (a secure context, so getUserMedia exists), with the studio's script policy.
    server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-security-policy': "default-src 'self'; script-src 'self'" });
      res.end('<!doctype html><title>tap</title><audio data-podium-remote-audio data-identity="pmic" muted autoplay></audio>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    browser = await launchChromium(wav);
    page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.evaluate(async () => {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
      const el = document.querySelector('audio')!;
      el.srcObject = stream;
      await el.play();
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  function correlation(heard: number[]): { r: number; control: number } {
    return { r: trackedLoopCorrelation(heard, source).r, control: trackedLoopCorrelation(heard, [...source].reverse()).r };
  }

  it('measures the speech while the main thread is busy 75% of the time', async () => {
    const idle = correlation(await recordRemoteEnvelope(page, 8, 'pmic'));
    await page.evaluate(() => {
      (window as unknown as { busy: number }).busy = window.setInterval(() => {
        const until = performance.now() + 150;
        while (performance.now() < until) {
          // hold the main thread
        }
      }, 200);
    });
    const busy = correlation(await recordRemoteEnvelope(page, 8, 'pmic'));
    await page.evaluate(() => window.clearInterval((window as unknown as { busy: number }).busy));
    console.log(`tap: idle r=${idle.r.toFixed(3)} (control ${idle.control.toFixed(3)}), main thread busy r=${busy.r.toFixed(3)} (control ${busy.control.toFixed(3)})`);
    // The fake microphone plays the WAV itself: what is measured is the tap, and an honest tap sees it almost exactly.
    expect(idle.r).toBeGreaterThan(0.9);
    expect(busy.r).toBeGreaterThan(0.9);
    expect(busy.r - busy.control).toBeGreaterThan(0.3);
  });

  it('hears sound arrive, and silence once the track ends', async () => {
    const sound = await waitForRemoteSound(page, 'pmic', { db: -40, timeoutMs: 10_000 });
    expect(sound.met).toBe(true);
    // The speaker's track ends (as when a speaker is removed): from then on the element plays nothing.
    const quiet = recordUntilQuiet(page, 'pmic', { quietSeconds: 2, timeoutMs: 10_000 });
    await page.waitForTimeout(500);
    await page.evaluate(() => {
      const el = document.querySelector('audio')!;
      (el.srcObject as MediaStream).getTracks().forEach((t) => t.stop());
    });
    const result = await quiet;
    expect(result.met).toBe(true);
    // Speech was measured before the end, silence after.
    expect(Math.max(...result.env)).toBeGreaterThan(10 ** (-40 / 20));
  });
});
