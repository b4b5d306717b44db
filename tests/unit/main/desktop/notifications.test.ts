// Desktop notifications: raised hands while the studio is in the background, at most one per interval and batched,
// and a connection that stays down — never for a blip, never while the studio is in front.
import { describe, expect, it } from 'vitest';
import type { DesktopState } from '../../../../common/ipc';
import { HAND_INTERVAL_MS, INITIAL_NOTIFY_STATE, LINK_GRACE_MS, notifyStep, type NotifyState, type NotifyStep } from '../../../../main/desktop/notifications';

const live: DesktopState = { live: true, canEnd: true, onAir: true, muted: false, recording: false, title: 'Morning show', handsUp: 0, link: 'ok' };

/** Runs steps in order, carrying the state; returns every step's result. */
function run(steps: Array<{ at: number; desktop?: Partial<DesktopState> | null; focused?: boolean }>): NotifyStep[] {
  let state: NotifyState = INITIAL_NOTIFY_STATE;
  return steps.map(({ at, desktop, focused }) => {
    const result = notifyStep(state, { desktop: desktop === null ? null : { ...live, ...desktop }, focused: focused ?? false, now: at });
    state = result.state;
    return result;
  });
}

describe('raised hands', () => {
  it('the first hand in the background is told at once', () => {
    const [step] = run([{ at: 1000, desktop: { handsUp: 1 } }]);
    expect(step!.notify).toEqual([
      { kind: 'hands', title: 'Someone raised their hand', body: '“Morning show” · 1 waiting to speak. Open Podium to approve or deny.' },
    ]);
  });

  it('more hands within the interval are batched into one, told when it is over', () => {
    const steps = run([
      { at: 0, desktop: { handsUp: 1 } },
      { at: 5_000, desktop: { handsUp: 2 } },
      { at: 9_000, desktop: { handsUp: 4 } },
      { at: HAND_INTERVAL_MS, desktop: { handsUp: 4 } },
    ]);
    expect(steps.map((s) => s.notify.length)).toEqual([1, 0, 0, 1]);
    expect(steps[1]!.wakeAt).toBe(HAND_INTERVAL_MS);
    expect(steps[3]!.notify[0]).toMatchObject({ title: '3 people raised their hand', body: '“Morning show” · 4 waiting to speak. Open Podium to approve or deny.' });
    expect(steps[3]!.wakeAt).toBeNull();
  });

  it('never while the studio is in front, and nothing saved up from then', () => {
    const steps = run([
      { at: 0, desktop: { handsUp: 2 }, focused: true },
      { at: 1_000, desktop: { handsUp: 2 }, focused: false },
    ]);
    expect(steps.flatMap((s) => s.notify)).toEqual([]);
  });

  it('hands already dealt with (down to none) by the time the batch is due: nothing', () => {
    const steps = run([
      { at: 0, desktop: { handsUp: 1 } },
      { at: 2_000, desktop: { handsUp: 2 } },
      { at: 4_000, desktop: { handsUp: 0 } },
      { at: HAND_INTERVAL_MS, desktop: { handsUp: 0 } },
    ]);
    expect(steps.map((s) => s.notify.length)).toEqual([1, 0, 0, 0]);
  });

  it('outside a live space: nothing, and nothing pending survives the space', () => {
    const steps = run([
      { at: 0, desktop: { handsUp: 1, live: false } },
      { at: 1, desktop: null },
    ]);
    expect(steps.flatMap((s) => s.notify)).toEqual([]);
    expect(steps[1]!.state.pendingHands).toBe(0);
  });
});

