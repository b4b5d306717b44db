// The tray (menu-bar) model: what the icon, tooltip and menu say for each state of the studio, and the questions
// asked before ending the space or quitting.
import { describe, expect, it } from 'vitest';
import type { DesktopState } from '../../../../common/ipc';
import { endSpaceConfirmation, hiddenToTrayNotice, IDLE_DESKTOP_STATE, quitConfirmation, TOOLTIP_MAX, trayModel, windowCloseAction, type TrayItem } from '../../../../main/desktop/tray';

const live: DesktopState = { live: true, canEnd: true, onAir: true, muted: false, recording: false, title: 'Morning show', handsUp: 0, link: 'ok' };

const item = (items: TrayItem[], action: string) => items.find((i) => i.type === 'item' && i.action === action) as Extract<TrayItem, { type: 'item' }>;
const infos = (items: TrayItem[]) => items.filter((i) => i.type === 'info').map((i) => (i as { label: string }).label);

describe('tray model', () => {
  it('before any report and outside a space: idle, nothing to mute or end', () => {
    for (const state of [null, IDLE_DESKTOP_STATE]) {
      const m = trayModel(state);
      expect(m.icon).toBe('idle');
      expect(m.tooltip).toBe('Podium — no live space');
      expect(infos(m.items)).toEqual(['No live space']);
      expect(item(m.items, 'toggleMute').enabled).toBe(false);
      expect(item(m.items, 'endSpace').enabled).toBe(false);
      expect(item(m.items, 'show').enabled).toBe(true);
      expect(item(m.items, 'quit').label).toBe('Quit Podium');
    }
  });

  it('live and on air: Mute with the global shortcut shown, End space… for the host, Quit asks', () => {
    const m = trayModel(live, { muteAccelerator: 'CommandOrControl+Shift+M' });
    expect(m.icon).toBe('live');
    expect(m.tooltip).toBe('Podium — live: Morning show · on air');
    expect(infos(m.items)).toEqual(['● Live — Morning show']);
    expect(item(m.items, 'toggleMute')).toEqual({ type: 'item', action: 'toggleMute', label: 'Mute microphone', enabled: true, accelerator: 'CommandOrControl+Shift+M' });
    expect(item(m.items, 'endSpace')).toMatchObject({ label: 'End space…', enabled: true });
    expect(item(m.items, 'quit').label).toBe('Quit Podium…');
    expect(m.items.map((i) => (i.type === 'item' ? i.action : i.type))).toEqual(['info', 'separator', 'toggleMute', 'show', 'endSpace', 'separator', 'quit']);
  });

  it('muted: Unmute, the muted icon; recording wins the icon; hands and trouble are listed', () => {
    expect(trayModel({ ...live, muted: true })).toMatchObject({ icon: 'muted', tooltip: 'Podium — live: Morning show · muted' });
    expect(item(trayModel({ ...live, muted: true }).items, 'toggleMute').label).toBe('Unmute microphone');
    const busy = trayModel({ ...live, muted: true, recording: true, handsUp: 3 });
    expect(busy.icon).toBe('recording');
    expect(busy.tooltip).toBe('Podium — live: Morning show · muted · recording · 3 raised hands');
    expect(infos(busy.items)).toEqual(['● Live — Morning show', '3 raised hands', 'Recording']);
    const down = trayModel({ ...live, link: 'media-lost', handsUp: 1 });
    expect(down.icon).toBe('trouble');
    expect(infos(down.items)).toContain('Reconnecting audio — listeners cannot hear you');
    expect(down.tooltip).toContain('1 raised hand ·');
  });

  it('a co-host cannot end the space from the tray; a listener-turned-nothing cannot mute', () => {
    expect(item(trayModel({ ...live, canEnd: false }).items, 'endSpace').enabled).toBe(false);
    expect(item(trayModel({ ...live, onAir: false }).items, 'toggleMute')).toMatchObject({ enabled: false, label: 'Mute microphone' });
  });

  it('keeps the tooltip within Windows’ limit by shortening the title, and the menu title short', () => {
    const long = { ...live, title: 'A very long title '.repeat(10).trim(), recording: true, handsUp: 12, link: 'space-lost' as const };
    const m = trayModel(long);
    expect(m.tooltip.length).toBeLessThanOrEqual(TOOLTIP_MAX);
    expect(m.tooltip).toMatch(/^Podium — live: A very long title .*…/);
    expect(m.tooltip).toContain('Reconnecting to the space server…');
    expect(infos(m.items)[0]!.length).toBeLessThanOrEqual('● Live — '.length + 40);
  });
});

describe('confirmations', () => {
  it('End space… asks, naming the space, with Cancel first and default', () => {
    expect(endSpaceConfirmation({ ...live, recording: true })).toEqual({
      title: 'End space',
      message: 'End “Morning show” for everyone?',
      detail: 'Listeners and speakers are disconnected and the space cannot be restarted. The recording stops and is saved.',
      buttons: ['Cancel', 'End space'],
      defaultId: 0,
      cancelId: 0,
    });
    expect(endSpaceConfirmation({ ...live, canEnd: false })).toBeNull();
    expect(endSpaceConfirmation(IDLE_DESKTOP_STATE)).toBeNull();
    expect(endSpaceConfirmation(null)).toBeNull();
  });

  it('Quit asks only when something would stop, and says what', () => {
    expect(quitConfirmation(null)).toBeNull();
    expect(quitConfirmation(IDLE_DESKTOP_STATE)).toBeNull();
    expect(quitConfirmation(live)).toMatchObject({
      message: 'Quit Podium while the space is live?',
      detail: 'Your space stops for everyone listening, because it runs on this computer.',
      buttons: ['Cancel', 'Quit'],
      cancelId: 0,
    });
    expect(quitConfirmation({ ...live, canEnd: false })?.detail).toBe('You leave the space; it goes on without you.');
    expect(quitConfirmation({ ...IDLE_DESKTOP_STATE, recording: true })).toMatchObject({
      message: 'Quit Podium while recording?',
      detail: 'The recording stops; what was recorded is kept.',
    });
  });
});

describe('closing the window', () => {
  it('hides it while live or recording (the tray keeps the space going), closes it otherwise', () => {
    expect(windowCloseAction(null)).toBe('close');
    expect(windowCloseAction(IDLE_DESKTOP_STATE)).toBe('close');
    expect(windowCloseAction(live)).toBe('hide');
    expect(windowCloseAction({ ...IDLE_DESKTOP_STATE, recording: true })).toBe('hide');
    expect(hiddenToTrayNotice(live).title).toBe('Your space is still live');
    expect(hiddenToTrayNotice({ ...IDLE_DESKTOP_STATE, recording: true }).body).toMatch(/Quit Podium/);
  });
});
