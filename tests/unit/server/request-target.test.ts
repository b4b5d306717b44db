// The request-target reader every HTTP and upgrade handler uses: it must never throw, and must hand back the path
// only for an origin-form target (`/path?query`); anything else is a 400, not a crash.
import { describe, expect, it } from 'vitest';
import { requestPath } from '../../../server/request-target';

describe('requestPath', () => {
  it('returns the (still percent-encoded) path of ordinary targets, without the query', () => {
    expect(requestPath('/')).toBe('/');
    expect(requestPath('/healthz')).toBe('/healthz');
    expect(requestPath('/s/abc123?utm_source=x&y=%7B')).toBe('/s/abc123');
    expect(requestPath('/assets/a%20b.js')).toBe('/assets/a%20b.js');
    expect(requestPath("/a-b_c.d~e!$&'()*+,;=:@")).toBe("/a-b_c.d~e!$&'()*+,;=:@");
    // Browsers leave these unescaped in a query; the query is not read, so it does not matter.
    expect(requestPath('/s/x?q=a|b^c{d}')).toBe('/s/x');
  });

  it('returns null, without throwing, for the targets that used to end the process', () => {
    for (const target of ['//[', '//', '//example.com/x', 'http://[', '/%', '/%zz', '/%2', '/[', '/a b']) {
      expect(() => requestPath(target)).not.toThrow();
      expect(requestPath(target), target).toBeNull();
    }
  });

  it('refuses every form that is not origin-form', () => {
    expect(requestPath('*')).toBeNull();
    expect(requestPath('http://127.0.0.1/healthz')).toBeNull();
    expect(requestPath('example.com:443')).toBeNull();
    expect(requestPath('')).toBeNull();
    expect(requestPath(undefined)).toBeNull();
    expect(requestPath('healthz')).toBeNull();
  });

  it('refuses control bytes, non-ASCII and a backslash anywhere', () => {
    for (const target of ['/\x00', '/a\x01b', '/\x7f', '/é', '/😀', '/a\\b', '/?a\x00', '/?é', '/?a b', '/#frag']) {
      expect(requestPath(target), JSON.stringify(target)).toBeNull();
    }
  });

  it('never throws on random input', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 2000; i++) {
      const text = String.fromCharCode(...Array.from({ length: Math.floor(random() * 12) }, () => Math.floor(random() * 256)));
      const target = random() < 0.7 ? '/' + text : text;
      const result = requestPath(target);
      if (result !== null) expect(target.startsWith(result)).toBe(true);
    }
  });
});
