// The listener page of issue 13 in real Chromium against a real web studio and livekit-server, with the host as a
// protocol client: toasts that cover neither the header nor the connection banner (1440×900 and a 390×844 phone); a
// co-host invite link opened in a browser, which shows "open in Podium" and joins only as a listener, never sending
// the key; a title edited while live; a pin's caption; the one-tap offer card and its Not now.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLivekit, type LivekitServer } from '../../scripts/livekit';
import { fromAppLink, toAppLink } from '../../common/links';
import { graphemeLength } from '../../common/text';
import type { HostedSpace } from '../../common/ipc';
import type { Participant } from '../../common/protocol';
import { launchChromium } from '../support/chromium';
import { makeSpeechWav } from '../support/fixtures';
import { createTestSpace, SCREENSHOT_DIR, startTestStudio } from '../support/studio';
import { connect, type TestClient } from '../support/ws-client';
import { watchAdded } from '../support/transient';

/** State the space server drives (a notice, a roster row): generous, since other suites share the two cores. */
const SERVER_STATE = { timeout: 15_000 };
const SIZES = [
  { label: '1440', width: 1440, height: 900 },
  { label: '390', width: 390, height: 844 },
] as const;

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function boxOf(locator: Locator): Promise<Box> {
  const box = await locator.boundingBox();
  if (!box) throw new Error(`no box for ${locator.toString()}`);
  return box;
}

/** The roster as a moderator's connection sees it now (roster, then its deltas). */
function rosterOf(bot: TestClient): Participant[] {
  const byId = new Map<string, Participant>();
  for (const m of bot.received) {
    if (m.type === 'roster') {
      byId.clear();
      for (const p of m.participants) byId.set(p.id, p);
    } else if (m.type === 'rosterDelta') {
      for (const id of m.remove) byId.delete(id);
      for (const p of m.upsert) byId.set(p.id, p);
    }
  }
  return [...byId.values()];
}

