// The listener page's side of a ticketed space, without a browser: a refusal from the server becomes the ticket
// prompt (and stays it while a new code is checked), being admitted clears it, and a revoke is the removed screen.
import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../../common/protocol';
import type { PublicSpace } from '../../../../common/space';
import type { ListenerState } from '../../../../renderer/listener/controller';
import { phaseOf } from '../../../../renderer/listener/phase';
import { INITIAL_SFU_SNAPSHOT } from '../../../../renderer/sfu/adapter';
import { EMPTY_VIEW, reduceSpace } from '../../../../renderer/state/space-view';

const space: PublicSpace = { id: 'abcde12345', title: 'Members only', description: '', hostName: 'Ann', status: 'live', createdAt: 1, startedAt: 2, endedAt: null };
const state = (view: ListenerState['view'], over: Partial<ListenerState> = {}): ListenerState => ({
  view,
  sfu: INITIAL_SFU_SNAPSHOT,
  badLink: false,
  listening: false,
  mic: 'off',
  micError: null,
  hostMutedBy: null,
  hint: null,
  shared: null,
  name: '',
  nameCut: false,
  invite: null,
  inviteCopy: null,
  ticketChecking: false,
  ticketTried: '',
  ticketSpace: null,
  ...over,
});
const start = { ...EMPTY_VIEW, status: 'open' as const, attempt: 0 };

describe('the ticket prompt’s state', () => {
  it('a refusal shows the prompt with the reason, the words and when to try again', () => {
    const refusal: ServerMessage = { type: 'ticket', ref: 'join', reason: 'throttled', message: 'Too many attempts — wait 42 s and try again.', retryAfterMs: 41_200 };
    const view = { ...start, ...reduceSpace(start, refusal, 1_000) };
    expect(view.ticket).toEqual({ reason: 'throttled', message: 'Too many attempts — wait 42 s and try again.', retryAfterMs: 41_200, at: 1_000 });
    expect(phaseOf(state(view))).toBe('ticket');
  });

  it('stays the prompt while a typed code is checked, then the space once admitted', () => {
    expect(phaseOf(state(start, { ticketChecking: true }))).toBe('ticket');
    const refused = { ...start, ...reduceSpace(start, { type: 'ticket', reason: 'used', message: 'This ticket was already used on another device.' }) };
    const joined = { ...refused, ...reduceSpace(refused, { type: 'joined', participantId: 'p0123456789abcdef', role: 'listener', space, listenerCount: 1 }) };
    expect(joined.ticket).toBeNull();
    expect(phaseOf(state(joined))).toBe('live');
  });

  it('a revoked ticket is the removed screen, with the server’s words', () => {
    const joined = { ...start, ...reduceSpace(start, { type: 'joined', participantId: 'p0123456789abcdef', role: 'listener', space, listenerCount: 1 }) };
    const removed = { ...joined, ...reduceSpace(joined, { type: 'removed', message: 'The host revoked your ticket, so you are no longer in this space.' }) };
    expect(phaseOf(state(removed))).toBe('removed');
  });
});
