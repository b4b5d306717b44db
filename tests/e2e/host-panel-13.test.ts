// The host panel as a first-time host meets it (issue 13), in real Chromium against a real web studio and LiveKit,
// with listeners as protocol bots: the docked key bar never covers the row it is about (1440×900 and a 390×844
// phone, where it wraps inside the screen and the space card comes before the audio cards); Shift+M with nobody to
// mute sends nothing; the dialogs' keys (Enter removes, Enter alone does not end, Ctrl+Enter does, Esc cancels);
// the Room panel's tabs; the activity log's cue when it is longer than its box; one-tap "Make co-host"; pins without
// https:// and with a caption; the audio cards folded, remembered across a reload, and unfolded again.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLivekit, type LivekitServer } from '../../scripts/livekit';
import { launchChromium } from '../support/chromium';
import { makeSpeechWav } from '../support/fixtures';
import { createTestSpace, SCREENSHOT_DIR, startTestStudio } from '../support/studio';
import { connect, type TestClient } from '../support/ws-client';
import { waitOnAir } from '../support/on-air';

/** State the space server drives, on a loaded 2-core machine (see hosting.test.ts). */
const SERVER_STATE = { timeout: 15_000 };
/** How long "nothing happens" is watched for: several server round trips on a loaded machine. */
const QUIET_MS = 2_500;

