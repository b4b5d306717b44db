// The desktop shell's state machine around the tray, the notifications and the studio's desktop:state reports,
// with Electron's parts passed in as plain functions: main/index.ts supplies Tray, Notification, the window's focus
// and timers, so that everything between a report and what the person sees is tested here without the binary.
// It answers desktop:state in the Electron main process itself: the services run in a utility process of their own,
// which cannot reach the tray.
import { ipcContract, type DesktopState, type IpcResponse, type ShortcutStatus } from '../../common/ipc';
import { err, ok, type Result } from '../../common/result';
import { INITIAL_NOTIFY_STATE, notifyStep, type NotificationModel, type NotifyState } from './notifications';
import { trayModel, type TrayModel } from './tray';

export interface DesktopShellEffects {
  /** Rebuild the tray (tooltip, icon, menu) from this model. */
  showTray(model: TrayModel): void;
  /** Show a system notification (clicking it should show the studio). */
  notify(notification: NotificationModel): void;
  /** Whether the studio window is focused now. */
  focused(): boolean;
  now(): number;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  later(fn: () => void, ms: number): () => void;
}

export interface DesktopShell {
  /** A desktop:state call from the studio window, unchecked: checked against the contract, applied, answered. */
  report(request: unknown): Result<IpcResponse<'desktop:state'>>;
  /** The studio window gained or lost focus (notifications are only for when it is in the background). */
  focusChanged(): void;
  /** The studio's last report, or null before the first (for the quit and end-space confirmations). */
  state(): DesktopState | null;
  /** The mute shortcut was registered (or not): the tray shows it, the next answer tells the studio. */
  setShortcut(accelerator: string | null, status: ShortcutStatus | null): void;
  dispose(): void;
}

export function createDesktopShell(effects: DesktopShellEffects): DesktopShell {
  let current: DesktopState | null = null;
  let notifyState: NotifyState = INITIAL_NOTIFY_STATE;
  let cancelWake: (() => void) | null = null;
  let accelerator: string | null = null;
  let shortcut: ShortcutStatus | null = null;
  let lastTray = '';

  const render = () => {
    const model = trayModel(current, { muteAccelerator: accelerator });
    // Menus are rebuilt only when something in them changed: the studio reports far more often than that.
    const key = JSON.stringify(model);
    if (key === lastTray) return;
    lastTray = key;
    effects.showTray(model);
  };

  const step = () => {
    cancelWake?.();
    cancelWake = null;
    const result = notifyStep(notifyState, { desktop: current, focused: effects.focused(), now: effects.now() });
    notifyState = result.state;
    for (const n of result.notify) effects.notify(n);
    if (result.wakeAt !== null) cancelWake = effects.later(step, Math.max(0, result.wakeAt - effects.now()));
  };

  render();
  return {
    report(request) {
      const parsed = ipcContract['desktop:state'].request.safeParse(request);
      if (!parsed.success) return err('bad_request', `desktop:state: ${parsed.error.issues[0]?.message ?? 'not a desktop state'}`);
      current = parsed.data;
      render();
      step();
      return ok({ ok: true as const, shortcut });
    },
    focusChanged: step,
    state: () => current,
    setShortcut(next, status) {
      accelerator = next;
      shortcut = status;
      render();
    },
    dispose() {
      cancelWake?.();
      cancelWake = null;
    },
  };
}
