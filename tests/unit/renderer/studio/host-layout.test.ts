// The Room panel's tabs and the audio cards' folding (remembered, and offered only once the microphone is set).
import { describe, expect, it } from 'vitest';
import { COLLAPSE_KEY, isFolded, readCollapsed, writeCollapsed } from '../../../../renderer/studio/host/collapse';
import { roomTabs } from '../../../../renderer/studio/host/room-tabs';

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data };
}

describe('room tabs', () => {
  it('the host gets Stage, Reports, Settings, Co-hosts and Blocked; a co-host no Co-hosts tab', () => {
    expect(roomTabs({ isHost: true, requests: 0, cohosts: 1, blocked: 2 }).map((t) => t.id)).toEqual(['stage', 'reports', 'settings', 'cohosts', 'tickets', 'blocked']);
    expect(roomTabs({ isHost: false, requests: 0, cohosts: 1, blocked: 0 }).map((t) => t.id)).toEqual(['stage', 'reports', 'settings', 'blocked']);
  });

  it('the Stage tab calls attention to waiting requests only when there are some', () => {
    const none = roomTabs({ isHost: true, requests: 0, cohosts: 0, blocked: 0 })[0]!;
    expect(none.count).toBeUndefined();
    expect(none.alert).toBe(false);
    expect(none.title).toBe('Speakers and requests to speak');
    const one = roomTabs({ isHost: true, requests: 1, cohosts: 0, blocked: 0 })[0]!;
    expect(one).toMatchObject({ count: 1, alert: true, title: 'Speakers, and 1 request to speak' });
    expect(roomTabs({ isHost: true, requests: 3, cohosts: 0, blocked: 0 })[0]!.title).toBe('Speakers, and 3 requests to speak');
    const blocked = roomTabs({ isHost: true, requests: 0, cohosts: 0, blocked: 4 }).find((t) => t.id === 'blocked')!;
    expect(blocked).toMatchObject({ count: 4 });
    expect(blocked.alert).toBeFalsy();
    // No row of zeros: nothing to count, no count.
    expect(roomTabs({ isHost: true, requests: 0, cohosts: 0, blocked: 0, reports: 0 }).map((t) => t.count)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
    expect(roomTabs({ isHost: true, requests: 0, cohosts: 2, blocked: 0 }).find((t) => t.id === 'cohosts')!.count).toBe(2);
  });

  it('the Reports tab counts open reports and calls attention to them', () => {
    const none = roomTabs({ isHost: false, requests: 0, cohosts: 0, blocked: 0, reports: 0 }).find((t) => t.id === 'reports')!;
    expect(none).toMatchObject({ alert: false, title: 'What people in the room reported' });
    expect(none.count).toBeUndefined();
    expect(roomTabs({ isHost: false, requests: 0, cohosts: 0, blocked: 0, reports: 2 }).find((t) => t.id === 'reports')).toMatchObject({ count: 2, alert: true, title: '2 open reports from the room' });
  });
});

describe('folding the audio cards', () => {
  it('is remembered per card, next to the others', () => {
    const storage = memoryStorage();
    expect(readCollapsed(storage)).toEqual({});
    writeCollapsed(storage, 'microphone', true);
    writeCollapsed(storage, 'noise', true);
    writeCollapsed(storage, 'microphone', false);
    expect(readCollapsed(storage)).toEqual({ microphone: false, noise: true });
    expect(JSON.parse(storage.data.get(COLLAPSE_KEY)!)).toEqual({ microphone: false, noise: true });
  });

  it('reads anything broken as "never chosen" and survives a storage that refuses writes', () => {
    expect(readCollapsed(memoryStorage({ [COLLAPSE_KEY]: '{not json' }))).toEqual({});
    expect(readCollapsed(memoryStorage({ [COLLAPSE_KEY]: '[true]' }))).toEqual({});
    expect(readCollapsed(memoryStorage({ [COLLAPSE_KEY]: '{"noise":"yes","server":true,"other":true}' }))).toEqual({ server: true });
    expect(readCollapsed(null)).toEqual({});
    const full = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); } };
    expect(writeCollapsed(full, 'server', true)).toEqual({ server: true });
  });

  it('folds only once the microphone is set, and only when the host chose it', () => {
    expect(isFolded(true, true)).toBe(true);
    expect(isFolded(true, false)).toBe(false);
    expect(isFolded(false, true)).toBe(false);
    expect(isFolded(undefined, true)).toBe(false);
  });
});
