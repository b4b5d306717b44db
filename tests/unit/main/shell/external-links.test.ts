// Links go to the system browser only as https, without credentials, and only after the host has been shown.
import { describe, expect, it } from 'vitest';
import { externalOpenDecision } from '../../../../main/shell/external-links';

const ask = (raw: unknown) => {
  const decision = externalOpenDecision(raw);
  if (!('ask' in decision)) throw new Error(`refused: ${decision.reason}`);
  return decision.ask;
};

describe('externalOpenDecision', () => {
  it('asks before opening an https link, naming its host', () => {
    const a = ask('https://x.com/someone/status/1234567890');
    expect(a).toMatchObject({ url: 'https://x.com/someone/status/1234567890', host: 'x.com' });
    expect(a.message).toContain('x.com');
    expect(a.detail).toContain('https://x.com/someone/status/1234567890');
  });

  it('shows the host a look-alike really goes to', () => {
    // Cyrillic "а" in "pаypal": the parser's punycode shows it is not the real one.
    expect(ask('https://pаypal.com/login').host).toBe('xn--pypal-4ve.com');
    expect(ask('https://trusted.example.evil.example/').host).toBe('trusted.example.evil.example');
    expect(ask('HTTPS://EXAMPLE.ORG/A').host).toBe('example.org');
    expect(ask('https://example.org.:8443/').host).toBe('example.org.');
    expect(ask('  https://example.org/  ').url).toBe('https://example.org/');
  });

  it.each([
    'https://trusted.example@evil.example/',
    'https://user:pass@example.org/',
    'https://:pass@example.org/',
    'https://user@example.org/',
  ])('refuses %s, which carries credentials', (url) => {
    expect(externalOpenDecision(url)).toMatchObject({ open: false });
  });

  it.each([
    'http://example.org/',
    'http://localhost:7800/s/abcdefghij',
    'http://127.0.0.1:7800/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'podium-app://studio/',
    'podium://open/example.org/abcdefghij',
    'smb://evil/share',
    'ms-msdt:/id PCWDiagnostic',
    'vscode://file/etc/passwd',
    'mailto:a@example.org',
    'ftp://example.org/',
    'blob:https://example.org/uuid',
    'about:blank',
    '//example.org/',
    'example.org',
    '',
    'https://',
    'https:example.org',
  ])('refuses %s', (url) => {
    // https:example.org is parsed as https://example.org/ by WHATWG; anything but a parse to https is refused.
    const decision = externalOpenDecision(url);
    if (url === 'https:example.org') expect(decision).toMatchObject({ ask: { host: 'example.org' } });
    else expect(decision).toMatchObject({ open: false });
  });

  it('refuses what is not a string and absurdly long links', () => {
    for (const raw of [undefined, null, 1, {}, ['https://example.org/']]) expect(externalOpenDecision(raw)).toMatchObject({ open: false });
    expect(externalOpenDecision('https://example.org/' + 'a'.repeat(3000))).toMatchObject({ open: false });
  });
});