describe('the listener page (issue 13)', () => {
  let livekit: LivekitServer;
  let studio: Awaited<ReturnType<typeof startTestStudio>>;
  let browser: Browser;
  let hosted: HostedSpace;
  let host: TestClient;
  let hostId: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    livekit = await startLivekit();
    studio = await startTestStudio(livekit);
    browser = await launchChromium(makeSpeechWav());
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
    hosted = await createTestSpace(studio, 'Friday listening party', 'Ann');
    host = await connect(hosted.protocolUrl);
    host.send({ type: 'join', ref: 'join', spaceId: hosted.space.id, credential: hosted.credential, key: 'listener13-host-key-0000' });
    const joined = await host.next((m) => m.type === 'joined');
    hostId = joined.type === 'joined' ? joined.participantId : '';
    host.send({ type: 'start', ref: 'start' });
    await host.next((m) => m.type === 'space' && m.space.status === 'live');
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await host?.close();
    await browser?.close();
    await studio?.close();
    await livekit?.stop();
  });

  async function newPage(width: number, height: number, setup?: (context: BrowserContext) => Promise<void>): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height } });
    contexts.push(context);
    await setup?.(context);
    return context.newPage();
  }

  async function joinAs(page: Page, name: string): Promise<void> {
    await page.goto(hosted.shareUrl);
    await page.getByTestId('listener-name').fill(name);
    await page.getByTestId('listener-name').press('Enter');
    await page.getByTestId('listen').click();
  }

  async function participantId(name: string, role = 'listener'): Promise<string> {
    let id: string | undefined;
    await expect
      .poll(() => (id = rosterOf(host).find((p) => p.name === name && p.connected && p.role === role)?.id), SERVER_STATE)
      .toBeTruthy();
    return id!;
  }

  it('toasts cover neither the header nor the connection banner, on a desktop and on a phone', async () => {
    const livekitPort = new URL(livekit.url).port;
    for (const size of SIZES) {
      // The audio server is out of this page's reach (its signal connection is refused), so the connection banner
      // stays up while a notice arrives: the layout the issue saw on a phone.
      const page = await newPage(size.width, size.height, (context) =>
        context.routeWebSocket(
          (url) => url.port === livekitPort,
          (ws) => ws.close({ code: 1011, reason: 'test: audio server unreachable' }),
        ),
      );
      const name = `Lena ${size.label}`;
      await joinAs(page, name);
      const banner = page.getByTestId('connection-banner');
      await banner.waitFor(SERVER_STATE);
      const id = await participantId(name);
      host.send({ type: 'mod', ref: `invite-${size.label}`, action: 'invite', target: id });
      const toast = page.getByTestId('notice').filter({ hasText: 'invited you to speak' });
      await toast.waitFor(SERVER_STATE);
      // Measured at once: a notice fades by itself after 6 s.
      const [toastBox, headerBox, bannerBox, dockBox] = await Promise.all([
        boxOf(toast),
        boxOf(page.locator('header.topbar')),
        boxOf(banner),
        boxOf(page.locator('section.dock')),
      ]);
      console.log(`${size.label}: toast ${JSON.stringify(toastBox)} header ${JSON.stringify(headerBox)} banner ${JSON.stringify(bannerBox)}`);
      expect(overlaps(toastBox, headerBox)).toBe(false);
      expect(overlaps(toastBox, bannerBox)).toBe(false);
      // Nor the controls it is about.
      expect(overlaps(toastBox, dockBox)).toBe(false);
      if (size.width >= 1420) {
        // Beside the sheet, inside the window.
        expect(overlaps(toastBox, await boxOf(page.locator('main.sheet')))).toBe(false);
        expect(toastBox.x + toastBox.width).toBeLessThanOrEqual(size.width);
        expect(toastBox.y + toastBox.height).toBeLessThanOrEqual(size.height);
      } else {
        // In the flow under the controls: the stage, the dock and the name field keep their places.
        expect(overlaps(toastBox, await boxOf(page.getByTestId('stage-member').first()))).toBe(false);
        expect(overlaps(toastBox, await boxOf(page.getByTestId('listener-name')))).toBe(false);
        expect(toastBox.y).toBeGreaterThanOrEqual(dockBox.y + dockBox.height);
      }
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `listener-toast-${size.label}.png`), fullPage: size.width < 500 });
    }
  });

  it('a co-host invite link opened in a browser offers Podium, and joins only as a listener, never with the key', async () => {
    host.send({ type: 'cohostInvite', ref: 'invite-link' });
    const invite = await host.next((m) => m.type === 'invite');
    if (invite.type !== 'invite') throw new Error('no invite');
    const inviteUrl = invite.url;
    const key = new URLSearchParams(new URL(inviteUrl).hash.slice(1)).get('cohost')!;
    expect(inviteUrl).toBe(`${hosted.shareUrl}#cohost=${key}`);

    for (const size of SIZES) {
      const page = await newPage(size.width, size.height);
      const framesSent: string[] = [];
      page.on('websocket', (ws) => ws.on('framesent', (frame) => framesSent.push(String(frame.payload))));
      await page.goto(inviteUrl);
      await page.getByTestId('state-invite').waitFor(SERVER_STATE);
      expect(await page.getByTestId('state-invite').textContent()).toContain('Co-hosts moderate from the Podium studio.');
      // Which space, from the server's public description: no join, no key.
      await expect.poll(() => page.getByTestId('invite-space').textContent(), SERVER_STATE).toBe('to Friday listening party, hosted by Ann');
      const href = await page.getByTestId('open-in-podium').getAttribute('href');
      expect(href).toBe(toAppLink(inviteUrl));
      expect(fromAppLink(href!)).toBe(inviteUrl);
      expect(await page.getByTestId('copy-invite').getAttribute('data-invite-url')).toBe(inviteUrl);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `listener-invite-${size.label}.png`) });

      // Nothing joined while the person decides.
      const name = `Cole ${size.label}`;
      await page.getByTestId('join-as-listener').click();
      await page.getByTestId('listen').waitFor(SERVER_STATE);
      expect(page.url()).toBe(hosted.shareUrl);
      expect(await page.evaluate(() => location.hash)).toBe('');
      await page.getByTestId('listener-name').fill(name);
      await page.getByTestId('listener-name').press('Enter');
      await participantId(name, 'listener');
      expect(rosterOf(host).some((p) => p.name === name && p.role === 'cohost')).toBe(false);
      // The key never went to the server from this page.
      expect(framesSent.length).toBeGreaterThan(0);
      expect(framesSent.some((f) => f.includes(key))).toBe(false);
      // A reload keeps the page a listener page: the key is gone for good.
      await page.reload();
      await page.getByTestId('listen').waitFor(SERVER_STATE);
      expect(await page.getByTestId('state-invite').count()).toBe(0);
      // A new invite pasted into the same tab changes only the #fragment: the page takes it as an invite again.
      await page.evaluate((hash) => (location.hash = hash), `#cohost=${key}`);
      await page.getByTestId('state-invite').waitFor(SERVER_STATE);
      expect(framesSent.some((f) => f.includes(key))).toBe(false);
    }

    // The key was never used up by a page: it still takes a co-host seat, from a client that presents it.
    const cohost = await connect(hosted.protocolUrl);
    try {
      cohost.send({ type: 'join', ref: 'join', spaceId: hosted.space.id, credential: key, key: 'listener13-cohost-key-00' });
      const joined = await cohost.next((m) => m.type === 'joined' || m.type === 'error');
      expect(joined.type === 'joined' && joined.role).toBe('cohost');
    } finally {
      await cohost.close();
    }
  });

  it('a title and description edited while live reach the header', async () => {
    const page = await newPage(1440, 900);
    await joinAs(page, 'Ada');
    await expect.poll(() => page.getByTestId('listener-title').textContent(), SERVER_STATE).toBe('Friday listening party');
    host.send({ type: 'details', ref: 'details', title: 'Friday listening party: the encore 🎶', description: 'Two more records, then questions.' });
    await expect.poll(() => page.getByTestId('listener-title').textContent(), SERVER_STATE).toBe('Friday listening party: the encore 🎶');
    expect(await page.locator('.sheet-head .description').textContent()).toBe('Two more records, then questions.');
    await expect.poll(() => page.title(), SERVER_STATE).toBe('🔴 Friday listening party: the encore 🎶 · Podium');
  });

  it('a pin shows its caption with the card, as text', async () => {
    host.send({ type: 'pin', ref: 'pin', url: 'x.com/podiumapp/status/1860000000000000001', caption: 'The setlist <b>thread</b> — add yours 🎵' });
    const pinned = await host.next((m) => (m.type === 'stage' && m.pins.length > 0) || (m.type === 'error' && m.ref === 'pin'));
    expect(pinned.type).toBe('stage');
    for (const size of SIZES) {
      const page = await newPage(size.width, size.height);
      await joinAs(page, `Pia ${size.label}`);
      const caption = page.getByTestId('pin-caption');
      await caption.waitFor(SERVER_STATE);
      expect(await caption.textContent()).toBe('The setlist <b>thread</b> — add yours 🎵');
      expect(await page.getByTestId('pin-item').locator('b').count()).toBe(0);
      expect(await page.getByTestId('pin').getAttribute('href')).toBe('https://x.com/podiumapp/status/1860000000000000001');
      // Caption above its card, both inside the sheet's width.
      const [captionBox, cardBox, sheetBox] = await Promise.all([boxOf(caption), boxOf(page.getByTestId('pin')), boxOf(page.locator('main.sheet'))]);
      expect(captionBox.y + captionBox.height).toBeLessThanOrEqual(cardBox.y);
      expect(cardBox.x + cardBox.width).toBeLessThanOrEqual(sheetBox.x + sheetBox.width);
      await page.getByTestId('pin-item').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `listener-pin-caption-${size.label}.png`), fullPage: size.width < 500 });
    }
  });

  it('a reaction from someone on stage floats up from their avatar', async () => {
    const page = await newPage(1440, 900);
    await joinAs(page, 'Rae');
    const avatar = page.locator(`[data-reaction-anchor="${hostId}"]`);
    await avatar.waitFor(SERVER_STATE);
    expect(await avatar.count()).toBe(1);
    // Watched from before the send: the float lives ~2.5 s, and is judged as it was seen, not looked up again.
    const floats = await watchAdded(page, `[data-testid=reaction-float][data-from="${hostId}"]`, ['data-from', 'data-anchored']);
    host.send({ type: 'react', ref: 'react', emoji: '🔥' });
    await expect.poll(async () => (await floats.seen()).length, SERVER_STATE).toBeGreaterThan(0);
    expect((await floats.seen())[0]!.attrs['data-anchored']).toBe('true');
  });

  it('a long pasted name is cut by characters, never through an emoji, and the page says so', async () => {
    const page = await newPage(390, 844);
    await joinAs(page, 'Sol');
    const family = '👩‍👩‍👧';
    const kept = `${'🚀'.repeat(59)}${family}`;
    await page.getByTestId('listener-name').fill(`${kept}and the rest`);
    expect(await page.getByTestId('listener-name').inputValue()).toBe(kept);
    expect(await page.getByTestId('listener-name-note').textContent()).toBe('Names are at most 60 characters, so the end was cut.');
    await page.getByTestId('listener-name').press('Enter');
    // The server takes it whole: 60 characters as a reader counts them.
    await participantId(kept);
    // The next edit clears the note (Enter left the field; the caret goes back to the end first).
    await page.getByTestId('listener-name').press('End');
    await page.getByTestId('listener-name').press('Backspace');
    expect(graphemeLength(await page.getByTestId('listener-name').inputValue())).toBe(59);
    expect(await page.getByTestId('listener-name-note').textContent()).toBe('59/60');
  });

  it('a host’s co-host offer shows as a card with both links, and Not now withdraws it', async () => {
    for (const size of SIZES) {
      const page = await newPage(size.width, size.height);
      const name = `Max ${size.label}`;
      await joinAs(page, name);
      const id = await participantId(name);
      host.send({ type: 'mod', ref: `cohost-${size.label}`, action: 'cohost', target: id });
      const card = page.getByTestId('cohost-offer');
      await card.waitFor(SERVER_STATE);
      expect(await card.textContent()).toContain('Ann asked you to co-host.');
      expect(await card.textContent()).toMatch(/The offer stands for (10|9) more minutes\./);
      const webLink = (await page.getByTestId('copy-invite').getAttribute('data-invite-url'))!;
      expect(webLink).toMatch(new RegExp(`^${hosted.shareUrl.replace(/[.?]/g, '\\$&')}#cohost=[A-Za-z0-9_-]{16,128}$`));
      expect(fromAppLink((await page.getByTestId('open-in-podium').getAttribute('href'))!)).toBe(webLink);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `listener-cohost-offer-${size.label}.png`), fullPage: size.width < 500 });

      await page.getByTestId('decline-cohost').click();
      await card.waitFor({ state: 'detached', ...SERVER_STATE });
      // Withdrawn for real: the key no longer takes a seat.
      const late = await connect(hosted.protocolUrl);
      try {
        late.send({ type: 'join', ref: 'join', spaceId: hosted.space.id, credential: new URL(webLink).hash.split('=')[1], key: `listener13-late-${size.label}-0000` });
        const answer = await late.next((m) => m.type === 'joined' || m.type === 'error');
        expect(answer.type).toBe('error');
        expect(answer.type === 'error' && answer.message).toMatch(/said no/);
      } finally {
        await late.close();
      }
    }
  });
});
