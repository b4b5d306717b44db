// Guessing the admin token of `npm run server`: wrong tokens on POST /api/spaces are throttled per address and
// across addresses, a throttled attempt is refused without its token being checked, and the right token works
// again once the window has passed. A token too short to resist guessing is refused at start.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSpaceServer, type SpaceServer } from '../../server/index';
import { recordingAdmin } from '../support/recording-admin';

const LIVEKIT = { url: 'ws://127.0.0.1:1', apiKey: 'devkey', apiSecret: 'secret-secret-secret-secret-secret' };
const TOKEN = 'the-right-admin-token-0123456789abcdef';
const root = path.resolve(__dirname, '../..');

let dir: string;
let server: SpaceServer;
let clock: number;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-admin-throttle-'));
  clock = 1_000_000;
  server = await startSpaceServer({
    dbFile: path.join(dir, 'podium.sqlite'),
    assetsDir: dir,
    livekit: LIVEKIT,
    admin: recordingAdmin(),
    adminToken: TOKEN,
    adminThrottle: { now: () => clock },
  });
});

afterEach(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** POST /api/spaces from a chosen loopback address (all of 127/8 reaches a server on 127.0.0.1 under Linux). */
function create(token: string, from = '127.0.0.1'): Promise<{ status: number; body: { error?: { code: string; message: string } }; retryAfter?: string }> {
  const url = new URL('/api/spaces', server.url);
  // ownerKey: the studio's key on this server (ignored by a server that does not ask for one).
  const payload = JSON.stringify({ title: 'Remote show', ownerKey: 'owner-key-0123456789abcdef' });
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        localAddress: from,
        agent: false,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as never, retryAfter: res.headers['retry-after'] }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

describe('admin token throttle', () => {
  it('answers 429 after five wrong tokens from one address, even to the right token, until the minute has passed', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await create(`wrong-guess-${i}`)).status).toBe(401);
      clock += 1_000;
    }
    const sixth = await create('wrong-guess-5');
    expect(sixth.status).toBe(429);
    expect(sixth.body.error?.code).toBe('rate_limited');
    expect(sixth.body.error?.message).toMatch(/too many wrong admin tokens.*try again in 55 seconds/);
    expect(sixth.retryAfter).toBe('55');
    // Not checked while throttled: the right token gets the same answer, so a guesser learns nothing.
    expect((await create(TOKEN)).status).toBe(429);
    // Another address is unaffected.
    expect((await create(TOKEN, '127.0.0.2')).status).toBe(201);

    clock += 60_000;
    const later = await create(TOKEN);
    expect(later.status).toBe(201);
  });

  it('answers 429 to everyone once 20 wrong tokens arrive within a second from many addresses', async () => {
    for (let a = 0; a < 4; a++) {
      for (let i = 0; i < 5; i++) expect((await create(`guess-${a}-${i}`, `127.0.1.${a + 1}`)).status).toBe(401);
    }
    const fresh = await create(TOKEN, '127.0.2.1');
    expect(fresh.status).toBe(429);
    expect(fresh.body.error?.message).toMatch(/from everyone/);
    clock += 1_000;
    expect((await create(TOKEN, '127.0.2.1')).status).toBe(201);
  });
});

describe('npm run server', () => {
  it('refuses to start with a PODIUM_ADMIN_TOKEN shorter than 32 characters, and says why', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'server', 'cli.ts'), '--port', '0'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, PODIUM_ADMIN_TOKEN: 'short-token', LIVEKIT_URL: '', PODIUM_DB: path.join(dir, 'cli.sqlite') },
    });
    // A setting that cannot work is exit code 2 (a usage error), like every other bad flag or variable.
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('PODIUM_ADMIN_TOKEN is 11 characters; it must be at least 32');
    // Refused before anything started: no database was created.
    expect(fs.existsSync(path.join(dir, 'cli.sqlite'))).toBe(false);
  });
});
