// The title line of a foldable studio card: the title is a button (Enter/Space fold and unfold it, aria-expanded
// says which), and a folded card shows a one-line summary under it. Before folding is offered, a plain title.
import type { ReactNode } from 'react';
import { Icon } from './icons';

export function CardHead(props: {
  title: string;
  testId: string;
  /** Folding is offered (the microphone is set). */
  foldable: boolean;
  folded: boolean;
  onToggle: () => void;
  summary: ReactNode;
  bodyId: string;
  /** Controls that stay in the title line either way (noise suppression's switch). */
  extra?: ReactNode;
}): ReactNode {
  return (
    <div className={`card-head${props.folded ? ' card-head-folded' : ''}`}>
      <div className="card-head-line">
        <h2 className="card-head-title">
          {props.foldable ? (
            <button
              type="button"
              className="card-toggle"
              data-testid={`${props.testId}-toggle`}
              aria-expanded={!props.folded}
              aria-controls={props.bodyId}
              title={props.folded ? `Show the ${props.title.toLowerCase()} settings` : 'Fold to a one-line summary'}
              onClick={props.onToggle}
            >
              <span className={`card-chevron${props.folded ? ' folded' : ''}`}>
                <Icon name="chevron" size={14} />
              </span>
              {props.title}
            </button>
          ) : (
            props.title
          )}
        </h2>
        <span className="spacer" />
        {props.extra}
      </div>
      {props.folded && (
        <div className="card-summary ellipsis" data-testid={`${props.testId}-summary`}>
          {props.summary}
        </div>
      )}
    </div>
  );
}
