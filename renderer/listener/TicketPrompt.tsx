// The ticket prompt of a space that needs one: a code field and the server's answer in plain words — not a ticket,
// used on another device, revoked, full, or too many attempts (with a countdown until the next try).
import { useEffect, useState, type ReactNode } from 'react';
import type { TicketRefusal } from '../../common/tickets';
import { submitTicket, type ListenerState } from './controller';

const TITLE: Record<TicketRefusal, string> = {
  required: 'This space needs a ticket',
  invalid: "That code didn't work",
  used: 'This ticket is in use elsewhere',
  revoked: 'This ticket was revoked',
  full: 'This space is full',
  throttled: 'Too many attempts',
};

function useSecondsLeft(until: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until <= Date.now()) return;
    const id = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(id);
  }, [until]);
  return Math.max(0, Math.ceil((until - now) / 1000));
}

export function TicketPrompt({ s }: { s: ListenerState }): ReactNode {
  const refusal = s.view.ticket;
  const reason: TicketRefusal = refusal?.reason ?? 'required';
  const [code, setCode] = useState(reason === 'required' ? '' : s.ticketTried);
  const waitUntil = refusal && refusal.reason === 'throttled' ? refusal.at + refusal.retryAfterMs : 0;
  const secondsLeft = useSecondsLeft(waitUntil);
  const waiting = secondsLeft > 0;
  const message = refusal?.reason === 'throttled' ? (waiting ? `Too many attempts — wait ${secondsLeft} s and try again.` : 'You can try again now.') : refusal?.message;
  const problem = refusal !== null && reason !== 'required';
  return (
    <div className="full-state ticket-prompt" data-testid="ticket-prompt" data-reason={reason}>
      <div className="full-emoji emoji" aria-hidden>
        🎟️
      </div>
      {s.ticketSpace && (
        <p className="ticket-space" data-testid="ticket-space">
          <strong data-testid="ticket-space-title">{s.ticketSpace.title}</strong>
          <span className="muted" data-testid="ticket-space-host">Hosted by {s.ticketSpace.hostName}</span>
        </p>
      )}
      <h1>{TITLE[reason]}</h1>
      {!problem && <p className="muted">Enter the code from your ticket, or open the ticket link you were sent. A ticket works in one browser.</p>}
      <form
        className="ticket-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!waiting) submitTicket(code);
        }}
      >
        <label htmlFor="ticket-code" className="ticket-form-label">
          Ticket code
        </label>
        <div className="ticket-form-row">
          <input
            id="ticket-code"
            className="input ticket-input"
            data-testid="ticket-input"
            value={code}
            placeholder="XXXX-XXXX-XXXX-XXXX-XXXX-XXXX"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={64}
            aria-invalid={problem}
            aria-describedby={problem ? 'ticket-message' : undefined}
            onChange={(e) => setCode(e.target.value)}
          />
          <button className="btn btn-primary" data-testid="ticket-submit" type="submit" disabled={s.ticketChecking || waiting || code.trim() === ''}>
            {s.ticketChecking ? 'Checking…' : 'Enter'}
          </button>
        </div>
        {problem && (
          <p className="ticket-message" id="ticket-message" role="alert" data-testid="ticket-message">
            {message}
          </p>
        )}
      </form>
    </div>
  );
}
