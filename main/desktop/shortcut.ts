// The global mute shortcut: which accelerator to ask for, how to show it, whether it would shadow a key the studio
// window uses itself, and what the settings say when another app already holds it. Pure: main/index.ts passes
// Electron's globalShortcut.register in, so the fallback order and every message are tested without Electron.
import type { ShortcutStatus } from '../../common/ipc';

/**
 * Tried in order. Ctrl/⌘+Shift+M first: it is what Discord and Teams taught people for mute — which is also why
 * it may be taken, so Ctrl/⌘+Alt+M (⌥ on a Mac) comes next. Neither shadows a studio key (STUDIO_KEYS; tested).
 */
export const MUTE_SHORTCUTS = ['CommandOrControl+Shift+M', 'CommandOrControl+Alt+M'] as const;

/**
 * Keys the studio window handles itself: App.tsx (Ctrl/⌘+Enter, Ctrl/⌘+Shift+E, M, Escape), host/HostPanel.tsx
 * (Shift+M and the action letters, ↑/↓) and recording/RecordingCard.tsx (Alt+R, Alt+K). A global shortcut equal
 * to one of them would take it away from the window, on every platform.
 */
export const STUDIO_KEYS: readonly string[] = [
  'CommandOrControl+Enter',
  'CommandOrControl+Shift+E',
  'M',
  'Shift+M',
  'Escape',
  'Up',
  'Down',
  'A',
  'D',
  'I',
  'U',
  'L',
  'R',
  'B',
  'Alt+R',
  'Alt+K',
];

type Platform = NodeJS.Platform;

/** The modifiers a key press really has on this platform, sorted, with the key: "ctrl+shift+m". */
export function normalizeAccelerator(accelerator: string, platform: Platform): string {
  const parts = accelerator.split('+').map((p) => p.trim().toLowerCase());
  const key = parts.pop() ?? '';
  const mods = new Set<string>();
  for (const p of parts) {
    if (p === 'commandorcontrol' || p === 'cmdorctrl') mods.add(platform === 'darwin' ? 'cmd' : 'ctrl');
    else if (p === 'command' || p === 'cmd' || p === 'super' || p === 'meta') mods.add('cmd');
    else if (p === 'control' || p === 'ctrl') mods.add('ctrl');
    else if (p === 'alt' || p === 'option' || p === 'altgr') mods.add('alt');
    else if (p === 'shift') mods.add('shift');
    else mods.add(p);
  }
  return [...[...mods].sort(), key].join('+');
}

/** The studio key this accelerator would shadow, or null. */
export function shadowedStudioKey(accelerator: string, platform: Platform): string | null {
  const wanted = normalizeAccelerator(accelerator, platform);
  return STUDIO_KEYS.find((k) => normalizeAccelerator(k, platform) === wanted) ?? null;
}

/** As a person reads it: "⌘⇧M" on a Mac, "Ctrl+Shift+M" elsewhere. */
export function acceleratorLabel(accelerator: string, platform: Platform): string {
  const parts = accelerator.split('+');
  const key = parts.pop() ?? '';
  const mac = platform === 'darwin';
  const names: Record<string, [mac: string, other: string]> = {
    commandorcontrol: ['⌘', 'Ctrl'],
    cmdorctrl: ['⌘', 'Ctrl'],
    command: ['⌘', 'Super'],
    control: ['⌃', 'Ctrl'],
    ctrl: ['⌃', 'Ctrl'],
    alt: ['⌥', 'Alt'],
    option: ['⌥', 'Alt'],
    shift: ['⇧', 'Shift'],
  };
  const shown = parts.map((p) => names[p.toLowerCase()]?.[mac ? 0 : 1] ?? p);
  return mac ? `${shown.join('')}${key}` : [...shown, key].join('+');
}

export interface MuteShortcut {
  /** What was registered (unregister it on quit), or null. */
  accelerator: string | null;
  status: ShortcutStatus;
}

/**
 * Registers the first free accelerator of MUTE_SHORTCUTS with `register` (Electron's globalShortcut.register: false
 * when another app holds it; it may also throw). `waylandSession`: on Wayland only the desktop's shortcut portal
 * can deliver global keys, so the status says where to look if the key does nothing.
 */
export function registerMuteShortcut(register: (accelerator: string) => boolean, platform: Platform, waylandSession = false): MuteShortcut {
  const label = (a: string) => acceleratorLabel(a, platform);
  const taken: string[] = [];
  for (const accelerator of MUTE_SHORTCUTS) {
    let ok = false;
    try {
      ok = register(accelerator);
    } catch {
      ok = false;
    }
    if (!ok) {
      taken.push(accelerator);
      continue;
    }
    const instead = taken.length ? `${taken.map(label).join(' and ')} ${taken.length > 1 ? 'are' : 'is'} taken by another app, so ` : '';
    const wayland = waylandSession ? ' If it does nothing, allow Podium in your desktop’s keyboard shortcut settings (Wayland).' : '';
    return {
      accelerator,
      status: {
        label: label(accelerator),
        registered: true,
        message: `${instead}${label(accelerator)} mutes or unmutes you from any app, even with Podium in the background.${wayland}`,
      },
    };
  }
  const all = MUTE_SHORTCUTS.map(label);
  return {
    accelerator: null,
    status: {
      label: all[0]!,
      registered: false,
      message: `Another app is using ${all.join(' and ')}, so there is no mute key outside Podium. In the studio, M still mutes you; free one of those keys in the other app and restart Podium.`,
    },
  };
}
