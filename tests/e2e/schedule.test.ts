// Issue 16, scheduling and follows end to end, in real Chromium with a real livekit-server and the studio's SQLite
// file: the host schedules in Berlin time; a listener in New York sees the countdown and start in their own zone and
// downloads an .ics that parses; a reschedule reaches the open page; a listener who asked to be reminded is notified
// when the host goes live and the page goes live by itself; a follower with another of the host's pages open is told
// too; the studio counts followers; a cancelled space says so. Screenshots go to screenshots/schedule-*.png.
import fs from 'node:fs';
import path from 'node:path';
import ICAL from 'ical.js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLivekit, type LivekitServer } from '../../scripts/livekit';
import { formatCountdown, formatLocalStart, utcToWallTime } from '../../common/schedule';
import { launchChromium } from '../support/chromium';
import { makeSpeechWav } from '../support/fixtures';
import { ask, SCREENSHOT_DIR, startTestStudio } from '../support/studio';
import { waitOnAir } from '../support/on-air';

/** State the space server or the SFU drives: generous, as the machine may be loaded (≥ 10 s). */
const SERVER_STATE = { timeout: 20_000 };
/** Beside every other suite's screenshots, named after this suite. */
const SHOTS = SCREENSHOT_DIR;
const MIN = 60_000;

/** Records every notification the page raises (the real one still runs), for the test to read. */
const RECORD_NOTIFICATIONS = `
  window.__notes = [];
  const Real = window.Notification;
  if (Real) {
    class Recorded extends Real {
      constructor(title, options) {
        window.__notes.push({ title, body: options && options.body });
        super(title, options);
      }
    }
    Object.defineProperty(Recorded, 'permission', { get: () => Real.permission });
    Recorded.requestPermission = (...args) => Real.requestPermission(...args);
    window.Notification = Recorded;
  }
`;

