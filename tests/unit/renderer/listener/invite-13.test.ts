// Co-host invites on the listener page, as pure functions: which page a link opens (an invite never joins), the key
// taken out of the address, the podium:// and web links built from an offer, and how the offer's time is said.
import { describe, expect, it } from 'vitest';
import { fromAppLink } from '../../../../common/links';
import { inviteKeyIn, inviteLinks, offerLapseText, pageModeFor, spaceIdIn, withoutInviteKey } from '../../../../renderer/listener/invite';

const KEY = 'Zq4_x-9PbK2mW7rT1vY8sN3c';

describe('pageModeFor', () => {
  it('opens a plain share link as the space', () => {
    expect(pageModeFor('/s/abcde12345', '')).toBe('space');
    expect(pageModeFor('/s/abcde12345', '#')).toBe('space');
    expect(pageModeFor('/s/abcde12345/', '#t=1')).toBe('space');
  });

  it('opens a co-host invite link as the invite screen, never as the space', () => {
    expect(pageModeFor('/s/abcde12345', `#cohost=${KEY}`)).toBe('invite');
    // A damaged key is still an invite: the page must not join with it, nor pretend it was a listener link.
    expect(pageModeFor('/s/abcde12345', '#cohost=short')).toBe('invite');
    expect(pageModeFor('/s/abcde12345', '#cohost=')).toBe('invite');
  });

  it('says when the path is no space at all', () => {
    expect(pageModeFor('/', `#cohost=${KEY}`)).toBe('bad-link');
    expect(pageModeFor('/s/ABCDE12345', '')).toBe('bad-link');
    expect(pageModeFor('/s/abcde1234', '')).toBe('bad-link');
    expect(pageModeFor('/s/abcde12345/extra', '')).toBe('bad-link');
  });
});

describe('inviteKeyIn / spaceIdIn', () => {
  it('reads a well-formed key only', () => {
    expect(inviteKeyIn(`#cohost=${KEY}`)).toBe(KEY);
    expect(inviteKeyIn(`cohost=${KEY}`)).toBe(KEY);
    expect(inviteKeyIn('#cohost=short')).toBeNull();
    expect(inviteKeyIn(`#cohost=${KEY}%3Cscript%3E`)).toBeNull();
    expect(inviteKeyIn(`#cohost=${'a'.repeat(129)}`)).toBeNull();
    expect(inviteKeyIn('')).toBeNull();
  });

  it('reads the space id of a listener path', () => {
    expect(spaceIdIn('/s/abcde12345')).toBe('abcde12345');
    expect(spaceIdIn('/x/abcde12345')).toBeNull();
  });
});

describe('withoutInviteKey', () => {
  it('takes the key out of the address and leaves no bare #', () => {
    expect(withoutInviteKey(`http://127.0.0.1:7800/s/abcde12345#cohost=${KEY}`)).toBe('http://127.0.0.1:7800/s/abcde12345');
    expect(withoutInviteKey(`https://podium.example/s/abcde12345?ref=x#cohost=${KEY}`)).toBe('https://podium.example/s/abcde12345?ref=x');
  });

  it('keeps other parts of the fragment', () => {
    expect(withoutInviteKey(`https://podium.example/s/abcde12345#t=5&cohost=${KEY}`)).toBe('https://podium.example/s/abcde12345#t=5');
  });
});

describe('inviteLinks', () => {
  it('builds the podium:// link and the web invite from the page and the key; each leads back to the same invite', () => {
    const links = inviteLinks('http://127.0.0.1:7800', '/s/abcde12345', KEY)!;
    expect(links.appLink).toBe(`podium://open/127.0.0.1:7800/abcde12345#cohost=${KEY}`);
    expect(links.webLink).toBe(`http://127.0.0.1:7800/s/abcde12345#cohost=${KEY}`);
    // What the desktop app makes of the podium:// link is exactly the web invite.
    expect(fromAppLink(links.appLink!)).toBe(links.webLink);
  });

  it('works for a public https server', () => {
    const links = inviteLinks('https://spaces.example.org', '/s/abcde12345', KEY)!;
    expect(links.appLink).toBe(`podium://open/spaces.example.org/abcde12345#cohost=${KEY}`);
    expect(fromAppLink(links.appLink!)).toBe(`https://spaces.example.org/s/abcde12345#cohost=${KEY}`);
  });

  it('refuses a path that is no space and a key that is no key', () => {
    expect(inviteLinks('https://spaces.example.org', '/', KEY)).toBeNull();
    expect(inviteLinks('https://spaces.example.org', '/s/abcde12345', 'short')).toBeNull();
    expect(inviteLinks('https://spaces.example.org', '/s/abcde12345', `${KEY}"><b>`)).toBeNull();
  });
});

describe('offerLapseText', () => {
  const now = 1_000_000;
  it('counts whole minutes up, in the singular and plural', () => {
    expect(offerLapseText(now + 10 * 60_000, now)).toBe('The offer stands for 10 more minutes.');
    expect(offerLapseText(now + 9 * 60_000 + 1, now)).toBe('The offer stands for 10 more minutes.');
    expect(offerLapseText(now + 61_000, now)).toBe('The offer stands for 2 more minutes.');
    expect(offerLapseText(now + 60_000, now)).toBe('The offer stands for 1 more minute.');
  });

  it('says less than a minute, then that it lapsed', () => {
    expect(offerLapseText(now + 59_000, now)).toBe('The offer stands for less than a minute.');
    expect(offerLapseText(now, now)).toBe('This offer has lapsed. The host can ask again.');
    expect(offerLapseText(now - 5_000, now)).toBe('This offer has lapsed. The host can ask again.');
  });
});
