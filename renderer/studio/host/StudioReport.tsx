// Reporting from the studio, for co-hosts: the flag on a person's row opens the same dialog as the listener page's.
// A report about the host (or another co-host) goes to the server's admin, never to the people it is about.
import type { ReactNode } from 'react';
import { reportKey, type ReportReason, type ReportTarget } from '../../../common/reports';
import type { SessionView } from '../../state/space-session';
import { createStore, useStore } from '../../state/store';
import { ReportDialog } from '../../ui/ReportDialog';
import { sendToSpace } from '../controller';

const dialog = createStore<{ open: { target: ReportTarget; name: string; ref: string | null } | null }>({ open: null });
let seq = 0;

export function openStudioReport(target: ReportTarget, name: string): void {
  dialog.set({ open: { target, name, ref: null } });
}

const sentence = (text: string) => {
  const t = text.replace(/^./, (c) => c.toUpperCase());
  return /[.!?…]$/.test(t) ? t : `${t}.`;
};

export function StudioReportSlot({ view }: { view: Pick<SessionView, 'reported' | 'error' | 'status'> }): ReactNode {
  const { open } = useStore(dialog);
  if (!open) return null;
  const done = open.ref ? (view.reported.get(reportKey(open.target)) ?? null) : null;
  const refused = open.ref && view.error?.ref === open.ref ? sentence(view.error.message) : null;
  const offline = view.status !== 'open' ? 'The studio is not connected to the space right now. Try again in a moment.' : null;
  return (
    <ReportDialog
      subject={open.name}
      kind={open.target.kind}
      done={done}
      error={refused ?? (open.ref === null ? null : offline)}
      sending={open.ref !== null && done === null && refused === null}
      onSend={(reason: ReportReason, note: string) => {
        if (view.status !== 'open') return dialog.set({ open: { ...open, ref: 'offline' } });
        const ref = `report-${++seq}`;
        dialog.set({ open: { ...open, ref } });
        sendToSpace({ type: 'report', ref, target: open.target, reason, ...(note ? { note } : {}) });
      }}
      onClose={() => dialog.set({ open: null })}
    />
  );
}
