// The listener page's browser notifications: "Remind me" (asks for permission, then notifies at the scheduled start
// while the page is open), the go-live of this space, and — for a follower — the host going live in another space.
// What to say is a pure function of the store before and after a change; only `showNotification` touches the API.
import type { ListenerState } from './controller';
import { createStore } from '../state/store';

export type ReminderState = 'off' | 'asking' | 'on' | 'denied' | 'unsupported';
export const reminder = createStore<{ state: ReminderState }>({ state: 'off' });

export interface Alert {
  title: string;
  body: string;
  /** Notifications with one tag replace each other: a space is announced once. */
  tag: string;
  /** Where a click goes (a path on this server); absent: this page. */
  path?: string;
}

type Seen = Pick<ListenerState, 'view'>;

/** What a change of the page's state should tell the person (before any permission check). */
export function alertsFor(before: Seen, after: Seen): Alert[] {
  const out: Alert[] = [];
  const was = before.view.space;
  const is = after.view.space;
  if (was && is && was.id === is.id && was.status === 'scheduled' && is.status === 'live') {
    out.push({ title: `${is.hostName} is live`, body: `${is.title} — tap to listen`, tag: `podium-live-${is.id}` });
  }
  const live = after.view.hostLive;
  if (live && live !== before.view.hostLive && live.spaceId !== is?.id) {
    out.push({ title: `${live.hostName} is live`, body: `${live.title} — you follow ${live.hostName}`, tag: `podium-live-${live.spaceId}`, path: `/s/${live.spaceId}` });
  }
  return out;
}

function permitted(): boolean {
  return typeof Notification !== 'undefined' && Notification.permission === 'granted';
}

function showNotification(alert: Alert): void {
  if (!permitted()) return;
  try {
    const n = new Notification(alert.title, { body: alert.body, tag: alert.tag });
    n.onclick = () => {
      window.focus();
      if (alert.path && alert.path !== location.pathname) location.assign(alert.path);
      n.close();
    };
  } catch {
    // Some browsers (Android Chrome) allow notifications only from a service worker: the page itself still switches.
  }
}

const REMIND_ITEM = 'podium.remind.';

/** "Remind me": asks for permission (a click is needed for that), and remembers the choice for this space. */
export async function askToRemind(spaceId: string): Promise<void> {
  if (typeof Notification === 'undefined') return reminder.set({ state: 'unsupported' });
  reminder.set({ state: 'asking' });
  let answer: NotificationPermission;
  try {
    answer = await Notification.requestPermission();
  } catch {
    answer = 'denied';
  }
  reminder.set({ state: answer === 'granted' ? 'on' : 'denied' });
  try {
    if (answer === 'granted') localStorage.setItem(REMIND_ITEM + spaceId, '1');
  } catch {
    // Private mode: remembered for this visit only.
  }
}

/**
 * Watches the page's store: notifies as alertsFor says, and at the scheduled start when the person asked to be
 * reminded. Returns the function that stops it all.
 */
export function watchAlerts(store: { get(): ListenerState; subscribe(fn: () => void): () => void }): () => void {
  let prev: Seen = store.get();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedFor: string | null = null;
  const arm = () => {
    const space = store.get().view.space;
    const key = space && reminder.get().state === 'on' && space.status === 'scheduled' && space.scheduledAt ? `${space.id}@${space.scheduledAt}` : null;
    if (key === timedFor) return;
    clearTimeout(timer);
    timedFor = key;
    if (!key || !space?.scheduledAt) return;
    // setTimeout's delay is a signed 32-bit count of ms; a longer wait is re-armed on the way.
    const wait = Math.min(space.scheduledAt - Date.now(), 2 ** 31 - 1);
    timer = setTimeout(() => {
      timedFor = null;
      const now = store.get().view.space;
      if (now?.status === 'scheduled' && now.scheduledAt && now.scheduledAt <= Date.now()) {
        showNotification({ title: `${now.title} is starting`, body: `${now.hostName} should be live any moment — keep the page open.`, tag: `podium-start-${now.id}` });
      } else arm();
    }, Math.max(0, wait));
  };
  const offStore = store.subscribe(() => {
    const next = store.get();
    for (const alert of alertsFor(prev, next)) showNotification(alert);
    const space = next.view.space;
    if (space && reminder.get().state === 'off' && permitted()) {
      try {
        if (localStorage.getItem(REMIND_ITEM + space.id) === '1') reminder.set({ state: 'on' });
      } catch {
        // No storage: nothing remembered.
      }
    }
    prev = next;
    arm();
  });
  const offReminder = reminder.subscribe(arm);
  return () => {
    offStore();
    offReminder();
    clearTimeout(timer);
  };
}
