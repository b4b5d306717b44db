// The tray (menu-bar) icon's model: from the studio's state (desktop:state) to its tooltip, which icon to show and
// the menu's items, plus the confirmations that guard ending the space and quitting. Pure and free of Electron:
// main/index.ts turns this into Tray/Menu calls, so every label and rule is tested without the binary.
import type { DesktopState } from '../../common/ipc';

/** Icon files are resources/tray/<name>.png (macOS: <name>Template.png, drawn by the system in the bar's colour). */
export type TrayIcon = 'idle' | 'live' | 'muted' | 'recording' | 'trouble';

export type TrayAction = 'toggleMute' | 'show' | 'endSpace' | 'quit';

export type TrayItem =
  | { type: 'item'; action: TrayAction; label: string; enabled: boolean; accelerator?: string }
  /** A line of status, not clickable. */
  | { type: 'info'; label: string }
  | { type: 'separator' };

export interface TrayModel {
  tooltip: string;
  icon: TrayIcon;
  items: TrayItem[];
}

/** What a dialog asks before an action that cannot be undone; the first button cancels and is the default. */
export interface Confirmation {
  title: string;
  message: string;
  detail: string;
  buttons: [cancel: string, confirm: string];
  defaultId: 0;
  cancelId: 0;
}

/** Before the studio window has reported anything. */
export const IDLE_DESKTOP_STATE: DesktopState = {
  live: false,
  canEnd: false,
  onAir: false,
  muted: false,
  recording: false,
  title: null,
  handsUp: 0,
  link: 'ok',
};

/** Windows cuts tray tooltips at 127 characters; the title is what gives way. */
export const TOOLTIP_MAX = 127;
const TITLE_IN_MENU_MAX = 40;

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

export function handsLabel(count: number): string {
  return count === 1 ? '1 raised hand' : `${count} raised hands`;
}

function linkLabel(link: DesktopState['link']): string | null {
  if (link === 'space-lost') return 'Reconnecting to the space server…';
  if (link === 'media-lost') return 'Reconnecting audio — listeners cannot hear you';
  if (link === 'audio-restarting') return 'Audio server restarting — listeners cannot hear you';
  if (link === 'audio-failed') return 'Audio server stopped — listeners cannot hear you';
  return null;
}

export function trayIcon(state: DesktopState): TrayIcon {
  if (!state.live) return 'idle';
  if (state.link !== 'ok') return 'trouble';
  if (state.recording) return 'recording';
  if (state.onAir && state.muted) return 'muted';
  return 'live';
}

export function trayTooltip(state: DesktopState): string {
  if (!state.live) return state.recording ? 'Podium — recording' : 'Podium — no live space';
  const parts = [
    state.onAir ? (state.muted ? 'muted' : 'on air') : null,
    state.recording ? 'recording' : null,
    state.handsUp > 0 ? handsLabel(state.handsUp) : null,
    linkLabel(state.link),
  ].filter((p): p is string => p !== null);
  const tail = parts.length ? ` · ${parts.join(' · ')}` : '';
  const head = 'Podium — live: ';
  const room = TOOLTIP_MAX - head.length - tail.length;
  const title = state.title ?? 'your space';
  // With a very long status the title still keeps a few characters; the whole is cut at the limit if it must be.
  return shorten(`${head}${shorten(title, Math.max(room, 12))}${tail}`, TOOLTIP_MAX);
}

/**
 * The tray menu. Mute is there only to use while on air (it shows the global shortcut when one is registered); End
 * space… only for the host of a live space and always asks first (endSpaceConfirmation); Quit asks while live.
 */
export function trayModel(state: DesktopState | null, options: { muteAccelerator?: string | null } = {}): TrayModel {
  const s = state ?? IDLE_DESKTOP_STATE;
  const status: TrayItem[] = s.live
    ? [{ type: 'info', label: `● Live — ${shorten(s.title ?? 'your space', TITLE_IN_MENU_MAX)}` }]
    : [{ type: 'info', label: 'No live space' }];
  if (s.live && s.handsUp > 0) status.push({ type: 'info', label: handsLabel(s.handsUp) });
  if (s.recording) status.push({ type: 'info', label: 'Recording' });
  const trouble = s.live ? linkLabel(s.link) : null;
  if (trouble) status.push({ type: 'info', label: trouble });

  const mute: TrayItem = {
    type: 'item',
    action: 'toggleMute',
    label: s.onAir && s.muted ? 'Unmute microphone' : 'Mute microphone',
    enabled: s.onAir,
    ...(options.muteAccelerator ? { accelerator: options.muteAccelerator } : {}),
  };
  return {
    tooltip: trayTooltip(s),
    icon: trayIcon(s),
    items: [
      ...status,
      { type: 'separator' },
      mute,
      { type: 'item', action: 'show', label: 'Show studio', enabled: true },
      { type: 'item', action: 'endSpace', label: 'End space…', enabled: s.live && s.canEnd },
      { type: 'separator' },
      { type: 'item', action: 'quit', label: s.live || s.recording ? 'Quit Podium…' : 'Quit Podium', enabled: true },
    ],
  };
}

/** Asked before the tray's End space…; null when this studio cannot end a space now (then nothing happens). */
export function endSpaceConfirmation(state: DesktopState | null): Confirmation | null {
  if (!state?.live || !state.canEnd) return null;
  const title = state.title ? `“${shorten(state.title, 80)}”` : 'this space';
  return {
    title: 'End space',
    message: `End ${title} for everyone?`,
    detail: 'Listeners and speakers are disconnected and the space cannot be restarted.' + (state.recording ? ' The recording stops and is saved.' : ''),
    buttons: ['Cancel', 'End space'],
    defaultId: 0,
    cancelId: 0,
  };
}

/**
 * Asked before quitting while something would be lost; null means quit at once. The host's space server runs inside
 * this studio, so quitting takes their space down for everyone; a co-host only leaves.
 */
export function quitConfirmation(state: DesktopState | null): Confirmation | null {
  if (!state?.live && !state?.recording) return null;
  const consequences = [
    state.live && state.canEnd ? 'Your space stops for everyone listening, because it runs on this computer.' : null,
    state.live && !state.canEnd ? 'You leave the space; it goes on without you.' : null,
    state.recording ? 'The recording stops; what was recorded is kept.' : null,
  ].filter((c): c is string => c !== null);
  return {
    title: 'Quit Podium',
    message: state.live ? 'Quit Podium while the space is live?' : 'Quit Podium while recording?',
    detail: consequences.join(' '),
    buttons: ['Cancel', 'Quit'],
    defaultId: 0,
    cancelId: 0,
  };
}

/**
 * Closing the studio window while a space is live or recording hides it instead, and the tray keeps the app (and
 * the space server inside it) running; otherwise the window closes as usual. Quit, from the tray or the app menu,
 * still quits, after quitConfirmation.
 */
export function windowCloseAction(state: DesktopState | null): 'hide' | 'close' {
  return state?.live || state?.recording ? 'hide' : 'close';
}

/** Said once when the window hides instead of closing, so nobody thinks the space stopped, or that it did not. */
export function hiddenToTrayNotice(state: DesktopState): { title: string; body: string } {
  return {
    title: state.live ? 'Your space is still live' : 'Still recording',
    body: 'Podium keeps running in the tray. Open it from there, or choose Quit Podium to stop.',
  };
}
