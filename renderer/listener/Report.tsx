// Reporting from the listener page: a quiet "Report" on each person on stage and each pinned post opens one dialog
// (renderer/ui/ReportDialog.tsx); the page then shows the server's confirmation, or its refusal, in that dialog.
import type { ReactNode } from 'react';
import { reportKey, type ReportReason, type ReportTarget } from '../../common/reports';
import type { SessionView } from '../state/space-session';
import { createStore, useStore } from '../state/store';
import { ReportDialog } from '../ui/ReportDialog';
import { sendReport } from './controller';
import { sentence } from './words';

interface Open {
  target: ReportTarget;
  name: string;
  /** The ref of the report sent from this dialog (null: not sent yet). */
  ref: string | null;
  offline: boolean;
}
const dialog = createStore<{ open: Open | null }>({ open: null });

export function openReport(target: ReportTarget, name: string): void {
  dialog.set({ open: { target, name, ref: null, offline: false } });
}

/** The small link beside a person or a post; says "Reported" once this visit has reported it. */
export function ReportLink({ target, name, view }: { target: ReportTarget; name: string; view: SessionView }): ReactNode {
  const reported = view.reported.has(reportKey(target));
  const what = target.kind === 'pin' ? 'this post' : name;
  return (
    <button
      type="button"
      className="report-link"
      data-testid="report-open"
      disabled={reported}
      aria-label={reported ? `You reported ${what}` : `Report ${what}`}
      title={reported ? `You reported ${what}` : `Report ${what} to the hosts`}
      onClick={() => openReport(target, name)}
    >
      {reported ? 'Reported' : 'Report'}
    </button>
  );
}

export function ReportSlot({ view }: { view: SessionView }): ReactNode {
  const { open } = useStore(dialog);
  if (!open) return null;
  const done = open.ref ? (view.reported.get(reportKey(open.target)) ?? null) : null;
  const refused = open.ref && view.error?.ref === open.ref ? sentence(view.error.message) : null;
  const error = open.offline ? 'The page is not connected to the space right now. Try again in a moment.' : refused;
  const send = (reason: ReportReason, note: string) => {
    const ref = sendReport(open.target, reason, note);
    dialog.set({ open: { ...open, ref, offline: ref === null } });
  };
  return (
    <ReportDialog
      subject={open.name}
      kind={open.target.kind}
      done={done}
      error={error}
      sending={open.ref !== null && done === null && refused === null}
      onSend={send}
      onClose={() => dialog.set({ open: null })}
    />
  );
}
