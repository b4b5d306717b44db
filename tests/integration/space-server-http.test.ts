// The space server's HTTP side: the listener page, the public space API, static assets, and what it refuses.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publicSpaceSchema } from '../../common/space';
import { startSpaceServer, type HostKeyed, type SpaceServer } from '../../server/index';
import { connect, isType, type TestClient } from '../support/ws-client';
import { recordingAdmin } from '../support/recording-admin';

const LIVEKIT = { url: 'ws://127.0.0.1:1', apiKey: 'devkey', apiSecret: 'secret-secret-secret-secret-secret' };
const PAGE = '<!doctype html><title>Podium listener</title>';
const SECRET = 'TOP-SECRET-OUTSIDE-ASSETS';
const STUDIO_PAGE = '<!doctype html><title>Podium studio</title>';

let dir: string;
let assetsDir: string;
let server: SpaceServer;
let space: HostKeyed;
let clients: TestClient[];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-space-http-'));
  assetsDir = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(assetsDir, 'listener'), { recursive: true });
  fs.mkdirSync(path.join(assetsDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(assetsDir, 'listener', 'index.html'), PAGE);
  fs.writeFileSync(path.join(assetsDir, 'assets', 'app.js'), 'console.log("listener");');
  fs.writeFileSync(path.join(assetsDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  fs.writeFileSync(path.join(dir, 'secret.txt'), SECRET);
  fs.mkdirSync(path.join(assetsDir, 'studio'), { recursive: true });
  fs.writeFileSync(path.join(assetsDir, 'studio', 'index.html'), STUDIO_PAGE);
  clients = [];
  server = await startSpaceServer({
    dbFile: path.join(dir, 'podium.sqlite'),
    assetsDir,
    livekit: LIVEKIT,
    admin: recordingAdmin(),
  });
  space = server.createSpace({ title: 'Morning show', hostName: 'Ann' });
});

afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw request: the path goes on the wire exactly as given (fetch would normalise `..` away first). */
function request(rawPath: string, method = 'GET'): Promise<Reply> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path: rawPath, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('listener page', () => {
  it('serves /s/<id> with 200, html and a strict Content-Security-Policy', async () => {
    const res = await request(`/s/${space.space.id}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toBe(PAGE);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/connect-src [^;]*ws:\/\/127\.0\.0\.1:1/);
    expect(csp).not.toMatch(/'unsafe-eval'|script-src[^;]*'unsafe-inline'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('accepts a trailing slash', async () => {
    expect((await request(`/s/${space.space.id}/`)).status).toBe(200);
  });

  it.each(['/s/unknown', '/s/zzzzzzzzzz', '/s/ABCDE12345'])('answers %s with 404 but still the html page and CSP', async (p) => {
    const res = await request(p);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toBe(PAGE);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('answers HEAD without a body', async () => {
    const res = await request(`/s/${space.space.id}`, 'HEAD');
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
  });
});

describe('public API', () => {
  it('answers /api/spaces/<id> with the public space and the live listener count, and nothing private', async () => {
    const listener = await connect(server.protocolUrl);
    clients.push(listener);
    listener.send({ type: 'join', spaceId: space.space.id });
    await listener.next(isType('joined'));
    const res = await request(`/api/spaces/${space.space.id}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = JSON.parse(res.body) as { space: unknown; listenerCount: unknown };
    expect(Object.keys(body).sort()).toEqual(['listenerCount', 'space']);
    expect(publicSpaceSchema.strict().parse(body.space)).toEqual(space.space);
    expect(body.listenerCount).toBe(1);
    expect(res.body).not.toContain(space.hostKey);
    expect(res.body).not.toMatch(/hash|host_key|credential/i);
  });

  it.each(['/api/spaces/zzzzzzzzzz', '/api/spaces/nope', `/api/spaces/${'a'.repeat(500)}`])('answers %s with a JSON 404', async (p) => {
    const res = await request(p);
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'not_found' } });
  });

  it('does not list spaces', async () => {
    expect((await request('/api/spaces')).status).toBe(404);
    expect((await request('/api/spaces/')).status).toBe(404);
  });

  it('answers /healthz', async () => {
    const res = await request('/healthz');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ok: true });
  });
});

describe('static files', () => {
  it('serves a built asset with its type and a long cache', async () => {
    const res = await request('/assets/app.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/javascript/);
    expect(res.headers['cache-control']).toContain('immutable');
    expect(res.body).toContain('listener');
  });

  it('serves the favicon', async () => {
    const res = await request('/favicon.svg');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml');
  });

  it.each([
    '/assets/../../etc/passwd',
    '/assets/../secret.txt',
    '/assets/../../secret.txt',
    '/assets/%2e%2e/secret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/assets/..%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/assets/..%5c..%5csecret.txt',
    '/assets/%252e%252e/secret.txt',
    '/assets/%c0%ae%c0%ae/secret.txt',
    '/assets/%00/../secret.txt',
    '/secret.txt',
    '/../secret.txt',
    '/listener/index.html',
    '/studio/index.html',
    '/assets/../studio/index.html',
    '/assets/',
    '/assets',
  ])('refuses %s with 404 and leaks nothing', async (p) => {
    const res = await request(p);
    expect(res.status).toBe(404);
    expect(res.body).not.toContain(SECRET);
    expect(res.body).not.toContain('root:');
    expect(res.body).not.toContain('Podium studio');
  });

  // Regression guard, fixed (server/http.ts createHttpHandler + serveStatic): the /assets/ prefix is checked on the still-encoded path,
  // the file is resolved from the decoded one, so an encoded slash walks out of assets/ to any file under the
  // renderer root (e.g. the studio's page) on the public listener server. The root itself is never escaped.
  it.each(['/assets/..%2fstudio%2findex.html', '/assets/%2e%2e%2fstudio/index.html', '/assets/..%2flistener/index.html'])(
    'serves only assets/ under /assets/, not %s',
    async (p) => {
      const res = await request(p);
      expect(res.status).toBe(404);
      expect(res.body).not.toMatch(/Podium (studio|listener)/);
    },
  );
});

describe('methods and upgrades', () => {
  it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('answers %s with 405', async (method) => {
    for (const p of [`/s/${space.space.id}`, `/api/spaces/${space.space.id}`, '/assets/app.js']) {
      const res = await request(p, method);
      expect(res.status, `${method} ${p}`).toBe(405);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'bad_request' } });
    }
    expect(server.listSpaces()).toHaveLength(1);
  });

  it('refuses a WebSocket upgrade anywhere but the protocol path', async () => {
    await expect(connect(server.url.replace(/^http/, 'ws') + '/not-ws', 1500)).rejects.toThrow();
    const ok = await connect(server.protocolUrl);
    clients.push(ok);
    expect(ok.isOpen()).toBe(true);
  });
});

describe('a server without a built listener page', () => {
  it('answers /s/<id> with 503 and a hint to build', async () => {
    fs.rmSync(path.join(assetsDir, 'listener'), { recursive: true });
    const res = await request(`/s/${space.space.id}`);
    expect(res.status).toBe(503);
    expect(res.body).toMatch(/npm run build/);
  });
});
