// What the listener page notifies about, decided from its state before and after a server message: this space going
// live (once, not on a reload of a live space), and — for a follower — the host going live in another space; a
// cancelled space is its own phase.
import { describe, expect, it } from 'vitest';
import type { PublicSpace } from '../../../../common/space';
import { alertsFor } from '../../../../renderer/listener/alerts';
import { phaseOf } from '../../../../renderer/listener/phase';
import type { ListenerState } from '../../../../renderer/listener/controller';
import { EMPTY_VIEW, reduceSpace, type SpaceView } from '../../../../renderer/state/space-view';

const SPACE: PublicSpace = {
  id: 'abcde12345',
  title: 'Roadmap',
  description: '',
  hostName: 'Lena',
  status: 'scheduled',
  createdAt: 1,
  startedAt: null,
  endedAt: null,
  scheduledAt: 5_000_000,
};

const seen = (view: SpaceView) => ({ view: view as ListenerState['view'] });
const withSpace = (space: PublicSpace): SpaceView => reduceSpace(EMPTY_VIEW, { type: 'space', space, listenerCount: 0 });

describe('alertsFor', () => {
  it('tells of this space going live, once', () => {
    const waiting = withSpace(SPACE);
    const live = reduceSpace(waiting, { type: 'space', space: { ...SPACE, status: 'live', startedAt: 10 }, listenerCount: 1 });
    expect(alertsFor(seen(waiting), seen(live))).toEqual([{ title: 'Lena is live', body: 'Roadmap — tap to listen', tag: 'podium-live-abcde12345' }]);
    expect(alertsFor(seen(live), seen(live))).toEqual([]);
    // A page opened on a space that is live already is not told it went live.
    expect(alertsFor(seen(EMPTY_VIEW), seen(live))).toEqual([]);
  });

  it("tells a follower of the host's go-live elsewhere, with a link there; not of this very space", () => {
    const here = withSpace(SPACE);
    const told = reduceSpace(here, { type: 'hostLive', spaceId: 'zzzzz99999', title: 'Other show', hostName: 'Lena' }, 42);
    expect(alertsFor(seen(here), seen(told))).toEqual([
      { title: 'Lena is live', body: 'Other show — you follow Lena', tag: 'podium-live-zzzzz99999', path: '/s/zzzzz99999' },
    ]);
    const same = reduceSpace(here, { type: 'hostLive', spaceId: SPACE.id, title: 'Roadmap', hostName: 'Lena' });
    expect(alertsFor(seen(here), seen(same))).toEqual([]);
  });

  it('a cancelled space has its own phase; a scheduled one waits', () => {
    const state = (view: SpaceView) => ({ badLink: false, invite: null, view }) as unknown as ListenerState;
    expect(phaseOf(state(withSpace(SPACE)))).toBe('waiting');
    expect(phaseOf(state(withSpace({ ...SPACE, status: 'ended', endedAt: 9, cancelledAt: 9 })))).toBe('cancelled');
    expect(phaseOf(state(withSpace({ ...SPACE, status: 'ended', endedAt: 9 })))).toBe('ended');
  });
});
