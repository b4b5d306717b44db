// Ticketed spaces (issue 16) in real Chromium against a real web studio (its space server on a real SQLite file) and
// livekit-server: the host turns tickets on in the studio's Tickets tab, issues one ticket (a link) and a batch (a CSV
// download read back here); a listener opening the ticket link is admitted — the code leaves the address bar — and
// hears the host, measured; the same link in another browser is refused; a wrong code says so; the prompt is shot on
// a desktop and a phone; revoking the ticket in the studio puts its holder out. Screenshots go to screenshots/tickets-*.png.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLivekit, type LivekitServer } from '../../scripts/livekit';
import { normalizeTicketCode } from '../../common/tickets';
import { dbfs, envelope, trackedLoopCorrelation } from '../support/audio-analysis';
import { launchChromium } from '../support/chromium';
import { makeSpeechWav, readWavMono16 } from '../support/fixtures';
import { ENVELOPE_BLOCK, recordRemoteEnvelope, waitForRemoteSound } from '../support/page-audio';
import { parseCsv } from '../support/csv';
import { SCREENSHOT_DIR, startTestStudio } from '../support/studio';
import { waitOnAir } from '../support/on-air';

/** Beside every other suite's screenshots, named after this suite. */
const SHOTS = SCREENSHOT_DIR;
/** State the space server drives: generous, since other suites share the two cores. */
const SERVER_STATE = { timeout: 15_000 };
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };

