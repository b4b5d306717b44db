// The report queue with everyone in real Chromium and a real livekit-server: a host and a co-host (each in their own
// web studio), a speaker talking (a protocol bot publishing espeak-ng speech on the SFU), and two listeners (one on a
// phone-sized page). Both listeners report the speaker from the stage through the report dialog; the grouped case
// (2 people, "Harassment or hate ×2") shows in both studios; the co-host opens it and the host sees it as theirs;
// the co-host removes the speaker from the report: the speaker's audio leaves both listener pages, the case is
// decided everywhere, and the host's activity names the decision.
import fs from 'node:fs';
import path from 'node:path';
import { dispose } from '@livekit/rtc-node';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLivekit, type LivekitServer } from '../../scripts/livekit';
import { approveHand } from '../support/approve';
import { recordUntilQuiet, waitForRemoteSound } from '../support/page-audio';
import { launchChromium } from '../support/chromium';
import { envelope, locateOnce, trackedOnce } from '../support/audio-analysis';
import { makeSpeechWav, readWavMono16 } from '../support/fixtures';
import { waitOnAir } from '../support/on-air';
import { speakerBot, type SpeakerBot } from '../support/speaker-bot';
import { SCREENSHOT_DIR, startTestStudio } from '../support/studio';

const SERVER_STATE = { timeout: 20_000 };

