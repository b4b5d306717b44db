// Issue 13, an old studio tab after a studio restart, in real Chromium: while the studio is gone the tab shows ONE
// banner (the connection banner; a failed call adds no second one), and pasting the new studio link — which on the
// same port changes only the #k= fragment, so the browser loads nothing — brings the tab back with the new key.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWebStudio, type WebStudio } from '../../main/web/run';
import { startLivekit, type LivekitServer } from '../../scripts/livekit';
import { launchChromium } from '../support/chromium';
import { makeSpeechWav } from '../support/fixtures';
import { ASSETS_DIR, SCREENSHOT_DIR, requireBuild } from '../support/studio';

const SERVER_STATE = { timeout: 15_000 };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Every banner the studio shows at the top: the connection banner and the studio's error banner. */
async function banners(p: Page): Promise<string[]> {
  return p.locator('[data-testid=connection-banner], [data-testid=studio-error]').allTextContents();
}

describe('an old studio tab after a restart', () => {
  let livekit: LivekitServer;
  let browser: Browser;
  let dataDir: string;
  let studio: WebStudio | null = null;

  beforeAll(async () => {
    requireBuild();
    livekit = await startLivekit();
    browser = await launchChromium(makeSpeechWav());
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-studio13-'));
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    await livekit?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const start = (studioPort: number) =>
    runWebStudio({ dataDir, assetsDir: ASSETS_DIR, version: 'test', studioPort, livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret } });

  it('shows one banner while the studio is gone, and takes the new link pasted into the tab', async () => {
    const port = await freePort();
    studio = await start(port);
    const firstUrl = studio.host.url;
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await page.goto(firstUrl);
    await page.getByTestId('mic-status').waitFor(SERVER_STATE);
    // The key is taken out of the address bar once read.
    expect(new URL(page.url()).hash).toBe('');

    // Podium stops: one banner says so.
    await studio.close();
    studio = null;
    await page.locator('[data-testid=connection-banner][data-kind=bridge-lost]').waitFor(SERVER_STATE);
    // A call that fails now (creating a space) is the same news: still one banner, not two.
    await page.getByTestId('lobby-host-name').fill('Lena');
    await page.getByTestId('space-title').fill('After the restart');
    await page.getByTestId('create-space').click();
    await expect.poll(() => page.getByTestId('create-space').textContent(), SERVER_STATE).toContain('Create space');
    // Nothing typed is lost by the failed try.
    expect(await page.getByTestId('lobby-host-name').inputValue()).toBe('Lena');
    expect(await page.getByTestId('space-title').inputValue()).toBe('After the restart');
    for (let i = 0; i < 4; i++) {
      expect(await banners(page)).toHaveLength(1);
      await page.waitForTimeout(500);
    }
    const [only] = await banners(page);
    expect(only).toContain("The studio's services stopped");
    expect(only).toContain('paste the studio link it prints into this tab');
    expect(only).not.toMatch(/`/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'studio-services-gone-one-banner.png') });

    // Podium starts again on the same port: a new key, so the new link differs from the old only after the #.
    studio = await start(port);
    const secondUrl = studio.host.url;
    expect(secondUrl).not.toBe(firstUrl);
    expect(secondUrl.split('#')[0]).toBe(firstUrl.split('#')[0]);
    // Pasting it into the old tab is a same-document navigation: only hashchange fires. The tab must pick it up.
    const loads: number[] = [];
    page.on('load', () => loads.push(Date.now()));
    await page.evaluate((url) => {
      location.href = url;
    }, secondUrl);
    await page.getByTestId('mic-status').waitFor(SERVER_STATE);
    await expect.poll(() => banners(page), SERVER_STATE).toEqual([]);
    expect(loads.length).toBeGreaterThan(0);
    expect(new URL(page.url()).hash).toBe('');
    // It works with the new key: a space can be made (the name was not saved before: it is asked again).
    await page.getByTestId('lobby-host-name').fill('Lena');
    await page.getByTestId('space-title').fill('After the restart');
    await page.getByTestId('create-space').click();
    await page.getByTestId('go-live').waitFor(SERVER_STATE);
    expect(await banners(page)).toEqual([]);
  }, 180_000);
});
