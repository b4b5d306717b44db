// The listener page's new pieces rendered to markup (no browser): the co-host offer card and the invite screen, pin
// captions (plain text, never HTML), the stage's reaction anchors, a title edited while live reaching the header,
// the name field's cut note, and the words the page shows (durations, counts, sentences).
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { Pin } from '../../../../common/moderation';
import type { ServerMessage, StageMember } from '../../../../common/protocol';
import type { PublicSpace } from '../../../../common/space';
import { CohostOfferCard, InviteScreen } from '../../../../renderer/listener/CohostOffer';
import { inviteLinks } from '../../../../renderer/listener/invite';
import { NameFieldView } from '../../../../renderer/listener/NameField';
import { SpaceHeader } from '../../../../renderer/listener/SpaceHeader';
import { Pins, Stage } from '../../../../renderer/listener/Stage';
import { Ended, ranFor } from '../../../../renderer/listener/States';
import { sentence } from '../../../../renderer/ui/words';
import { INITIAL_SFU_SNAPSHOT } from '../../../../renderer/sfu/adapter';
import { EMPTY_VIEW, reduceSpace } from '../../../../renderer/state/space-view';

const KEY = 'Zq4_x-9PbK2mW7rT1vY8sN3c';
const links = inviteLinks('http://127.0.0.1:7800', '/s/abcde12345', KEY)!;
const noop = () => {};
const space: PublicSpace = { id: 'abcde12345', title: 'Open mic', description: 'Bring a song', hostName: 'Ann', status: 'live', createdAt: 1, startedAt: 2, endedAt: null };

