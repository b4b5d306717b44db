// What the studio tells the desktop shell for its tray, global mute shortcut and notifications (desktop:state):
// derived from the studio and recording stores by a pure function, and sent only when it changes, at most a few
// times a second — speaking indicators and meters change far more often and are not part of it.
import type { DesktopLink } from '../../common/desktop';
import type { DesktopState } from '../../common/ipc';
import type { ReportCase } from '../../common/reports';
import type { RecordingView } from '../recording/types';
import { healthBanner, type HealthKind } from '../state/connection-health';
import { studioHealthInput } from './health';
import { currentSpace, isModeratorRole, type StudioState } from './studio-store';

/** The shell's coarser words for what the studio's connection banner says (common/desktop.ts DESKTOP_LINKS). */
export function desktopLinkOf(kind: HealthKind | null): DesktopLink {
  switch (kind) {
    case 'space-retrying':
      return 'space-lost';
    case 'media-reconnecting':
      return 'media-lost';
    case 'sfu-restarting':
    case 'sfu-down':
    case 'services-restarting':
      return 'audio-restarting';
    case 'sfu-failed':
    case 'services-failed':
    case 'bridge-lost':
    case 'bridge-key':
      return 'audio-failed';
    // Connecting, a microphone problem (the studio window says those), back, or nothing wrong.
    case 'media-connecting':
    case 'mic-failed':
    case 'mic-off':
    case 'back':
    case null:
      return 'ok';
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

/** The open reports, and the newest case among them (by its first report), for "a report about Sam" notifications. */
function reportsOf(cases: readonly ReportCase[]): Pick<DesktopState, 'reportsOpen' | 'newestReportKey' | 'newestReportName'> {
  const open = cases.filter((c) => c.decision === null);
  const newest = open.reduce<ReportCase | null>((a, c) => (a === null || c.firstAt > a.firstAt ? c : a), null);
  return {
    reportsOpen: open.length,
    newestReportKey: newest ? newest.key.slice(0, 80) : null,
    newestReportName: newest ? (newest.target.kind === 'pin' ? 'a pinned post' : newest.target.name).slice(0, 200) : null,
  };
}

export function desktopStateOf(s: StudioState, rec: Pick<RecordingView, 'phase'>, now = Date.now()): DesktopState {
  const space = currentSpace(s);
  const view = s.view;
  const live = space?.status === 'live' && s.target !== null && !view?.removed;
  const moderator = isModeratorRole(view?.role);
  // A link is "lost" only while it matters: during a live space this studio is in. A closed protocol (removed, or a
  // refused seat) is final and says so in the window; the banner's words decide the rest.
  const link = !live ? 'ok' : view?.status === 'closed' ? 'space-lost' : desktopLinkOf(healthBanner(studioHealthInput(s, now))?.kind ?? null);
  return {
    live,
    canEnd: live && s.target?.mode === 'host',
    onAir: s.sfu.publishing,
    muted: s.sfu.publishing && s.sfu.micMuted,
    recording: rec.phase !== 'idle',
    title: space ? space.title.slice(0, 200) : null,
    handsUp: moderator && live ? Math.max(0, view?.handCount ?? 0) : 0,
    link,
    ...reportsOf(moderator && live ? (view?.reports ?? []) : []),
  };
}

export function sameDesktopState(a: DesktopState | null, b: DesktopState): boolean {
  if (!a) return false;
  return (Object.keys(b) as Array<keyof DesktopState>).every((k) => a[k] === b[k]);
}

/**
 * Sends the latest state at most once per `intervalMs`: the first change at once, a burst's last one when the
 * interval is over, and nothing when the state did not change.
 */
export function createStateSender(send: (state: DesktopState) => void, intervalMs = 250): { update(state: DesktopState): void; stop(): void } {
  let sent: DesktopState | null = null;
  let pending: DesktopState | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastAt = -Infinity;
  const flush = () => {
    timer = null;
    if (!pending || sameDesktopState(sent, pending)) return;
    sent = pending;
    pending = null;
    lastAt = Date.now();
    send(sent);
  };
  return {
    update(state) {
      pending = state;
      if (timer) return;
      const wait = lastAt + intervalMs - Date.now();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
