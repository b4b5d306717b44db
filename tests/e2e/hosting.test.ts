// Hosting a space with everyone in real Chromium and a real livekit-server: a host and a co-host (each in their own
// web studio), and two listeners on the share link. Hands, approval, the new speaker heard by the other listener
// (measured), mute, demote, remove (rejoin refused), block across spaces, reactions, pins — and each moderator
// seeing the other's actions.
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbfs, describeSlips, envelope, trackedLoopCorrelation } from '../support/audio-analysis';
import { launchChromium } from '../support/chromium';
import { makeSpeechWav, readWavMono16 } from '../support/fixtures';
import { BLOCKS_PER_SECOND, ENVELOPE_BLOCK, recordRemoteEnvelope, recordUntilQuiet, waitForRemoteSound } from '../support/page-audio';
import { watchAdded } from '../support/transient';
import { ask, createTestSpace, SCREENSHOT_DIR, startTestStudio } from '../support/studio';
import { SFU_KINDS, sfuShot, startTestSfu, type TestSfu } from '../support/sfus';
import { connect, type TestClient } from '../support/ws-client';
import { waitOnAir } from '../support/on-air';

const LISTENER_SPEECH = 'Hello everyone, thanks for bringing me up. I have a question about the roadmap for next spring.';
/**
 * How long to wait for state that the space server or the SFU drives (a roster row, a notice, an audit entry). These
 * arrive in well under a second on a quiet machine; with both cores loaded, pages, servers and LiveKit all wait for
 * CPU, and 5 s was seen to run out. Waiting longer costs nothing when the state comes.
 */
const SERVER_STATE = { timeout: 15_000 };
/** The longest pause in LISTENER_SPEECH's loop is 1.4 s (the seam): 3 s of silence in a row means she is not heard. */
const QUIET_SECONDS = 3;

