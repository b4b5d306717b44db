// Devices coming and going mid-space, in the web studio in real Chromium. Playwright cannot add or remove Chromium's
// fake devices, so an init script stands between the page and navigator.mediaDevices: it gives the fake devices
// real-world names, hides "unplugged" ones from enumerateDevices and getUserMedia, ends their tracks and fires
// 'devicechange' — the same events a real unplug produces. Everything after that is the studio's own code: the
// decisions (renderer/audio/devices.ts, unit-tested case by case), the pipeline's source swap, the SFU, a listener.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLivekit, type LivekitServer } from '../../scripts/livekit';
import { launchChromium } from '../support/chromium';
import { makeSpeechWav } from '../support/fixtures';
import { waitForRemoteSound } from '../support/page-audio';
import { SCREENSHOT_DIR, startTestStudio } from '../support/studio';
import { waitOnAir } from '../support/on-air';

/** Where this test's screenshots go (the review looks at /tmp/shots; npm test keeps them with the others). */
const SHOTS = process.env.PODIUM_SHOTS_DIR ?? SCREENSHOT_DIR;

interface DeviceHarness {
  unplug(label: string): void;
  replug(label: string): void;
  /** No microphone at all (true) until plugged in again (false). */
  noMicrophones(none: boolean): void;
  idOf(label: string): string;
  /** deviceId asked for by each getUserMedia, in order ('' for none). */
  opened: string[];
  /** Every sink the page's media elements were pointed at, in order. */
  sinks: string[];
  /** Whether the track the studio publishes (the pipeline's first MediaStreamDestination) is still the same and live. */
  published(): { id: string; live: boolean } | null;
}

declare global {
  interface Window {
    __devices: DeviceHarness;
  }
}

/** Runs in the page before the studio: real-world names for Chromium's fake devices, and plugs that can be pulled. */
function installHarness(): void {
  const NAMES: Record<string, string> = {
    'Fake Default Audio Input': 'Default - MacBook Pro Microphone',
    'Fake Audio Input 1': 'MacBook Pro Microphone',
    'Fake Audio Input 2': 'Blue Yeti USB Microphone (046d:0ab9)',
    'Fake Default Audio Output': 'Default - MacBook Pro Speakers',
    'Fake Audio Output 1': 'MacBook Pro Speakers',
    'Fake Audio Output 2': 'External Headphones',
  };
  const md = navigator.mediaDevices;
  const enumerate = md.enumerateDevices.bind(md);
  const getUserMedia = md.getUserMedia.bind(md);
  // By name, not id: a device can be "unplugged" before the page may read ids and labels (at start, say).
  const unplugged = new Set<string>();
  let noInputs = false;
  const ids = new Map<string, string>();
  const tracks: Array<{ name: string; track: MediaStreamTrack }> = [];
  const destinations: MediaStreamAudioDestinationNode[] = [];
  const name = (label: string) => NAMES[label] ?? label;
  const nameOfId = (id: string) => [...ids].find(([, v]) => v === id)?.[0] ?? '';

  md.enumerateDevices = async () => {
    const list = await enumerate();
    for (const d of list) if (d.label) ids.set(name(d.label), d.deviceId);
    return list
      .filter((d) => !unplugged.has(name(d.label)) && !(noInputs && d.kind === 'audioinput'))
      .map((d) => ({ deviceId: d.deviceId, groupId: d.groupId, kind: d.kind, label: name(d.label), toJSON: () => ({}) }) as MediaDeviceInfo);
  };
  md.getUserMedia = async (constraints) => {
    const audio = typeof constraints?.audio === 'object' ? constraints.audio : {};
    const wanted = audio.deviceId && typeof audio.deviceId === 'object' && 'exact' in audio.deviceId ? String(audio.deviceId.exact) : '';
    harness.opened.push(wanted);
    if (noInputs) throw new DOMException('Requested device not found', 'NotFoundError');
    const stream = await getUserMedia(constraints);
    const audioTracks = stream.getAudioTracks();
    if (audioTracks.some((t) => unplugged.has(name(t.label)))) {
      for (const t of stream.getTracks()) t.stop();
      throw new DOMException('the device is unplugged', 'OverconstrainedError');
    }
    for (const track of audioTracks) {
      const label = name(track.label);
      Object.defineProperty(track, 'label', { get: () => label });
      tracks.push({ name: label, track });
    }
    return stream;
  };
  const createDestination = AudioContext.prototype.createMediaStreamDestination;
  AudioContext.prototype.createMediaStreamDestination = function (this: AudioContext) {
    const node = createDestination.call(this);
    destinations.push(node);
    return node;
  };
  const setSinkId = HTMLMediaElement.prototype.setSinkId;
  HTMLMediaElement.prototype.setSinkId = function (this: HTMLMediaElement, sinkId: string) {
    harness.sinks.push(sinkId);
    if (sinkId && unplugged.has(nameOfId(sinkId))) return Promise.reject(new DOMException('Requested device not found', 'NotFoundError'));
    return setSinkId.call(this, sinkId);
  };
  const changed = () => setTimeout(() => md.dispatchEvent(new Event('devicechange')), 30);
  const harness: DeviceHarness = {
    opened: [],
    sinks: [],
    idOf: (label) => ids.get(label) ?? '',
    unplug(label) {
      unplugged.add(label);
      // A real unplug: the device's tracks end (the browser fires 'ended'), then the device list changes.
      for (const t of tracks) {
        if (t.name !== label || t.track.readyState === 'ended') continue;
        t.track.stop();
        t.track.dispatchEvent(new Event('ended'));
      }
      changed();
    },
    replug(label) {
      unplugged.delete(label);
      changed();
    },
    noMicrophones(none) {
      noInputs = none;
      changed();
    },
    published() {
      const track = destinations[0]?.stream.getAudioTracks()[0];
      return track ? { id: track.id, live: track.readyState === 'live' } : null;
    },
  };
  window.__devices = harness;
}

