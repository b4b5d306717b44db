// A crowd of subscribing bots for tests/bench/sfu.ts, the same for both SFUs: each bot is a space-protocol listener
// (a WebSocket from this process that joins the space and receives a media grant, as a listener page does) plus a
// receive-only subscriber in Chromium using that grant with the SFU's own web SDK (sfu-crowd-page.ts, bundled here
// with esbuild), PAGE_SIZE subscribers to a page. What every bot received is read from its receivers' RTP stats.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { MediaGrant } from '../../../common/protocol';
import { connect, type TestClient } from '../../support/ws-client';
import type { CrowdApi, Received } from './sfu-crowd-page';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const PAGE_SIZE = 50;

let bundled: Promise<string> | null = null;
function bundle(): Promise<string> {
  bundled ??= build({
    entryPoints: [path.join(HERE, 'sfu-crowd-page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'silent',
  }).then((r) => r.outputFiles[0]!.text);
  return bundled;
}

export interface Crowd {
  /** Bots joined so far (protocol listeners whose SFU subscriber connected). */
  size(): number;
  /** Adds `n` bots; returns the errors of those that could not join. */
  grow(n: number): Promise<string[]>;
  /** What each bot has received so far, in join order. */
  received(): Promise<Received[]>;
  close(): Promise<void>;
}

/** `sfu`: the SFU the space runs; a grant for another one is refused (the bench must not time the wrong SFU). */
export async function startCrowd(browser: Browser, protocolUrl: string, spaceId: string, sfu: 'livekit' | 'mediasoup'): Promise<Crowd> {
  const label = sfu;
  const script = await bundle();
  // Served from loopback, a secure context: mediasoup-client detects the browser from navigator.userAgentData, which
  // pages on about:blank do not have (and Headless Chrome's user agent string it does not know).
  const server = http.createServer((req, res) => {
    const js = req.url === '/crowd.js';
    res.writeHead(200, { 'Content-Type': js ? 'text/javascript' : 'text/html' });
    res.end(js ? script : '<!doctype html><title>SFU bench crowd</title><script src="/crowd.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const pageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const context: BrowserContext = await browser.newContext();
  const pages: { page: Page; count: number }[] = [];
  const clients: TestClient[] = [];
  let joined = 0;

  async function grant(i: number): Promise<MediaGrant> {
    const client = await connect(protocolUrl, 30_000);
    clients.push(client);
    const key = `bench-${label}-${String(i).padStart(8, '0')}-${Math.random().toString(36).slice(2, 10)}`;
    client.send({ type: 'join', spaceId, key, name: `Bot ${i}` });
    const m = (await client.next((x) => x.type === 'media', 30_000)) as { media: MediaGrant };
    if ((m.media.sfu ?? 'livekit') !== sfu) throw new Error(`the space handed out a grant for ${m.media.sfu ?? 'livekit'}, not ${sfu}`);
    return m.media;
  }

  async function pageWithRoom(): Promise<{ page: Page; count: number }> {
    const last = pages[pages.length - 1];
    if (last && last.count < PAGE_SIZE) return last;
    const page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') console.error(`  [crowd page] ${msg.text()}`);
    });
    await page.goto(pageUrl);
    await page.waitForFunction(() => 'podiumCrowd' in globalThis);
    const entry = { page, count: 0 };
    pages.push(entry);
    return entry;
  }

  return {
    size: () => joined,
    async grow(n) {
      const errors: string[] = [];
      let left = n;
      while (left > 0) {
        const target = await pageWithRoom();
        const take = Math.min(left, PAGE_SIZE - target.count);
        const grants: MediaGrant[] = [];
        for (let i = 0; i < take; i += 10) {
          const batch = Array.from({ length: Math.min(10, take - i) }, (_, k) => grant(joined + i + k));
          grants.push(...(await Promise.all(batch)));
        }
        const failed = await target.page.evaluate((g) => (globalThis as unknown as { podiumCrowd: CrowdApi }).podiumCrowd.join(g), grants);
        errors.push(...failed);
        target.count += take;
        joined += take - failed.length;
        left -= take;
      }
      return errors;
    },
    async received() {
      const all: Received[] = [];
      for (const { page } of pages) all.push(...(await page.evaluate(() => (globalThis as unknown as { podiumCrowd: CrowdApi }).podiumCrowd.received())));
      return all;
    },
    async close() {
      for (const { page } of pages) await page.evaluate(() => (globalThis as unknown as { podiumCrowd: CrowdApi }).podiumCrowd.close()).catch(() => {});
      await context.close().catch(() => {});
      await Promise.all(clients.map((c) => c.close().catch(() => {})));
      server.close();
    },
  };
}
