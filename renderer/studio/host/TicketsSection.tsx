// The host's Tickets tab (issue 16): whether the space needs a ticket and how many it admits; issuing one ticket (a
// link to copy) or a batch (downloaded as CSV with links, for a shop or a mailing); revoking; and what became of
// them. The server decides everything here (server/tickets.ts); codes are only ever shown right after issuing.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { TICKET_BATCH_MAX, TICKET_CAPACITY_MAX, TICKET_LABEL_MAX, formatTicketCode, ticketsCsv, type TicketRow } from '../../../common/tickets';
import { countOf } from '../../../common/text';
import { sentence } from '../../ui/words';
import { useTransientFlag } from '../../ui/components';
import type { SessionView } from '../../state/space-session';
import { sendToSpace } from '../controller';
import { download, exportFileName } from './report-export';
import { LimitInput } from './SettingsSections';
import { Section } from './Section';

let issueSeq = 0;

function ticketState(t: TicketRow): { text: string; kind: 'revoked' | 'used' | 'unused' } {
  if (t.revokedAt !== null) return { text: 'Revoked', kind: 'revoked' };
  if (t.usedAt !== null) return { text: t.holderName ? `Used by ${t.holderName}` : 'Used', kind: 'used' };
  return { text: 'Not used yet', kind: 'unused' };
}

/** "podium-tickets-town-hall-2026-12-01.csv" */
function csvName(answer: NonNullable<SessionView['ticketsIssued']>): string {
  return exportFileName({ type: 'reportsExport', space: answer.space, exportedAt: Date.now(), reports: [] }, 'csv').replace('podium-reports-', 'podium-tickets-');
}