describe('reporting a speaker', () => {
  let livekit: LivekitServer;
  let hostStudio: Awaited<ReturnType<typeof startTestStudio>>;
  let cohostStudio: Awaited<ReturnType<typeof startTestStudio>>;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const bots: SpeakerBot[] = [];

  beforeAll(async () => {
    livekit = await startLivekit();
    hostStudio = await startTestStudio(livekit);
    cohostStudio = await startTestStudio(livekit);
    browser = await launchChromium(makeSpeechWav());
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  afterAll(async () => {
    for (const b of bots) await b.close().catch(() => {});
    await dispose();
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await cohostStudio?.close();
    await hostStudio?.close();
    await livekit?.stop();
  });

  async function page(width: number, height: number): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height } });
    contexts.push(context);
    return context.newPage();
  }
  async function setName(studio: Page, name: string): Promise<void> {
    await studio.getByLabel('Name shown to listeners').fill(name);
    await studio.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => studio.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
  }
  async function listenerOn(url: string, name: string, width: number, height: number): Promise<Page> {
    const p = await page(width, height);
    await p.goto(url);
    await p.getByTestId('listener-name').fill(name);
    await p.getByTestId('listener-name').press('Enter');
    await p.getByTestId('listen').click();
    await p.getByTestId('listening').getByText('You are listening.').waitFor(SERVER_STATE);
    return p;
  }
  /** Reports `name` from their stage tile: a reason, a note, Send, and the server's confirmation in the dialog. */
  async function report(p: Page, name: string, note: string, shot?: string): Promise<void> {
    await p.getByTestId('stage-member').filter({ hasText: name }).getByTestId('report-open').click();
    const dialog = p.getByTestId('report-dialog');
    await dialog.waitFor();
    await expect.poll(() => dialog.getByTestId('report-send').isDisabled()).toBe(true);
    await dialog.getByLabel('Harassment or hate').check();
    await dialog.getByTestId('report-note').fill(note);
    if (shot) await p.screenshot({ path: path.join(SCREENSHOT_DIR, `${shot}.png`) });
    await dialog.getByTestId('report-send').click();
    await expect.poll(() => dialog.getByTestId('report-done').textContent(), SERVER_STATE).toBe(`Thanks — the hosts have your report about ${name}.`);
    if (shot) await p.screenshot({ path: path.join(SCREENSHOT_DIR, `${shot}-sent.png`) });
    await dialog.getByTestId('report-close').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await p.getByTestId('stage-member').filter({ hasText: name }).getByTestId('report-open').textContent()).toBe('Reported');
  }

  it('two listeners report the speaker; both studios see one case of two; the co-host takes it and removes them', async () => {
    const host = await page(1440, 1000);
    await host.goto(hostStudio.host.url);
    await host.getByTestId('mic-status').waitFor();
    await setName(host, 'Ann');
    await host.getByTestId('space-title').fill('Town hall');
    await host.getByTestId('create-space').click();
    await host.getByTestId('go-live').click();
    await waitOnAir(host);
    const shareUrl = await host.getByTestId('share-url').inputValue();
    const spaceId = new URL(shareUrl).pathname.split('/').pop()!;
    await host.getByTestId('room-tab-cohosts').click();
    await host.getByTestId('cohost-invite').click();
    await expect.poll(() => host.getByTestId('cohost-invite-url').inputValue()).toMatch(/#cohost=/);
    const inviteUrl = await host.getByTestId('cohost-invite-url').inputValue();

    const cohost = await page(1280, 900);
    await cohost.goto(cohostStudio.host.url);
    await cohost.getByTestId('mic-status').waitFor();
    await setName(cohost, 'Cole');
    await cohost.getByTestId('join-cohost-url').fill(inviteUrl);
    await cohost.getByTestId('join-cohost').click();
    await cohost.getByTestId('confirm-trust').click();
    await expect.poll(() => cohost.getByTestId('space-title-display').textContent(), SERVER_STATE).toBe('Town hall');

    // The reports tab is empty, and says what will come there.
    await host.getByTestId('room-tab-reports').click();
    await host.getByTestId('reports-empty').waitFor();

    // A speaker on stage, heard by both studios and both listeners; he says his line, then the listeners report him.
    // Two sentences (about 13 s): the evidence check below follows his line window by window, and a time-reversed
    // line given the same freedom scores about 0.55 on a 7-second line (its on/off shape alone), so on a loaded CI
    // box a stretched 7-second line could miss the 0.2 margin (0.80 vs 0.65 once); over 13 s the control falls to
    // ~0.3-0.5 while his line stays at 0.7-0.9.
    const samWav = makeSpeechWav('This is Sam speaking. You are all idiots and I will say it again, every one of you. Nobody in this room knows anything at all, and I am going to keep on talking until somebody finally stops me.', 'en-gb');
    const sam = await speakerBot(hostStudio.services.info.protocolUrl, spaceId, 'Sam', samWav);
    bots.push(sam);
    await host.getByTestId('room-tab-stage').click();
    await approveHand(host, 'Sam');
    await sam.goOnStage();
    const lia = await listenerOn(shareUrl, 'Lia', 1280, 860);
    const max = await listenerOn(shareUrl, 'Max', 390, 844);
    for (const p of [lia, max, host, cohost]) await p.locator(`audio[data-identity="${sam.participantId}"]`).waitFor({ state: 'attached', ...SERVER_STATE });
    await sam.say();
    await report(lia, 'Sam', 'Insults at the start of his turn', 'report-dialog-desktop');
    await report(max, 'Sam', 'Same here', 'report-dialog-phone');

    // One case of two, in both studios; the tab counts open cases.
    for (const studio of [host, cohost]) {
      await studio.getByTestId('room-tab-reports').click();
      const c = studio.getByTestId('report-case').filter({ hasText: 'Sam' });
      await expect.poll(() => c.getByTestId('report-count').textContent(), SERVER_STATE).toBe('2 people');
      expect(await c.getByTestId('report-reason-chip').allTextContents()).toEqual(['Harassment or hate ×2']);
      expect(await studio.getByTestId('room-tab-reports-count').textContent()).toBe('1');
    }

    // The co-host opens it: the host sees it as theirs, and has no buttons for it.
    const coCase = cohost.getByTestId('report-case').filter({ hasText: 'Sam' });
    await coCase.locator('.report-head').click();
    await expect.poll(async () => (await coCase.getByTestId('report-notes').textContent()) ?? '').toContain('Insults at the start of his turn');
    // Evidence: each studio kept what it heard of Sam in the 30 s before the first report, and it is his voice.
    await coCase.getByTestId('evidence-clip').first().waitFor(SERVER_STATE);
    await coCase.getByTestId('evidence-audio').first().waitFor(SERVER_STATE);
    // 20 ms blocks (100 ms ones align only to the nearest tenth of a second), judged window by window as the
    // recording suite does: the studio heard Sam through a jitter buffer that may stretch his line a little.
    const source = envelope(readWavMono16(samWav).samples, 960);
    for (const [who, studio] of [['host', hostStudio], ['co-host', cohostStudio]] as const) {
      const folder = path.join(studio.dataDir, 'evidence', spaceId);
      await expect.poll(() => (fs.existsSync(folder) ? fs.readdirSync(folder).filter((f) => f.endsWith('.wav')).length : 0), SERVER_STATE).toBeGreaterThan(0);
      const first = fs.readdirSync(folder).filter((f) => f.endsWith('.wav')).sort()[0]!;
      const clip = readWavMono16(path.join(folder, first));
      expect(clip.sampleRate).toBe(16_000);
      const heard = envelope(clip.samples, 320);
      const own = trackedOnce(heard, source);
      const once = locateOnce(heard, source);
      console.log(
        `${who}'s evidence clip ${first}: ${(clip.samples.length / 16_000).toFixed(1)} s; Sam's line r=${own.r.toFixed(3)} window by window ` +
          `(reversed control ${own.control.toFixed(3)}), ${once.r.toFixed(3)} with one lag at ${(once.lag / 50).toFixed(2)} s`,
      );
      expect(own.r).toBeGreaterThan(0.6);
      expect(own.r - own.control).toBeGreaterThan(0.2);
    }
    await coCase.screenshot({ path: path.join(SCREENSHOT_DIR, 'report-case-evidence.png') });
    const hostCase = host.getByTestId('report-case').filter({ hasText: 'Sam' });
    await expect.poll(() => hostCase.getByTestId('report-taken').textContent(), SERVER_STATE).toBe('Cole has it open');
    await host.screenshot({ path: path.join(SCREENSHOT_DIR, 'report-queue-host.png') });
    await hostCase.locator('.report-head').click();
    await hostCase.getByTestId('report-held').waitFor();

    // Remove, confirmed in place, while Sam is talking (his line over and over, half a minute of it): both listeners
    // hear him until then, and nothing of him after; the case is decided everywhere.
    let removed = false;
    const talking = (async () => {
      for (let i = 0; i < 6 && !removed; i++) await sam.say();
    })().catch(() => {});
    for (const p of [lia, max]) await waitForRemoteSound(p, sam.participantId, { db: -40, timeoutMs: 20_000 });
    await coCase.locator('[data-decision=remove]').click();
    await coCase.getByTestId('report-confirm').click();
    await cohost.getByTestId('report-case').filter({ hasText: 'Removed by Cole' }).waitFor(SERVER_STATE).catch(async (error: unknown) => {
      const said = await cohost.getByTestId('studio-error').allTextContents();
      throw new Error(`the co-host's decision did not show; the studio said ${JSON.stringify(said)}`, { cause: error });
    });
    removed = true;
    for (const [who, p] of [['Lia', lia], ['Max', max]] as const) {
      await p.getByTestId('stage-member').filter({ hasText: 'Sam' }).waitFor({ state: 'detached', ...SERVER_STATE });
      // His audio stops: the element goes away, or what is left of it stays silent (3 s of quiet within 15 s, while
      // the bot goes on saying his line to a room that no longer carries it).
      const element = p.locator(`audio[data-identity="${sam.participantId}"]`);
      const after = (await element.count()) ? await recordUntilQuiet(p, sam.participantId, { quietSeconds: 3 }).catch(() => null) : null;
      console.log(`${who} after the removal: ${after ? `element kept, quiet ${after.met ? `after ${Math.round(after.elapsedMs / 1000 - 3)} s` : 'never'}` : 'his audio element is gone'}`);
      expect(after?.met ?? true).toBe(true);
    }
    void talking;
    for (const studio of [host, cohost]) {
      await studio.getByTestId('report-case').filter({ hasText: 'Removed by Cole' }).waitFor(SERVER_STATE);
      await studio.getByTestId('room-tab-reports-count').waitFor({ state: 'detached', ...SERVER_STATE });
    }
    // The export: every report and its decision, as a CSV file the browser downloads.
    const [download] = await Promise.all([host.waitForEvent('download', SERVER_STATE), host.getByTestId('reports-export-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^podium-reports-town-hall-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = fs.readFileSync((await download.path())!, 'utf8').split('\r\n');
    expect(csv[0]).toBe('report,reported at,about,name,role,reason,note,reporter,decision,decided by,decided at,audit entry');
    expect(csv.filter((row) => row.includes(',Sam,speaker,Harassment or hate,') && row.includes(',Remove,Cole,'))).toHaveLength(2);
    expect(csv.some((row) => row.includes('Insults at the start of his turn,Lia,'))).toBe(true);
    await host.getByTestId('activity-list').getByText('decided the report about').waitFor(SERVER_STATE);
    const line = await host.getByTestId('activity-list').locator('li').filter({ hasText: 'decided the report about' }).first().textContent();
    expect(line).toMatch(/Cole decided the report about Sam: remove/);
    expect(line).toMatch(/2 reporters: harassment or hate ×2/);
    await cohost.getByTestId('room-panel').screenshot({ path: path.join(SCREENSHOT_DIR, 'report-queue-decided.png') });

    // A co-host reports the host from the studio: the report goes to the server's admin, not into the host's queue.
    await cohost.getByTestId('room-tab-stage').click();
    await cohost.getByTestId('participant-row').filter({ hasText: 'Ann' }).first().locator('[data-action=report]').click();
    const dialog = cohost.getByTestId('report-dialog');
    await dialog.getByLabel('Impersonation').check();
    await dialog.getByTestId('report-send').click();
    await expect.poll(() => dialog.getByTestId('report-done').textContent(), SERVER_STATE).toMatch(/people who run this Podium server .* about Ann\./);
    await dialog.getByTestId('report-close').click();
    expect(await host.getByTestId('report-case').filter({ hasText: 'Ann' }).count()).toBe(0);
    await cohost.getByTestId('room-tab-reports').click();
    await cohost.setViewportSize({ width: 390, height: 844 });
    await cohost.screenshot({ path: path.join(SCREENSHOT_DIR, 'report-queue-phone.png'), fullPage: true });
    // Two studios, two listener pages and a speaking bot on two cores: about a minute when the machine is busy.
  }, 150_000);
});
