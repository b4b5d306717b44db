// What the studio and the listener page know about a recording: the stage's word, cleared when the space ends.
import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../../common/protocol';
import type { PublicSpace } from '../../../../common/space';
import { EMPTY_VIEW, reduceSpace } from '../../../../renderer/state/space-view';

const settings = { requestPolicy: 'everyone', speakerLimit: 10, cohostLimit: 2 } as const;
const stage = (recording: { since: number } | null): ServerMessage => ({ type: 'stage', members: [], handCount: 0, pins: [], settings, recording });
const space = (status: PublicSpace['status']): PublicSpace => ({
  id: 'abcde12345',
  title: 'Open mic',
  description: '',
  hostName: 'Ann',
  status,
  createdAt: 1,
  startedAt: status === 'scheduled' ? null : 2,
  endedAt: status === 'ended' ? 3 : null,
});

describe('reduceSpace: recording', () => {
  it('starts unrecorded and follows the stage message', () => {
    expect(EMPTY_VIEW.recording).toBeNull();
    const on = reduceSpace(EMPTY_VIEW, stage({ since: 1234 }));
    expect(on.recording).toEqual({ since: 1234 });
    expect(reduceSpace(on, stage(null)).recording).toBeNull();
  });

  it('clears when the space ends, even before the stage says so', () => {
    const on = reduceSpace(reduceSpace(EMPTY_VIEW, stage({ since: 1234 })), { type: 'space', space: space('live'), listenerCount: 3 });
    expect(on.recording).toEqual({ since: 1234 });
    expect(reduceSpace(on, { type: 'space', space: space('ended'), listenerCount: 0 }).recording).toBeNull();
  });
});