export function TicketsSection({ view, plain }: { view: SessionView; plain?: boolean }): ReactNode {
  const tickets = view.tickets;
  const [count, setCount] = useState('1');
  const [label, setLabel] = useState('');
  const [pending, setPending] = useState<string | null>(null);
  const [copied, setCopied] = useTransientFlag();
  const handled = useRef<string | null>(null);
  const issued = view.ticketsIssued;
  const mine = issued && issued.ref === pending ? issued : null;

  // A batch becomes a CSV download once; a single ticket is shown to copy.
  useEffect(() => {
    if (!issued || !issued.ref || issued.ref === handled.current || issued.ref !== pending) return;
    handled.current = issued.ref;
    if (issued.tickets.length > 1) download(csvName(issued), { text: ticketsCsv(issued.space.title, issued.tickets), type: 'text/csv;charset=utf-8' });
  }, [issued, pending]);

  const error = view.error && view.error.ref?.startsWith('ticket') ? view.error : null;
  if (!tickets) return <div className="faint">Loading the space's tickets…</div>;
  const n = Number(count);
  const countValid = Number.isInteger(n) && n >= 1 && n <= TICKET_BATCH_MAX;
  const issue = () => {
    if (!countValid) return;
    const ref = `ticket-issue-${++issueSeq}`;
    setPending(ref);
    sendToSpace({ type: 'ticketIssue', ref, count: n, ...(label.trim() ? { label: label.trim() } : {}) });
  };
  const { issued: issuedCount, used, revoked, admitted } = tickets.counts;
  const single = mine && mine.tickets.length === 1 ? mine.tickets[0]! : null;

  return (
    <Section title="Tickets" testId="tickets" plain={plain} hideTitle={plain}>
      <label className="ticket-toggle">
        <input
          type="checkbox"
          data-testid="tickets-required"
          checked={tickets.settings.required}
          onChange={(e) => sendToSpace({ type: 'ticketSettings', ref: 'ticket-settings', required: e.target.checked })}
        />
        <span>
          <strong>Listeners need a ticket</strong>
          <span className="faint block">
            {tickets.settings.required
              ? 'Only people with a ticket you issued can listen. Each ticket works in one browser.'
              : 'Off: anyone with the link can listen.'}
          </span>
        </span>
      </label>
      <div className="field ticket-capacity">
        <label htmlFor="ticket-capacity">Places (people admitted with a ticket)</label>
        <div className="row-tight">
          <LimitInput id="ticket-capacity" testId="ticket-capacity" value={tickets.settings.capacity} min={1} max={TICKET_CAPACITY_MAX} onCommit={(c) => sendToSpace({ type: 'ticketSettings', ref: 'ticket-capacity', capacity: c })} />
          <span className="faint" data-testid="tickets-places">
            {admitted.toLocaleString()} of {tickets.settings.capacity.toLocaleString()} taken{admitted >= tickets.settings.capacity ? ' — full' : ''}
          </span>
        </div>
      </div>

      <dl className="ticket-counts" data-testid="tickets-counts">
        <div><dt>Issued</dt><dd data-testid="tickets-issued">{issuedCount.toLocaleString()}</dd></div>
        <div><dt>Used</dt><dd data-testid="tickets-used">{used.toLocaleString()}</dd></div>
        <div><dt>Revoked</dt><dd data-testid="tickets-revoked">{revoked.toLocaleString()}</dd></div>
      </dl>

      <div className="ticket-issue">
        <div className="field">
          <label htmlFor="ticket-count">How many</label>
          <input id="ticket-count" className="input input-num" data-testid="ticket-count" type="number" min={1} max={TICKET_BATCH_MAX} value={count} aria-invalid={!countValid} onChange={(e) => setCount(e.target.value)} />
        </div>
        <div className="field ticket-label">
          <label htmlFor="ticket-label">Label (optional)</label>
          <input id="ticket-label" className="input" data-testid="ticket-label" placeholder="e.g. Shop or Newsletter" maxLength={TICKET_LABEL_MAX} value={label} onChange={(e) => setLabel(e.target.value)} />
        </div>
        <button className="btn btn-primary btn-sm" data-testid="tickets-issue" disabled={!countValid} onClick={issue}>
          {countValid && n > 1 ? `Issue ${n} tickets (CSV)` : 'Issue a ticket'}
        </button>
      </div>
      {!countValid && <span className="field-error">A whole number from 1 to {TICKET_BATCH_MAX}</span>}
      {error && (
        <div className="field-error" role="alert" data-testid="tickets-error">
          {sentence(error.message)}
        </div>
      )}

      {single && (
        <div className="ticket-new stack-tight" data-testid="ticket-new">
          <div className="faint">New ticket #{single.id} — send the link (or the code) to one person. It is shown only now.</div>
          <div className="row-tight">
            <input className="input mono" data-testid="ticket-link" aria-label="Ticket link" readOnly value={single.url} onFocus={(e) => e.target.select()} />
            <button className="btn btn-sm" onClick={() => void navigator.clipboard.writeText(single.url).then(() => setCopied(true), () => setCopied(false))}>
              {copied ? '✓ Copied' : 'Copy'}
            </button>
          </div>
          <div className="mono ticket-code" data-testid="ticket-code">{formatTicketCode(single.code)}</div>
        </div>
      )}
      {mine && mine.tickets.length > 1 && (
        <div className="ticket-batch-done" data-testid="tickets-batch-done">
          <span className="faint">
            {countOf(mine.tickets.length, 'ticket')} issued; the CSV with their codes and links was downloaded. Keep it: the codes are shown only now.
          </span>
          <button className="btn btn-sm" onClick={() => download(csvName(mine), { text: ticketsCsv(mine.space.title, mine.tickets), type: 'text/csv;charset=utf-8' })}>
            Download again
          </button>
        </div>
      )}

      {tickets.recent.length === 0 ? (
        <div className="faint" data-testid="tickets-empty">
          No tickets yet. Issue one to send someone a link, or a batch for a shop or a mailing.
        </div>
      ) : (
        <ul className="ticket-list" data-testid="ticket-list" aria-label="Latest tickets">
          {tickets.recent.map((t) => {
            const state = ticketState(t);
            return (
              <li key={t.id} className={`ticket-row ticket-${state.kind}`} data-testid="ticket-row">
                <span className="mono">#{t.id}</span>
                <span className="ticket-row-label">{t.label || <span className="faint">No label</span>}</span>
                <span className="ticket-state">{state.text}</span>
                {state.kind !== 'revoked' ? (
                  <button className="btn btn-sm btn-danger" data-testid={`ticket-revoke-${t.id}`} onClick={() => sendToSpace({ type: 'ticketRevoke', ref: `ticket-revoke-${t.id}`, id: t.id })}>
                    Revoke
                  </button>
                ) : (
                  <span />
                )}
              </li>
            );
          })}
        </ul>
      )}
    </Section>
  );
}
