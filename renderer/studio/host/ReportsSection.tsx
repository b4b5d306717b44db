// The report queue, a tab of the Room panel: every open report about one person or post as one case (reasons with
// counts, how many people, first and last time, their notes), newest activity first, then the latest decided.
// Opening a case takes it (the other moderators see "Cole has it open"); its buttons are the decisions. Remove and
// Block ask once more, in place. Errors come back as the studio's error banner, like every moderation action.
import { useEffect, useState, type ReactNode } from 'react';
import { decisionsFor, REPORT_DECISION_LABELS, REPORT_REASON_LABELS, type ReportCase, type ReportDecision } from '../../../common/reports';
import { countOf } from '../../../common/text';
import type { SessionView } from '../../state/space-session';
import { sendToSpace } from '../controller';
import { clockTime, useNow } from './hooks';
import { download, exportContents, exportFileName, type ExportFormat } from './report-export';

let exportSeq = 0;
import { Face } from './ParticipantRow';
import { memoOnView, Section } from './Section';
import { EvidenceClipView } from './EvidenceClip';
import { evidence } from '../../reports/evidence';
import { useStore } from '../../state/store';

type ReportsView = Pick<SessionView, 'reports' | 'openReports' | 'clockOffset' | 'participantId' | 'reportExport'>;

const DONE: Record<ReportDecision, string> = {
  dismiss: 'Dismissed',
  mute: 'Muted',
  demote: 'Moved to the listeners',
  remove: 'Removed',
  block: 'Blocked',
  unpin: 'Unpinned',
};
const CONFIRM: Partial<Record<ReportDecision, (name: string) => string>> = {
  remove: (name) => `Remove ${name} from this space?`,
  block: (name) => `Block ${name} from all your spaces?`,
};

