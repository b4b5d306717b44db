// The listener page's recording badge and the speaker's note, rendered to markup (no browser): shown exactly while
// the stage says the space is recorded, and readable by a screen reader.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { PublicSpace } from '../../../../common/space';
import { RecordingBadge, RecordingNote } from '../../../../renderer/listener/Recording';
import { SpaceHeader } from '../../../../renderer/listener/SpaceHeader';

const space: PublicSpace = { id: 'abcde12345', title: 'Open mic', description: '', hostName: 'Ann', status: 'live', createdAt: 1, startedAt: 2, endedAt: null };
const since = { since: Date.UTC(2026, 0, 1, 12, 0) };

describe('RecordingBadge', () => {
  it('keeps an empty status region while not recorded, so the badge is announced when it appears', () => {
    const html = renderToStaticMarkup(createElement(RecordingBadge, { recording: null }));
    expect(html).toBe('<span class="rec-slot" role="status"></span>');
  });

  it('shows REC and says in words that the space is being recorded', () => {
    const html = renderToStaticMarkup(createElement(RecordingBadge, { recording: since }));
    expect(html).toMatch(/^<span class="rec-slot" role="status"><span class="pill pill-rec" data-testid="recording-badge"/);
    expect(html).toContain('<span aria-hidden="true">REC</span>');
    expect(html).toContain('<span class="sr-only">This space is being recorded</span>');
  });
});

describe('SpaceHeader', () => {
  const header = (phase: 'waiting' | 'live' | 'ended', recording: { since: number } | null) =>
    renderToStaticMarkup(createElement(SpaceHeader, { space: { ...space, status: phase === 'waiting' ? 'scheduled' : phase }, phase, listenerCount: 3, recording }));

  it('carries the badge while live and recorded', () => {
    expect(header('live', since)).toContain('data-testid="recording-badge"');
    expect(header('live', null)).not.toContain('recording-badge');
  });

  it('never shows it once the space is over', () => {
    expect(header('ended', since)).not.toContain('recording-badge');
  });
});

describe('RecordingNote', () => {
  it('is there before the first Unmute, and says what unmuting means', () => {
    const html = renderToStaticMarkup(createElement(RecordingNote, { recording: since, muted: true, id: 'rec-note' }));
    expect(html).toContain('id="rec-note"');
    expect(html).toContain('This space is being recorded.');
    expect(html).toContain('after you unmute');
  });

  it('stays while on air, and is gone when nobody records', () => {
    expect(renderToStaticMarkup(createElement(RecordingNote, { recording: since, muted: false, id: 'n' }))).toContain('What you say is in the recording.');
    expect(renderToStaticMarkup(createElement(RecordingNote, { recording: null, muted: true, id: 'n' }))).toBe('');
  });
});
