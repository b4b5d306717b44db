// The host panel's building blocks: a titled section card with an optional count and header controls, and the
// props every section shares.
import { memo, type CSSProperties, type FunctionComponent, type ReactNode } from 'react';
import type { ModAction } from '../../../common/moderation';
import type { SfuSnapshot } from '../../sfu/adapter';
import type { SessionView } from '../../state/space-session';
import type { StudioMode } from '../studio-store';
import type { Person } from './actions';

export interface PanelProps {
  view: SessionView;
  sfu: SfuSnapshot;
  mode: StudioMode;
  selected: string | null;
  select: (id: string) => void;
  act: (action: ModAction, person: Person) => void;
}

/**
 * A host-panel part that re-renders only when what it shows changes. A busy room changes the view several times a
 * second (counts, hands, reactions); a part that declares the view fields it reads (`keys`; its props type only
 * gives it those) is skipped when none of them, and none of its other props, changed.
 */
export function memoOnView<K extends keyof SessionView, P extends { view: Pick<SessionView, K> }>(
  component: (props: P) => ReactNode,
  keys: readonly K[],
): FunctionComponent<P> {
  const same = (a: P, b: P): boolean =>
    keys.every((k) => a.view[k] === b.view[k]) &&
    (Object.keys(b) as (keyof P)[]).every((k) => k === 'view' || Object.is(a[k], b[k])) &&
    Object.keys(a).length === Object.keys(b).length;
  const wrapped = memo(component, same) as unknown as FunctionComponent<P>;
  wrapped.displayName = component.name;
  return wrapped;
}

export function Section(props: {
  title: string;
  count?: number;
  /** Draws the count as an attention badge (requests waiting). */
  alert?: boolean;
  aside?: ReactNode;
  className?: string;
  testId?: string;
  /** Inside another card (a tab of the Room panel): no card of its own. */
  plain?: boolean;
  /** The title is said by something else on screen (the tab): kept for screen readers only. */
  hideTitle?: boolean;
  style?: CSSProperties;
  children: ReactNode;
}): ReactNode {
  return (
    <section className={`${props.plain ? 'hsection-plain' : 'card'} hsection ${props.className ?? ''}`} data-testid={props.testId} aria-label={props.title} style={props.style}>
      <header className={`hsection-head${props.hideTitle && !props.aside ? ' visually-hidden' : ''}`}>
        <h2 className={props.hideTitle ? 'visually-hidden' : undefined}>{props.title}</h2>
        {props.count !== undefined && (
          <span
            className={`count${props.alert && props.count > 0 ? ' count-alert' : ''}${props.hideTitle ? ' visually-hidden' : ''}`}
            data-testid={props.testId ? `${props.testId}-count` : undefined}
          >
            {props.count.toLocaleString()}
          </span>
        )}
        <div className="spacer" />
        {props.aside}
      </header>
      {props.children}
    </section>
  );
}
