// `npm run server`: the space server on its own, for a space that outgrows one studio machine. LiveKit comes from
// LIVEKIT_URL / LIVEKIT_API_KEY / LIVEKIT_API_SECRET (LiveKit Cloud or a Redis-backed cluster); without them a local
// livekit-server is started on loopback and kept running (server/livekit/supervisor.ts), as the studio does; a
// LiveKit named by LIVEKIT_URL is probed instead (server/livekit/health.ts), since it is not ours to restart.
import crypto from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { SfuHealth } from './livekit/health';
import { startSupervisedLivekit } from './livekit/supervisor';
import { startSpaceServer } from './index';
import { localWebhook } from './local-webhook';
import { installProcessGuard } from './process-guard';

// Guessing is throttled too (server/auth-throttle.ts), but a short token should not have to rely on that.
const MIN_ADMIN_TOKEN_LENGTH = 32;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HELP = `Usage: npm run server -- [options]

  --host <addr>         address to listen on (PODIUM_HOST, default 127.0.0.1)
  --port <n>            port (PODIUM_PORT, default 7800)
  --db <file>           SQLite file (PODIUM_DB, default .data/podium.sqlite)
  --public-url <url>    base of share links, e.g. https://spaces.example.org (PODIUM_PUBLIC_URL)
  --livekit-url <url>   LiveKit signalling URL (LIVEKIT_URL); with LIVEKIT_API_KEY and LIVEKIT_API_SECRET
  PODIUM_ADMIN_TOKEN    bearer token for POST /api/spaces (a studio creating spaces here), at least
                        ${MIN_ADMIN_TOKEN_LENGTH} characters; generated and printed if unset
  -h, --help            this text
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      db: { type: 'string' },
      'public-url': { type: 'string' },
      'livekit-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const givenToken = process.env.PODIUM_ADMIN_TOKEN;
  if (givenToken !== undefined && givenToken.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new Error(
      `PODIUM_ADMIN_TOKEN is ${givenToken.length} characters; it must be at least ${MIN_ADMIN_TOKEN_LENGTH}, so it ` +
        'cannot be guessed. Unset it to have one generated, or make one with `openssl rand -base64 32`.',
    );
  }
  let port = Number(values.port ?? process.env.PODIUM_PORT ?? 7800);
  const host = values.host ?? process.env.PODIUM_HOST ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535, got ${values.port}`);
  const livekitUrl = values['livekit-url'] ?? process.env.LIVEKIT_URL;
  let livekit;
  let stopLivekit = async () => {};
  let sfuHealth: SfuHealth | undefined;
  if (livekitUrl) {
    const apiKey = process.env.LIVEKIT_API_KEY;
    const apiSecret = process.env.LIVEKIT_API_SECRET;
    if (!apiKey || !apiSecret) throw new Error('LIVEKIT_URL is set, so LIVEKIT_API_KEY and LIVEKIT_API_SECRET must be too.');
    livekit = { url: livekitUrl, apiKey, apiSecret };
  } else {
    // The local LiveKit tells this server who joins and publishes (SFU enforcement); it needs the URL up front.
    const webhook = await localWebhook(host, port);
    port = webhook.port;
    // The supervisor's own lines, not livekit-server's chatter.
    const log = (line: string): void => {
      if (line.startsWith('livekit supervisor:')) console.log(`  · ${line}`);
    };
    const local = await startSupervisedLivekit({ webhookUrls: [webhook.url], log });
    livekit = local;
    stopLivekit = () => local.stop();
    sfuHealth = local.health;
    local.health.subscribe((state) => {
      if (state.status === 'failed') console.error(`  ! ${local.failure() ?? 'the local livekit-server failed'}`);
    });
    console.log(`  started a local livekit-server at ${local.url}, restarted if it stops (set LIVEKIT_URL to use another)`);
  }
  const adminToken = givenToken ?? crypto.randomBytes(24).toString('base64url');
  const server = await startSpaceServer({
    dbFile: path.resolve(values.db ?? process.env.PODIUM_DB ?? path.join(root, '.data', 'podium.sqlite')),
    livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
    assetsDir: path.join(root, 'out', 'renderer'),
    host,
    port,
    publicUrl: values['public-url'] ?? process.env.PODIUM_PUBLIC_URL,
    adminToken,
    log: (line) => console.log(`  · ${line}`),
    sfuHealth,
  });
  console.log(`  Podium space server ready at ${server.url} — Ctrl+C to stop`);
  if (!process.env.PODIUM_ADMIN_TOKEN) console.log(`  Admin token for POST /api/spaces (set PODIUM_ADMIN_TOKEN to choose one): ${adminToken}`);
  const stop = async () => {
    await server.close();
    await stopLivekit();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

// Installed before anything starts: whatever escapes a handler is logged, and the spaces on this server stay live.
installProcessGuard((line) => console.error(`  ! ${line}`));

main().catch((error: unknown) => {
  console.error(`\n  The space server could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
