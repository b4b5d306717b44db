// Which screen the listener page shows, derived from the store (never stored itself).
import type { ListenerState } from './controller';

export type Phase = 'loading' | 'not_found' | 'refused' | 'removed' | 'waiting' | 'live' | 'ended';

export function phaseOf(s: ListenerState): Phase {
  if (s.badLink || s.view.notFound) return 'not_found';
  if (s.view.removed !== null) return 'removed';
  const space = s.view.space;
  // A refused credential (a replaced co-host invite, all seats taken) is the only error before `joined`.
  if (!space) return s.view.error?.code === 'forbidden' ? 'refused' : 'loading';
  if (space.status === 'scheduled') return 'waiting';
  return space.status;
}

export const ROLE_LABEL = { host: 'Host', cohost: 'Co-host', speaker: 'Speaker', listener: 'Listener' } as const;