describe('ticketed spaces in the studio and on the listener page', () => {
  let livekit: LivekitServer;
  let studio: Awaited<ReturnType<typeof startTestStudio>>;
  let browser: Browser;
  let speechWav: string;
  const contexts: BrowserContext[] = [];
  const page = async (viewport: { width: number; height: number }): Promise<Page> => {
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    return context.newPage();
  };

  beforeAll(async () => {
    speechWav = makeSpeechWav();
    livekit = await startLivekit();
    studio = await startTestStudio(livekit);
    browser = await launchChromium(speechWav);
    fs.mkdirSync(SHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await studio?.close();
    await livekit?.stop();
  });

  it('a listener with a ticket link is admitted and hears the host; the link fails elsewhere; revoking puts them out', async () => {
    const host = await page(DESKTOP);
    await host.goto(studio.host.url);
    await host.getByTestId('mic-status').waitFor();
    await host.getByTestId('lobby-host-name').fill('Lena');
    await host.getByTestId('space-title').fill('Members-only listening party');
    await host.getByTestId('create-space').click();
    const shareUrl = await host.getByTestId('share-url').inputValue();

    // The Tickets tab: empty at first, then on, with a capacity.
    await host.getByTestId('room-tab-tickets').click();
    await host.getByTestId('tickets-empty').waitFor(SERVER_STATE);
    expect(await host.getByTestId('tickets-required').isChecked()).toBe(false);
    await host.getByTestId('room-panel').screenshot({ path: path.join(SHOTS, 'tickets-studio-tickets-empty.png') });
    await host.getByTestId('tickets-required').click(); // the box follows the server's answer
    await expect.poll(() => host.getByTestId('tickets-required').isChecked(), SERVER_STATE).toBe(true);
    await host.getByTestId('ticket-capacity').fill('50');
    await host.getByTestId('ticket-capacity').press('Enter');
    await expect.poll(() => host.getByTestId('tickets-places').textContent(), SERVER_STATE).toBe('0 of 50 taken');

    // One ticket: a link to copy.
    await host.getByTestId('ticket-label').fill('For Mia');
    await host.getByTestId('tickets-issue').click();
    const link = await host.getByTestId('ticket-link').inputValue({ timeout: 15_000 });
    expect(link).toMatch(new RegExp(`^${shareUrl}#ticket=([0-9A-Z]{4}-){5}[0-9A-Z]{4}$`));
    // A batch for a shop: a CSV download with codes and links, quoted where needed.
    await host.getByTestId('ticket-count').fill('3');
    await host.getByTestId('ticket-label').fill('Shop, batch "A"');
    const [download] = await Promise.all([host.waitForEvent('download', SERVER_STATE), host.getByTestId('tickets-issue').click()]);
    expect(download.suggestedFilename()).toMatch(/^podium-tickets-members-only-listening-party-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = parseCsv(fs.readFileSync((await download.path())!, 'utf8'));
    expect(rows[0]).toEqual(['space', 'ticket', 'label', 'code', 'link']);
    expect(rows).toHaveLength(4);
    for (const r of rows.slice(1)) {
      expect(r[0]).toBe('Members-only listening party');
      expect(r[2]).toBe('Shop, batch "A"');
      expect(normalizeTicketCode(r[3]!)).not.toBeNull();
      expect(r[4]).toBe(`${shareUrl}#ticket=${r[3]}`);
    }
    await expect.poll(() => host.getByTestId('tickets-issued').textContent(), SERVER_STATE).toBe('4');
    expect(await host.getByTestId('ticket-row').count()).toBe(4);
    await host.getByTestId('go-live').click();
    await waitOnAir(host);

    // No ticket: the prompt, on a desktop and on a phone; a wrong code says so.
    for (const [name, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      const p = await page(viewport);
      await p.goto(shareUrl);
      await p.getByTestId('ticket-prompt').waitFor(SERVER_STATE);
      expect(await p.getByTestId('ticket-prompt').getAttribute('data-reason')).toBe('required');
      // Which space it is (its public title and host), so the person knows which ticket to look for.
      await expect.poll(() => p.getByTestId('ticket-space-title').textContent(), SERVER_STATE).toBe('Members-only listening party');
      expect(await p.getByTestId('ticket-space-host').textContent()).toBe('Hosted by Lena');
      await p.screenshot({ path: path.join(SHOTS, `tickets-ticket-prompt-${name}.png`) });
      await p.getByTestId('ticket-input').fill('ABCD-EFGH-JKMN-PQRS-TVWX-YZ01');
      await p.getByTestId('ticket-submit').click();
      await expect.poll(() => p.getByTestId('ticket-prompt').getAttribute('data-reason'), SERVER_STATE).toBe('invalid');
      expect(await p.getByTestId('ticket-message').textContent()).toBe("That code isn't a ticket for this space. Check it and try again.");
      await p.screenshot({ path: path.join(SHOTS, `tickets-ticket-prompt-invalid-${name}.png`) });
      // Nothing of the space was shown to someone not admitted.
      expect(await p.getByTestId('listener-title').count()).toBe(0);
    }

    // The ticket link: admitted, the code gone from the address bar, and the host heard.
    const mia = await page(DESKTOP);
    await mia.goto(link);
    await mia.getByTestId('listen').click(SERVER_STATE);
    expect(mia.url()).toBe(shareUrl);
    await mia.getByTestId('listening').getByText('You are listening.').waitFor({ timeout: 20_000 });
    await waitForRemoteSound(mia, undefined, { db: -40 });
    const received = await recordRemoteEnvelope(mia, 6);
    const sourceEnv = envelope(readWavMono16(speechWav).samples, ENVELOPE_BLOCK);
    const { r } = trackedLoopCorrelation(received, sourceEnv);
    const control = trackedLoopCorrelation(received, [...sourceEnv].reverse()).r;
    const loudest = Math.max(...received);
    const speechBlocks = received.filter((v) => dbfs(v) > -40).length / received.length;
    console.log(`ticket holder hears: peak ${dbfs(loudest).toFixed(1)} dBFS, ${(speechBlocks * 100).toFixed(0)}% blocks above -40 dBFS, r=${r.toFixed(3)}, reversed control r=${control.toFixed(3)}`);
    expect(dbfs(loudest)).toBeGreaterThan(-30);
    expect(speechBlocks).toBeGreaterThan(0.3);
    expect(r).toBeGreaterThan(0.7);
    expect(r - control).toBeGreaterThan(0.2);
    // A reload keeps the ticket (this browser redeemed it).
    await mia.reload();
    await mia.getByTestId('listen').waitFor(SERVER_STATE);

    // The same link in another browser: refused, in plain words.
    const other = await page(PHONE);
    await other.goto(link);
    await expect.poll(() => other.getByTestId('ticket-prompt').getAttribute('data-reason'), SERVER_STATE).toBe('used');
    expect(await other.getByTestId('ticket-message').textContent()).toBe('This ticket was already used on another device.');
    expect(other.url()).toBe(shareUrl);
    await other.screenshot({ path: path.join(SHOTS, 'tickets-ticket-prompt-used-phone.png') });

    // The host sees it used, by whom, and revokes it: Mia is put out.
    await expect.poll(() => host.getByTestId('tickets-used').textContent(), SERVER_STATE).toBe('1');
    expect(await host.getByTestId('tickets-places').textContent()).toBe('1 of 50 taken');
    const used = host.getByTestId('ticket-row').filter({ hasText: 'Used by' });
    await used.waitFor(SERVER_STATE);
    await host.getByTestId('room-panel').screenshot({ path: path.join(SHOTS, 'tickets-studio-tickets.png') });
    await host.screenshot({ path: path.join(SHOTS, 'tickets-studio-tickets-page.png') });
    await used.getByRole('button', { name: 'Revoke' }).click();
    await mia.getByTestId('state-removed').waitFor(SERVER_STATE);
    expect(await mia.getByTestId('removed-message').textContent()).toBe('The host revoked your ticket, so you are no longer in this space.');
    await expect.poll(() => host.getByTestId('tickets-revoked').textContent(), SERVER_STATE).toBe('1');
    // The revoke gave the place back; the ticket still counts as used.
    expect(await host.getByTestId('tickets-places').textContent()).toBe('0 of 50 taken');
    expect(await host.getByTestId('tickets-used').textContent()).toBe('1');
    await host.getByTestId('room-panel').screenshot({ path: path.join(SHOTS, 'tickets-studio-tickets-revoked.png') });
  }, 240_000);
});
