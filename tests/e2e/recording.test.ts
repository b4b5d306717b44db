// Recording a live space, end to end with real parts: a real livekit-server, the web studio in real Chromium (the
// host's processed microphone), two speakers approved from the hand queue (rtc-node bots saying espeak-ng phrases
// in turns), and a listener page. The host records, adds a marker, mutes a speaker and stops; the files are then
// read by sox, an independent decoder, and measured against the sources.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { dispose } from '@livekit/rtc-node';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLivekit, type LivekitServer } from '../../scripts/livekit';
import { bestLoopCorrelation, dbfs, describeSlips, envelope, locateOnce, trackedOnce } from '../support/audio-analysis';
import { launchChromium } from '../support/chromium';
import { FIXTURE_DIR, makeSpeechWav, readWavMono16 } from '../support/fixtures';
import { sleep } from '../support/rtc-bot';
import { speakerBot, type SpeakerBot } from '../support/speaker-bot';
import { ask, SCREENSHOT_DIR, startTestStudio } from '../support/studio';
import { waitOnAir } from '../support/on-air';
import { approveHand } from '../support/approve';

const RATE = 48_000;
const SERVER_STATE = { timeout: 15_000 };
/** 20 ms envelope blocks for "who is this", 5 ms blocks for "where exactly". */
const COARSE = 960;
const FINE = 240;

const HOST_TEXT = 'Good evening and welcome to the show. Tonight we talk about rivers.';
const BEA_TEXT = 'Thank you for having me. I grew up beside the Thames.';
const CY_TEXT = 'Rivers are the oldest roads we have, my friends.';

/** The host's fake microphone loops its file: a phrase, then a long pause, so the speakers' turns fall in it. */
function hostFixture(): string {
  const speech = makeSpeechWav(HOST_TEXT, 'en-us');
  const out = path.join(FIXTURE_DIR, 'recording-host-turns.wav');
  if (!fs.existsSync(out)) execFileSync('sox', ['-R', speech, out, 'pad', '0', '12']);
  return out;
}

