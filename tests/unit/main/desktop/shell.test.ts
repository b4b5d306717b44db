// The desktop shell between the studio's reports and what the person sees: the tray follows the reports (rebuilt
// only when it changes), bad reports are refused, and notifications wait for their time on a timer.
import { describe, expect, it } from 'vitest';
import type { DesktopState } from '../../../../common/ipc';
import type { NotificationModel } from '../../../../main/desktop/notifications';
import { HAND_INTERVAL_MS } from '../../../../main/desktop/notifications';
import { createDesktopShell } from '../../../../main/desktop/shell';
import type { TrayModel } from '../../../../main/desktop/tray';

const live: DesktopState = { live: true, canEnd: true, onAir: true, muted: false, recording: false, title: 'Show', handsUp: 0, link: 'ok' };

function harness() {
  let now = 0;
  let focused = false;
  const timers: Array<{ at: number; fn: () => void; cancelled: boolean }> = [];
  const trays: TrayModel[] = [];
  const notes: NotificationModel[] = [];
  const shell = createDesktopShell({
    showTray: (m) => trays.push(m),
    notify: (n) => notes.push(n),
    focused: () => focused,
    now: () => now,
    later(fn, ms) {
      const timer = { at: now + ms, fn, cancelled: false };
      timers.push(timer);
      return () => (timer.cancelled = true);
    },
  });
  return {
    shell,
    trays,
    notes,
    focus(on: boolean) {
      focused = on;
      shell.focusChanged();
    },
    advance(to: number) {
      now = to;
      for (const t of timers.filter((t) => !t.cancelled && t.at <= to)) {
        t.cancelled = true;
        t.fn();
      }
    },
  };
}

describe('desktop shell', () => {
  it('shows an idle tray at once, follows reports, and rebuilds only on change', () => {
    const h = harness();
    expect(h.trays.map((t) => t.icon)).toEqual(['idle']);
    expect(h.shell.report(live)).toEqual({ ok: true, value: { ok: true, shortcut: null } });
    h.shell.report(live);
    h.shell.report({ ...live, muted: true });
    expect(h.trays.map((t) => t.icon)).toEqual(['idle', 'live', 'muted']);
    expect(h.shell.state()).toEqual({ ...live, muted: true });
  });

  it('refuses a malformed report and keeps the last good one', () => {
    const h = harness();
    h.shell.report(live);
    const bad = h.shell.report({ ...live, handsUp: -3 });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.code).toBe('bad_request');
    expect(h.shell.report('junk').ok).toBe(false);
    expect(h.shell.state()).toEqual(live);
  });

  it('the registered mute key shows in the tray and goes back to the studio with the next answer', () => {
    const h = harness();
    const status = { label: 'Ctrl+Shift+M', registered: true, message: 'Ctrl+Shift+M mutes or unmutes you from any app.' };
    h.shell.setShortcut('CommandOrControl+Shift+M', status);
    const answer = h.shell.report(live);
    expect(answer.ok && answer.value.shortcut).toEqual(status);
    const mute = h.trays.at(-1)!.items.find((i) => i.type === 'item' && i.action === 'toggleMute');
    expect(mute).toMatchObject({ accelerator: 'CommandOrControl+Shift+M' });
  });

  it('raised hands in the background: one at once, the rest batched on the timer; none while focused', () => {
    const h = harness();
    h.shell.report({ ...live, handsUp: 1 });
    h.advance(1_000);
    h.shell.report({ ...live, handsUp: 2 });
    h.shell.report({ ...live, handsUp: 3 });
    expect(h.notes.map((n) => n.title)).toEqual(['Someone raised their hand']);
    h.advance(HAND_INTERVAL_MS);
    expect(h.notes.map((n) => n.title)).toEqual(['Someone raised their hand', '2 people raised their hand']);
    h.focus(true);
    h.advance(HAND_INTERVAL_MS * 3);
    h.shell.report({ ...live, handsUp: 5 });
    expect(h.notes).toHaveLength(2);
  });

  it('a dropped connection is told after its grace period, by the timer, unless it came back', () => {
    const h = harness();
    h.shell.report({ ...live, link: 'media-lost' });
    h.advance(4_000);
    expect(h.notes).toEqual([]);
    h.advance(5_000);
    expect(h.notes.map((n) => n.kind)).toEqual(['link-lost']);
    h.shell.report(live);
    expect(h.notes.map((n) => n.kind)).toEqual(['link-lost', 'link-back']);
    h.shell.dispose();
  });
});
