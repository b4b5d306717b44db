// Which file an app-scheme URL is: the studio page for '/', a built asset named exactly, a /media/ token, or
// nothing — whatever the URL does to escape the built renderer.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_MEDIA_PREFIX, resolveAppRequest } from '../../../../main/shell/app-protocol';
import { MEDIA_PATH } from '../../../../main/services/studio';

const ROOT = path.resolve('/srv/podium/out/renderer');
const get = (url: string, method = 'GET') => resolveAppRequest({ url, method }, ROOT);
const file = (...parts: string[]) => ({ kind: 'file', file: path.join(ROOT, ...parts) });
const notFound = { kind: 'refuse', status: 404 };

describe('resolveAppRequest', () => {
  it('serves the studio page at /', () => {
    expect(get('podium-app://studio/')).toEqual(file('studio', 'index.html'));
    expect(get('podium-app://studio/?reload=1#k')).toEqual(file('studio', 'index.html'));
    expect(get('podium-app://studio/', 'HEAD')).toEqual(file('studio', 'index.html'));
  });

  it('serves built assets by their exact names', () => {
    expect(get('podium-app://studio/assets/studio-BZ9bmzLL.js')).toEqual(file('assets', 'studio-BZ9bmzLL.js'));
    expect(get('podium-app://studio/assets/rnnoise_simd-BsE3sPy6.wasm')).toEqual(file('assets', 'rnnoise_simd-BsE3sPy6.wasm'));
    expect(get('podium-app://studio/favicon.svg')).toEqual(file('favicon.svg'));
    expect(get('podium-app://studio/listener/index.html')).toEqual(file('listener', 'index.html'));
  });

  it('hands /media/<token> to the recordings, and nothing path-like', () => {
    expect(APP_MEDIA_PREFIX).toBe(MEDIA_PATH);
    expect(get('podium-app://studio/media/AbC_-123456789012345678901')).toEqual({ kind: 'media', token: 'AbC_-123456789012345678901' });
    for (const url of ['podium-app://studio/media/', 'podium-app://studio/media/a/b', 'podium-app://studio/media/..%2f..%2fetc', 'podium-app://studio/media/a.wav', 'podium-app://studio/media/a%00']) {
      expect(get(url)).toEqual(notFound);
    }
  });

  it.each([
    // Dot segments: the URL parser resolves these inside the root, so they name a (missing) file there, never above.
    ['podium-app://studio/../../etc/passwd', file('etc', 'passwd')],
    ['podium-app://studio/%2e%2e/%2e%2e/etc/passwd', file('etc', 'passwd')],
    ['podium-app://studio/assets/%2E%2E/%2E%2E/secrets.json', file('secrets.json')],
    ['podium-app://studio/.%2e/secrets.json', file('secrets.json')],
    ['podium-app://studio/media/%2e%2e', file('studio', 'index.html')],
  ])('keeps %s inside the root', (url, expected) => {
    expect(get(url)).toEqual(expected);
  });

  it.each([
    'podium-app://studio/..%2f..%2fsecrets.json',
    'podium-app://studio/assets/..%2F..%2F..%2Fetc%2Fpasswd',
    'podium-app://studio/%2e%2e%2fsecrets.json',
    'podium-app://studio/..\\..\\secrets.json',
    'podium-app://studio/..%5c..%5csecrets.json',
    'podium-app://studio/assets%5c..%5c..%5csecrets.json',
    'podium-app://studio//etc/passwd',
    'podium-app://studio/%2fetc/passwd',
    'podium-app://studio/assets//studio-BZ9bmzLL.js',
    'podium-app://studio/C:/Windows/win.ini',
    'podium-app://studio/C%3A%5CWindows%5Cwin.ini',
    'podium-app://studio/index.html%00.png',
    'podium-app://studio/studio/index.html%00',
    'podium-app://studio/%0aassets',
    'podium-app://studio/.env',
    'podium-app://studio/.git/config',
    'podium-app://studio/assets/',
    'podium-app://studio/%',
    'podium-app://studio/%zz',
    'podium-app://studio/%c0%ae%c0%ae/secrets.json',
    'podium-app://studio/' + 'a'.repeat(300),
  ])('refuses %s', (url) => {
    expect(get(url)).toEqual(notFound);
  });

  it.each([
    'podium-app://evil/',
    'podium-app://evil/studio/index.html',
    'podium-app://studio.evil/',
    'podium-app://studio@evil/',
    'podium-app://user@studio/',
    'podium-app://studio:8080/',
    'https://studio/',
    'file:///etc/passwd',
    'not a url',
    '',
  ])('refuses %s, which is not the studio host', (url) => {
    expect(get(url)).toEqual(notFound);
  });

  it('answers only GET and HEAD', () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      expect(get('podium-app://studio/', method)).toEqual({ kind: 'refuse', status: 405 });
    }
    expect(get('podium-app://studio/', 'get')).toEqual(file('studio', 'index.html'));
    expect(resolveAppRequest({ url: 'podium-app://studio/' }, ROOT)).toEqual(file('studio', 'index.html'));
  });
});