type Box = { x: number; y: number; width: number; height: number };
const intersects = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('host panel (issue 13)', () => {
  let livekit: LivekitServer;
  let studio: Awaited<ReturnType<typeof startTestStudio>>;
  let browser: Browser;
  let context: BrowserContext;
  let host: Page;
  const bots: TestClient[] = [];
  /** Every space-protocol message the page sent, parsed. */
  const sent: { type: string }[] = [];

  const shot = (name: string) => host.screenshot({ path: path.join(SCREENSHOT_DIR, name) });
  const audit = () => host.getByTestId('audit-row');
  const auditRow = (text: string) => audit().filter({ hasText: text });
  const speakerRow = (id: string) => host.locator(`[data-testid=speakers] [data-testid=participant-row][data-id="${id}"]`);
  const listenerRow = (name: string) => host.getByTestId('listener-list').getByTestId('participant-row').filter({ hasText: name });

  async function bot(name: string, i: number, spaceId: string): Promise<TestClient> {
    const c = await connect(studio.services.info.protocolUrl);
    bots.push(c);
    c.send({ type: 'join', spaceId, key: `h13-bot-key-${String(i).padStart(8, '0')}`, name });
    await c.next((m) => m.type === 'you', SERVER_STATE.timeout);
    return c;
  }

  /** The selected row and the key bar's strip, measured where the person sees them. */
  async function expectKeyBarClear(row: Locator, width: number): Promise<void> {
    await expect.poll(() => row.getAttribute('aria-selected')).toBe('true');
    // The studio scrolls the selection into view a frame after choosing it.
    await host.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const rowBox = (await row.boundingBox())!;
    const dock = (await host.locator('.keybar-dock').boundingBox())!;
    expect(rowBox).not.toBeNull();
    expect(dock.height).toBeGreaterThan(20);
    expect(intersects(rowBox, dock), `row ${JSON.stringify(rowBox)} vs key bar ${JSON.stringify(dock)}`).toBe(false);
    // The row is really in sight (inside the scrolling page), not merely outside the bar.
    const scroller = (await host.getByTestId('studio-scroll').boundingBox())!;
    expect(rowBox.y).toBeGreaterThanOrEqual(scroller.y - 1);
    expect(rowBox.y + rowBox.height).toBeLessThanOrEqual(scroller.y + scroller.height + 1);
    // Every key of the bar is inside the screen: it wraps, it does not run off the right edge.
    for (const key of await host.getByTestId('keybar').locator('.keybar-key, .keybar-who').all()) {
      const b = (await key.boundingBox())!;
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width).toBeLessThanOrEqual(width + 0.5);
    }
    expect(await host.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  }

  beforeAll(async () => {
    livekit = await startLivekit();
    studio = await startTestStudio(livekit);
    browser = await launchChromium(makeSpeechWav());
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  afterAll(async () => {
    await Promise.all(bots.map((b) => b.close().catch(() => {})));
    await context?.close().catch(() => {});
    await browser?.close();
    await studio?.close();
    await livekit?.stop();
  });

  let lenaId = '';

  it('goes live with listeners; Shift+M with nobody on stage sends nothing', async () => {
    const { space } = await createTestSpace(studio, 'Friday AMA', 'Ann');
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    host = await context.newPage();
    host.on('websocket', (ws) =>
      ws.on('framesent', (frame) => {
        if (typeof frame.payload !== 'string') return;
        try {
          sent.push(JSON.parse(frame.payload) as { type: string });
        } catch {
          // not a protocol message
        }
      }),
    );
    await host.goto(studio.host.url);
    await host.getByTestId('mic-status').waitFor(SERVER_STATE);
    await host.getByRole('button', { name: 'Open' }).first().click();
    await host.getByTestId('go-live').click();
    await waitOnAir(host);

    for (const [i, name] of ['Lena', 'Max', 'Ada', 'Bo'].entries()) await bot(name, i, space.id);
    await listenerRow('Bo').waitFor(SERVER_STATE);
    lenaId = (await listenerRow('Lena').getAttribute('data-id'))!;
    expect(lenaId).toMatch(/^p[a-f0-9]+$/);

    // Nobody to mute: the button says so and Shift+M does nothing at all.
    await expect.poll(() => host.getByTestId('mute-all').isDisabled()).toBe(true);
    expect(await host.getByTestId('mute-all-tip').getAttribute('title')).toBe('No speakers to mute');
    const before = await audit().count();
    await host.locator('body').click({ position: { x: 5, y: 5 } });
    await host.keyboard.press('Shift+M');
    await host.waitForTimeout(QUIET_MS);
    expect(sent.filter((m) => m.type === 'muteAll')).toHaveLength(0);
    expect(await audit().count()).toBe(before);
    expect(await host.getByTestId('quiet-hint').count()).toBe(0);
    await shot('host13-idle-1440.png');
  }, 120_000);

  it('a request on the Stage tab, approved with A; the key bar never covers the selected speaker', async () => {
    const lena = bots[0]!;
    lena.send({ type: 'hand', raised: true });
    await expect.poll(() => host.getByTestId('room-tab-stage-count').textContent(), SERVER_STATE).toBe('1');
    await host.getByTestId('hand-row').filter({ hasText: 'Lena' }).click();
    await host.keyboard.press('a');
    await speakerRow(lenaId).waitFor(SERVER_STATE);
    await auditRow('Ann let Lena speak').waitFor(SERVER_STATE);
    // The line reads as a sentence with the names in bold.
    expect(await auditRow('Ann let Lena speak').first().locator('strong').allTextContents()).toEqual(['Ann', 'Lena']);

    await speakerRow(lenaId).click();
    await expect.poll(() => host.getByTestId('selection').getAttribute('data-id')).toBe(lenaId);
    const keys = await host.getByTestId('keybar').locator('[data-key]').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
    expect(keys).toEqual(['mute', 'demote', 'cohost', 'remove', 'block']);
    await expectKeyBarClear(speakerRow(lenaId), 1440);
    await shot('host13-selection-1440.png');

    // With a speaker on stage, Shift+M does mute: the quiet case above was not a dead key.
    await host.keyboard.press('Shift+M');
    await auditRow('Ann muted all speakers').waitFor(SERVER_STATE);
    expect(sent.filter((m) => m.type === 'muteAll')).toHaveLength(1);
  }, 90_000);

  it('on a 390×844 phone: the space card first, the key bar wrapped inside the screen and clear of the row', async () => {
    await host.setViewportSize({ width: 390, height: 844 });
    const order = await host.evaluate(() => {
      const top = (id: string) => document.querySelector(`[data-testid="${id}"]`)!.getBoundingClientRect().top;
      return { card: top('space-panel'), mic: top('microphone-card'), noise: top('audio-panel') };
    });
    expect(order.card).toBeLessThan(order.mic);
    expect(order.card).toBeLessThan(order.noise);
    await host.getByTestId('studio-scroll').evaluate((el) => el.scrollTo(0, 0));
    await shot('host13-phone-top-390.png');

    await speakerRow(lenaId).click();
    await expectKeyBarClear(speakerRow(lenaId), 390);
    await shot('host13-selection-390.png');
    await host.setViewportSize({ width: 1440, height: 900 });
  }, 60_000);

  it('Make co-host in one key, with a hint that says what happens next', async () => {
    await listenerRow('Max').click();
    await host.keyboard.press('c');
    await expect.poll(() => host.getByTestId('quiet-hint').textContent()).toBe('Max was asked to co-host — they accept on their page.');
    expect(sent.filter((m) => m.type === 'mod' && (m as { action?: string }).action === 'cohost')).toHaveLength(1);
    await auditRow('Ann asked Max to co-host').waitFor(SERVER_STATE);
  }, 60_000);

  it('Remove: Esc cancels, Enter confirms; Block from its button', async () => {
    await speakerRow(lenaId).click();
    await host.keyboard.press('r');
    const dialog = host.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('confirm-action').textContent()).toBe('Remove ↵');
    await shot('host13-remove-dialog-1440.png');
    await host.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await host.waitForTimeout(500);
    expect(await speakerRow(lenaId).count()).toBe(1);

    await host.keyboard.press('r');
    await dialog.waitFor();
    await host.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await speakerRow(lenaId).waitFor({ state: 'detached', ...SERVER_STATE });
    await auditRow('Ann removed Lena').waitFor(SERVER_STATE);

    await listenerRow('Ada').locator('[data-action=block]').click();
    await dialog.waitFor();
    await dialog.getByTestId('confirm-action').click();
    await listenerRow('Ada').waitFor({ state: 'detached', ...SERVER_STATE });
  }, 60_000);

  it('pins a link typed without https://, with a caption shown on its card', async () => {
    await host.getByTestId('pin-url').fill('x.com/podiumapp/status/1860000000000000001');
    await expect.poll(() => host.getByTestId('pin-preview').textContent()).toBe('Pins @podiumapp’s post on X: https://x.com/podiumapp/status/1860000000000000001');
    // A caption pasted past the limit is cut, and the field says so.
    await host.getByTestId('pin-caption').fill('🚀'.repeat(150));
    await expect.poll(() => host.getByTestId('pin-caption-count').textContent()).toBe('140/140');
    await host.getByTestId('pin-caption-cut').waitFor();
    await host.getByTestId('pin-caption').fill('The question list for tonight');
    await host.getByTestId('pin-add').click();
    const card = host.getByTestId('pin-row').filter({ hasText: '@podiumapp' });
    await card.waitFor(SERVER_STATE);
    await expect.poll(() => card.getByTestId('pin-row-caption').textContent()).toBe('The question list for tonight');
    const pin = sent.find((m) => m.type === 'pin') as { url: string; caption?: string } | undefined;
    expect(pin).toMatchObject({ url: 'https://x.com/podiumapp/status/1860000000000000001', caption: 'The question list for tonight' });
  }, 60_000);

  it('the activity log scrolls with a cue for the entries out of sight', async () => {
    // Enough moderation to outgrow the box: pins added and taken off again.
    for (let i = 0; i < 7; i++) {
      await host.getByTestId('pin-url').fill(`https://example.org/agenda-${i}`);
      await host.getByTestId('pin-add').click();
      const row = host.getByTestId('pin-row').filter({ hasText: `agenda-${i}` });
      await row.waitFor(SERVER_STATE);
      await row.getByTestId('unpin').click();
      await row.waitFor({ state: 'detached', ...SERVER_STATE });
    }
    const list = host.getByTestId('activity-list');
    await expect.poll(() => list.evaluate((el) => el.scrollHeight > el.clientHeight + 20), SERVER_STATE).toBe(true);
    const total = await audit().count();
    expect(total).toBeGreaterThanOrEqual(18);
    const earlier = host.getByTestId('activity-earlier');
    await earlier.waitFor();
    const hidden = Number(/↓ (\d+) earlier entr(?:y|ies)$/.exec((await earlier.textContent())!)![1]);
    expect(hidden).toBeGreaterThan(0);
    expect(hidden).toBeLessThan(total);
    // The scrollbar is drawn in the theme's colours, not dark on dark.
    expect(await list.evaluate((el) => getComputedStyle(el).scrollbarColor)).not.toMatch(/^auto$/);
    await host.getByTestId('activity').scrollIntoViewIfNeeded();
    await shot('host13-activity-1440.png');
    await earlier.click();
    await expect.poll(() => list.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    await host.getByTestId('activity-newer').waitFor();
    // At the bottom, the oldest entry (going live is not moderation: the first approval) is in sight.
    await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect.poll(() => host.getByTestId('activity-earlier').count()).toBe(0);
  }, 120_000);

  it('the Room panel switches tabs by click and by arrow keys', async () => {
    await host.getByTestId('studio-scroll').evaluate((el) => el.scrollTo(0, 0));
    const tabs = ['stage', 'reports', 'settings', 'cohosts', 'blocked'] as const;
    for (const tab of tabs) {
      await host.getByTestId(`room-tab-${tab}`).click();
      await host.getByTestId(`room-body-${tab}`).waitFor();
      expect(await host.getByTestId(`room-tab-${tab}`).getAttribute('aria-selected')).toBe('true');
      expect(await host.getByTestId('room-panel').getAttribute('data-tab')).toBe(tab);
      await host.getByTestId('room-panel').scrollIntoViewIfNeeded();
      await shot(`host13-room-${tab}-1440.png`);
    }
    // Each tab shows its own controls (and Reports, with none yet, says what will come there).
    await host.getByTestId('room-tab-reports').click();
    await host.getByTestId('reports-empty').waitFor();
    await host.getByTestId('room-tab-settings').click();
    await host.getByTestId('request-policy').waitFor();
    await host.getByTestId('room-tab-blocked').click();
    await host.getByTestId('block-row').filter({ hasText: 'Ada' }).waitFor(SERVER_STATE);
    expect(await host.getByTestId('room-tab-blocked-count').textContent()).toBe('1');
    // ←/→ move between tabs, as in any tab list.
    await host.getByTestId('room-tab-blocked').focus();
    await host.keyboard.press('ArrowRight');
    await expect.poll(() => host.getByTestId('room-panel').getAttribute('data-tab')).toBe('stage');
    await host.keyboard.press('ArrowRight');
    await expect.poll(() => host.getByTestId('room-panel').getAttribute('data-tab')).toBe('reports');
    await host.keyboard.press('ArrowLeft');
    await expect.poll(() => host.getByTestId('room-panel').getAttribute('data-tab')).toBe('stage');
    await host.getByTestId('requests').waitFor();
  }, 60_000);

  it('the audio cards fold to one line by click or keyboard, and unfold', async () => {
    const mic = host.getByTestId('microphone-card');
    const noise = host.getByTestId('audio-panel');
    const server = host.getByTestId('audio-server-card');
    await host.getByTestId('microphone-card-toggle').click();
    await expect.poll(() => mic.getAttribute('data-folded')).toBe('true');
    await host.getByTestId('microphone-card-summary').waitFor();
    expect(await host.getByTestId('mic-select').count()).toBe(0);
    // The keyboard works too: the title is a button.
    await host.getByTestId('audio-panel-toggle').focus();
    await host.keyboard.press('Enter');
    await expect.poll(() => noise.getAttribute('data-folded')).toBe('true');
    expect(await host.getByTestId('audio-panel-toggle').getAttribute('aria-expanded')).toBe('false');
    expect(await host.getByTestId('audio-panel-summary').textContent()).toMatch(/^(On · \d+% · (Quality|Low CPU)|Off)/);
    // Its switch stays in the folded line.
    await host.getByTestId('ns-toggle').waitFor();
    await host.getByTestId('audio-server-card-toggle').click();
    await expect.poll(() => server.getAttribute('data-folded')).toBe('true');
    // Three folded cards: a title line and a one-line summary each.
    for (const card of [mic, noise, server]) expect((await card.boundingBox())!.height).toBeLessThan(72);
    for (const id of ['microphone-card', 'audio-panel', 'audio-server-card']) expect((await host.getByTestId(`${id}-summary`).boundingBox())!.height).toBeLessThan(24);
    await host.getByTestId('studio-scroll').evaluate((el) => el.scrollTo(0, 0));
    await shot('host13-folded-1440.png');
    await host.setViewportSize({ width: 390, height: 844 });
    await mic.scrollIntoViewIfNeeded();
    await shot('host13-folded-390.png');
    await host.setViewportSize({ width: 1440, height: 900 });
    await host.getByTestId('audio-server-card-toggle').click();
    await expect.poll(() => server.getAttribute('data-folded')).toBe('false');
  }, 60_000);

  it('End: Enter alone neither ends nor closes, Esc keeps going, Ctrl+Enter ends', async () => {
    const listeners = Number(await host.getByTestId('listener-count').first().textContent());
    expect(listeners).toBe(2);
    await host.getByTestId('end-space').click();
    const dialog = host.getByTestId('end-dialog');
    await dialog.waitFor();
    expect(await host.getByTestId('end-body').textContent()).toBe("All 2 listeners will be disconnected. An ended space can't be restarted.");
    expect(await dialog.getByTestId('confirm-end').textContent()).toBe('End space Ctrl ↵');
    // The focus starts on "Keep going".
    expect(await host.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('cancel-end');
    await host.keyboard.press('Enter');
    await host.getByTestId('end-remind').waitFor();
    await host.waitForTimeout(QUIET_MS);
    expect(await dialog.count()).toBe(1);
    expect(sent.filter((m) => m.type === 'end')).toHaveLength(0);
    expect(await host.getByTestId('space-panel').getAttribute('data-status')).toBe('live');
    await shot('host13-end-dialog-1440.png');
    await host.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await host.getByTestId('space-panel').getAttribute('data-status')).toBe('live');

    await host.getByTestId('end-space').click();
    await dialog.waitFor();
    await host.keyboard.press('Control+Enter');
    await expect.poll(() => host.getByTestId('space-panel').getAttribute('data-status'), SERVER_STATE).toBe('ended');
  }, 60_000);

  it('remembers folded cards across a reload', async () => {
    await host.reload();
    // Folding is offered once the microphone runs again; the choice made before the reload applies by itself.
    await host.locator('[data-testid=microphone-card][data-folded=true]').waitFor(SERVER_STATE);
    await host.locator('[data-testid=audio-panel][data-folded=true]').waitFor(SERVER_STATE);
    expect(await host.getByTestId('audio-server-card').getAttribute('data-folded')).toBe('false');
    await host.getByTestId('microphone-card-toggle').click();
    await host.getByTestId('mic-status').waitFor();
    expect(await host.getByTestId('microphone-card').getAttribute('data-folded')).toBe('false');
  }, 60_000);
});
