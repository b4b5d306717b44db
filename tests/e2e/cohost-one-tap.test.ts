// The proof for one-tap co-hosts: "a listener made co-host in one tap can moderate". Everything real: a
// host in one web studio, listeners on the share link in Chromium, livekit-server. The host presses Make co-host on
// Lena's row; her listener page shows the offer; the web invite it carries takes her into a second web studio as
// co-host, where she brings a listener up and moves him back, and the host's activity shows both. And "Not now"
// withdraws an offer: the card goes, and its key no longer takes a seat.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLivekit, type LivekitServer } from '../../scripts/livekit';
import { fromAppLink } from '../../common/links';
import { launchChromium } from '../support/chromium';
import { makeSpeechWav } from '../support/fixtures';
import { ask, SCREENSHOT_DIR, startTestStudio } from '../support/studio';
import { connect } from '../support/ws-client';
import { waitOnAir } from '../support/on-air';

/** State the space server drives (an offer, a roster row, an audit entry): generous, since the two cores are shared. */
const SERVER_STATE = { timeout: 15_000 };

describe('one-tap co-host', () => {
  let livekit: LivekitServer;
  let hostStudio: Awaited<ReturnType<typeof startTestStudio>>;
  let cohostStudio: Awaited<ReturnType<typeof startTestStudio>>;
  let studios: Browser;
  let audience: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    livekit = await startLivekit();
    hostStudio = await startTestStudio(livekit);
    cohostStudio = await startTestStudio(livekit);
    studios = await launchChromium(makeSpeechWav());
    audience = await launchChromium(makeSpeechWav('Hi, thanks for having me on the stage tonight.', 'en-gb'));
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await studios?.close();
    await audience?.close();
    await cohostStudio?.close();
    await hostStudio?.close();
    await livekit?.stop();
  });

  async function page(browser: Browser, width: number, height: number): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height } });
    contexts.push(context);
    return context.newPage();
  }

  async function listenerOn(url: string, name: string): Promise<Page> {
    const p = await page(audience, 1440, 900);
    await p.goto(url);
    await p.getByTestId('listener-name').fill(name);
    await p.getByTestId('listener-name').press('Enter');
    await p.getByTestId('listen').click();
    await p.getByTestId('listening').getByText('You are listening.').waitFor(SERVER_STATE);
    return p;
  }

  const row = (p: Page, testId: string, text: string) => p.getByTestId(testId).filter({ hasText: text });

  it('a listener made co-host in one tap can moderate', async () => {
    // The host: named, with a live space.
    await ask(hostStudio, 'settings:setHostName', { hostName: 'Ann' });
    const host = await page(studios, 1440, 900);
    await host.goto(hostStudio.host.url);
    await host.getByTestId('mic-status').waitFor();
    await host.getByTestId('space-title').fill('Late show');
    await host.getByTestId('create-space').click();
    await host.getByTestId('go-live').click();
    await waitOnAir(host);
    const shareUrl = await host.getByTestId('share-url').inputValue();

    const lena = await listenerOn(shareUrl, 'Lena');
    const max = await listenerOn(shareUrl, 'Max');

    // One tap on Lena's row.
    await host.getByRole('button', { name: 'Make co-host Lena', exact: true }).click();
    const offer = lena.getByTestId('cohost-offer');
    await offer.waitFor(SERVER_STATE);
    expect(await offer.textContent()).toContain('Ann asked you to co-host.');
    await lena.screenshot({ path: path.join(SCREENSHOT_DIR, 'cohost-one-tap-offer.png') });
    await row(host, 'audit-row', 'asked Lena to co-host').first().waitFor(SERVER_STATE);

    // The offer carries the invite twice over: the podium:// link for the desktop app, and the web invite.
    const webLink = (await lena.getByTestId('copy-invite').getAttribute('data-invite-url'))!;
    const appLink = (await lena.getByTestId('open-in-podium').getAttribute('href'))!;
    expect(appLink).toMatch(/^podium:\/\/open\//);
    expect(fromAppLink(appLink)).toBe(webLink);
    expect(webLink.startsWith(`${shareUrl}#cohost=`)).toBe(true);

    // Lena opens it in a web studio of her own: a co-host there.
    await ask(cohostStudio, 'settings:setHostName', { hostName: 'Lena' });
    const studio = await page(studios, 1440, 900);
    await studio.goto(cohostStudio.host.url);
    await studio.getByTestId('mic-status').waitFor();
    await studio.getByTestId('join-cohost-url').fill(webLink);
    await studio.getByTestId('join-cohost').click();
    // The host's server is new to this studio: it asks first.
    await studio.getByTestId('confirm-trust').click();
    await studio.getByTestId('cohost-badge').waitFor(SERVER_STATE);
    await expect.poll(() => studio.getByTestId('space-title-display').textContent(), SERVER_STATE).toBe('Late show');

    // Taken: the card leaves her listener page, which says where she co-hosts now; the host sees her join.
    await offer.waitFor({ state: 'detached', ...SERVER_STATE });
    await lena.getByTestId('notice').filter({ hasText: 'co-hosting from Podium' }).waitFor(SERVER_STATE);
    await row(host, 'audit-row', 'Lena joined as co-host').first().waitFor(SERVER_STATE);

    // She moderates: Max asks to speak, she brings him up, then moves him back; the host's activity shows both.
    await max.getByTestId('raise-hand').click();
    await row(studio, 'hand-row', 'Max').locator('[data-action=approve]').click(SERVER_STATE);
    await max.getByTestId('speaker-view').waitFor(SERVER_STATE);
    await row(host, 'audit-row', 'Lena let Max speak').first().waitFor(SERVER_STATE);
    await row(studio, 'participant-row', 'Max').first().locator('[data-action=demote]').click(SERVER_STATE);
    await max.getByTestId('speaker-view').waitFor({ state: 'detached', ...SERVER_STATE });
    await row(host, 'audit-row', 'Lena moved Max to the listeners').first().waitFor(SERVER_STATE);
    await studio.screenshot({ path: path.join(SCREENSHOT_DIR, 'cohost-one-tap-studio.png') });
    await host.screenshot({ path: path.join(SCREENSHOT_DIR, 'cohost-one-tap-host.png') });

    // "Not now": the host asks Max; he says no. The card goes, the host hears of it, and the key takes no seat.
    await host.getByRole('button', { name: 'Make co-host Max', exact: true }).click();
    const maxOffer = max.getByTestId('cohost-offer');
    await maxOffer.waitFor(SERVER_STATE);
    const maxLink = (await max.getByTestId('copy-invite').getAttribute('data-invite-url'))!;
    await max.getByTestId('decline-cohost').click();
    await maxOffer.waitFor({ state: 'detached', ...SERVER_STATE });
    await row(host, 'audit-row', 'Max said no to co-hosting').first().waitFor(SERVER_STATE);
    const late = await connect(hostStudio.services.info.protocolUrl);
    try {
      const key = new URLSearchParams(new URL(maxLink).hash.slice(1)).get('cohost')!;
      late.send({ type: 'join', ref: 'join', spaceId: new URL(shareUrl).pathname.split('/')[2], credential: key, key: 'one-tap-late-key-000000' });
      const answer = await late.next((m) => m.type === 'joined' || m.type === 'error');
      expect(answer.type).toBe('error');
    } finally {
      await late.close();
    }
    // Max is still a listener, and may listen on.
    await max.getByTestId('raise-hand').waitFor();
  }, 180_000);
});