// On each SFU (LiveKit, and mediasoup run by the studio's space server): what is heard is the SFU's business. Tests
// that do not depend on the SFU run once, on LiveKit.
describe.each(SFU_KINDS)('hosting a space on %s', (kind) => {
  const shot = (name: string) => sfuShot(SCREENSHOT_DIR, kind, name);
  let sfu: TestSfu;
  let hostStudio: Awaited<ReturnType<typeof startTestStudio>>;
  let cohostStudio: Awaited<ReturnType<typeof startTestStudio>>;
  let studios: Browser;
  let audience: Browser;
  let listenerWav: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    sfu = await startTestSfu(kind);
    hostStudio = await startTestStudio(sfu);
    cohostStudio = await startTestStudio(sfu);
    studios = await launchChromium(makeSpeechWav());
    listenerWav = makeSpeechWav(LISTENER_SPEECH, 'en-gb');
    audience = await launchChromium(listenerWav);
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await studios?.close();
    await audience?.close();
    await cohostStudio?.close();
    await hostStudio?.close();
    await sfu?.stop();
  });

  async function page(browser: Browser, width = 1280, height = 860): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height } });
    contexts.push(context);
    return context.newPage();
  }

  async function listenerOn(browser: Browser, url: string, name: string): Promise<Page> {
    const p = await page(browser, 820, 900);
    await p.goto(url);
    await p.getByTestId('listener-name').fill(name);
    await p.getByTestId('listener-name').press('Enter');
    await p.getByTestId('listen').click();
    await p.getByTestId('listening').getByText('You are listening.').waitFor({ timeout: 20_000 });
    return p;
  }

  async function setName(studio: Page, name: string): Promise<void> {
    await studio.getByLabel('Name shown to listeners').fill(name);
    await studio.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => studio.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
  }

  const row = (p: Page, testId: string, name: string) => p.getByTestId(testId).filter({ hasText: name });

  it('from a raised hand to a heard speaker, through every host action, with a co-host alongside', async () => {
    // Host: create, go live, invite a co-host.
    const host = await page(studios);
    await host.goto(hostStudio.host.url);
    await host.getByTestId('mic-status').waitFor();
    await setName(host, 'Ann');
    await host.getByTestId('space-title').fill('Open mic night');
    await host.getByTestId('create-space').click();
    await host.getByTestId('go-live').click();
    await waitOnAir(host);
    const shareUrl = await host.getByTestId('share-url').inputValue();
    // Co-hosts are a tab of the Room panel, beside the stage.
    await host.getByTestId('room-tab-cohosts').click();
    await host.getByTestId('cohost-invite').click();
    await expect.poll(() => host.getByTestId('cohost-invite-url').inputValue()).toMatch(/#cohost=/);
    const inviteUrl = await host.getByTestId('cohost-invite-url').inputValue();
    await host.getByTestId('room-tab-stage').click();

    // Co-host joins from their own studio with the invite link.
    const cohost = await page(studios);
    await cohost.goto(cohostStudio.host.url);
    await cohost.getByTestId('mic-status').waitFor();
    await setName(cohost, 'Cole');
    await cohost.getByTestId('join-cohost-url').fill(inviteUrl);
    await cohost.getByTestId('join-cohost').click();
    // The host's server is not the co-host studio's own and was never used from it: the studio asks first.
    const hostServer = new URL(inviteUrl).host;
    await expect.poll(() => cohost.getByTestId('trust-server').textContent()).toBe(hostServer);
    await cohost.getByTestId('trust-dialog').screenshot({ path: shot('cohost-trust-dialog') });
    await cohost.getByTestId('confirm-trust').click();
    await cohost.getByTestId('trust-dialog').waitFor({ state: 'detached' });
    await expect.poll(() => cohost.getByTestId('space-title-display').textContent(), { timeout: 10_000 }).toBe('Open mic night');

    // Two listeners.
    const lena = await listenerOn(audience, shareUrl, 'Lena');
    const max = await listenerOn(audience, shareUrl, 'Max');
    await row(host, 'participant-row', 'Lena').first().waitFor(SERVER_STATE);
    await row(cohost, 'participant-row', 'Max').first().waitFor(SERVER_STATE);

    // Reactions and pins travel both ways.
    // A float lives ~2.5 s: watched from before the click, so a loaded machine cannot show it between two looks.
    const hostFloats = await watchAdded(host, '[data-testid=reaction-float]', ['data-emoji']);
    const maxFloats = await watchAdded(max, '[data-testid=reaction-float]', ['data-emoji']);
    const emoji = await lena.getByTestId('react').first().getAttribute('data-emoji');
    expect(emoji).toBeTruthy();
    await lena.getByTestId('react').first().click();
    for (const floats of [hostFloats, maxFloats]) {
      await expect.poll(async () => (await floats.seen()).map((f) => f.attrs['data-emoji']), SERVER_STATE).toContain(emoji);
    }
    await host.getByTestId('pin-url').fill('https://twitter.com/podiumapp/status/1234567890');
    await host.getByTestId('pin-add').click();
    await lena.getByTestId('pin').filter({ hasText: '@podiumapp' }).waitFor(SERVER_STATE);
    await row(cohost, 'pin-row', 'podiumapp').waitFor(SERVER_STATE);

    // Lena raises her hand; the co-host approves; the host sees it happen.
    await lena.getByTestId('raise-hand').click();
    await row(host, 'hand-row', 'Lena').waitFor(SERVER_STATE);
    await row(cohost, 'hand-row', 'Lena').locator('[data-action=approve]').click();
    await lena.getByTestId('speaker-view').waitFor(SERVER_STATE);
    await expect.poll(() => lena.getByTestId('mic-toggle').getAttribute('data-muted')).toBe('true');
    await row(host, 'audit-row', 'Cole let Lena speak').first().waitFor(SERVER_STATE);
    await host.screenshot({ path: shot('host-panel-live') });

    // She unmutes; Max hears her — her speech, not the host's — measured on her own audio element.
    await lena.getByTestId('mic-toggle').click();
    await expect.poll(() => lena.getByTestId('mic-toggle').getAttribute('data-muted')).toBe('false');
    const lenaId = await max.getByTestId('stage-member').filter({ hasText: 'Lena' }).getAttribute('data-id', SERVER_STATE);
    expect(lenaId).toMatch(/^p[a-f0-9]{16}$/);
    await max.locator(`audio[data-identity="${lenaId}"]`).waitFor({ state: 'attached', ...SERVER_STATE });
    // Measured from when her voice arrives (publication, subscription and the jitter buffer take a varying time),
    // over 10 s: more than one pass of her 7.6 s loop, so every phrase counts, and aligned window by window.
    // Under load her audio reaches Max time-stretched — the alignment moves by 20–250 ms several times in 10 s
    // (logged), and the first second after her voice arrives can hold a dropout while the jitter buffer settles.
    // Measured with the tap that reads frames by timestamp (tests/support/page-audio.ts),
    // 9 recordings under stress-ng --cpu 2 gave r 0.825–0.962 with the reversed control at 0.41–0.57 (r − control
    // ≥ 0.31); a quiet machine 0.90–0.96. The ScriptProcessor tap used before measured 0.55–0.90 on the same load,
    // with plateaus and silences that were in no audio sent or played: the failures of issue 9 were the tap's. The
    // thresholds are unchanged.
    const arrived = await waitForRemoteSound(max, lenaId!, { db: -40 });
    const heard = await recordRemoteEnvelope(max, 10, lenaId!);
    const source = envelope(readWavMono16(listenerWav).samples, ENVELOPE_BLOCK);
    const { r, slips } = trackedLoopCorrelation(heard, source);
    const control = trackedLoopCorrelation(heard, [...source].reverse()).r;
    console.log(
      `Max hears Lena (${Math.round(arrived.elapsedMs)} ms to first sound): peak ${dbfs(Math.max(...heard)).toFixed(1)} dBFS, r=${r.toFixed(3)}, ` +
        `reversed control r=${control.toFixed(3)}, alignment slips: ${describeSlips(slips, BLOCKS_PER_SECOND)}`,
    );
    expect(dbfs(Math.max(...heard))).toBeGreaterThan(-30);
    expect(r).toBeGreaterThan(0.6);
    expect(r - control).toBeGreaterThan(0.2);
    await lena.screenshot({ path: shot('listener-speaker') });

    // The host mutes her: her audio stops, and she is told who did it.
    await row(host, 'participant-row', 'Lena').first().locator('[data-action=mute]').click();
    await lena.getByTestId('notice').filter({ hasText: 'muted you' }).waitFor(SERVER_STATE);
    await expect.poll(() => lena.getByTestId('mic-toggle').getAttribute('data-muted')).toBe('true');
    // Silent for longer than any pause in her speech, from within a few seconds of the mute.
    const muted = await recordUntilQuiet(max, lenaId!, { quietSeconds: QUIET_SECONDS });
    console.log(`after mute: quiet (< -50 dBFS for ${QUIET_SECONDS} s) ${muted.met ? `after ${Math.round(muted.elapsedMs / 1000 - QUIET_SECONDS)} s` : 'never'}`);
    expect(muted.met).toBe(true);

    // The co-host moves her back to the listeners: the page returns to the listener view.
    // As on X, she may unmute herself; she is heard again — so what silences her next is the demotion.
    await lena.getByTestId('mic-toggle').click();
    await expect.poll(() => lena.getByTestId('mic-toggle').getAttribute('data-muted')).toBe('false');
    const unmuted = await waitForRemoteSound(max, lenaId!, { db: -30 });
    console.log(`after she unmutes: heard above -30 dBFS after ${Math.round(unmuted.elapsedMs)} ms`);
    await row(cohost, 'participant-row', 'Lena').first().locator('[data-action=demote]').click();
    await lena.getByTestId('speaker-view').waitFor({ state: 'detached', ...SERVER_STATE });
    await lena.getByTestId('raise-hand').waitFor();
    // Her audio stops for everyone: the element goes away, or what is left of it stays silent.
    const element = max.locator(`audio[data-identity="${lenaId}"]`);
    // The element may be removed while we listen: that, too, means she is no longer heard.
    const after = (await element.count()) ? await recordUntilQuiet(max, lenaId!, { quietSeconds: QUIET_SECONDS }).catch(() => null) : null;
    console.log(`after demote: ${after ? `element kept, quiet ${after.met ? `after ${Math.round(after.elapsedMs / 1000 - QUIET_SECONDS)} s` : 'never'}` : 'her audio element is gone'}`);
    expect(after?.met ?? true).toBe(true);

    // The host removes Max: he is disconnected at once, and a reload does not bring him back.
    await row(host, 'participant-row', 'Max').first().locator('[data-action=remove]').click();
    await host.getByTestId('confirm-action').click();
    await max.getByTestId('state-removed').waitFor(SERVER_STATE);
    await max.reload();
    await max.getByTestId('state-removed').waitFor(SERVER_STATE);
    await max.screenshot({ path: shot('listener-removed') });
    // The co-host's activity log shows the host's removal.
    await row(cohost, 'audit-row', 'Ann removed Max').first().waitFor(SERVER_STATE);

    // Block Lena, end, and start a new space: she cannot join that one either.
    await row(cohost, 'participant-row', 'Lena').first().locator('[data-action=block]').click();
    await cohost.getByTestId('confirm-action').click();
    await lena.getByTestId('state-removed').waitFor(SERVER_STATE);
    await host.getByTestId('room-tab-blocked').click();
    await row(host, 'block-row', 'Lena').waitFor(SERVER_STATE);
    await cohost.screenshot({ path: shot('cohost-panel') });
    await host.getByTestId('end-space').click();
    await host.getByTestId('confirm-end').click();
    await host.getByTestId('ended-note').waitFor();
    const next = await ask(hostStudio, 'spaces:create', { title: 'Next week' });
    await lena.goto(next.shareUrl);
    await lena.getByTestId('state-removed').waitFor(SERVER_STATE);
    // A hang guard, not a speed target: ~37 s on a quiet machine, 38–40 s with both cores busy (npm run
    // test:stress), and over 60 s when two suites share the two cores.
  }, 180_000);

  it.runIf(kind === 'livekit')('a podium:// link clicked on the desktop opens the co-host invite in the studio', async () => {
    const { space, credential: hostKey } = await createTestSpace(hostStudio, 'Linked in', 'Ann');
    const hostBot = await connect(hostStudio.services.info.protocolUrl);
    try {
      hostBot.send({ type: 'join', spaceId: space.id, credential: hostKey, key: 'host-bot-key-000000000000' });
      hostBot.send({ type: 'cohostInvite' });
      const invite = (await hostBot.next((m) => m.type === 'invite')) as { url: string };
      const studio = await page(studios);
      // Stands in for Electron's preload (preload/index.ts, with common/links.ts's inbox, unit-tested): main's
      // validated link is kept from the moment the page exists until the studio listens, which it does once started.
      await studio.addInitScript(() => {
        const w = window as unknown as { podiumLinks: unknown; openLink?: (url: string) => void };
        const waiting: string[] = [];
        let listener: ((url: string) => void) | null = null;
        w.openLink = (url) => (listener ? listener(url) : waiting.push(url));
        w.podiumLinks = {
          onOpen: (cb: (url: string) => void) => {
            listener = cb;
            waiting.splice(0).forEach(cb);
            return () => {};
          },
        };
      });
      // As when a clicked link launches Podium: main sends it as soon as the page has loaded, before the studio has
      // started (a loaded run once showed the studio had not yet subscribed when its first controls were on screen).
      await studio.goto(cohostStudio.host.url);
      await studio.evaluate((url) => (window as unknown as { openLink: (u: string) => void }).openLink(url), invite.url);
      // A clicked link does not join an unknown server by itself: Esc says no, and nothing was joined…
      await studio.getByTestId('trust-dialog').waitFor(SERVER_STATE);
      expect(await studio.getByTestId('trust-server').textContent()).toBe(new URL(invite.url).host);
      await studio.keyboard.press('Escape');
      await studio.getByTestId('trust-dialog').waitFor({ state: 'detached' });
      expect(await studio.getByTestId('joining').count()).toBe(0);
      // …the same link again, and Enter says yes.
      await studio.evaluate((url) => (window as unknown as { openLink: (u: string) => void }).openLink(url), invite.url);
      await studio.getByTestId('trust-dialog').waitFor();
      await studio.keyboard.press('Enter');
      await expect.poll(() => studio.getByTestId('space-title-display').textContent(), { timeout: 10_000 }).toBe('Linked in');
      await studio.getByTestId('cohost-badge').waitFor();
    } finally {
      await hostBot.close();
    }
  });

  it.runIf(kind === 'livekit')('a busy room stays usable: hundreds of listeners, a queue of hands, pins', async () => {
    const { space } = await createTestSpace(hostStudio, 'Town hall: the big one', 'Ann');
    const bots: TestClient[] = [];
    try {
      for (let i = 0; i < 300; i++) {
        const c = await connect(hostStudio.services.info.protocolUrl);
        bots.push(c);
        c.send({ type: 'join', spaceId: space.id, key: `bot-key-${String(i).padStart(12, '0')}`, name: `${NAMES[i % NAMES.length]} ${i}` });
      }
      const host = await page(studios, 1440, 1000);
      // The studio re-opens the space it made (as after a restart) and works from the same panel.
      await host.goto(hostStudio.host.url);
      // Its own space's Open, by title: a space an earlier test left live must not be the one opened.
      await host.getByRole('listitem').filter({ hasText: 'Town hall: the big one' }).getByRole('button', { name: 'Open' }).click();
      await expect.poll(() => host.getByTestId('listener-count').first().textContent(), SERVER_STATE).toBe('300');
      for (const i of [3, 17, 42, 99, 150, 222]) bots[i]!.send({ type: 'hand', raised: true });
      for (const url of ['https://x.com/podiumapp/status/1860000000000000001', 'https://twitter.com/livekit/status/1859999999999999999', 'https://example.org/agenda']) {
        await host.getByTestId('pin-url').fill(url);
        await host.getByTestId('pin-add').click();
      }
      await expect.poll(() => host.getByTestId('hand-row').count(), SERVER_STATE).toBe(6);
      await expect.poll(() => host.getByTestId('pin-row').count(), SERVER_STATE).toBe(3);
      // Only what is on screen is in the page, however many listen.
      const rendered = await host.getByTestId('listener-list').getByTestId('participant-row').count();
      expect(rendered).toBeGreaterThan(5);
      expect(rendered).toBeLessThan(80);
      // The filter applies a render later (a deferred value): wait for, and judge, one reading of the list — exactly
      // the listeners whose name has "zoe 2" — rather than read it again after a wait on something else.
      await host.getByTestId('listener-search').fill('zoe 2');
      const matching = bots.map((_, i) => `${NAMES[i % NAMES.length]} ${i}`).filter((n) => /zoe 2/i.test(n)).sort();
      expect(matching.length).toBeGreaterThan(1);
      await expect
        .poll(() => host.getByTestId('listener-list').getByTestId('participant-row').locator('.prow-name .ellipsis').allTextContents().then((n) => n.sort()), SERVER_STATE)
        .toEqual(matching);
      await host.getByTestId('listener-search').fill('');
      await host.screenshot({ path: shot('host-panel-busy'), fullPage: true });
    } finally {
      await Promise.all(bots.map((b) => b.close()));
    }
  }, 120_000);
});

const NAMES = ['Ada', 'Bea', 'Cy', 'Dev', 'Eli', 'Fay', 'Gus', 'Hal', 'Ivy', 'Jo', 'Kai', 'Lu', 'Mo', 'Nia', 'Oz', 'Pia', 'Quin', 'Rae', 'Sol', 'Tia', 'Uma', 'Vic', 'Wes', 'Xia', 'Yan', 'Zoe'];
