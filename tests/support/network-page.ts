// The bad-network test rig: builds the test page (tests/support/network-pages/page.ts, with the studio's LiveKit
// adapter inside and its protection set swappable), serves it on the listener network's root-side address, launches a
// speaker Chromium and a listener Chromium each in a network namespace of its own (so neither can reach the SFU but
// through the impairment relay, and the relay tells them apart by address), and runs one speaker and one listener in
// a room of the network SFU. Used by tests/e2e/network.test.ts and tests/bench/network.ts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AccessToken } from 'livekit-server-sdk';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, type Plugin } from 'vite';
import type { AudioProtection } from '../../renderer/sfu/audio-protection';
import { envelope } from './audio-analysis';
import { readWavMono16 } from './fixtures';
import { createTestNetwork, type TestNetwork } from './netem';
import { startNetworkSfu, type NetworkSfu } from './network-sfu';
import type { ReceiveStats } from './network-pages/api';
import { BLOCK_20MS, speechQuality, type SpeechQuality } from './speech-quality';
import { CLEAN, type Impairment } from './udp-impairment';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PAGES_DIR = path.join(ROOT, 'tests', 'support', 'network-pages');
const OVERRIDE = path.join(PAGES_DIR, 'protection-override.ts');

/** Builds the page once per content of its sources (cached under .cache/network-page/<hash>/page.js). */
export async function buildNetworkPage(): Promise<string> {
  const sources = [
    ...fs.readdirSync(PAGES_DIR).map((f) => path.join(PAGES_DIR, f)),
    ...fs.readdirSync(path.join(ROOT, 'renderer', 'sfu')).map((f) => path.join(ROOT, 'renderer', 'sfu', f)),
    path.join(ROOT, 'node_modules', 'livekit-client', 'package.json'),
  ].filter((f) => fs.statSync(f).isFile());
  const hash = crypto.createHash('sha1');
  for (const f of sources.sort()) hash.update(f).update(fs.readFileSync(f));
  const dir = path.join(ROOT, '.cache', 'network-page', hash.digest('hex').slice(0, 12));
  if (fs.existsSync(path.join(dir, 'page.js'))) return dir;
  const tmp = `${dir}.${process.pid}.tmp`;
  // The studio's adapter imports ./audio-protection; in this bundle only, it gets the override that the test sets.
  const swap: Plugin = {
    name: 'podium-protection-override',
    enforce: 'pre',
    resolveId(source, importer) {
      if (source === './audio-protection' && importer?.endsWith(path.join('renderer', 'sfu', 'livekit.ts'))) return OVERRIDE;
      return null;
    },
  };
  await build({
    configFile: false,
    logLevel: 'warn',
    root: ROOT,
    plugins: [swap],
    build: {
      outDir: tmp,
      emptyOutDir: true,
      minify: false,
      modulePreload: false,
      rollupOptions: { input: path.join(PAGES_DIR, 'page.ts'), output: { entryFileNames: 'page.js', codeSplitting: false } },
    },
  });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  return dir;
}

function servePage(dir: string, host: string): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    if (pathname === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>network</title><script type="module" src="/page.js"></script>');
      return;
    }
    const file = path.join(dir, path.normalize(pathname).replace(/^(\.\.[/\\])+/, ''));
    if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': file.endsWith('.js') ? 'text/javascript' : 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () =>
      resolve({
        origin: `http://${host}:${(server.address() as { port: number }).port}`,
        close: () => new Promise<void>((r) => server.close(() => r())),
      }),
    );
  });
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
];

export interface Rig {
  listenerNet: TestNetwork;
  speakerNet: TestNetwork;
  sfu: NetworkSfu;
  origin: string;
  speakerBrowser: Browser;
  listenerBrowser: Browser;
  /** The source's 20 ms envelope (the fake microphone loops it). */
  sourceEnv: number[];
  /** Impairs the listener's link both ways with `listener`, and the speaker's uplink with `speakerUp`. */
  impair(listener: Impairment, speakerUp?: Impairment): void;
  close(): Promise<void>;
}

