// @vitest-environment happy-dom
// The host panel in a busy room re-renders each part only when what that part shows changes. The real HostPanel and
// the studio's cards render in a DOM (happy-dom) from a store, fed the space protocol's own messages through the real
// reducer, as a live room sends them: reactions, counts, hands (roster deltas), an audit entry, a pin. Every host-panel
// part draws its card through Section, and every studio card its head through CardHead: those two are wrapped here to
// count the renders of each part by its test id (the controller, which wires the studio to its services and media,
// is a stand-in: the parts only send through it). A float that fades re-renders nothing around the reaction layer.
import { act, createElement, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { settingsSchema } from '../../../../common/ipc';
import type { Participant, ServerMessage } from '../../../../common/protocol';
import type { SessionView } from '../../../../renderer/state/space-session';
import { EMPTY_VIEW, reduceSpace } from '../../../../renderer/state/space-view';
import { createStore, useStore } from '../../../../renderer/state/store';
import type * as CardHeadModule from '../../../../renderer/studio/host/CardHead';
import type * as SectionModule from '../../../../renderer/studio/host/Section';

const renders = new Map<string, number>();
const count = (id: string) => renders.set(id, (renders.get(id) ?? 0) + 1);

vi.mock('../../../../renderer/studio/host/Section', async (original) => {
  const real = await original<typeof SectionModule>();
  return { ...real, Section: (props: Parameters<typeof real.Section>[0]) => (count(props.testId ?? props.title), real.Section(props)) };
});
vi.mock('../../../../renderer/studio/host/CardHead', async (original) => {
  const real = await original<typeof CardHeadModule>();
  return { ...real, CardHead: (props: Parameters<typeof real.CardHead>[0]) => (count(props.testId), real.CardHead(props)) };
});

// The controller wires the studio to its services, media and audio pipeline; the parts under test only send through it.
vi.mock('../../../../renderer/studio/controller', async () => ({
  ...(await import('../../../../renderer/studio/studio-store')),
  moderate: vi.fn(),
  sendToSpace: vi.fn(),
  setLivekit: vi.fn(async () => true),
}));

const { HostPanel } = await import('../../../../renderer/studio/host/HostPanel');
const { AudioServerCard } = await import('../../../../renderer/studio/AudioServerCard');
const { ReactionLayer } = await import('../../../../renderer/ui/social');
const { studio } = await import('../../../../renderer/studio/studio-store');
type StudioState = ReturnType<typeof studio.get>;

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const settings = { requestPolicy: 'everyone', speakerLimit: 10, cohostLimit: 2 } as const;
const listener = (i: number, hand: number | null = null): Participant => ({
  id: `p${String(i).padStart(16, '0')}`,
  subject: 'ab'.repeat(32),
  name: `Listener ${i}`,
  role: 'listener',
  handRaisedAt: hand,
  invited: false,
  connected: true,
  joinedAt: 1_000 + i,
});

/** A host's view of a live room of 2,000 listeners, built from the messages a server sends on joining. */
function busyRoom(): SessionView {
  const messages: ServerMessage[] = [
    { type: 'joined', participantId: 'hhost', role: 'host', space: { id: 'abcdefghij', title: 'Town hall', description: '', hostName: 'Ann', status: 'live', createdAt: 1, startedAt: 2, endedAt: null }, listenerCount: 2000 },
    { type: 'you', you: { role: 'host', handRaised: false, invited: false, mutedBy: null } },
    { type: 'stage', members: [{ id: 'hhost', name: 'Ann', role: 'host' }], handCount: 0, pins: [], settings, recording: null },
    { type: 'roster', participants: Array.from({ length: 2000 }, (_, i) => listener(i)), now: 5_000 },
    { type: 'audit', entries: [{ id: 1, at: 3_000, actor: 'Ann', action: 'went live', target: null, detail: null }], append: false },
    { type: 'blocks', blocks: [], total: 0 },
  ];
  const view = messages.reduce((v, m) => reduceSpace(v, m, 5_000), { ...EMPTY_VIEW });
  return { ...view, status: 'open', attempt: 0 };
}

let container: HTMLElement;
let root: Root;
let store: ReturnType<typeof createStore<StudioState>>;

// As in the studio, the selection setter is the same function on every render (App's setSelected).
const onSelect = (): void => {};

function Harness(): ReactNode {
  const s = useStore(store);
  return createElement('div', null, createElement(AudioServerCard, { state: s }), createElement(HostPanel, { state: s, card: null, selected: null, onSelect, dock: null }));
}

beforeEach(async () => {
  renders.clear();
  store = createStore<StudioState>({
    ...studio.get(),
    mic: { status: 'on', label: 'Fake mic', error: null, stageError: null, suspended: false },
    settings: settingsSchema.parse({ microphone: null, hostName: 'Ann', livekit: { mode: 'embedded' } }),
    target: { mode: 'host', spaceId: 'abcdefghij', shareUrl: 'http://x/s/abcdefghij', protocolUrl: 'ws://x/ws', credential: 'k', space: null },
    view: busyRoom(),
  });
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  await act(async () => root.render(createElement(Harness)));
});

afterEach(async () => {
  await act(async () => root.unmount());
  container.remove();
});

/** One server message into the store, as the studio's session does. */
async function receive(message: ServerMessage): Promise<void> {
  await act(async () => store.set((s) => ({ view: { ...s.view!, ...reduceSpace(s.view!, message, 6_000) } })));
}

describe('render counts in a busy room', () => {
  it('reactions and counts re-render no section and no card; a hand re-renders the lists that show hands; an audit entry only the activity log', async () => {
    const first = Object.fromEntries(renders);
    expect(first).toEqual({ listeners: 1, requests: 1, speakers: 1, activity: 1, pins: 1, 'audio-server-card': 1 });
    for (let i = 0; i < 30; i++) {
      await receive({ type: 'reactions', items: [{ emoji: '👏', count: 12 }, { emoji: '🔥', count: 3 }] });
      await receive({ type: 'counts', listenerCount: 2000 + i, handCount: 0 });
    }
    expect(Object.fromEntries(renders)).toEqual(first);
    expect(store.get().view!.listenerCount).toBe(2029);

    // A hand goes up: a roster delta. The listeners list and the requests show it; the log, the pins and the card do not.
    await receive({ type: 'rosterDelta', upsert: [listener(7, 5_500)], remove: [], now: 6_000 });
    expect(renders.get('listeners')).toBe(2);
    // Requests: once for the hand, once more as its waiting clock starts (it then ticks each second while hands wait).
    expect(renders.get('requests')).toBe(3);
    expect(container.querySelector('[data-testid="hand-row"]')?.textContent).toContain('Listener 7');
    expect(renders.get('activity')).toBe(1);
    expect(renders.get('pins')).toBe(1);
    expect(renders.get('audio-server-card')).toBe(1);

    await receive({ type: 'audit', entries: [{ id: 2, at: 6_000, actor: 'Ann', action: 'muted {target}', target: 'Bo', detail: null }], append: true });
    expect(renders.get('activity')).toBe(2);
    expect(renders.get('listeners')).toBe(2);
    expect(renders.get('pins')).toBe(1);

    // A pin is a stage change: the pins section, not the log or the lists.
    await receive({ type: 'stage', members: [{ id: 'hhost', name: 'Ann', role: 'host' }], handCount: 1, pins: [{ id: 'x1', url: 'https://example.org/a', kind: 'link', handle: null, postId: null, site: 'example.org', pinnedBy: 'Ann', pinnedAt: 6_000 }], settings, recording: null });
    expect(renders.get('pins')).toBe(2);
    expect(renders.get('activity')).toBe(2);
    expect(renders.get('listeners')).toBe(2);

    // The card shows the studio's settings: only a change to them re-renders it.
    await act(async () => store.set({ busy: 'end' }));
    expect(renders.get('audio-server-card')).toBe(1);
    await act(async () => store.set((s) => ({ settings: { ...s.settings!, livekit: { mode: 'embedded' } } })));
    expect(renders.get('audio-server-card')).toBe(2);
  });

  it('a reaction float that fades re-renders only the layer, and leaves the page', async () => {
    let parentRenders = 0;
    const bursts = [{ id: 1, emoji: '👏' as const }, { id: 2, emoji: '🔥' as const }];
    function Parent(): ReactNode {
      parentRenders++;
      return createElement('div', { className: 'reaction-host' }, createElement(ReactionLayer, { bursts }));
    }
    const box = document.createElement('div');
    document.body.append(box);
    const r = createRoot(box);
    await act(async () => r.render(createElement(Parent)));
    expect(box.querySelectorAll('[data-testid="reaction-float"]')).toHaveLength(2);
    await act(async () => box.querySelector('[data-emoji="👏"]')!.dispatchEvent(new Event('animationend', { bubbles: true })));
    expect(box.querySelectorAll('[data-testid="reaction-float"]')).toHaveLength(1);
    expect(parentRenders).toBe(1);
    await act(async () => r.unmount());
    box.remove();
  });
});
