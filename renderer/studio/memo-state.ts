// The studio's cards re-render only when the studio state they show changes: the store changes several times a second
// in a busy room (the space's view), and a card that declares the fields it reads (`keys`; its props type gives it
// only those) is skipped when none of them changed.
import { memo, type FunctionComponent, type ReactNode } from 'react';
import type { StudioState } from './studio-store';

export function memoOnState<K extends keyof StudioState>(
  component: (props: { state: Pick<StudioState, K> }) => ReactNode,
  keys: readonly K[],
): FunctionComponent<{ state: Pick<StudioState, K> }> {
  const wrapped = memo(component, (a, b) => keys.every((k) => a.state[k] === b.state[k])) as unknown as FunctionComponent<{ state: Pick<StudioState, K> }>;
  wrapped.displayName = component.name;
  return wrapped;
}
