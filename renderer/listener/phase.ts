// Which screen the listener page shows, derived from the store (never stored itself).
import type { ListenerState } from './controller';

export type Phase = 'loading' | 'not_found' | 'invite' | 'refused' | 'removed' | 'ticket' | 'waiting' | 'live' | 'ended' | 'cancelled';

export function phaseOf(s: ListenerState): Phase {
  if (s.badLink || s.view.notFound) return 'not_found';
  // A co-host invite opened here: the page has not joined, and waits for the person to choose.
  if (s.invite) return 'invite';
  if (s.view.removed !== null) return 'removed';
  const space = s.view.space;
  // A space that needs a ticket, and ours (if any) did not admit us: the ticket prompt.
  if (!space && (s.view.ticket || s.ticketChecking)) return 'ticket';
  // A refused credential (a replaced co-host invite, all seats taken) is the only error before `joined`.
  if (!space) return s.view.error?.code === 'forbidden' ? 'refused' : 'loading';
  if (space.cancelledAt) return 'cancelled';
  if (space.status === 'scheduled') return 'waiting';
  return space.status;
}

export const ROLE_LABEL = { host: 'Host', cohost: 'Co-host', speaker: 'Speaker', listener: 'Listener' } as const;
