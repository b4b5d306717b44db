// What the studio reports to the desktop shell (tray, shortcut, notifications), and how often: only changes, and
// a burst of them as one report.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DesktopState } from '../../../../common/ipc';
import type { PublicSpace } from '../../../../common/space';
import { INITIAL_SFU_SNAPSHOT } from '../../../../renderer/sfu/adapter';
import { EMPTY_VIEW } from '../../../../renderer/state/space-view';
import type { SessionView } from '../../../../renderer/state/space-session';
import { createStateSender, desktopStateOf } from '../../../../renderer/studio/desktop-state';
import { studio, type StudioState } from '../../../../renderer/studio/studio-store';

const space: PublicSpace = { id: 'abcde12345', title: 'Morning show', description: '', hostName: 'Ann', status: 'live', createdAt: 1, startedAt: 2, endedAt: null };
const view: SessionView = { ...EMPTY_VIEW, status: 'open', attempt: 0, role: 'host', space, handCount: 3, media: { url: 'ws://x', token: 't', identity: 'i', canPublish: true } };

function state(patch: Partial<StudioState> = {}): StudioState {
  return {
    ...studio.get(),
    target: { mode: 'host', spaceId: space.id, shareUrl: '', protocolUrl: '', credential: '', space },
    view,
    sfu: { ...INITIAL_SFU_SNAPSHOT, connection: 'connected', publishing: true, canPublish: true, micMuted: false },
    ...patch,
  };
}

describe('desktopStateOf', () => {
  it('a host live on air, hands waiting', () => {
    expect(desktopStateOf(state(), { phase: 'recording' })).toEqual({
      live: true,
      canEnd: true,
      onAir: true,
      muted: false,
      recording: true,
      title: 'Morning show',
      handsUp: 3,
      link: 'ok',
      reportsOpen: 0,
      newestReportKey: null,
      newestReportName: null,
    });
  });

  it('nothing live in the lobby', () => {
    expect(desktopStateOf(studio.get(), { phase: 'idle' })).toEqual({
      live: false,
      canEnd: false,
      onAir: false,
      muted: false,
      recording: false,
      title: null,
      handsUp: 0,
      link: 'ok',
      reportsOpen: 0,
      newestReportKey: null,
      newestReportName: null,
    });
  });

  it('open reports, and the newest case by its first report; none for someone who is not a moderator', () => {
    const at = (key: string, name: string, firstAt: number, decided = false) => ({
      key,
      target: { kind: key.startsWith('pin') ? ('pin' as const) : ('person' as const), id: key.split(':')[1]!, name, role: null, names: [name], joinedAt: null },
      reasons: [{ reason: 'spam' as const, count: 1 }],
      reporters: 1,
      firstAt,
      lastAt: firstAt + 5,
      notes: [],
      takenBy: null,
      decision: decided ? { action: 'dismiss' as const, by: 'Ann', at: 99, auditId: null } : null,
    });
    const reports = [at('person:p1', 'Sam', 10), at('pin:x1', 'https://example.org', 30), at('person:p2', 'Old', 50, true)];
    expect(desktopStateOf(state({ view: { ...view, reports } }), { phase: 'idle' })).toMatchObject({ reportsOpen: 2, newestReportKey: 'pin:x1', newestReportName: 'a pinned post' });
    expect(desktopStateOf(state({ view: { ...view, reports, role: 'speaker' } }), { phase: 'idle' })).toMatchObject({ reportsOpen: 0, newestReportKey: null });
  });

  it('a co-host cannot end; someone who is not a moderator sees no hands', () => {
    const cohost = state({ target: { mode: 'cohost', spaceId: space.id, shareUrl: '', protocolUrl: '', credential: '', space: null } });
    expect(desktopStateOf(cohost, { phase: 'idle' })).toMatchObject({ live: true, canEnd: false, handsUp: 3 });
    expect(desktopStateOf(state({ view: { ...view, role: 'speaker' } }), { phase: 'idle' }).handsUp).toBe(0);
  });

  it('says which link is down, only while live', () => {
    expect(desktopStateOf(state({ view: { ...view, status: 'retrying' } }), { phase: 'idle' }).link).toBe('space-lost');
    const sfuDown = state({ sfu: { ...state().sfu, connection: 'reconnecting' } });
    expect(desktopStateOf(sfuDown, { phase: 'idle' }).link).toBe('media-lost');
    const restarting = state({ view: { ...view, sfu: { status: 'restarting', since: 0, epoch: 1 } }, sfu: { ...state().sfu, connection: 'reconnecting' } });
    expect(desktopStateOf(restarting, { phase: 'idle' }).link).toBe('audio-restarting');
    expect(desktopStateOf(state({ view: { ...view, sfu: { status: 'failed', since: 0, epoch: 1 } } }), { phase: 'idle' }).link).toBe('audio-failed');
    expect(desktopStateOf(state({ services: { state: 'restarting', since: 0, restarts: 1, detail: null } }), { phase: 'idle' }).link).toBe('audio-restarting');
    // Connecting for the first time, or a microphone problem, is the window's to say, not a lost link.
    expect(desktopStateOf(state({ sfu: { ...state().sfu, connection: 'connecting' } }), { phase: 'idle' }).link).toBe('ok');
    const ended = state({ view: { ...view, status: 'closed', space: { ...space, status: 'ended' } } });
    expect(desktopStateOf(ended, { phase: 'idle' })).toMatchObject({ live: false, link: 'ok' });
  });

  it('muted only means something while publishing', () => {
    expect(desktopStateOf(state({ sfu: { ...state().sfu, micMuted: true } }), { phase: 'idle' }).muted).toBe(true);
    expect(desktopStateOf(state({ sfu: { ...state().sfu, micMuted: true, publishing: false } }), { phase: 'idle' })).toMatchObject({ onAir: false, muted: false });
  });
});

describe('createStateSender', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const base = desktopStateOf(state(), { phase: 'idle' });

  it('sends the first state at once, a burst as its last state, and never the same state twice', () => {
    const sent: DesktopState[] = [];
    const sender = createStateSender((s) => sent.push(s), 250);
    sender.update(base);
    expect(sent).toHaveLength(1);
    sender.update({ ...base, muted: true });
    sender.update({ ...base, muted: false, handsUp: 4 });
    sender.update({ ...base, handsUp: 5 });
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(250);
    expect(sent).toEqual([base, { ...base, handsUp: 5 }]);
    sender.update({ ...base, handsUp: 5 });
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(2);
    sender.stop();
  });
});
