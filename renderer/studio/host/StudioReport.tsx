// Reporting from the studio, for co-hosts: the flag on a person's row opens the same report dialog as the listener
// page's (renderer/ui/ReportSlot.tsx). A report about the host (or another co-host) goes to the server's admin, never
// to the people it is about.
import type { ReactNode } from 'react';
import type { ReportReason, ReportTarget } from '../../../common/reports';
import type { SessionView } from '../../state/space-session';
import { openReport, ReportSlot } from '../../ui/ReportSlot';
import { sendToSpace } from '../controller';

export { openReport as openStudioReport };

let seq = 0;

export function StudioReportSlot({ view }: { view: Pick<SessionView, 'reported' | 'error' | 'status'> }): ReactNode {
  const send = (target: ReportTarget, reason: ReportReason, note: string): string | null => {
    if (view.status !== 'open') return null;
    const ref = `report-${++seq}`;
    sendToSpace({ type: 'report', ref, target, reason, ...(note ? { note } : {}) });
    return ref;
  };
  return <ReportSlot view={view} send={send} offlineText="The studio is not connected to the space right now. Try again in a moment." />;
}
