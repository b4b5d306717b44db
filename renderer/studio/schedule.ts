// The studio's side of scheduling: the host's upcoming spaces, follower count and calendar feed (asked of main every
// 15 s and after each change), schedule / reschedule / cancel, and the reminder 10 minutes before a start — a
// browser notification (the web studio; Electron's renderer has the same API) plus a banner in the lobby, both
// offering to open the space and go live. When a reminder is due is hostReminder's (common/schedule.ts) alone.
import type { HostOverview, PodiumApi } from '../../common/ipc';
import { hostReminder } from '../../common/schedule';
import type { PublicSpace } from '../../common/space';
import { createStore } from '../state/store';

export interface ScheduleState {
  overview: HostOverview | null;
  /** What the last schedule / reschedule / cancel was refused for (the server's words), or null. */
  error: string | null;
  busy: boolean;
  /** Spaces whose reminder is showing in the lobby (due and not dismissed). */
  reminders: PublicSpace[];
}

export const schedule = createStore<ScheduleState>({ overview: null, error: null, busy: false, reminders: [] });

const REFRESH_MS = 15_000;
let api: PodiumApi | null = null;
let openSpace: ((spaceId: string) => void) | null = null;
let changed: (() => void) | null = null;
const reminded = new Set<string>();
let refreshTimer: ReturnType<typeof setInterval> | undefined;
let reminderTimer: ReturnType<typeof setTimeout> | undefined;

/** `onChange`: after a schedule, reschedule or cancel (the lobby's recent list shows scheduled spaces too). */
export function initSchedule(podium: PodiumApi, open: (spaceId: string) => void, onChange?: () => void): () => void {
  api = podium;
  openSpace = open;
  changed = onChange ?? null;
  void refreshSchedule();
  refreshTimer = setInterval(() => void refreshSchedule(), REFRESH_MS);
  return () => {
    clearInterval(refreshTimer);
    clearTimeout(reminderTimer);
  };
}

export async function refreshSchedule(): Promise<void> {
  if (!api) return;
  const result = await api['schedule:overview']();
  if (result.ok) schedule.set({ overview: result.value });
  checkReminders();
}

/** Looks at every upcoming space now, and sets one timer for the next reminder to come. */
function checkReminders(): void {
  clearTimeout(reminderTimer);
  const now = Date.now();
  let next: number | null = null;
  for (const space of schedule.get().overview?.upcoming ?? []) {
    const verdict = hostReminder(space, now, reminded.has(reminderKey(space)));
    if (verdict.due) {
      reminded.add(reminderKey(space));
      remind(space);
    }
    if (verdict.checkAt !== null && (next === null || verdict.checkAt < next)) next = verdict.checkAt;
  }
  // A reminder showing for a space that went live, moved or was cancelled goes away.
  const upcoming = new Map((schedule.get().overview?.upcoming ?? []).map((s) => [s.id, s]));
  const kept = schedule.get().reminders.filter((r) => {
    const now = upcoming.get(r.id);
    return now !== undefined && now.scheduledAt === r.scheduledAt && (now.scheduledAt ?? 0) > Date.now();
  });
  if (kept.length !== schedule.get().reminders.length) schedule.set({ reminders: kept });
  if (next !== null) reminderTimer = setTimeout(checkReminders, Math.min(Math.max(0, next - now), 2 ** 31 - 1));
}

/** A rescheduled space is reminded of again at its new time. */
const reminderKey = (space: PublicSpace) => `${space.id}@${space.scheduledAt ?? ''}`;

function remind(space: PublicSpace): void {
  schedule.set((s) => ({ reminders: [...s.reminders.filter((r) => r.id !== space.id), space] }));
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    const n = new Notification(`“${space.title}” starts in 10 minutes`, { body: 'Open it now to check your microphone and go live.', tag: `podium-host-${space.id}` });
    n.onclick = () => {
      window.focus();
      openSpace?.(space.id);
      n.close();
    };
  } catch {
    // The lobby's banner says the same.
  }
}

export function dismissReminder(spaceId: string): void {
  schedule.set((s) => ({ reminders: s.reminders.filter((r) => r.id !== spaceId) }));
}

/** Asked on the click that schedules: browsers grant notifications only in answer to a gesture. */
function askNotificationPermission(): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'default') return;
  void Notification.requestPermission().catch(() => undefined);
}

async function change<T>(call: () => Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T | null> {
  schedule.set({ busy: true, error: null });
  const result = await call();
  schedule.set({ busy: false, error: result.ok ? null : result.error.message });
  if (result.ok) {
    await refreshSchedule();
    changed?.();
  }
  return result.ok ? result.value : null;
}

export function scheduleSpace(input: { title: string; description: string; scheduledAt: number }): Promise<PublicSpace | null> {
  askNotificationPermission();
  return change(() => api!['schedule:create'](input));
}

export function rescheduleSpace(input: { spaceId: string; title?: string; description?: string; scheduledAt?: number }): Promise<PublicSpace | null> {
  return change(() => api!['schedule:update'](input));
}

export function cancelScheduled(spaceId: string): Promise<PublicSpace | null> {
  return change(() => api!['schedule:cancel']({ spaceId }));
}

export function clearScheduleError(): void {
  schedule.set({ error: null });
}
