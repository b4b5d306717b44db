// The studio's overlays: the end-space confirmation, the question before joining a server this studio has not
// used, notices from the space server, and "joining as co-host…".
import { AlertDialog } from '../ui/components';
import { useEffect, useState, type ReactNode } from 'react';
import { dismissNotice, type Notice } from '../state/space-view';
import { updateView } from './controller';
import type { StudioState } from './studio-store';
import { useDialogKeys, useEscapeToCancel } from './host/hooks';
import { endDialogBody, endKey, isMacPlatform } from './host/dialog-keys';

function dismiss(id: number): void {
  updateView((v) => dismissNotice(v, id));
}

/**
 * Ending is for everyone and cannot be undone, so it takes a stronger key than Remove: Ctrl+Enter (⌘+Enter on a Mac),
 * drawn on the button. A plain Enter only says so; Esc keeps going. The focus starts on "Keep going".
 */
export function EndDialog(props: { listenerCount: number; onCancel: () => void; onConfirm: () => void }): ReactNode {
  const { onCancel, onConfirm } = props;
  const key = endKey(isMacPlatform(navigator.platform));
  const [reminded, setReminded] = useState(false);
  useDialogKeys('end', { onConfirm, onCancel, onRemind: () => setReminded(true) });
  return (
    <AlertDialog id="end" testId="end-dialog" title="End this space for everyone?" body={endDialogBody(props.listenerCount)} bodyTestId="end-body" onCancel={onCancel}>
      {reminded && (
        <p className="end-remind" role="status" data-testid="end-remind">
          Enter alone doesn't end a space: press {key.words} to end it, or Esc to keep going.
        </p>
      )}
      <div className="row modal-actions">
        <button className="btn" data-testid="cancel-end" data-dialog-cancel onClick={onCancel} autoFocus>
          Keep going <kbd>Esc</kbd>
        </button>
        <button className="btn btn-danger" data-testid="confirm-end" onClick={onConfirm} aria-keyshortcuts={key.words.replace('⌘', 'Meta')}>
          End space <kbd>{key.label}</kbd>
        </button>
      </div>
    </AlertDialog>
  );
}

/**
 * Asked before a co-host invite joins a server this studio has not used before: an invite link is all it takes to
 * send this studio somewhere, so the person sees where and decides. Enter joins, Esc cancels (as ConfirmAction).
 */
export function TrustDialog(props: { server: string; onCancel: () => void; onConfirm: () => void }): ReactNode {
  const { onCancel } = props;
  // A held Enter (the one that submitted the link) must not answer a question the person has not read yet.
  useEscapeToCancel(onCancel, true);
  return (
    <AlertDialog
      id="trust"
      testId="trust-dialog"
      title="Join a space on a new server?"
      body={
        <>
          This invite is for a space on <strong className="trust-server" data-testid="trust-server">{props.server}</strong>, a server this studio has
          not used before. Join only if you trust the person who sent it. Your host key is never sent there.
        </>
      }
      onCancel={onCancel}
    >
      <div className="row modal-actions">
        <button className="btn" data-testid="cancel-trust" onClick={onCancel}>
          Cancel <kbd>Esc</kbd>
        </button>
        <button className="btn btn-primary" data-testid="confirm-trust" autoFocus onClick={props.onConfirm}>
          Join <kbd>↵</kbd>
        </button>
      </div>
    </AlertDialog>
  );
}

function NoticeToast({ notice }: { notice: Notice }): ReactNode {
  useEffect(() => {
    const id = setTimeout(() => dismiss(notice.id), 10_000);
    return () => clearTimeout(id);
  }, [notice.id]);
  return (
    <div className="toast" data-testid="notice" role="status">
      <span className="spacer">{notice.text}</span>
      <button className="btn btn-sm btn-quiet" onClick={() => dismiss(notice.id)} aria-label="Dismiss">
        ✕
      </button>
    </div>
  );
}

export function Notices({ notices }: { notices: readonly Notice[] }): ReactNode {
  return (
    <div className="toasts">
      {notices.map((n) => (
        <NoticeToast key={n.id} notice={n} />
      ))}
    </div>
  );
}

export function JoiningCard({ state, onCancel }: { state: StudioState; onCancel: () => void }): ReactNode {
  const status = state.view?.status ?? 'connecting';
  const host = state.target ? new URL(state.target.shareUrl).host : '';
  return (
    <div className="card stack" data-testid="joining">
      <h2>Joining as co-host</h2>
      <div className="row">
        <span className="spinner" aria-hidden />
        <span className="spacer">
          {status === 'retrying' ? `Can't reach ${host} yet — trying again…` : `Connecting to ${host}…`}
        </span>
        <button className="btn btn-sm" onClick={onCancel}>Cancel</button>
      </div>
    </div>
  );
}