/** "just now", "4 min ago", "1 h 5 min ago". */
export function ago(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min ago`;
}

function take(key: string, taken: boolean): void {
  sendToSpace({ type: 'reportTake', key, taken });
}

function CaseBody({ c, heldBy }: { c: ReportCase; heldBy: string | null }): ReactNode {
  const [confirm, setConfirm] = useState<ReportDecision | null>(null);
  const clips = useStore(evidence);
  const mine = clips.clips.filter((clip) => clip.key === c.key);
  const name = c.target.kind === 'pin' ? 'this post' : c.target.name;
  const decide = (action: ReportDecision) => {
    if (CONFIRM[action] && confirm !== action) return setConfirm(action);
    setConfirm(null);
    sendToSpace({ type: 'reportDecide', key: c.key, action });
  };
  return (
    <div className="report-body">
      {c.target.kind === 'person' && c.target.joinedAt !== null && (
        <div className="faint" data-testid="report-joined">
          In this space since {clockTime(c.target.joinedAt)}
        </div>
      )}
      {c.target.kind === 'person' && c.target.names.length > 1 && (
        <div className="faint" data-testid="report-names">
          Also reported as {c.target.names.filter((n) => n !== c.target.name).join(', ')}
        </div>
      )}
      {c.target.kind === 'person' &&
        clips.spaceId &&
        (mine.length > 0 ? (
          mine.map((clip) => <EvidenceClipView key={clip.file} clip={clip} spaceId={clips.spaceId!} />)
        ) : (
          <div className="faint" data-testid="evidence-none">
            No audio kept: this studio did not hear {c.target.name} in the 30 s before the report.
          </div>
        ))}
      {clips.error && <div className="field-error">{clips.error}</div>}
      {c.notes.length > 0 ? (
        <ul className="report-notes" data-testid="report-notes">
          {c.notes.map((n, i) => (
            <li key={i}>
              <q>{n.text}</q> <span className="faint">{clockTime(n.at)}</span>
            </li>
          ))}
        </ul>
      ) : (
        <div className="faint">No notes: the reporters only picked a reason.</div>
      )}
      {c.decision === null &&
        (heldBy ? (
          <div className="hint-warn" data-testid="report-held">
            {heldBy} has this report open; they decide it.
          </div>
        ) : confirm ? (
          <div className="report-confirm" role="group" aria-label="Confirm">
            <span>{CONFIRM[confirm]!(name)}</span>
            <button type="button" className="btn btn-sm btn-danger" data-testid="report-confirm" onClick={() => decide(confirm)}>
              {REPORT_DECISION_LABELS[confirm]}
            </button>
            <button type="button" className="btn btn-sm" onClick={() => setConfirm(null)}>
              Cancel
            </button>
          </div>
        ) : (
          <div className="report-decisions" role="group" aria-label={`Decide the report about ${name}`}>
            {decisionsFor(c.target.kind).map((action) => (
              <button
                key={action}
                type="button"
                className={`btn btn-sm${action === 'remove' || action === 'block' ? ' btn-danger' : ''}`}
                data-decision={action}
                onClick={() => decide(action)}
              >
                {REPORT_DECISION_LABELS[action]}
              </button>
            ))}
          </div>
        ))}
    </div>
  );
}

export const ReportsSection = memoOnView(function ReportsSection({ view, plain }: { view: ReportsView; plain?: boolean }): ReactNode {
  const [openKey, setOpenKey] = useState<string | null>(null);
  const [exporting, setExporting] = useState<{ ref: string; format: ExportFormat } | null>(null);
  // The server's answer to this studio's export request becomes a download, once.
  useEffect(() => {
    const answer = view.reportExport;
    if (!exporting || answer?.ref !== exporting.ref) return;
    download(exportFileName(answer, exporting.format), exportContents(answer, exporting.format));
    setExporting(null);
  }, [view.reportExport, exporting]);
  const startExport = (format: ExportFormat) => {
    const ref = `export-${++exportSeq}`;
    setExporting({ ref, format });
    sendToSpace({ type: 'reportsExport', ref });
  };
  const now = useNow(view.openReports > 0, 15_000) + view.clockOffset;
  const openCase = view.reports.find((c) => c.key === openKey && c.decision === null);
  // A case decided (by anyone) or gone while open here is let go; leaving the tab lets go too.
  useEffect(() => {
    if (openKey && !openCase) setOpenKey(null);
  }, [openKey, openCase]);
  useEffect(() => () => void (openKey && take(openKey, false)), [openKey]);

  // Opening a case takes it, unless another moderator has it open: then it only shows (their decision to make).
  const toggle = (c: ReportCase, heldBy: string | null) => {
    if (openKey === c.key) return setOpenKey(null);
    setOpenKey(c.key);
    if (c.decision === null && heldBy === null) take(c.key, true);
  };
  return (
    <Section
      title="Reports"
      count={view.openReports}
      alert
      testId="reports"
      plain={plain}
      hideTitle={plain}
      aside={
        view.reports.length > 0 ? (
          <span className="report-export" role="group" aria-label="Export every report of this space">
            <button type="button" className="btn btn-sm" data-testid="reports-export-csv" disabled={exporting !== null} onClick={() => startExport('csv')} title="Every report and decision of this space, for a spreadsheet">
              Export CSV
            </button>
            <button type="button" className="btn btn-sm" data-testid="reports-export-json" disabled={exporting !== null} onClick={() => startExport('json')} title="Every report and decision of this space, as JSON">
              JSON
            </button>
          </span>
        ) : null
      }
    >
      {view.reports.length === 0 ? (
        <div className="empty empty-sm" data-testid="reports-empty">
          No reports. When someone reports a speaker, a listener or a pinned post, it shows here at once.
        </div>
      ) : (
        <ul className="report-list">
          {view.reports.map((c) => {
            const expanded = openKey === c.key;
            const heldBy = c.decision === null && c.takenBy && c.takenById !== view.participantId ? c.takenBy : null;
            const total = c.reasons.reduce((n, r) => n + r.count, 0);
            return (
              <li key={c.decision ? `${c.key} ${c.decision.at}` : c.key} className={`report-case${expanded ? ' open' : ''}${c.decision ? ' decided' : ''}`} data-testid="report-case" data-key={c.key} data-status={c.decision ? 'decided' : 'open'}>
                <button type="button" className="report-head" aria-expanded={expanded} onClick={() => toggle(c, heldBy)}>
                  {c.target.kind === 'person' ? <Face name={c.target.name} /> : <span className="report-pin" aria-hidden="true">📌</span>}
                  <span className="report-main">
                    <span className="report-name ellipsis" data-testid="report-target">
                      {c.target.kind === 'pin' ? `Pinned post · ${c.target.name}` : c.target.name}
                      {c.target.role && c.target.role !== 'listener' && <span className="badge">{c.target.role === 'speaker' ? 'Speaker' : c.target.role}</span>}
                    </span>
                    <span className="report-reasons">
                      {c.reasons.map((r) => (
                        <span key={r.reason} className="report-reason-chip" data-testid="report-reason-chip">
                          {REPORT_REASON_LABELS[r.reason]}
                          {r.count > 1 && ` ×${r.count}`}
                        </span>
                      ))}
                    </span>
                  </span>
                  <span className="report-meta">
                    <span data-testid="report-count">{countOf(c.reporters, 'person', 'people')}</span>
                    <span className="faint" title={`First ${clockTime(c.firstAt)}, last ${clockTime(c.lastAt)}`}>
                      {c.decision ? `${DONE[c.decision.action]} by ${c.decision.by}` : `${total > 1 ? 'last ' : ''}${ago(now - c.lastAt)}`}
                    </span>
                    {heldBy && (
                      <span className="report-taken" data-testid="report-taken">
                        {heldBy} has it open
                      </span>
                    )}
                  </span>
                </button>
                {expanded && <CaseBody c={c} heldBy={heldBy} />}
              </li>
            );
          })}
        </ul>
      )}
    </Section>
  );
}, ['reports', 'openReports', 'clockOffset', 'participantId', 'reportExport']);
