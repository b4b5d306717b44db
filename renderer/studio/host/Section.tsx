// The host panel's building blocks: a titled section card with an optional count and header controls, and the
// props every section shares.
import type { CSSProperties, ReactNode } from 'react';
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
