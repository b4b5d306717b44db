import { describe, expect, it } from 'vitest';
import { createLinkInbox } from '../../../common/link-inbox';
import { fromAppLink, toAppLink } from '../../../common/links';

describe('podium:// links', () => {
  it('round-trips share links and co-host invites', () => {
    for (const web of ['http://127.0.0.1:7800/s/abcdefghij', 'https://spaces.example.org/s/abcdefghij#cohost=' + 'k'.repeat(32)]) {
      const app = toAppLink(web);
      expect(app).toMatch(/^podium:\/\/open\//);
      expect(fromAppLink(app!)).toBe(web);
    }
  });

  it('uses https for anything but this machine, and refuses links that are not a space', () => {
    expect(fromAppLink('podium://open/spaces.example.org/abcdefghij')).toBe('https://spaces.example.org/s/abcdefghij');
    for (const bad of ['podium://open/example.org/../../etc', 'podium://open/e.org/ABCDEFGHIJ', 'podium://settings', 'https://e.org/s/abcdefghij', 'podium://open/e.org/abcdefghij#x=<script>']) {
      expect(fromAppLink(bad)).toBeNull();
    }
    expect(toAppLink('https://e.org/other/abcdefghij')).toBeNull();
    expect(toAppLink('file:///s/abcdefghij')).toBeNull();
  });
});

describe('createLinkInbox: links main sends before the studio listens', () => {
  it('keeps a link that arrives before anyone listens, and hands it to the first listener', () => {
    const inbox = createLinkInbox();
    inbox.deliver('https://a.example/s/abcdefghij');
    const got: string[] = [];
    inbox.listen((u) => got.push(u));
    expect(got).toEqual(['https://a.example/s/abcdefghij']);
    inbox.deliver('https://a.example/s/bcdefghijk');
    expect(got).toEqual(['https://a.example/s/abcdefghij', 'https://a.example/s/bcdefghijk']);
  });

  it('delivers each waiting link once, in order; the same link clicked twice in a row waits once', () => {
    const inbox = createLinkInbox();
    for (const u of ['u1', 'u1', 'u2', 'u1']) inbox.deliver(u);
    const first: string[] = [];
    inbox.listen((u) => first.push(u));
    expect(first).toEqual(['u1', 'u2', 'u1']);
    const second: string[] = [];
    inbox.listen((u) => second.push(u));
    expect(second).toEqual([]);
  });

  it('keeps only the newest few while nobody listens', () => {
    const inbox = createLinkInbox(3);
    for (let i = 0; i < 10; i++) inbox.deliver(`u${i}`);
    const got: string[] = [];
    inbox.listen((u) => got.push(u));
    expect(got).toEqual(['u7', 'u8', 'u9']);
  });

  it('after the listener stops, links wait again for the next one', () => {
    const inbox = createLinkInbox();
    const got: string[] = [];
    const stop = inbox.listen((u) => got.push(u));
    stop();
    inbox.deliver('later');
    expect(got).toEqual([]);
    const next: string[] = [];
    inbox.listen((u) => next.push(u));
    expect(next).toEqual(['later']);
  });
});
