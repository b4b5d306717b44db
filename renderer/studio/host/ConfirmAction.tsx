// "Are you sure?" for actions that cannot be undone from the listener's side. Enter confirms (↵ on the button),
// Esc cancels; Enter on a focused Cancel cancels (dialog-keys.ts has the rule for every studio dialog).
import { type ReactNode } from 'react';
import type { ModAction } from '../../../common/moderation';
import { AlertDialog } from '../../ui/components';
import type { StudioMode } from '../studio-store';
import { confirmCopy, type Person } from './actions';
import { useDialogKeys } from './hooks';

export function ConfirmAction(props: { action: ModAction; person: Person; mode: StudioMode; onConfirm: () => void; onCancel: () => void }): ReactNode {
  const { onCancel, onConfirm } = props;
  const copy = confirmCopy(props.action, props.person.name, props.mode);
  useDialogKeys('confirm', { onConfirm, onCancel });
  return (
    <AlertDialog id="confirm" testId="confirm-dialog" action={props.action} title={copy.title} body={copy.body} onCancel={onCancel}>
      <div className="row modal-actions">
        <button className="btn" data-testid="cancel-action" data-dialog-cancel onClick={onCancel}>
          Cancel <kbd>Esc</kbd>
        </button>
        <button className="btn btn-danger" data-testid="confirm-action" autoFocus onClick={onConfirm} aria-keyshortcuts="Enter">
          {copy.button} <kbd>↵</kbd>
        </button>
      </div>
    </AlertDialog>
  );
}
