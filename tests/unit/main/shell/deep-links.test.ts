// podium:// links on a command line or from macOS: only a space's link becomes anything.
import { describe, expect, it } from 'vitest';
import { webLinkFromAppLink, webLinkFromArgv } from '../../../../main/shell/deep-links';

const ID = 'abcdefghij';

describe('podium:// links reaching the shell', () => {
  it('finds the link among Chromium switches on a second launch', () => {
    const argv = ['/opt/Podium/podium', '--allow-file-access-from-files', '--original-process-start-time=1', `podium://open/spaces.example.org/${ID}`];
    expect(webLinkFromArgv(argv)).toBe(`https://spaces.example.org/s/${ID}`);
    expect(webLinkFromArgv(['podium', `podium://open/127.0.0.1:7800/${ID}#cohost=${'k'.repeat(24)}`])).toBe(`http://127.0.0.1:7800/s/${ID}#cohost=${'k'.repeat(24)}`);
  });

  it('gives nothing for a launch without a link, or with one that is not a space', () => {
    expect(webLinkFromArgv(['podium', '.'])).toBeNull();
    expect(webLinkFromArgv([])).toBeNull();
    expect(webLinkFromArgv(['podium', 'podium://settings'])).toBeNull();
    expect(webLinkFromArgv(['podium', `podium://open/evil.example/${ID}/../../x`])).toBeNull();
    expect(webLinkFromArgv(['podium', `podium://open/user@evil.example/${ID}`])).toBeNull();
    expect(webLinkFromArgv(['podium', `podium://open/evil.example/${ID}#x=javascript:1`])).toBeNull();
    expect(webLinkFromArgv(['podium', 'https://example.org/s/' + ID])).toBeNull();
    expect(webLinkFromArgv([undefined, 3, {}])).toBeNull();
  });

  it('only looks at the first arguments of a command line', () => {
    const argv = [...Array.from({ length: 100 }, () => '--x'), `podium://open/example.org/${ID}`];
    expect(webLinkFromArgv(argv)).toBeNull();
  });

  it('takes macOS open-url links the same way', () => {
    expect(webLinkFromAppLink(`podium://open/example.org/${ID}`)).toBe(`https://example.org/s/${ID}`);
    expect(webLinkFromAppLink(`  podium://open/example.org/${ID}\n`)).toBe(`https://example.org/s/${ID}`);
    expect(webLinkFromAppLink(`podium://open/example.org/${ID}` + 'x'.repeat(600))).toBeNull();
    expect(webLinkFromAppLink(`podium://open/localhost:7800/${ID}`)).toBe(`http://localhost:7800/s/${ID}`);
    // Only literal loopback gets plain http: a name that merely starts like it is another host.
    expect(webLinkFromAppLink(`podium://open/127.0.0.1.evil.example/${ID}`)).toBe(`https://127.0.0.1.evil.example/s/${ID}`);
    expect(webLinkFromAppLink(`podium://open/localhost.evil.example/${ID}`)).toBe(`https://localhost.evil.example/s/${ID}`);
    expect(webLinkFromAppLink(null)).toBeNull();
  });
});
