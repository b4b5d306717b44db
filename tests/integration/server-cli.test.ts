// `npm run server` as a person runs it (server/cli.ts under tsx, without npm): its data goes to PODIUM_DATA_DIR and
// nothing new appears in the checkout; with --public-url it still says where it listens, and links use the public
// URL; POST /api/spaces answers as the README documents it, with and without the admin token; a bad setting stops it
// with one readable line and exit code 2, having created nothing. It starts its own local livekit-server (the default
// without LIVEKIT_URL), and stops it on SIGTERM.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/server-process';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(ROOT, 'server', 'cli.ts');
const TOKEN = 'cli-test-admin-token-0123456789abcdefghij';
const OWNER_KEY = 'owner-key-of-this-test-0123';

/** The environment of a person who set nothing but what the test names: no LiveKit, no Podium variables. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('PODIUM_') || name.startsWith('LIVEKIT_URL') || name.startsWith('LIVEKIT_API_')) delete env[name];
  return { ...env, ...extra };
}

/** SQLite files in the checkout's top folder and in .data/ (where the server kept its database before), with mtimes. */
function checkoutDatabases(): Record<string, number> {
  const found: Record<string, number> = {};
  for (const dir of [ROOT, path.join(ROOT, '.data')]) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (/\.sqlite/.test(name)) found[path.join(dir, name)] = fs.statSync(path.join(dir, name)).mtimeMs;
    }
  }
  return found;
}

interface Reply {
  status: number;
  body: { error?: { code: string; message: string }; space?: { id: string; title: string; hostName: string; status: string }; hostKey?: string; shareUrl?: string };
}

async function post(base: string, body: string, authorization?: string): Promise<Reply> {
  const res = await fetch(`${base}/api/spaces`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(authorization ? { Authorization: authorization } : {}) },
    body,
  });
  return { status: res.status, body: (await res.json()) as Reply['body'] };
}

