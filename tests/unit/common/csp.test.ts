// One Content-Security-Policy for every Podium page, and the three places that serve a page use it: the web
// studio host, the space server's listener page, and (tests/shell/electron-shell.test.ts) the desktop app scheme.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../../common/csp';
import { startWebStudioHost, type WebStudioHost } from '../../../main/web/host';
import { securityHeaders } from '../../../server/http';

const directives = (csp: string) => new Map(csp.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)] as const));

describe('contentSecurityPolicy', () => {
  const studio = directives(contentSecurityPolicy({ page: 'studio' }));
  const listener = directives(contentSecurityPolicy({ page: 'listener', livekitUrl: 'wss://lk.example.org:7880' }));

  it('lets RNNoise compile WebAssembly, and nothing evaluate strings', () => {
    for (const page of [studio, listener]) {
      expect(page.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
      expect(page.get('default-src')).toEqual(["'self'"]);
    }
  });

  it('plays microphone streams and blobs, runs worklets from the page or blobs', () => {
    for (const page of [studio, listener]) {
      expect(page.get('media-src')).toEqual(["'self'", 'blob:', 'mediastream:']);
      expect(page.get('worker-src')).toEqual(["'self'", 'blob:']);
    }
  });

  it('cannot be framed, re-based, or post forms anywhere', () => {
    for (const page of [studio, listener]) {
      expect(page.get('frame-ancestors')).toEqual(["'none'"]);
      expect(page.get('base-uri')).toEqual(["'none'"]);
      expect(page.get('form-action')).toEqual(["'none'"]);
      expect(page.get('object-src')).toEqual(["'none'"]);
    }
  });

  it('connects the studio to loopback services, co-hosted servers and LiveKit anywhere', () => {
    expect(studio.get('connect-src')).toEqual(["'self'", 'ws:', 'wss:', 'http://127.0.0.1:*', 'https:']);
  });

  it('connects the listener page to its LiveKit over ws(s) and http(s)', () => {
    expect(listener.get('connect-src')).toEqual(["'self'", 'wss://lk.example.org:7880', 'https://lk.example.org:7880', 'ws:', 'wss:']);
    const local = directives(contentSecurityPolicy({ page: 'listener', livekitUrl: 'ws://127.0.0.1:17880' }));
    expect(local.get('connect-src')).toContain('http://127.0.0.1:17880');
  });

  it('refuses a LiveKit URL that is not one (the settings schema already does)', () => {
    for (const livekitUrl of ['not a url', 'javascript:alert(1)', 'file:///x']) {
      expect(() => contentSecurityPolicy({ page: 'listener', livekitUrl })).toThrow();
    }
  });
});

describe('every page is served with it', () => {
  let dir: string;
  let host: WebStudioHost;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-csp-'));
    fs.mkdirSync(path.join(dir, 'studio'));
    fs.writeFileSync(path.join(dir, 'studio', 'index.html'), '<!doctype html>');
    // No contract calls are made: only the page's headers are read.
    host = await startWebStudioHost({ assetsDir: dir } as Parameters<typeof startWebStudioHost>[0]);
  });

  afterAll(async () => {
    await host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('by the web studio host', async () => {
    const csp = await new Promise<string | undefined>((resolve, reject) =>
      http.get(host.origin + '/', (res) => (res.resume(), resolve(res.headers['content-security-policy'] as string | undefined))).on('error', reject),
    );
    expect(csp).toBe(contentSecurityPolicy({ page: 'studio' }));
  });

  it('by the space server for the listener page', () => {
    const livekitUrl = 'ws://127.0.0.1:17880';
    expect(securityHeaders(livekitUrl)['Content-Security-Policy']).toBe(contentSecurityPolicy({ page: 'listener', livekitUrl }));
  });
});
