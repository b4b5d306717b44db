// The listener page's inputs to the one connection banner (renderer/state/connection-health.ts), in listener words.
import type { HealthInput } from '../state/connection-health';
import { onStage, type ListenerState } from './controller';

export function listenerHealthInput(s: ListenerState, now: number): HealthInput {
  const view = s.view;
  return {
    audience: 'listener',
    now,
    live: view.space?.status === 'live' && view.removed === null,
    onStage: onStage(view.you?.role) && s.mic === 'open',
    protocol: view.status,
    attempt: view.attempt,
    sfuHealth: view.sfu,
    clockOffset: view.clockOffset,
    media: s.sfu.connection,
    hasGrant: view.media !== null,
    publishing: s.sfu.publishing,
    audioServerHost: null,
  };
}