describe('npm run server (server/cli.ts)', () => {
  let dataDir: string;
  let port: number;
  let child: ChildProcess | undefined;
  let output = '';
  let exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  let before: Record<string, number>;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-server-cli-'));
    port = await freePort();
    before = checkoutDatabases();
    child = spawn(process.execPath, ['--import', 'tsx', CLI, '--port', String(port), '--public-url', 'https://example.test'], {
      cwd: ROOT,
      env: cleanEnv({ PODIUM_DATA_DIR: dataDir, PODIUM_ADMIN_TOKEN: TOKEN }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exited = new Promise((resolve) => child!.once('exit', (code, signal) => resolve({ code, signal })));
    // tsx compiles on start and the local livekit-server must come up first: generous on a loaded 2-core machine.
    // The last of the lines printed once it listens is LiveKit's; an early exit fails at once, with what it said.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`npm run server was not ready within 90 s:\n${output}`)), 90_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/ {2}LiveKit: .*\n/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child!.stdout!.on('data', onData);
      child!.stderr!.on('data', onData);
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`npm run server exited (${code ?? signal}) before it was ready:\n${output}`));
      });
    });
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child?.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('says where it listens and, separately, what links use; its database is in PODIUM_DATA_DIR', () => {
    const dbFile = path.join(dataDir, 'space-server.sqlite');
    expect(output).toContain(`  Podium space server ready at http://127.0.0.1:${port} (Ctrl+C stops it)\n`);
    expect(output).toContain(`  Listening on http://127.0.0.1:${port}, this machine only (--host 0.0.0.0 lets others in)\n`);
    expect(output).toContain('  Links use https://example.test\n');
    expect(output).toContain(`  Database: ${dbFile}\n`);
    expect(output).toMatch(/ {2}LiveKit: ws:\/\/127\.0\.0\.1:\d+, started here and restarted if it stops/);
    // The token was given, so it is not printed.
    expect(output).not.toContain('Admin token');
    expect(output).not.toContain(TOKEN);
    expect(output).not.toContain('`');
    expect(fs.statSync(dbFile).isFile()).toBe(true);
    expect(fs.statSync(dbFile).mode & 0o777).toBe(0o600);
  });

  it('POST /api/spaces: 401 without the token or with a wrong one, 400 for a bad body, 201 with a share link on the public URL', async () => {
    const base = `http://127.0.0.1:${port}`;
    const good = JSON.stringify({ title: 'From the command line', hostName: 'Ada', ownerKey: OWNER_KEY });

    const none = await post(base, good);
    expect(none).toEqual({ status: 401, body: { error: { code: 'forbidden', message: 'a valid admin token is required' } } });
    const wrong = await post(base, good, `Bearer ${TOKEN.slice(0, -1)}x`);
    expect(wrong.status).toBe(401);

    const notJson = await post(base, '{"title": ', `Bearer ${TOKEN}`);
    expect(notJson).toEqual({ status: 400, body: { error: { code: 'bad_request', message: 'the request body must be JSON' } } });
    const noOwner = await post(base, JSON.stringify({ title: 'No owner key' }), `Bearer ${TOKEN}`);
    expect(noOwner.status).toBe(400);
    expect(noOwner.body.error?.code).toBe('bad_request');
    expect(noOwner.body.error?.message).toMatch(/ownerKey/);
    const tooLong = await post(base, JSON.stringify({ title: 'x'.repeat(121), ownerKey: OWNER_KEY }), `Bearer ${TOKEN}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error?.message).toMatch(/at most 120 characters/);

    const created = await post(base, good, `Bearer ${TOKEN}`);
    expect(created.status).toBe(201);
    const id = created.body.space!.id;
    expect(created.body.space).toMatchObject({ title: 'From the command line', hostName: 'Ada', status: 'scheduled' });
    expect(created.body.hostKey).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(created.body.shareUrl).toBe(`https://example.test/s/${id}`);

    // The space is public at once, and kept in the data folder's database.
    const res = await fetch(`${base}/api/spaces/${id}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { space: { title: string } }).space.title).toBe('From the command line');
  });

  it('stops on SIGTERM with exit code 0, and left nothing new in the checkout', async () => {
    child!.kill('SIGTERM');
    const timer = setTimeout(() => child?.kill('SIGKILL'), 20_000);
    const end = await exited;
    clearTimeout(timer);
    expect(end).toEqual({ code: 0, signal: null });
    expect(checkoutDatabases()).toEqual(before);
    expect(fs.readdirSync(dataDir).filter((name) => name.startsWith('space-server.sqlite'))).toContain('space-server.sqlite');
  });
});

describe('npm run server with a bad setting', () => {
  const run = (args: string[], env: Record<string, string>) =>
    spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: cleanEnv(env) });

  it.each([
    [[], { PODIUM_PORT: 'seventy' }, 'PODIUM_PORT must be a port number from 0 to 65535 (it is "seventy")'],
    [['--public-url', 'example.test'], {}, '--public-url must be an http or https URL such as https://spaces.example.org, without a user, password, query or # part (it is "example.test")'],
    [[], { LIVEKIT_URL: 'wss://lk.example.test' }, 'LIVEKIT_URL is set, so LIVEKIT_API_KEY and LIVEKIT_API_SECRET must be too (the key pair of that LiveKit)'],
    [['--verbose'], {}, 'there is no option --verbose (npm run server -- --help lists them)'],
  ])('%j %j: exit code 2, one line, nothing created', (args, env, expected) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-server-cli-bad-'));
    try {
      const result = run(args, { PODIUM_DATA_DIR: dataDir, ...env });
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`The space server cannot start: ${expected}\n`);
      expect(fs.readdirSync(dataDir)).toEqual([]);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a port that is taken: exit code 1 and the reason in words, no stack trace', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-server-cli-busy-'));
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', () => resolve()));
    const taken = (holder.address() as net.AddressInfo).port;
    try {
      // A LiveKit named by URL (never reached: the listen fails first), so no local one is started for nothing.
      const result = run(['--port', String(taken)], {
        PODIUM_DATA_DIR: dataDir,
        LIVEKIT_URL: 'ws://127.0.0.1:9',
        LIVEKIT_API_KEY: 'key',
        LIVEKIT_API_SECRET: 'secret-secret-secret-secret-secret',
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(
        `The space server could not start: port ${taken} on 127.0.0.1 is already in use (another Podium?): stop that, or choose another port with --port or PODIUM_PORT\n`,
      );
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
