// What the studio tells the desktop shell for its tray, global mute shortcut and notifications (desktop:state):
// derived from the studio and recording stores by a pure function, and sent only when it changes, at most a few
// times a second — speaking indicators and meters change far more often and are not part of it.
import type { DesktopState } from '../../common/ipc';
import type { RecordingView } from '../recording/types';
import { currentSpace, isModeratorRole, type StudioState } from './studio-store';

export function desktopStateOf(s: StudioState, rec: Pick<RecordingView, 'phase'>): DesktopState {
  const space = currentSpace(s);
  const view = s.view;
  const live = space?.status === 'live' && s.target !== null && !view?.removed;
  const moderator = isModeratorRole(view?.role);
  // A link is "lost" only while it matters: during a live space this studio is in.
  const spaceDown = live && view !== null && (view.status === 'retrying' || view.status === 'closed');
  const mediaDown = live && view?.media != null && (s.sfu.connection === 'reconnecting' || s.sfu.connection === 'disconnected');
  return {
    live,
    canEnd: live && s.target?.mode === 'host',
    onAir: s.sfu.publishing,
    muted: s.sfu.publishing && s.sfu.micMuted,
    recording: rec.phase !== 'idle',
    title: space ? space.title.slice(0, 200) : null,
    handsUp: moderator && live ? Math.max(0, view?.handCount ?? 0) : 0,
    link: spaceDown ? 'space-lost' : mediaDown ? 'media-lost' : 'ok',
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
