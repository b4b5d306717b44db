// When the desktop studio shows a system notification, and what it says: raised hands while the window is in the
// background (at most one notification per HAND_INTERVAL_MS, later hands batched into "3 people raised their
// hand"), a connection that stays down (space server or SFU), and the audio server restarting or given up on — then
// "Back on air" or "Reconnected". A pure step function over
// the studio's reported state, the window's focus and the time: main/index.ts calls it on every desktop:state, on
// focus and blur, and at the `wakeAt` it returns, and shows what it says with Electron's Notification.
import type { DesktopState } from '../../common/ipc';

/** At most one raised-hand notification this often; hands raised in between are told in one. */
export const HAND_INTERVAL_MS = 30_000;
/** A link must stay down this long before anyone is alarmed: most drops are over in a second or two. */
export const LINK_GRACE_MS = 5_000;

type DownLink = Exclude<DesktopState['link'], 'ok'>;

/**
 * How long each kind of trouble must last before it is told. The audio server restarting or given up on is no blip:
 * the space server confirmed it, and the host's listeners hear nothing from that moment, so it is told at once.
 */
export function linkGraceMs(link: DownLink): number {
  return link === 'audio-restarting' || link === 'audio-failed' ? 0 : LINK_GRACE_MS;
}

export interface NotificationModel {
  kind: 'hands' | 'link-lost' | 'link-back' | 'report' | 'reminder';
  title: string;
  body: string;
}

export interface NotifyState {
  /** handsUp at the last step, to count hands raised since. */
  lastHands: number;
  /** Hands raised in the background and not told yet. */
  pendingHands: number;
  /** When the last raised-hand notification went out. */
  handsToldAt: number;
  /** Since when the link has been down (while live), or null. */
  downSince: number | null;
  downKind: DownLink | null;
  /** A "lost" notification went out for this drop: its end earns a "Reconnected". */
  toldDown: boolean;
  /** Report cases already seen (told, or shown by the studio in front): each is told once. Newest last, bounded. */
  seenReports: string[];
  /** Scheduled spaces whose 10-minute reminder went out (whether or not a space is live): each is told once. */
  remindedSpaces?: string[];
}

export const INITIAL_NOTIFY_STATE: NotifyState = {
  lastHands: 0,
  pendingHands: 0,
  handsToldAt: -Infinity,
  downSince: null,
  downKind: null,
  toldDown: false,
  seenReports: [],
};

/** How many report cases the shell remembers having seen. */
const SEEN_REPORTS = 200;

export function reportNotification(name: string, open: number, title: string | null): NotificationModel {
  return {
    kind: 'report',
    title: `New report about ${name}`,
    body: `${quoted(title)} · ${open === 1 ? '1 open report' : `${open} open reports`}. Open Podium to look at it and decide.`,
  };
}

export interface NotifyInput {
  /** The studio's latest report (null before the first). */
  desktop: DesktopState | null;
  /** The studio window is focused: the person sees the studio itself, which says all of this already. */
  focused: boolean;
  now: number;
}

export interface NotifyStep {
  state: NotifyState;
  notify: NotificationModel[];
  /** Call again at this time (even if nothing changes), or null. */
  wakeAt: number | null;
}

function quoted(title: string | null): string {
  return title ? `“${title.length > 60 ? `${title.slice(0, 59)}…` : title}”` : 'your space';
}

export function handsNotification(count: number, waiting: number, title: string | null): NotificationModel {
  return {
    kind: 'hands',
    title: count === 1 ? 'Someone raised their hand' : `${count} people raised their hand`,
    body: `${quoted(title)} · ${waiting} waiting to speak. Open Podium to approve or deny.`,
  };
}

