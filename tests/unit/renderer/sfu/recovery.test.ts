// How a client gets its audio back by itself: which grants connect fresh and which keep the call, when a fresh grant
// is asked for (and how often), and which mute state a republished microphone gets.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MediaGrant } from '../../../../common/protocol';
import {
  createRegrantLoop,
  grantDecision,
  needsFreshGrant,
  regrantDelay,
  republishMuted,
  type RegrantInput,
} from '../../../../renderer/sfu/recovery';

const grant: MediaGrant = { url: 'ws://127.0.0.1:7880', token: 't1', identity: 'p1', canPublish: true, epoch: 1 };
const studio = { reconnectOnPermission: true };
const page = { reconnectOnPermission: false };

describe('grantDecision', () => {
  it('the first grant, or another seat, connects', () => {
    expect(grantDecision(null, grant, 'idle', studio)).toBe('connect');
    expect(grantDecision(grant, { ...grant, identity: 'p2' }, 'connected', studio)).toBe('connect');
    expect(grantDecision(grant, { ...grant, url: 'ws://elsewhere' }, 'connected', page)).toBe('connect');
  });

  it('a change of the right to publish reconnects the studio, not the listener page (the SFU updates it live)', () => {
    expect(grantDecision(grant, { ...grant, canPublish: false }, 'connected', studio)).toBe('connect');
    expect(grantDecision(grant, { ...grant, canPublish: false }, 'connected', page)).toBe('keep');
  });

  it('the same seat again keeps a call that is up, even from a new epoch (livekit-client recovered by itself)', () => {
    expect(grantDecision(grant, { ...grant, token: 't2' }, 'connected', studio)).toBe('keep');
    expect(grantDecision(grant, { ...grant, token: 't2', epoch: 2 }, 'connected', studio)).toBe('keep');
  });

  it('a new epoch while the call is not up connects fresh at once', () => {
    for (const connection of ['reconnecting', 'connecting', 'disconnected', 'idle'] as const) {
      expect(grantDecision(grant, { ...grant, token: 't2', epoch: 2 }, connection, page)).toBe('connect');
    }
    // A grant without an epoch (an older server) after one with: different epochs too.
    expect(grantDecision(grant, { ...grant, epoch: undefined }, 'reconnecting', page)).toBe('connect');
  });

  it('the same epoch: a call on its way is left to the SDK, a call that is gone connects', () => {
    expect(grantDecision(grant, { ...grant, token: 't2' }, 'reconnecting', page)).toBe('keep');
    expect(grantDecision(grant, { ...grant, token: 't2' }, 'connecting', page)).toBe('keep');
    expect(grantDecision(grant, { ...grant, token: 't2' }, 'disconnected', page)).toBe('connect');
  });
});

describe('asking for a fresh grant', () => {
  const gone: RegrantInput = { live: true, protocolOpen: true, hasGrant: true, sfuUp: true, connection: 'disconnected' };

  it('only when the SDK gave up on a live space whose audio server is up', () => {
    expect(needsFreshGrant(gone)).toBe(true);
    expect(needsFreshGrant({ ...gone, connection: 'reconnecting' })).toBe(false);
    expect(needsFreshGrant({ ...gone, sfuUp: false })).toBe(false);
    expect(needsFreshGrant({ ...gone, live: false })).toBe(false);
    expect(needsFreshGrant({ ...gone, protocolOpen: false })).toBe(false);
    expect(needsFreshGrant({ ...gone, hasGrant: false })).toBe(false);
  });

  it('backs off: 2 s, 4 s, 8 s, then every 15 s', () => {
    expect([0, 1, 2, 3, 4, 10].map(regrantDelay)).toEqual([2_000, 4_000, 8_000, 15_000, 15_000, 15_000]);
  });

  describe('createRegrantLoop', () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());

    it('asks with backoff while needed, stops once the call is back, starts over next time', () => {
      let input: RegrantInput = { ...gone };
      const asks: number[] = [];
      const loop = createRegrantLoop(
        () => input,
        () => asks.push(Date.now()),
      );
      const t0 = Date.now();
      loop.update();
      loop.update(); // a second change does not start a second timer
      vi.advanceTimersByTime(1_999);
      expect(asks).toHaveLength(0);
      vi.advanceTimersByTime(1);
      vi.advanceTimersByTime(4_000);
      vi.advanceTimersByTime(8_000);
      expect(asks.map((t) => t - t0)).toEqual([2_000, 6_000, 14_000]);
      input = { ...input, connection: 'connected' };
      loop.update();
      vi.advanceTimersByTime(60_000);
      expect(asks).toHaveLength(3);
      input = { ...input, connection: 'disconnected' };
      loop.update();
      vi.advanceTimersByTime(2_000);
      expect(asks).toHaveLength(4);
      loop.stop();
      vi.advanceTimersByTime(60_000);
      expect(asks).toHaveLength(4);
    });

    it('does not ask when the need passed before the timer fired', () => {
      let input: RegrantInput = { ...gone };
      const ask = vi.fn();
      const loop = createRegrantLoop(() => input, ask);
      loop.update();
      input = { ...input, sfuUp: false };
      vi.advanceTimersByTime(2_000);
      expect(ask).not.toHaveBeenCalled();
      loop.stop();
    });
  });
});

describe('republishMuted', () => {
  it('as it was; muted by a host stays muted; the role default when never published', () => {
    expect(republishMuted(false, null, true)).toBe(false);
    expect(republishMuted(true, null, false)).toBe(true);
    expect(republishMuted(false, 'Ann', false)).toBe(true);
    expect(republishMuted(null, null, false)).toBe(false);
    expect(republishMuted(null, null, true)).toBe(true);
  });
});