function soxSamples(file: string): Float32Array {
  const raw = execFileSync('sox', [file, '-t', 'f32', '-e', 'floating-point', '-c', '1', '-'], { maxBuffer: 1 << 30 });
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

function soxInfo(file: string): string {
  return execFileSync('sox', ['--i', file]).toString();
}

describe('recording a live space', () => {
  let livekit: LivekitServer;
  let studio: Awaited<ReturnType<typeof startTestStudio>>;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const bots: SpeakerBot[] = [];

  beforeAll(async () => {
    livekit = await startLivekit();
    studio = await startTestStudio(livekit);
    browser = await launchChromium(hostFixture());
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  afterAll(async () => {
    for (const b of bots) await b.close().catch(() => {});
    await dispose();
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await studio?.close();
    await livekit?.stop();
  });

  async function page(width: number, height: number): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height } });
    contexts.push(context);
    return context.newPage();
  }

  it('one aligned WAV per person plus the mix, markers, a muted speaker as silence, and the badge for listeners', async () => {
    const beaWav = makeSpeechWav(BEA_TEXT, 'en-gb');
    const cyWav = makeSpeechWav(CY_TEXT, 'en-gb-scotland');

    const host = await page(1440, 900);
    await host.goto(studio.host.url);
    await host.getByTestId('mic-status').waitFor();
    await host.getByLabel('Name shown to listeners').fill('Ann');
    await host.getByRole('button', { name: 'Save' }).click();
    await host.getByTestId('space-title').fill('River talk');
    await host.getByTestId('create-space').click();
    await host.getByTestId('go-live').click();
    await waitOnAir(host);
    const shareUrl = await host.getByTestId('share-url').inputValue();
    const spaceId = new URL(shareUrl).pathname.split('/').pop()!;

    // A listener page, and two speakers brought up from the hand queue.
    const listener = await page(1280, 800);
    await listener.goto(shareUrl);
    await listener.getByTestId('listen').click();
    const protocolUrl = studio.services.info.protocolUrl;
    const bea = await speakerBot(protocolUrl, spaceId, 'Bea', beaWav);
    const cy = await speakerBot(protocolUrl, spaceId, 'Cy', cyWav);
    bots.push(bea, cy);
    for (const name of ['Bea', 'Cy']) await approveHand(host, name);
    await Promise.all([bea.goOnStage(), cy.goOnStage()]);
    // The studio hears both before recording starts (their audio elements are attached).
    for (const bot of [bea, cy]) await host.locator(`audio[data-identity="${bot.participantId}"]`).waitFor({ state: 'attached', ...SERVER_STATE });

    // Record: the studio shows it, and so does the listener page.
    expect(await listener.getByTestId('recording-badge').count()).toBe(0);
    await host.getByTestId('rec-start').click();
    await host.getByTestId('rec-stop').waitFor(SERVER_STATE);
    await listener.getByTestId('recording-badge').first().waitFor(SERVER_STATE);
    await expect
      .poll(async () => ((await ask(studio, 'recording:status')).active?.tracks.length ?? 0), SERVER_STATE)
      .toBe(4);

    // A marker with a label, then the turns: Bea, then Cy.
    await host.getByTestId('rec-mark').click();
    await host.getByTestId('rec-marker-label').fill("Bea's turn");
    await host.getByTestId('rec-marker-label').press('Enter');
    await bea.say();
    await sleep(500);
    await cy.say();
    // The host mutes Cy; he goes on talking, and none of it may reach the recording.
    await host.getByTestId('participant-row').filter({ hasText: 'Cy' }).first().locator('[data-action=mute]').click();
    await expect
      .poll(async () => (await ask(studio, 'recording:status')).active?.markers.some((m) => m.kind === 'muted'), SERVER_STATE)
      .toBe(true);
    await sleep(1500);
    const mutedSpeechStart = (await ask(studio, 'recording:status')).active!.writtenMs;
    await cy.say();
    const mutedSpeechEnd = (await ask(studio, 'recording:status')).active!.writtenMs;
    await host.screenshot({ path: path.join(SCREENSHOT_DIR, 'recording-studio.png') });
    await listener.screenshot({ path: path.join(SCREENSHOT_DIR, 'recording-listener-badge.png') });

    await host.getByTestId('rec-stop').click();
    await host.getByTestId('rec-stop-confirm').click();
    await host.getByTestId('rec-finished').waitFor(SERVER_STATE);
    await listener.getByTestId('recording-badge').first().waitFor({ state: 'detached', ...SERVER_STATE });
    const [entry] = await ask(studio, 'recordings:list');
    expect(entry?.status).toBe('complete');
    const folder = entry!.folder;

    // Every file is a 48 kHz, 24-bit mono WAV an independent decoder reads, with a BWF bext chunk naming the space.
    const byName = (n: string) => entry!.tracks.find((t) => t.name === n)!;
    const files = { mix: 'mix.wav', Ann: byName('Ann').file, Bea: byName('Bea').file, Cy: byName('Cy').file };
    const audio: Record<string, Float32Array> = {};
    for (const [who, file] of Object.entries(files)) {
      const info = soxInfo(path.join(folder, file));
      expect(info, who).toMatch(/Channels\s*:\s*1/);
      expect(info, who).toMatch(/Sample Rate\s*:\s*48000/);
      expect(info, who).toMatch(/Precision\s*:\s*24-bit/);
      const head = fs.readFileSync(path.join(folder, file)).subarray(0, 1024).toString('latin1');
      expect(head, who).toContain('bext');
      expect(head, who).toContain('River talk');
      audio[who] = soxSamples(path.join(folder, file));
    }
    // Tracks share one clock: same length within 100 ms.
    const lengths = Object.values(audio).map((a) => a.length);
    expect(Math.max(...lengths) - Math.min(...lengths)).toBeLessThan(RATE / 10);

    // Each person's track is their own voice, and not the others'.
    const sources = { Ann: readWavMono16(hostFixture()).samples, Bea: readWavMono16(beaWav).samples, Cy: readWavMono16(cyWav).samples };
    const coarse = (s: Float32Array) => envelope(s, COARSE);
    const placed: Record<string, { r: number; lag: number }> = {};
    // Remote speakers are recorded as the studio plays them: on a starved machine the jitter buffer stretches or drops
    // a few hundred ms now and then (see the hosting suite). So "is this their voice" is judged window by window
    // (trackedOnce: r 0.96–0.97, time-reversed control 0.55–0.67 measured at load average 10), and "is it not the
    // other speaker" with one lag each (own 0.93–0.99 on a quiet machine, 0.67 once at load average 10; the other
    // speaker's source 0.38–0.44).
    for (const who of ['Bea', 'Cy'] as const) {
      const track = coarse(audio[who]!);
      const own = trackedOnce(track, coarse(sources[who]));
      const ownOneLag = locateOnce(track, coarse(sources[who]));
      const other = locateOnce(track, coarse(sources[who === 'Bea' ? 'Cy' : 'Bea']));
      console.log(
        `${who}'s track: own source r=${own.r.toFixed(3)} window by window (reversed control ${own.control.toFixed(3)}; slips ` +
          `${describeSlips(own.slips, RATE / COARSE)}), ${ownOneLag.r.toFixed(3)} with one lag at ${((ownOneLag.lag * COARSE) / RATE).toFixed(2)} s; ` +
          `the other speaker's source r=${other.r.toFixed(3)}`,
      );
      expect(own.r).toBeGreaterThan(0.7);
      expect(own.r - own.control).toBeGreaterThan(0.2);
      expect(other.r).toBeLessThan(ownOneLag.r - 0.2);
      placed[who] = ownOneLag;
    }
    const hostOwn = bestLoopCorrelation(coarse(audio.Ann!), coarse(sources.Ann));
    const hostVsBea = locateOnce(coarse(audio.Ann!), coarse(sources.Bea));
    console.log(`Ann's track (processed mic, looped source): r=${hostOwn.r.toFixed(3)}; vs Bea's source r=${hostVsBea.r.toFixed(3)}`);
    expect(hostOwn.r).toBeGreaterThan(0.7);
    expect(hostVsBea.r).toBeLessThan(hostOwn.r - 0.3);

    // Aligned: where each source sits in its own track and where it sits in the mix agree within 20 ms.
    for (const who of ['Bea', 'Cy'] as const) {
      const fineSource = envelope(sources[who], FINE);
      const around = (a: Float32Array) => {
        const start = Math.max(0, placed[who]!.lag * COARSE - RATE);
        const part = a.subarray(start, Math.min(a.length, start + sources[who].length + 2 * RATE));
        const found = locateOnce(envelope(part, FINE), fineSource);
        return { ms: ((start + found.lag * FINE) / RATE) * 1000, r: found.r };
      };
      const inTrack = around(audio[who]!);
      const inMix = around(audio.mix!);
      console.log(`${who}: in own track at ${inTrack.ms.toFixed(1)} ms (r=${inTrack.r.toFixed(3)}), in the mix at ${inMix.ms.toFixed(1)} ms (r=${inMix.r.toFixed(3)})`);
      expect(Math.abs(inTrack.ms - inMix.ms)).toBeLessThanOrEqual(20);
    }
    // The mix holds everyone: it is the sum of the people's tracks, sample for sample.
    const n = Math.min(...lengths);
    let residual = 0;
    let energy = 0;
    for (let i = 0; i < n; i++) {
      const sum = audio.Ann![i]! + audio.Bea![i]! + audio.Cy![i]!;
      residual += (audio.mix![i]! - sum) ** 2;
      energy += audio.mix![i]! ** 2;
    }
    const residualDb = 10 * Math.log10(residual / energy);
    console.log(`mix minus the sum of the tracks: ${residualDb.toFixed(1)} dB relative to the mix`);
    expect(residualDb).toBeLessThan(-40);

    // The mute: Cy's second phrase is silence in his track and in the mix, and an automatic marker says so.
    const from = Math.round(((mutedSpeechStart + 300) / 1000) * RATE);
    const to = Math.round(((mutedSpeechEnd - 300) / 1000) * RATE);
    const mutedPeak = dbfs(Math.max(...envelope(audio.Cy!.subarray(from, to), COARSE)));
    console.log(`Cy's track while muted: loudest 20 ms block ${mutedPeak.toFixed(1)} dBFS`);
    expect(to - from).toBeGreaterThan(2 * RATE);
    expect(mutedPeak).toBeLessThan(-50);
    const labels = fs.readFileSync(path.join(folder, 'markers.txt'), 'utf8');
    expect(labels).toMatch(/\tBea's turn\n/);
    expect(labels).toMatch(/\tAnn muted Cy\n/);
    // The library lists it; the mix plays in the studio page, all of it (the page reads it through a /media/ URL).
    await host.getByTestId('open-library').click();
    const row = host.getByTestId('library-entry').filter({ hasText: 'River talk' });
    await row.waitFor(SERVER_STATE);
    await row.getByTestId('library-play').click();
    const player = row.locator('audio');
    await expect.poll(() => player.evaluate((a: HTMLAudioElement) => a.duration), SERVER_STATE).toBeCloseTo(audio.mix!.length / RATE, 0);
    await host.getByTestId('recordings-library').screenshot({ path: path.join(SCREENSHOT_DIR, 'recording-library.png') });
    await host.keyboard.press('Escape');
    // And the editor-ready folder is complete.
    const names = fs.readdirSync(folder);
    for (const f of ['chapters.json', 'session.json', 'markers.txt']) expect(names).toContain(f);
    expect(names.some((f) => f.endsWith('.RPP'))).toBe(true);
  }, 240_000);
});
