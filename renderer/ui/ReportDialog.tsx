// Reporting a person or a pinned post: a reason from a short list, an optional note, a clear confirmation. The same
// dialog on the listener page and in the studio (co-hosts report from their participant rows). It only shows state:
// the caller sends the report and says whether it was filed (`done`, the server's words) or refused (`error`).
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { REPORT_NOTE_MAX, REPORT_REASON_LABELS, REPORT_REASONS, type ReportReason } from '../../common/reports';
import { graphemeLength } from '../../common/text';
import './report.css';

export function ReportDialog(props: {
  /** Who or what: a person's name, or "this post". */
  subject: string;
  kind: 'person' | 'pin';
  /** The server's confirmation, once filed. */
  done: string | null;
  error: string | null;
  sending: boolean;
  onSend: (reason: ReportReason, note: string) => void;
  onClose: () => void;
}): ReactNode {
  const id = useId();
  const [reason, setReason] = useState<ReportReason | null>(null);
  const [note, setNote] = useState('');
  const first = useRef<HTMLInputElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const length = graphemeLength(note.trim());
  const over = length > REPORT_NOTE_MAX;

  useEffect(() => {
    (props.done ? closeRef.current : first.current)?.focus();
  }, [props.done]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        props.onClose();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [props]);

  const title = props.kind === 'pin' ? 'Report this post' : `Report ${props.subject}`;
  return (
    <div className="report-backdrop" onClick={props.onClose}>
      <form
        className="card report-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        data-testid="report-dialog"
        onClick={(e) => e.stopPropagation()}
        onSubmit={(e) => {
          e.preventDefault();
          if (reason && !over && !props.sending) props.onSend(reason, note.trim());
        }}
      >
        <h3 id={`${id}-title`}>{title}</h3>
        {props.done ? (
          <>
            <div className="report-done" role="status">
              <span aria-hidden="true">✓</span>
              <p data-testid="report-done">{props.done}</p>
            </div>
            <p className="faint">They decide what happens. You can keep listening; you won't be named to the person you reported.</p>
            <div className="report-actions">
              <button ref={closeRef} type="button" className="btn btn-primary" onClick={props.onClose} data-testid="report-close">
                Done
              </button>
            </div>
          </>
        ) : (
          <>
            <p className="muted report-lead">
              The hosts of this space see your report right away. Reports about a host go to the people who run this Podium server.
            </p>
            <fieldset>
              <legend>What's wrong?</legend>
              {REPORT_REASONS.map((r, i) => (
                <label key={r} className="report-reason">
                  <input ref={i === 0 ? first : undefined} type="radio" name={`${id}-reason`} value={r} checked={reason === r} onChange={() => setReason(r)} data-testid="report-reason" />
                  {REPORT_REASON_LABELS[r]}
                </label>
              ))}
            </fieldset>
            <div className="field">
              <label htmlFor={`${id}-note`}>Anything the hosts should know? (optional)</label>
              <textarea id={`${id}-note`} className="textarea" rows={3} value={note} onChange={(e) => setNote(e.target.value)} data-testid="report-note" aria-describedby={`${id}-count`} />
              <div id={`${id}-count`} className={`report-count${over ? ' over' : ''}`}>
                {length} / {REPORT_NOTE_MAX}
              </div>
            </div>
            {props.error && (
              <div className="field-error" role="alert" data-testid="report-error">
                {props.error}
              </div>
            )}
            <div className="report-actions">
              <button type="button" className="btn" onClick={props.onClose}>
                Cancel
              </button>
              <button type="submit" className="btn btn-primary" disabled={!reason || over || props.sending} data-testid="report-send">
                {props.sending ? 'Sending…' : 'Send report'}
              </button>
            </div>
          </>
        )}
      </form>
    </div>
  );
}
