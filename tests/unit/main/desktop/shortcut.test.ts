// The global mute shortcut: never one of the studio's own keys, shown the way each platform writes it, and a
// plain account in the settings when another app holds it.
import { describe, expect, it, vi } from 'vitest';
import { acceleratorLabel, MUTE_SHORTCUTS, normalizeAccelerator, registerMuteShortcut, shadowedStudioKey } from '../../../../main/desktop/shortcut';

describe('mute shortcut', () => {
  it.each(['darwin', 'win32', 'linux'] as const)('on %s, no candidate shadows a key the studio window uses', (platform) => {
    for (const accelerator of MUTE_SHORTCUTS) expect(shadowedStudioKey(accelerator, platform)).toBeNull();
  });

  it('would notice one that does (so a later change cannot steal M, Shift+M or Ctrl/⌘+Shift+E)', () => {
    expect(shadowedStudioKey('Shift+M', 'linux')).toBe('Shift+M');
    expect(shadowedStudioKey('Control+Shift+E', 'win32')).toBe('CommandOrControl+Shift+E');
    expect(shadowedStudioKey('Command+Shift+E', 'darwin')).toBe('CommandOrControl+Shift+E');
    // ⌘ is not Ctrl on a Mac: Ctrl+Shift+E there is a different key.
    expect(shadowedStudioKey('Control+Shift+E', 'darwin')).toBeNull();
    expect(shadowedStudioKey('Option+R', 'darwin')).toBe('Alt+R');
    expect(normalizeAccelerator('Shift+CmdOrCtrl+m', 'linux')).toBe('ctrl+shift+m');
  });

  it('is shown the way each platform writes it', () => {
    expect(acceleratorLabel('CommandOrControl+Shift+M', 'darwin')).toBe('⌘⇧M');
    expect(acceleratorLabel('CommandOrControl+Alt+M', 'darwin')).toBe('⌘⌥M');
    expect(acceleratorLabel('CommandOrControl+Shift+M', 'win32')).toBe('Ctrl+Shift+M');
    expect(acceleratorLabel('CommandOrControl+Alt+M', 'linux')).toBe('Ctrl+Alt+M');
  });

  it('registers the first candidate when it is free', () => {
    const register = vi.fn(() => true);
    const r = registerMuteShortcut(register, 'win32');
    expect(register).toHaveBeenCalledTimes(1);
    expect(r.accelerator).toBe('CommandOrControl+Shift+M');
    expect(r.status).toEqual({
      label: 'Ctrl+Shift+M',
      registered: true,
      message: 'Ctrl+Shift+M mutes or unmutes you from any app, even with Podium in the background.',
    });
  });

  it('another app holds the first: the second, and the settings say why', () => {
    const r = registerMuteShortcut((a) => a !== 'CommandOrControl+Shift+M', 'darwin');
    expect(r.accelerator).toBe('CommandOrControl+Alt+M');
    expect(r.status.message).toBe('⌘⇧M is taken by another app, so ⌘⌥M mutes or unmutes you from any app, even with Podium in the background.');
  });

  it('all taken (or registration throws): none, and the settings say what still works and what to do', () => {
    const thrower = () => {
      throw new Error('Failed to register');
    };
    for (const register of [() => false, thrower]) {
      const r = registerMuteShortcut(register, 'linux');
      expect(r.accelerator).toBeNull();
      expect(r.status).toEqual({
        label: 'Ctrl+Shift+M',
        registered: false,
        message:
          'Another app is using Ctrl+Shift+M and Ctrl+Alt+M, so there is no mute key outside Podium. In the studio, M still mutes you; free one of those keys in the other app and restart Podium.',
      });
    }
  });

  it('on a Wayland session, says where to allow it if it does nothing', () => {
    expect(registerMuteShortcut(() => true, 'linux', true).status.message).toMatch(/Wayland/);
  });
});