describe('devices coming and going mid-space', () => {
  let livekit: LivekitServer;
  let studio: Awaited<ReturnType<typeof startTestStudio>>;
  let browser: Browser;

  beforeAll(async () => {
    const speech = makeSpeechWav();
    livekit = await startLivekit();
    studio = await startTestStudio(livekit);
    browser = await launchChromium(speech);
    fs.mkdirSync(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    await livekit?.stop();
  });

  const settings = () => JSON.parse(fs.readFileSync(path.join(studio.dataDir, 'settings.json'), 'utf8')) as { microphone: { label: string } | null; output?: { label: string } | null };

  async function shoot(page: Page, name: string): Promise<void> {
    await page.waitForTimeout(200);
    await page.screenshot({ path: path.join(SHOTS, `devices-${name}.png`) });
  }

  it('the microphone unplugged mid-space: the built-in at once, told, back when it returns — same published track, still heard', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(installHarness);
    const host = await context.newPage();
    await host.goto(studio.host.url);
    await host.getByTestId('mic-status').waitFor();

    // Pick the USB microphone and headphones for the monitor: both remembered by main.
    const yeti = await host.evaluate(() => window.__devices.idOf('Blue Yeti USB Microphone (046d:0ab9)'));
    const headphones = await host.evaluate(() => window.__devices.idOf('External Headphones'));
    expect(yeti).not.toBe('');
    await host.getByTestId('mic-select').selectOption(yeti);
    await expect.poll(() => settings().microphone?.label).toBe('Blue Yeti USB Microphone (046d:0ab9)');
    await expect.poll(() => host.getByTestId('mic-status').textContent()).toContain('Remembered for next time');
    const outputs = await host.getByTestId('output-select').locator('option').allTextContents();
    expect(outputs).toEqual(['System default (MacBook Pro Speakers)', 'MacBook Pro Speakers', 'External Headphones']);
    await host.getByTestId('output-select').selectOption(headphones);
    await expect.poll(() => settings().output?.label).toBe('External Headphones');
    await host.getByTestId('monitor-toggle').check();
    await expect.poll(() => host.evaluate(() => window.__devices.sinks.at(-1))).toBe(headphones);

    // Live, with a listener hearing the host.
    // A fresh studio asks the host's name before the first space (listeners read it).
    await host.getByTestId('lobby-host-name').fill('Lena');
    await host.getByTestId('space-title').fill('Unplug test');
    await host.getByTestId('create-space').click();
    const shareUrl = await host.getByTestId('share-url').inputValue();
    const listener = await (await browser.newContext({ viewport: { width: 820, height: 760 } })).newPage();
    await listener.goto(shareUrl);
    await listener.getByTestId('state-waiting').waitFor();
    await host.getByTestId('go-live').click();
    await waitOnAir(host);
    await listener.getByTestId('listen').click();
    await listener.locator('audio[data-podium-remote-audio]').waitFor({ state: 'attached', timeout: 20_000 });
    expect((await waitForRemoteSound(listener, undefined, { db: -40 })).met).toBe(true);
    const published = await host.evaluate(() => window.__devices.published());
    expect(published?.live).toBe(true);

    // Unplug the USB microphone.
    await host.evaluate(() => window.__devices.unplug('Blue Yeti USB Microphone (046d:0ab9)'));
    const notice = host.getByTestId('mic-notice');
    await expect.poll(() => notice.textContent()).toContain(
      'Your Blue Yeti USB Microphone was unplugged — using MacBook Pro Microphone. Podium will switch back when it returns.',
    );
    expect(await host.getByTestId('mic-select').inputValue()).toBe('default');
    expect(await host.getByTestId('mic-select').locator('option:disabled').textContent()).toBe('Blue Yeti USB Microphone — unplugged');
    expect(await host.evaluate(() => window.__devices.opened.at(-1))).toBe('default');
    // Only the source changed: the same published track, still live, still on air; the listener still hears.
    expect(await host.evaluate(() => window.__devices.published())).toEqual(published);
    await host.getByTestId('on-air').waitFor();
    expect((await waitForRemoteSound(listener, undefined, { db: -40 })).met).toBe(true);
    // The choice itself is not forgotten: it is what Podium goes back to.
    expect(settings().microphone?.label).toBe('Blue Yeti USB Microphone (046d:0ab9)');

    // The headphones go too, while monitoring: paused, not moved to the speakers.
    await host.evaluate(() => window.__devices.unplug('External Headphones'));
    await expect.poll(() => host.getByTestId('output-notice').textContent()).toContain(
      "The monitor's output, External Headphones, was unplugged — the monitor is paused rather than moved to your speakers",
    );
    await host.getByTestId('monitor-paused').waitFor();
    await host.getByTestId('microphone-card').scrollIntoViewIfNeeded();
    await shoot(host, 'unplugged-1440');
    await host.getByTestId('microphone-card').screenshot({ path: path.join(SHOTS, 'devices-mic-card-1440.png') });
    await host.getByTestId('monitor-output').screenshot({ path: path.join(SHOTS, 'devices-output-1440.png') });
    await host.setViewportSize({ width: 390, height: 844 });
    await host.getByTestId('microphone-card').scrollIntoViewIfNeeded();
    await shoot(host, 'unplugged-390');
    await host.getByTestId('monitor-output').scrollIntoViewIfNeeded();
    await shoot(host, 'output-390');
    await host.setViewportSize({ width: 1440, height: 900 });

    // Both come back: switched back by themselves, and said so.
    await host.evaluate(() => window.__devices.replug('Blue Yeti USB Microphone (046d:0ab9)'));
    await expect.poll(() => notice.textContent()).toContain('Your Blue Yeti USB Microphone is back — Podium switched back to it.');
    expect(await host.getByTestId('mic-select').inputValue()).toBe(yeti);
    expect(await host.evaluate(() => window.__devices.opened.at(-1))).toBe(yeti);
    expect(await host.evaluate(() => window.__devices.published())).toEqual(published);
    await host.evaluate(() => window.__devices.replug('External Headphones'));
    await expect.poll(() => host.getByTestId('output-notice').textContent()).toContain('The monitor plays on External Headphones again.');
    expect(await host.getByTestId('monitor-paused').count()).toBe(0);
    expect(await host.evaluate(() => window.__devices.sinks.at(-1))).toBe(headphones);
    await host.getByTestId('microphone-card').scrollIntoViewIfNeeded();
    await shoot(host, 'back-1440');
    expect((await waitForRemoteSound(listener, undefined, { db: -40 })).met).toBe(true);
    await context.close();
    await listener.context().close();
  }, 120_000);

  it('a remembered microphone that is not plugged in at start: the stand-in is named, and it is used once it appears', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(installHarness);
    // Not plugged in when the studio starts (main remembers it from the first test, which used the same studio).
    await context.addInitScript(() => window.__devices.unplug('Blue Yeti USB Microphone (046d:0ab9)'));
    const host = await context.newPage();
    await host.goto(studio.host.url);
    await host.getByTestId('mic-status').waitFor();
    await expect.poll(() => host.getByTestId('mic-notice').textContent()).toContain(
      'Your Blue Yeti USB Microphone is not connected — using MacBook Pro Microphone. Podium will switch to it when you plug it in.',
    );
    await host.evaluate(() => window.__devices.replug('Blue Yeti USB Microphone (046d:0ab9)'));
    await expect.poll(() => host.getByTestId('mic-notice').textContent()).toContain('is back — Podium switched back to it.');
    const yeti = await host.evaluate(() => window.__devices.idOf('Blue Yeti USB Microphone (046d:0ab9)'));
    expect(await host.getByTestId('mic-select').inputValue()).toBe(yeti);
    await context.close();
  }, 60_000);

  it('no microphone at all at start: said plainly, and one plugged in starts by itself', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(installHarness);
    await context.addInitScript(() => window.__devices.noMicrophones(true));
    const host = await context.newPage();
    await host.goto(studio.host.url);
    await expect.poll(() => host.getByRole('alert').filter({ hasText: 'No microphone was found' }).count()).toBe(1);
    expect(await host.getByTestId('mic-select').isDisabled()).toBe(true);
    await host.getByTestId('microphone-card').screenshot({ path: path.join(SHOTS, 'devices-none-1440.png') });
    await host.evaluate(() => window.__devices.noMicrophones(false));
    await host.getByTestId('mic-status').waitFor();
    expect(await host.getByTestId('mic-select').locator('option').count()).toBeGreaterThan(1);
    await context.close();
  }, 60_000);
});
