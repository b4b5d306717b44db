// A listener page on a space served by `npm run server` (server/cli.ts, its own process) while that process is
// killed with SIGKILL and started again on the same port and SQLite file. The page — never reloaded, nobody touching
// it — notices, comes back by itself, and its raised hand is still up, in the same place in the host's queue.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Participant } from '../../common/protocol';
import { startLivekit, type LivekitServer } from '../../scripts/livekit';
import { launchChromium } from '../support/chromium';
import { makeSpeechWav } from '../support/fixtures';
import { resilientClient, type ResilientClient } from '../support/resilient-client';
import { freePort, startServerProcess, type ServerProcess } from '../support/server-process';
import { SCREENSHOT_DIR, requireBuild } from '../support/studio';
import { isType } from '../support/ws-client';

/** State the space server drives, on a loaded machine: generous. */
const SERVER_STATE = { timeout: 20_000 };
/** Starting the server process again (tsx compiles on start), then the page's backoff bringing it back. */
const RESUME = { timeout: 60_000 };
const ADMIN_TOKEN = crypto.randomBytes(32).toString('base64url');

describe('the space server is killed under a listener page', () => {
  let lk: LivekitServer;
  let dir: string;
  let port: number;
  let server: ServerProcess | null = null;
  let browser: Browser;
  let host: ResilientClient | null = null;

  beforeAll(async () => {
    requireBuild();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-restart-e2e-'));
    port = await freePort();
    lk = await startLivekit({ webhookUrls: [`http://127.0.0.1:${port}/livekit/webhook`] });
    browser = await launchChromium(makeSpeechWav());
    fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  });
  afterAll(async () => {
    host?.close();
    await browser?.close();
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    await lk?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const start = async () => (server = await startServerProcess({ port, dbFile: path.join(dir, 'podium.sqlite'), livekit: lk, adminToken: ADMIN_TOKEN }));

  it('comes back by itself with the hand still up and its place in the queue kept', async () => {
    await start();
    const created = await fetch(`http://127.0.0.1:${port}/api/spaces`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Still here', hostName: 'Ann', ownerKey: crypto.randomBytes(18).toString('base64url') }),
    });
    const { space, hostKey } = (await created.json()) as { space: { id: string }; hostKey: string };
    host = resilientClient(`ws://127.0.0.1:${port}/ws`, { type: 'join', spaceId: space.id, key: crypto.randomBytes(18).toString('base64url'), credential: hostKey });
    await host.next(isType('joined'), 1);
    host.send({ type: 'start' });
    await host.next((m) => m.type === 'space' && m.space.status === 'live', 1);

    const context = await browser.newContext({ viewport: { width: 820, height: 900 } });
    const page: Page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/s/${space.id}`);
    await page.getByTestId('listener-name').fill('Lena');
    await page.getByTestId('listener-name').press('Enter');
    await page.getByTestId('listen').click();
    await page.getByTestId('listening').getByText('You are listening.').waitFor(SERVER_STATE);
    const hand = page.getByTestId('raise-hand');
    await hand.click();
    await expect.poll(() => hand.getAttribute('aria-pressed'), SERVER_STATE).toBe('true');
    const lena = (m: Participant) => m.name === 'Lena' && m.handRaisedAt !== null;
    const raised = await host.next((m) => m.type === 'rosterDelta' && m.upsert.some(lena), 1);
    const raisedAt = raised.type === 'rosterDelta' ? raised.upsert.find(lena)!.handRaisedAt : null;

    server!.child.kill('SIGKILL');
    await server!.exited;
    // The page knows it lost the space server: the hand button waits for the connection.
    await expect.poll(() => hand.isDisabled(), SERVER_STATE).toBe(true);

    await start();
    // The host's queue has her where she was: the same time, so the same place. (The server's word first: the page
    // keeps showing what it last knew until the server tells it otherwise.)
    await host.next(isType('joined'), 2, RESUME.timeout);
    const back = await host.next((m) => (m.type === 'roster' && m.participants.some((p) => p.name === 'Lena' && p.connected)) || (m.type === 'rosterDelta' && m.upsert.some((p) => p.name === 'Lena' && p.connected)), 2, RESUME.timeout);
    const row = back.type === 'roster' ? back.participants.find((p) => p.name === 'Lena') : back.type === 'rosterDelta' ? back.upsert.find((p) => p.name === 'Lena') : undefined;
    expect(row).toMatchObject({ handRaisedAt: raisedAt, connected: true, role: 'listener' });
    // And the page, untouched, is back with its hand up.
    await expect.poll(() => hand.isEnabled(), RESUME).toBe(true);
    expect(await hand.getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('hand-note').textContent()).toMatch(/Hand raised/);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'listener-after-server-restart.png') });
    await context.close();
  }, 240_000);
});
