// The one report dialog a page has open (renderer/ui/ReportDialog.tsx), for the listener page and the studio alike:
// who or what it is about, the ref of the report sent from it, and what the server answered — its confirmation
// (the view's `reported`) or its refusal (the view's `error` with that ref).
import type { ReactNode } from 'react';
import { reportKey, type ReportReason, type ReportTarget } from '../../common/reports';
import type { SessionView } from '../state/space-session';
import { createStore, useStore } from '../state/store';
import { ReportDialog } from './ReportDialog';
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

/** `send` files the report and returns its ref, or null when the page is not connected to the space right now. */
export function ReportSlot(props: {
  view: Pick<SessionView, 'reported' | 'error'>;
  send: (target: ReportTarget, reason: ReportReason, note: string) => string | null;
  offlineText: string;
}): ReactNode {
  const { open } = useStore(dialog);
  if (!open) return null;
  const { view } = props;
  const done = open.ref ? (view.reported.get(reportKey(open.target)) ?? null) : null;
  const refused = open.ref && view.error?.ref === open.ref ? sentence(view.error.message) : null;
  return (
    <ReportDialog
      subject={open.name}
      kind={open.target.kind}
      done={done}
      error={open.offline ? props.offlineText : refused}
      sending={open.ref !== null && done === null && refused === null}
      onSend={(reason, note) => {
        const ref = props.send(open.target, reason, note);
        dialog.set({ open: { ...open, ref, offline: ref === null } });
      }}
      onClose={() => dialog.set({ open: null })}
    />
  );
}
