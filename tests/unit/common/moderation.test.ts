// The action table both the studio and the server read, and pin validation.
import { describe, expect, it } from 'vitest';
import { MOD_ACTIONS, MOD_ACTION_NAMES, PIN_CAPTION_MAX, auditParts, checkPinCaption, mayPerform, parsePinUrl } from '../../../common/moderation';
import type { Role } from '../../../common/space';

const target = (role: Role, handRaised = false, invited = false) => ({ role, handRaised, invited });

describe('moderation actions', () => {
  it('gives every action a distinct one-key shortcut and a label', () => {
    const keys = MOD_ACTION_NAMES.map((a) => MOD_ACTIONS[a].shortcut);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of keys) expect(k).toMatch(/^[a-z]$/);
    // M is the studio's own mute; it must stay free.
    expect(keys).not.toContain('m');
  });

  it('lets only hosts and co-hosts act, and only where it makes sense', () => {
    for (const action of MOD_ACTION_NAMES) {
      expect(mayPerform('listener', action, target('listener', true))).toBe(false);
      expect(mayPerform('speaker', action, target('listener', true))).toBe(false);
      expect(mayPerform('cohost', action, target('host'))).toBe(false);
      expect(mayPerform('host', action, target('cohost'))).toBe(false);
    }
    expect(mayPerform('host', 'approve', target('listener', true))).toBe(true);
    expect(mayPerform('host', 'approve', target('listener', false))).toBe(false);
    expect(mayPerform('cohost', 'mute', target('speaker'))).toBe(true);
    expect(mayPerform('cohost', 'mute', target('listener'))).toBe(false);
    expect(mayPerform('host', 'invite', target('listener', false, true))).toBe(false);
    expect(mayPerform('host', 'remove', target('speaker'))).toBe(true);
    expect(MOD_ACTION_NAMES.filter((a) => MOD_ACTIONS[a].confirm)).toEqual(['remove', 'block']);
  });
});

describe('parsePinUrl', () => {
  it('recognises X and Twitter posts in their usual shapes and normalises them', () => {
    for (const url of [
      'https://twitter.com/jack/status/20',
      'https://x.com/jack/status/20?s=46&t=abc',
      'https://mobile.twitter.com/jack/statuses/20',
      'https://www.x.com/jack/status/20/photo/1',
    ]) {
      expect(parsePinUrl(url)).toEqual({ ok: true, pin: { url: 'https://x.com/jack/status/20', kind: 'x', handle: 'jack', postId: '20', site: 'x.com' } });
    }
  });

  it('keeps other https links as plain cards', () => {
    expect(parsePinUrl(' https://www.example.org/post?id=1 ')).toEqual({
      ok: true,
      pin: { url: 'https://www.example.org/post?id=1', kind: 'link', handle: null, postId: null, site: 'example.org' },
    });
    expect(parsePinUrl('https://x.com/jack')).toMatchObject({ ok: true, pin: { kind: 'link' } });
  });

  it('refuses what should not be pinned, saying why', () => {
    expect(parsePinUrl('')).toMatchObject({ ok: false, message: expect.stringContaining('paste') });
    expect(parsePinUrl('http://example.org')).toMatchObject({ ok: false, message: expect.stringContaining('https') });
    expect(parsePinUrl('javascript:alert(1)')).toMatchObject({ ok: false });
    expect(parsePinUrl('https://user:pw@example.org')).toMatchObject({ ok: false, message: expect.stringContaining('password') });
    expect(parsePinUrl('https://e.org/' + 'a'.repeat(600))).toMatchObject({ ok: false, message: expect.stringContaining('500') });
    expect(parsePinUrl('not a link')).toMatchObject({ ok: false });
  });
});

describe('pins typed the way people paste them', () => {
  it('adds https:// to a link without a scheme, then checks it', () => {
    const x = parsePinUrl('x.com/user/status/123');
    expect(x).toEqual({ ok: true, pin: { url: 'https://x.com/user/status/123', kind: 'x', handle: 'user', postId: '123', site: 'x.com' } });
    const site = parsePinUrl('www.example.org/a?b=1');
    expect(site.ok && site.pin.url).toBe('https://www.example.org/a?b=1');
    expect(parsePinUrl('hello').ok).toBe(false);
    expect(parsePinUrl('localhost:8080/x').ok).toBe(false);
    expect(parsePinUrl('http://example.org').ok).toBe(false);
    expect(parsePinUrl('javascript:alert(1)').ok).toBe(false);
    expect(parsePinUrl('user:pw@example.org').ok).toBe(false);
  });

  it('checks captions by what a reader sees', () => {
    expect(checkPinCaption('  Read   this\nfirst ')).toEqual({ ok: true, caption: 'Read this first' });
    expect(checkPinCaption('🚀'.repeat(PIN_CAPTION_MAX)).ok).toBe(true);
    expect(checkPinCaption('🚀'.repeat(PIN_CAPTION_MAX + 1)).ok).toBe(false);
  });
});

describe('audit phrases', () => {
  it('put the name inside the phrase', () => {
    expect(auditParts(MOD_ACTIONS.demote.done)).toEqual(['moved ', ' to the listeners']);
    expect(auditParts('muted')).toEqual(['muted ', '']);
    for (const action of MOD_ACTION_NAMES) expect(MOD_ACTIONS[action].done).toContain('{target}');
  });
});
