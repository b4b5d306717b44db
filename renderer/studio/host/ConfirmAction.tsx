// "Are you sure?" for actions that cannot be undone from the listener's side. Enter confirms, Esc cancels.
import { type ReactNode } from 'react';
import type { ModAction } from '../../../common/moderation';
import type { StudioMode } from '../studio-store';
import { confirmCopy, type Person } from './actions';
import { useEscapeToCancel } from './hooks';

export function ConfirmAction(props: { action: ModAction; person: Person; mode: StudioMode; onConfirm: () => void; onCancel: () => void }): ReactNode {
  const { onCancel } = props;
  const copy = confirmCopy(props.action, props.person.name, props.mode);
  useEscapeToCancel(onCancel);
  return (
    <div className="modal-backdrop" onClick={onCancel}>
      <div className="card modal" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title" aria-describedby="confirm-body" onClick={(e) => e.stopPropagation()}>
        <h3 id="confirm-title">{copy.title}</h3>
        <p id="confirm-body" className="muted">{copy.body}</p>
        <div className="row" style={{ justifyContent: 'flex-end' }}>
          <button className="btn" onClick={onCancel}>
            Cancel <kbd>Esc</kbd>
          </button>
          <button className="btn btn-danger" data-testid="confirm-action" autoFocus onClick={props.onConfirm}>
            {copy.button} <kbd>↵</kbd>
          </button>
        </div>
      </div>
    </div>
  );
}