describe('dropped connections', () => {
  it('a blip shorter than the grace period is not told', () => {
    const steps = run([
      { at: 0, desktop: { link: 'media-lost' } },
      { at: 2_000, desktop: { link: 'ok' } },
    ]);
    expect(steps[0]!.wakeAt).toBe(LINK_GRACE_MS);
    expect(steps.flatMap((s) => s.notify)).toEqual([]);
  });

  it('a drop that lasts is told once, and its end is told too', () => {
    const steps = run([
      { at: 0, desktop: { link: 'media-lost' } },
      { at: LINK_GRACE_MS, desktop: { link: 'media-lost' } },
      { at: LINK_GRACE_MS + 1_000, desktop: { link: 'media-lost' } },
      { at: 20_000, desktop: { link: 'ok' } },
    ]);
    // The audio itself was away and the host is on air: what they want to hear is that listeners hear them again.
    expect(steps.map((s) => s.notify.map((n) => n.title))).toEqual([[], ['Listeners can’t hear you'], [], ['Back on air']]);
    expect(steps[3]!.notify[0]!.body).toBe('Listeners of “Morning show” hear you again.');
  });

  it('the space server back, or audio back for someone not on air: "Reconnected"', () => {
    const space = run([
      { at: 0, desktop: { link: 'space-lost' } },
      { at: LINK_GRACE_MS, desktop: { link: 'space-lost' } },
      { at: 20_000, desktop: { link: 'ok' } },
    ]);
    expect(space[2]!.notify[0]).toEqual({ kind: 'link-back', title: 'Reconnected', body: '“Morning show” is back to normal.' });
    const offAir = run([
      { at: 0, desktop: { link: 'media-lost', onAir: false } },
      { at: LINK_GRACE_MS, desktop: { link: 'media-lost', onAir: false } },
      { at: 20_000, desktop: { link: 'ok', onAir: false } },
    ]);
    expect(offAir[2]!.notify[0]!.title).toBe('Reconnected');
  });

  it('the audio server restarting is told at once (the server confirmed it: no blip), then "Back on air"', () => {
    const steps = run([
      { at: 0, desktop: { link: 'audio-restarting' } },
      { at: 3_000, desktop: { link: 'audio-restarting' } },
      { at: 6_000, desktop: { link: 'ok' } },
    ]);
    expect(steps[0]!.notify).toEqual([
      {
        kind: 'link-lost',
        title: 'Audio server restarting — listeners can’t hear you',
        body: 'Podium is restarting the audio server of “Morning show” by itself. You’ll be back on air in a moment.',
      },
    ]);
    expect(steps[1]!.notify).toEqual([]);
    expect(steps[2]!.notify.map((n) => n.title)).toEqual(['Back on air']);
  });

  it('the audio server given up on: its own words, told at once; a restart that fails becomes a new drop to tell', () => {
    const steps = run([
      { at: 0, desktop: { link: 'audio-restarting' } },
      { at: 30_000, desktop: { link: 'audio-failed' } },
    ]);
    expect(steps[1]!.notify).toEqual([
      { kind: 'link-lost', title: 'The audio server stopped', body: 'Podium could not restart it, so listeners of “Morning show” can’t hear you. Open Podium to see what to do.' },
    ]);
  });

  it('in front, the audio server restarting is not told (the studio shows it)', () => {
    const steps = run([
      { at: 0, desktop: { link: 'audio-restarting' }, focused: true },
      { at: 5_000, desktop: { link: 'ok' }, focused: true },
    ]);
    expect(steps.flatMap((s) => s.notify)).toEqual([]);
  });

  it('the space server lost: its own words (audio still goes out)', () => {
    const steps = run([
      { at: 0, desktop: { link: 'space-lost' } },
      { at: LINK_GRACE_MS, desktop: { link: 'space-lost' } },
    ]);
    expect(steps[1]!.notify[0]).toMatchObject({ kind: 'link-lost', title: 'Lost the space server' });
    expect(steps[1]!.notify[0]!.body).toMatch(/^Your audio still goes out/);
  });

  it('while the studio is in front nothing is told; leaving it with the link still down tells it then', () => {
    const steps = run([
      { at: 0, desktop: { link: 'media-lost' }, focused: true },
      { at: 10_000, desktop: { link: 'media-lost' }, focused: true },
      { at: 11_000, desktop: { link: 'media-lost' }, focused: false },
    ]);
    expect(steps.map((s) => s.notify.length)).toEqual([0, 0, 1]);
  });
});

describe('reports', () => {
  it('a case about someone new is told once, in the background; in front it is only remembered', () => {
    const steps = run([
      { at: 0, desktop: { reportsOpen: 1, newestReportKey: 'person:p1', newestReportName: 'Sam' } },
      { at: 1000, desktop: { reportsOpen: 1, newestReportKey: 'person:p1', newestReportName: 'Sam' } },
      { at: 2000, desktop: { reportsOpen: 2, newestReportKey: 'person:p2', newestReportName: 'Eve' }, focused: true },
      { at: 3000, desktop: { reportsOpen: 2, newestReportKey: 'person:p2', newestReportName: 'Eve' } },
      { at: 4000, desktop: { reportsOpen: 3, newestReportKey: 'pin:x', newestReportName: 'a pinned post' } },
    ]);
    expect(steps.map((s) => s.notify.map((n) => n.title))).toEqual([['New report about Sam'], [], [], [], ['New report about a pinned post']]);
    expect(steps[0]!.notify[0]).toEqual({ kind: 'report', title: 'New report about Sam', body: '“Morning show” · 1 open report. Open Podium to look at it and decide.' });
    expect(steps[4]!.notify[0]!.body).toBe('“Morning show” · 3 open reports. Open Podium to look at it and decide.');
  });
});

describe('scheduled-space reminders (issue 16)', () => {
  const idle = { live: false, canEnd: false, onAir: false, title: null };
  it('told once per space, between spaces or during one, in front or not; a second space gets its own', () => {
    const steps = run([
      { at: 0, desktop: idle },
      { at: 1, desktop: { ...idle, reminderSpaceId: 'abcde12345', reminderTitle: 'Friday AMA' }, focused: true },
      { at: 2, desktop: { ...idle, reminderSpaceId: 'abcde12345', reminderTitle: 'Friday AMA' } },
      { at: 3, desktop: { ...idle, reminderSpaceId: null } },
      { at: 4, desktop: { reminderSpaceId: 'abcde12345', reminderTitle: 'Friday AMA' } },
      { at: 5, desktop: { reminderSpaceId: 'zzzzz99999', reminderTitle: 'Late show' } },
    ]);
    expect(steps.map((s) => s.notify.map((n) => [n.kind, n.title]))).toEqual([
      [],
      [['reminder', '“Friday AMA” starts in 10 minutes']],
      [],
      [],
      [],
      [['reminder', '“Late show” starts in 10 minutes']],
    ]);
  });
});
