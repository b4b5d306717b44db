// Co-host invites: where they point, and when the studio asks before joining.
import { describe, expect, it } from 'vitest';
import { needsTrustPrompt, parseCohostInvite, serverLabel } from '../../../../renderer/studio/invite-link';

const KEY = 'invite-key-0123456789abcdef';
const OWN = 'http://127.0.0.1:7800';

describe('parseCohostInvite', () => {
  it("names the invite's server by its origin, next to where to connect", () => {
    const parsed = parseCohostInvite(`http://203.0.113.7:7800/s/abc123defg#cohost=${KEY}`);
    expect(parsed.ok && parsed.invite).toEqual({
      spaceId: 'abc123defg',
      key: KEY,
      shareUrl: 'http://203.0.113.7:7800/s/abc123defg',
      protocolUrl: 'ws://203.0.113.7:7800/ws',
      origin: 'http://203.0.113.7:7800',
    });
  });
});

describe('needsTrustPrompt', () => {
  const none = new Set<string>();

  it('asks for a server the studio has never used', () => {
    expect(needsTrustPrompt('http://203.0.113.7:7800', OWN, none)).toBe(true);
    // Same host, another port: another server.
    expect(needsTrustPrompt('http://127.0.0.1:7900', OWN, none)).toBe(true);
    // Before main has said which server is the studio's own, nothing counts as own.
    expect(needsTrustPrompt('http://127.0.0.1:7800', null, none)).toBe(true);
  });

  it("does not ask for the studio's own space server", () => {
    expect(needsTrustPrompt('http://127.0.0.1:7800', OWN, none)).toBe(false);
    expect(needsTrustPrompt('http://127.0.0.1:7800', `${OWN}/`, none)).toBe(false);
    expect(needsTrustPrompt('https://podium.example.com', 'https://podium.example.com:443', none)).toBe(false);
  });

  it('does not ask for a server joined before', () => {
    expect(needsTrustPrompt('http://203.0.113.7:7800', OWN, new Set(['http://203.0.113.7:7800']))).toBe(false);
    expect(needsTrustPrompt('http://203.0.113.7:7800', OWN, new Set(['http://203.0.113.7:7801']))).toBe(true);
  });

  it('asks when the origin cannot be read', () => {
    expect(needsTrustPrompt('podium://open/x', OWN, new Set(['podium://open/x']))).toBe(true);
  });
});

describe('serverLabel', () => {
  it('says host and port as the person would type them', () => {
    expect(serverLabel('http://203.0.113.7:7800')).toBe('203.0.113.7:7800');
    expect(serverLabel('https://podium.example.com')).toBe('podium.example.com');
    expect(serverLabel('http://[::1]:7800')).toBe('[::1]:7800');
  });
});