export function linkNotification(kind: DownLink | 'back', title: string | null, after: DownLink | null = null, onAir = false): NotificationModel {
  switch (kind) {
    case 'media-lost':
      return { kind: 'link-lost', title: 'Listeners can’t hear you', body: `The audio connection of ${quoted(title)} dropped. Podium is reconnecting…` };
    case 'space-lost':
      return {
        kind: 'link-lost',
        title: 'Lost the space server',
        body: `Your audio still goes out, but hands, requests and moderation in ${quoted(title)} wait until Podium reconnects.`,
      };
    case 'audio-restarting':
      return {
        kind: 'link-lost',
        title: 'Audio server restarting — listeners can’t hear you',
        body: `Podium is restarting the audio server of ${quoted(title)} by itself. You’ll be back on air in a moment.`,
      };
    case 'audio-failed':
      return {
        kind: 'link-lost',
        title: 'The audio server stopped',
        body: `Podium could not restart it, so listeners of ${quoted(title)} can’t hear you. Open Podium to see what to do.`,
      };
    case 'back':
      // After the audio itself was away, what the host wants to know is that they are heard again.
      if (after !== null && after !== 'space-lost' && onAir) return { kind: 'link-back', title: 'Back on air', body: `Listeners of ${quoted(title)} hear you again.` };
      return { kind: 'link-back', title: 'Reconnected', body: `${quoted(title)} is back to normal.` };
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

/** The studio's 10-minute reminder of a scheduled space, as the desktop shows it (a click brings the studio up). */
export function reminderNotification(title: string | null): NotificationModel {
  return { kind: 'reminder', title: `${quoted(title)} starts in 10 minutes`, body: 'Open Podium to check your microphone and go live.' };
}

/** A scheduled space's reminder, told once per space, in front or not (the studio's banner may be out of sight). */
function reminderStep(state: NotifyState, desktop: DesktopState | null): { reminded: string[]; notify: NotificationModel[] } {
  const reminded = state.remindedSpaces ?? [];
  const id = desktop?.reminderSpaceId ?? null;
  if (id === null || reminded.includes(id)) return { reminded, notify: [] };
  return { reminded: [...reminded, id].slice(-SEEN_REPORTS), notify: [reminderNotification(desktop?.reminderTitle ?? null)] };
}

export function notifyStep(state: NotifyState, input: NotifyInput): NotifyStep {
  const { desktop, focused, now } = input;
  const reminder = reminderStep(state, desktop);
  // Nothing else to tell outside a live space; a space that ended forgets everything pending.
  if (!desktop?.live) {
    const rest = { ...INITIAL_NOTIFY_STATE, handsToldAt: state.handsToldAt };
    return { state: reminder.reminded.length ? { ...rest, remindedSpaces: reminder.reminded } : rest, notify: reminder.notify, wakeAt: null };
  }
  const notify: NotificationModel[] = [...reminder.notify];
  const wake: number[] = [];
  const next: NotifyState = { ...state, ...(reminder.reminded.length ? { remindedSpaces: reminder.reminded } : {}) };

  // Raised hands: count the new ones; in the foreground the studio shows them, so nothing is kept for later.
  const raised = Math.max(0, desktop.handsUp - state.lastHands);
  next.lastHands = desktop.handsUp;
  next.pendingHands = focused || desktop.handsUp === 0 ? 0 : state.pendingHands + raised;
  if (next.pendingHands > 0) {
    if (now - state.handsToldAt >= HAND_INTERVAL_MS) {
      notify.push(handsNotification(next.pendingHands, desktop.handsUp, desktop.title));
      next.pendingHands = 0;
      next.handsToldAt = now;
    } else {
      wake.push(state.handsToldAt + HAND_INTERVAL_MS);
    }
  }

  // A case about someone new (the first report about them): told once, in the background; in front, the studio's
  // Reports tab shows it already.
  const newest = desktop.newestReportKey ?? null;
  if (newest !== null && !state.seenReports.includes(newest)) {
    if (!focused) notify.push(reportNotification(desktop.newestReportName ?? 'someone', desktop.reportsOpen ?? 1, desktop.title));
    next.seenReports = [...state.seenReports, newest].slice(-SEEN_REPORTS);
  }

  // The link: told once it has been down for its grace (and the window is not in front); back: told if told down.
  if (desktop.link === 'ok') {
    if (state.toldDown && !focused) notify.push(linkNotification('back', desktop.title, state.downKind, desktop.onAir));
    next.downSince = null;
    next.downKind = null;
    next.toldDown = false;
  } else {
    const since = state.downSince ?? now;
    next.downSince = since;
    next.downKind = desktop.link;
    // A different link failing is a new drop to tell about (the space server went after the SFU, say).
    const told = state.toldDown && state.downKind === desktop.link;
    next.toldDown = told;
    if (!told && !focused) {
      const grace = linkGraceMs(desktop.link);
      if (now - since >= grace) {
        notify.push(linkNotification(desktop.link, desktop.title));
        next.toldDown = true;
      } else {
        wake.push(since + grace);
      }
    }
  }
  return { state: next, notify, wakeAt: wake.length ? Math.min(...wake) : null };
}
