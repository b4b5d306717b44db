// The studio's whole services process (space server, embedded LiveKit, recorder) is killed with SIGKILL mid-space.
// The shell starts it again on the same addresses; the studio page — not reloaded — says the services are restarting,
// then is back on air by itself, and a listener who never touched anything hears the host again. Measured and printed:
// how long until the studio said so, until it was on air again, until the listener heard the host.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWebStudio, type WebStudio } from '../../main/web/run';
import { launchChromium } from '../support/chromium';
import { makeSpeechWav } from '../support/fixtures';
import { waitForRemoteSound } from '../support/page-audio';
import { ASSETS_DIR, SCREENSHOT_DIR, requireBuild } from '../support/studio';

/** State the space server or the SFU drives, on a loaded machine: generous. */
const SERVER_STATE = { timeout: 20_000 };
/** Starting the services process, SQLite and LiveKit again, then every client reconnecting: more generous still. */
const RESUME = { timeout: 60_000 };

describe('the studio services process dies mid-space', () => {
  let studio: WebStudio;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    requireBuild();
    const speechWav = makeSpeechWav();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-services-e2e-'));
    // The studio's own embedded LiveKit: it goes down with the services process and must come back on its port.
    studio = await runWebStudio({ dataDir, assetsDir: ASSETS_DIR, version: 'test' });
    browser = await launchChromium(speechWav);
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the studio says so and resumes by itself; the listener hears the host again', async () => {
    const host = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await host.goto(studio.host.url);
    await host.getByTestId('mic-status').waitFor();
    // A fresh studio asks the host's name before the first space (listeners read it).
    await host.getByTestId('lobby-host-name').fill('Lena');
    await host.getByTestId('space-title').fill('Services crash drill');
    await host.getByTestId('create-space').click();
    await host.getByTestId('go-live').click();
    await host.getByTestId('on-air').waitFor(SERVER_STATE);
    const shareUrl = await host.getByTestId('share-url').inputValue();

    const listener: Page = await (await browser.newContext()).newPage();
    await listener.goto(shareUrl);
    await listener.getByTestId('listen').click();
    await listener.getByTestId('listening').getByText('You are listening.').waitFor(SERVER_STATE);
    await listener.locator('audio[data-podium-remote-audio]').waitFor({ state: 'attached', ...SERVER_STATE });
    await waitForRemoteSound(listener, undefined, { db: -40, timeoutMs: 20_000 });

    // A mark a reload would wipe: nobody reloads either page.
    for (const p of [host, listener]) await p.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    const before = { ...studio.services.info };
    const oldPid = studio.services.pid!;
    const killedAt = Date.now();
    process.kill(oldPid, 'SIGKILL');
    const since = () => Date.now() - killedAt;

    const restarting = host.locator('[data-testid=connection-banner][data-kind=services-restarting]');
    await restarting.waitFor(SERVER_STATE);
    const saidMs = since();
    expect(await restarting.textContent()).toMatch(/restarting/i);
    await host.screenshot({ path: path.join(SCREENSHOT_DIR, 'services-restarting.png') });

    await restarting.waitFor({ state: 'detached', ...RESUME });
    await host.getByTestId('on-air').waitFor(RESUME);
    const onAirMs = since();
    // The listener's page reconnects by itself, replacing its audio element on the way: wait for one, and try again
    // if it is swapped while being tapped.
    const deadline = Date.now() + RESUME.timeout;
    for (;;) {
      await listener.locator('audio[data-podium-remote-audio]').first().waitFor({ state: 'attached', timeout: Math.max(1, deadline - Date.now()) });
      try {
        await waitForRemoteSound(listener, undefined, { db: -40, timeoutMs: Math.max(1, deadline - Date.now()) });
        break;
      } catch (error) {
        if (Date.now() >= deadline || !/no remote audio element/.test(String(error))) throw error;
      }
    }
    const heardMs = since();
    console.log(`services killed: studio said so after ${saidMs} ms, on air again after ${onAirMs} ms, the listener heard the host after ${heardMs} ms`);

    expect(studio.services.pid).not.toBe(oldPid);
    expect(studio.services.info).toEqual(before);
    expect(studio.services.status()).toMatchObject({ state: 'running', restarts: 1 });
    for (const p of [host, listener]) expect(await p.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    // No banner left behind on the studio but the short "back" one, if any.
    const left = await host.locator('[data-testid=connection-banner]').getAttribute('data-kind', { timeout: 1000 }).catch(() => null);
    expect([null, 'back']).toContain(left);
  }, 240_000);
});