const spaces = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('scheduled spaces, reminders and follows', () => {
  let livekit: LivekitServer;
  let studio: Awaited<ReturnType<typeof startTestStudio>>;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    livekit = await startLivekit();
    studio = await startTestStudio(livekit);
    browser = await launchChromium(makeSpeechWav());
    fs.mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await studio?.close();
    await livekit?.stop();
  });

  async function open(url: string, options: { timezoneId: string; width?: number; height?: number; notify?: boolean }): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: options.width ?? 1280, height: options.height ?? 860 },
      timezoneId: options.timezoneId,
      locale: 'en-US',
      acceptDownloads: true,
    });
    contexts.push(context);
    if (options.notify) await context.grantPermissions(['notifications'], { origin: new URL(url).origin });
    await context.addInitScript(RECORD_NOTIFICATIONS);
    const page = await context.newPage();
    await page.goto(url);
    return page;
  }

  const notes = (p: Page) => p.evaluate(() => (window as unknown as { __notes: { title: string; body?: string }[] }).__notes);

  it('schedules, counts down in the viewer zone, reschedules live, notifies on go-live and for followers, cancels', async () => {
    await ask(studio, 'settings:setHostName', { hostName: 'Lena' });
    const server = (await ask(studio, 'app:info')).spaceServerUrl;

    // A space already scheduled 8 minutes ahead: the studio reminds its host at once (10 minutes before), with a
    // notification and a banner offering to open it.
    await ask(studio, 'schedule:create', { title: 'Soon show', scheduledAt: Date.now() + 8 * MIN });
    const host = await open(studio.host.url, { timezoneId: 'Europe/Berlin', notify: true });
    await host.getByTestId('schedule-card').waitFor(SERVER_STATE);
    await host.getByTestId('host-reminder').filter({ hasText: 'Soon show' }).getByTestId('host-reminder-open').waitFor(SERVER_STATE);
    await expect.poll(() => notes(host), SERVER_STATE).toEqual([{ title: '“Soon show” starts in 10 minutes', body: 'Open it now to check your microphone and go live.' }]);
    await host.getByTestId('host-reminder').screenshot({ path: path.join(SHOTS, 'schedule-studio-host-reminder.png') });
    await ask(studio, 'schedule:cancel', { spaceId: (await ask(studio, 'schedule:overview')).upcoming[0]!.id });

    // A space 70 s ahead, its page open with "Remind me" on: checked at the end, once the start has come.
    const quick = await ask(studio, 'schedule:create', { title: 'Quick chat', scheduledAt: Date.now() + 70_000 });
    const timely = await open(`${server}/s/${quick.id}`, { timezoneId: 'Europe/London', notify: true });
    await timely.getByTestId('remind-me').click();
    await timely.getByTestId('remind-status').filter({ hasText: "We'll notify you" }).waitFor(SERVER_STATE);

    // The host, in Berlin, schedules a space 2 h 15 min ahead (a whole minute, as the form takes minutes).
    const at = Math.ceil((Date.now() + 2 * 60 * MIN + 15 * MIN) / MIN) * MIN;
    await host.getByTestId('schedule-title').fill('Roadmap, Q&A; live');
    await host.getByTestId('schedule-description').fill('Bring questions.\nAll welcome.');
    // A start in the past is refused with a reason, and nothing is listed.
    await host.getByTestId('schedule-when').fill(utcToWallTime(Date.now() - 60 * MIN, 'Europe/Berlin'));
    await host.getByTestId('schedule-submit').click();
    expect(await host.getByTestId('schedule-error').textContent()).toMatch(/already passed/);
    expect(await host.getByTestId('upcoming-item').filter({ hasText: 'Roadmap' }).count()).toBe(0);
    await host.getByTestId('schedule-when').fill(utcToWallTime(at, 'Europe/Berlin'));
    expect(await host.getByTestId('schedule-zone').textContent()).toMatch(/Europe\/Berlin/);
    await host.getByTestId('schedule-submit').click();
    await host.getByTestId('upcoming-item').filter({ hasText: 'Roadmap, Q&A; live' }).waitFor(SERVER_STATE);
    expect(spaces((await host.getByTestId('upcoming-item').filter({ hasText: 'Roadmap' }).getByTestId('upcoming-time').textContent()) ?? '')).toContain(spaces(formatLocalStart(at, 'Europe/Berlin', 'en-US')));
    expect(await host.getByTestId('studio-followers').textContent()).toBe('0 followers');
    await host.getByTestId('schedule-card').screenshot({ path: path.join(SHOTS, 'schedule-studio-schedule-form-and-upcoming.png') });
    await host.screenshot({ path: path.join(SHOTS, 'schedule-studio-lobby.png'), fullPage: true });

    const overview = await ask(studio, 'schedule:overview');
    const first = overview.upcoming.find((s) => s.title === 'Roadmap, Q&A; live')!;
    expect(first.scheduledAt).toBe(at);
    const firstUrl = `${server}/s/${first.id}`;

    // A listener in New York: the countdown from the UTC start, and the start in New York time.
    const fan = await open(firstUrl, { timezoneId: 'America/New_York', notify: true });
    await fan.getByTestId('countdown').waitFor(SERVER_STATE);
    // The page redraws on its own one-second clock: what it shows was worked out at its last tick, up to a second
    // (plus a loaded main thread's lateness, allowed 1 s more) before it is read. Across a minute boundary in that
    // window the page is a minute ahead of "now", so its value is taken from the tick window, not from one instant.
    const before = formatCountdown(at - (Date.now() - 2_000));
    const shown = (await fan.getByTestId('countdown-value').textContent()) ?? '';
    const after = formatCountdown(at - Date.now());
    expect([before, after]).toContain(shown);
    expect(shown).toMatch(/^2 h 1[4-6] min$/);
    const local = spaces((await fan.getByTestId('countdown-local').textContent()) ?? '');
    expect(local).toBe(spaces(formatLocalStart(at, 'America/New_York', 'en-US')));
    expect(local).toMatch(/E[SD]T$/);
    expect(local).not.toBe(spaces(formatLocalStart(at, 'Europe/Berlin', 'en-US')));
    await fan.screenshot({ path: path.join(SHOTS, 'schedule-countdown-desktop.png'), fullPage: true });
    const phone = await open(firstUrl, { timezoneId: 'America/New_York', width: 390, height: 844 });
    await phone.getByTestId('countdown').waitFor(SERVER_STATE);
    await phone.screenshot({ path: path.join(SHOTS, 'schedule-countdown-phone.png'), fullPage: true });

    // "Add to calendar" downloads an .ics that a real parser reads: the UTC start, an alarm, the title as typed.
    const [download] = await Promise.all([fan.waitForEvent('download'), fan.getByTestId('add-to-calendar').click()]);
    const ics = fs.readFileSync((await download.path())!, 'utf8');
    const event = new ICAL.Event(new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent('vevent')!);
    expect(event.startDate.toJSDate().getTime()).toBe(at);
    expect(event.summary).toBe('Roadmap, Q&A; live');
    expect(event.component.getFirstSubcomponent('valarm')).not.toBeNull();

    // Remind me, then follow: the studio counts the follower.
    await fan.getByTestId('remind-me').click();
    await fan.getByTestId('remind-status').filter({ hasText: "We'll notify you" }).waitFor(SERVER_STATE);
    await fan.getByTestId('follow-button').click();
    await fan.getByTestId('follow-button').filter({ hasText: 'Following' }).waitFor(SERVER_STATE);
    expect(await fan.getByTestId('follower-count').textContent()).toMatch(/^1 follower\b/);
    await host.getByTestId('studio-followers').filter({ hasText: '1 follower' }).waitFor({ timeout: 25_000 });

    // The host moves the start an hour later: the open page shows the new time without a reload.
    await host.getByTestId('upcoming-item').filter({ hasText: 'Roadmap' }).getByTestId('upcoming-edit').click();
    await host.getByTestId('reschedule-when').fill(utcToWallTime(at + 60 * MIN, 'Europe/Berlin'));
    await host.getByTestId('reschedule-submit').click();
    const moved = spaces(formatLocalStart(at + 60 * MIN, 'America/New_York', 'en-US'));
    await expect.poll(async () => spaces((await fan.getByTestId('countdown-local').textContent()) ?? ''), SERVER_STATE).toBe(moved);
    expect(await fan.getByTestId('countdown-value').textContent()).toMatch(/^3 h 1[2-6] min$/);

    // A second space; a listener there asks to be reminded. The host opens it and goes live.
    const second = await ask(studio, 'schedule:create', { title: 'Second show', scheduledAt: Date.now() + 30 * MIN });
    const secondUrl = `${server}/s/${second.id}`;
    const waiting = await open(secondUrl, { timezoneId: 'Asia/Tokyo', notify: true });
    await waiting.getByTestId('countdown').waitFor(SERVER_STATE);
    await waiting.getByTestId('remind-me').click();
    await waiting.getByTestId('remind-status').filter({ hasText: "We'll notify you" }).waitFor(SERVER_STATE);

    await host.reload();
    await host.getByTestId('upcoming-item').filter({ hasText: 'Second show' }).getByTestId('upcoming-open').click();
    await host.getByTestId('go-live').waitFor(SERVER_STATE);
    await expect.poll(() => host.getByTestId('go-live').isEnabled(), SERVER_STATE).toBe(true);
    await host.getByTestId('go-live').click();
    await waitOnAir(host);

    // The waiting page goes live by itself and notifies; the follower, on the first space's page, is told too.
    await waiting.locator('main[data-phase="live"]').waitFor(SERVER_STATE);
    await expect.poll(() => notes(waiting), SERVER_STATE).toEqual([{ title: 'Lena is live', body: 'Second show — tap to listen' }]);
    await fan.getByTestId('host-live-banner').waitFor(SERVER_STATE);
    expect(await notes(fan)).toEqual([{ title: 'Lena is live', body: 'Second show — you follow Lena' }]);
    expect(await fan.locator('main').getAttribute('data-phase')).toBe('waiting');

    // The host cancels the first space: its open page says so.
    await ask(studio, 'schedule:cancel', { spaceId: first.id });
    await fan.getByTestId('state-cancelled').waitFor(SERVER_STATE);
    expect(await fan.getByTestId('countdown').count()).toBe(0);
    await fan.screenshot({ path: path.join(SHOTS, 'schedule-cancelled-desktop.png'), fullPage: true });

    // "Remind me" on the first page: at its start, while the host has not started, the page notifies once.
    await expect.poll(() => notes(timely), { timeout: 90_000, interval: 1000 }).toEqual([
      { title: 'Quick chat is starting', body: 'Lena should be live any moment — keep the page open.' },
    ]);
    // The countdown redraws on its own one-second clock, which may tick just after the reminder's timer.
    await expect.poll(() => timely.getByTestId('countdown-value').textContent(), { timeout: 10_000 }).toBe('any moment now');
    // Waits for a start 70 s ahead, on top of everything else.
  }, 240_000);
});