export async function startRig(speechWav: string, options: { lossProxying?: boolean } = {}): Promise<Rig> {
  const dir = await buildNetworkPage();
  const listenerNet = createTestNetwork();
  const closers: (() => Promise<void> | void)[] = [() => listenerNet.close()];
  const close = async (): Promise<void> => {
    for (const c of closers.reverse()) await Promise.resolve(c()).catch(() => {});
  };
  try {
    const speakerNet = createTestNetwork();
    closers.push(() => speakerNet.close());
    const sfu = await startNetworkSfu({ hostAddress: listenerNet.hostAddress, lossProxying: options.lossProxying });
    closers.push(() => sfu.stop());
    const server = await servePage(dir, listenerNet.hostAddress);
    closers.push(() => server.close());
    // getUserMedia and Web Audio's secure-context parts need a secure origin; the page is served on a private address.
    const args = [...CHROMIUM_ARGS, `--unsafely-treat-insecure-origin-as-secure=${server.origin}`];
    const speakerBrowser = await chromium.launch({ executablePath: speakerNet.chromiumInNamespace, args: [...args, `--use-file-for-fake-audio-capture=${speechWav}`] });
    closers.push(() => speakerBrowser.close());
    const listenerBrowser = await chromium.launch({ executablePath: listenerNet.chromiumInNamespace, args });
    closers.push(() => listenerBrowser.close());
    const source = readWavMono16(speechWav);
    return {
      listenerNet,
      speakerNet,
      sfu,
      origin: server.origin,
      speakerBrowser,
      listenerBrowser,
      sourceEnv: envelope(source.samples, BLOCK_20MS),
      impair(listener, speakerUp = CLEAN) {
        sfu.relay.setPolicy((address) =>
          address === listenerNet.peerAddress
            ? { up: listener, down: listener }
            : address === speakerNet.peerAddress
              ? { up: speakerUp, down: CLEAN }
              : { up: CLEAN, down: CLEAN },
        );
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function token(sfu: NetworkSfu, room: string, identity: string, canPublish: boolean): Promise<string> {
  const at = new AccessToken(sfu.apiKey, sfu.apiSecret, { identity, ttl: 600 });
  at.addGrant({ roomJoin: true, room, canPublish, canSubscribe: true, canPublishData: false });
  return at.toJwt();
}

export interface Session {
  speaker: Page;
  listener: Page;
  /** The publisher's negotiated send codec (mime type and fmtp) and the protection it published with. */
  sent: { codec: string; protection: AudioProtection };
  close(): Promise<void>;
}

let rooms = 0;

/** A speaker publishing with `protection` and a listener who hears them (first sound arrived). */
export async function openSession(rig: Rig, protection: AudioProtection | 'chosen'): Promise<Session> {
  const room = `net-${process.pid}-${++rooms}`;
  const speakerContext = await rig.speakerBrowser.newContext();
  const listenerContext = await rig.listenerBrowser.newContext();
  const close = async (): Promise<void> => {
    await speakerContext.close().catch(() => {});
    await listenerContext.close().catch(() => {});
  };
  try {
    const speaker = await speakerContext.newPage();
    await speaker.goto(`${rig.origin}/`);
    await speaker.waitForFunction(() => 'podiumNetworkPage' in window);
    const sent = await speaker.evaluate((args) => window.podiumNetworkPage.speak(args), {
      url: rig.sfu.urlFromNamespace,
      token: await token(rig.sfu, room, 'speaker', true),
      identity: 'speaker',
      protection,
    });
    const listener = await listenerContext.newPage();
    await listener.goto(`${rig.origin}/`);
    await listener.waitForFunction(() => 'podiumNetworkPage' in window);
    await listener.evaluate((args) => window.podiumNetworkPage.listen(args), {
      url: rig.sfu.urlFromNamespace,
      token: await token(rig.sfu, room, 'listener', false),
      identity: 'listener',
    });
    const first = await listener.evaluate(() => window.podiumNetworkPage.record({ seconds: 0, untilSoundDb: -40, timeoutMs: 20_000 }));
    if (!first.met) throw new Error('the listener heard nothing from the speaker within 20 s');
    return { speaker, listener, sent, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export interface Measured extends SpeechQuality {
  /** Packets the relay dropped / forwarded towards the listener while recording. */
  droppedDown: number;
  forwardedDown: number;
  /** Packets the relay dropped / forwarded from the speaker towards the SFU while recording. */
  droppedUp: number;
  forwardedUp: number;
  /** The listener's receive statistics over the recording (differences). */
  stats: ReceiveStats;
}

/** Records `seconds` of what the listener plays and judges it against the source. */
export async function measure(rig: Rig, session: Session, seconds: number): Promise<Measured> {
  return (await measureTogether(rig, [session], seconds))[0]!;
}

/**
 * Records several sessions' listeners at the same time, so that a comparison between protection sets meets the same
 * machine load (on a loaded machine a starved jitter buffer conceals too). Relay counts are for the whole link.
 */
export async function measureTogether(rig: Rig, sessions: Session[], seconds: number): Promise<Measured[]> {
  const statsNow = () => Promise.all(sessions.map((s) => s.listener.evaluate(() => window.podiumNetworkPage.receiveStats())));
  const before = await statsNow();
  rig.sfu.relay.resetCounts();
  const recordings = await Promise.all(
    sessions.map((s) => s.listener.evaluate((sec) => window.podiumNetworkPage.record({ seconds: sec, timeoutMs: sec * 3000 + 10_000 }), seconds)),
  );
  const counts = rig.sfu.relay.counts();
  const after = await statsNow();
  const link = { droppedDown: 0, forwardedDown: 0, droppedUp: 0, forwardedUp: 0 };
  for (const [address, c] of counts) {
    if (address.startsWith(`${rig.listenerNet.peerAddress}:`)) {
      link.droppedDown += c.down.dropped;
      link.forwardedDown += c.down.forwarded;
    } else if (address.startsWith(`${rig.speakerNet.peerAddress}:`)) {
      link.droppedUp += c.up.dropped;
      link.forwardedUp += c.up.forwarded;
    }
  }
  return recordings.map(({ env, met }, i) => {
    if (!met) throw new Error(`recording ${seconds} s of the listener's audio took more than ${seconds * 3 + 10} s`);
    const stats = { ...after[i]! };
    for (const key of Object.keys(stats) as (keyof ReceiveStats)[]) {
      if (key !== 'codec') stats[key] = after[i]![key] - before[i]![key];
    }
    return { ...speechQuality(env, rig.sourceEnv), ...link, stats };
  });
}
