// Reporting from the listener page: a quiet "Report" on each person on stage and each pinned post opens the report
// dialog (renderer/ui/ReportSlot.tsx); the page then shows the server's confirmation, or its refusal, in it.
import type { ReactNode } from 'react';
import { reportKey, type ReportTarget } from '../../common/reports';
import type { SessionView } from '../state/space-session';
import { openReport, ReportSlot as Slot } from '../ui/ReportSlot';
import { sendReport } from './controller';

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
  return <Slot view={view} send={sendReport} offlineText="The page is not connected to the space right now. Try again in a moment." />;
}