describe('CohostOfferCard', () => {
  const card = (over: Partial<Parameters<typeof CohostOfferCard>[0]> = {}) =>
    renderToStaticMarkup(
      createElement(CohostOfferCard, { from: 'Ann', expiresAt: 10 * 60_000, now: 0, links, copied: null, onCopy: noop, onDecline: noop, ...over }),
    );

  it('says who asks and where co-hosts work, with the podium:// link, the web invite and Not now', () => {
    const html = card();
    expect(html).toContain('<strong>Ann</strong> asked you to co-host.');
    expect(html).toContain('Co-hosts moderate from the Podium studio.');
    expect(html).toContain(`href="podium://open/127.0.0.1:7800/abcde12345#cohost=${KEY}"`);
    expect(html).toContain('>Open in Podium</a>');
    expect(html).toContain(`data-invite-url="http://127.0.0.1:7800/s/abcde12345#cohost=${KEY}"`);
    expect(html).toContain('Using the web studio? Copy the invite');
    expect(html).toContain('data-testid="decline-cohost"');
    expect(html).toContain('>Not now</button>');
    expect(html).toContain('The offer stands for 10 more minutes.');
    expect(html).not.toContain('`');
  });

  it('shows a host name as text, never as markup', () => {
    const html = card({ from: '<img src=x onerror=alert(1)>' });
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('after a copy, says what to do with it; after a failed copy, shows the link to select', () => {
    expect(card({ copied: 'copied' })).toContain('Copied. Paste it into “Join as co-host” in the web studio.');
    expect(card({ copied: null })).not.toContain('copy-invite-fallback');
    const failed = card({ copied: 'failed' });
    expect(failed).toContain('data-testid="copy-invite-fallback"');
    expect(failed).toContain(`value="${links.webLink}"`);
  });

  it('leaves out Open in Podium when no podium:// link can be made', () => {
    expect(card({ links: { ...links, appLink: null } })).not.toContain('open-in-podium');
  });
});

describe('InviteScreen', () => {
  it('offers Podium and joining as a listener, never a co-host seat here', () => {
    const html = renderToStaticMarkup(createElement(InviteScreen, { links, copied: null, onCopy: noop, onJoin: noop }));
    expect(html).toContain('This is a co-host invite');
    expect(html).toContain('Co-hosts moderate from the Podium studio.');
    expect(html).toContain(`href="${links.appLink}"`);
    expect(html).toContain('data-testid="join-as-listener"');
    expect(html).toContain('Join as a listener instead');
  });

  it('names the space and its host once the server has said, as text', () => {
    const html = renderToStaticMarkup(createElement(InviteScreen, { links, space: { title: 'Late <i>show</i>', hostName: 'Ann' }, copied: null, onCopy: noop, onJoin: noop }));
    expect(html).toContain('to <strong>Late &lt;i&gt;show&lt;/i&gt;</strong>, hosted by Ann');
    expect(renderToStaticMarkup(createElement(InviteScreen, { links, copied: null, onCopy: noop, onJoin: noop }))).not.toContain('invite-space');
  });

  it('with a damaged key, says so and still lets the person listen', () => {
    const html = renderToStaticMarkup(createElement(InviteScreen, { links: null, copied: null, onCopy: noop, onJoin: noop }));
    expect(html).toContain('The invite key in this link is damaged.');
    expect(html).not.toContain('podium://');
    expect(html).toContain('Join as a listener instead');
  });
});

describe('Pins', () => {
  const pin = (over: Partial<Pin>): Pin => ({ id: 'pin1', url: 'https://x.com/ann/status/123', kind: 'x', handle: 'ann', postId: '123', site: 'x.com', ...over }) as Pin;

  it('shows the caption with its card, as plain text', () => {
    const html = renderToStaticMarkup(createElement(Pins, { pins: [pin({ caption: 'Our roadmap <b>thread</b> & notes' })] }));
    expect(html).toContain('<p class="pin-caption" data-testid="pin-caption">Our roadmap &lt;b&gt;thread&lt;/b&gt; &amp; notes</p>');
    // The caption comes first, then the card, in one list item.
    expect(html).toMatch(/<li class="pin-item" data-testid="pin-item"><p class="pin-caption"[^]*data-testid="pin"[^]*<\/li>/);
  });

  it('shows no caption line for a pin without one (absent or empty)', () => {
    const html = renderToStaticMarkup(createElement(Pins, { pins: [pin({}), pin({ id: 'pin2', caption: '' })] }));
    expect(html).not.toContain('pin-caption');
    expect(html.match(/data-testid="pin"/g)).toHaveLength(2);
  });
});

describe('Stage', () => {
  it('marks every avatar as the reaction anchor of its member', () => {
    const members: StageMember[] = [
      { id: 'p0123456789abcdef', name: 'Ann', role: 'host' },
      { id: 'pfedcba9876543210', name: 'Max 🚀', role: 'speaker' },
    ] as StageMember[];
    const html = renderToStaticMarkup(createElement(Stage, { members, you: null, sfu: INITIAL_SFU_SNAPSHOT, live: true, publishing: false }));
    expect(html.match(/data-reaction-anchor="/g)).toHaveLength(2);
    expect(html).toMatch(/<div class="tile-avatar" data-reaction-anchor="p0123456789abcdef"><div class="avatar[^]*?Ann/);
    expect(html).toContain('data-reaction-anchor="pfedcba9876543210"');
  });
});

describe('a title edited while live', () => {
  it('reaches the header through the space message', () => {
    const joined: ServerMessage = { type: 'joined', participantId: 'p0123456789abcdef', role: 'listener', space, listenerCount: 3 };
    let view = reduceSpace({ ...EMPTY_VIEW }, joined);
    const header = () => renderToStaticMarkup(createElement(SpaceHeader, { space: view.space!, phase: 'live', listenerCount: view.listenerCount, recording: null }));
    expect(header()).toContain('>Open mic</h1>');
    view = reduceSpace(view, { type: 'space', space: { ...space, title: 'Open mic: the encore', description: 'Two more songs' }, listenerCount: 4 });
    const html = header();
    expect(html).toContain('>Open mic: the encore</h1>');
    expect(html).toContain('Two more songs');
    expect(html).not.toContain('Bring a song');
    expect(html).toContain('4 listeners');
  });

  it('counts listeners in words', () => {
    const count = (n: number) => renderToStaticMarkup(createElement(SpaceHeader, { space, phase: 'live', listenerCount: n, recording: null }));
    expect(count(1)).toContain('>1 listener<');
    expect(count(0)).toContain('>No listeners yet<');
    expect(count(1204)).toContain('>1,204 listeners<');
  });
});

describe('NameFieldView', () => {
  const field = (name: string, cut: boolean) => renderToStaticMarkup(createElement(NameFieldView, { name, cut, onEdit: noop, onCommit: noop }));

  it('says when a paste was cut', () => {
    expect(field('x'.repeat(60), true)).toContain('Names are at most 60 characters, so the end was cut.');
    expect(field('Lena', false)).not.toContain('was cut');
  });

  it('counts what a reader sees: ten rockets are 10 characters, not 20', () => {
    expect(field(`${'a'.repeat(45)}${'🚀'.repeat(10)}`, false)).toContain('>55/60<');
    expect(field('🚀'.repeat(10), false)).not.toContain('/60');
  });
});

describe('words', () => {
  it('says how long an ended space ran', () => {
    expect(ranFor(20_000)).toBe('under a minute');
    expect(ranFor(60_000)).toBe('1 minute');
    expect(ranFor(42 * 60_000)).toBe('42 minutes');
    expect(ranFor(60 * 60_000)).toBe('1 hour');
    expect(ranFor(65 * 60_000)).toBe('1 hour 5 minutes');
    expect(ranFor(121 * 60_000)).toBe('2 hours 1 minute');
  });

  it('ends a space in sentences, with the host named', () => {
    const html = renderToStaticMarkup(createElement(Ended, { space: { ...space, status: 'ended', startedAt: 0, endedAt: 42 * 60_000 } }));
    expect(html).toContain('This space has ended.');
    expect(html).toContain('It ran for 42 minutes. Thanks for listening. When Ann hosts again, they will share a new link.');
  });

  it('makes a server message one plain sentence', () => {
    expect(sentence('slow down: one reaction at a time')).toBe('Slow down: one reaction at a time.');
    expect(sentence('Start it again with `npm start`')).toBe('Start it again with npm start.');
    expect(sentence('Already a sentence!')).toBe('Already a sentence!');
    expect(sentence('  ')).toBe('');
  });
});
