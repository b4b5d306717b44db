// The sheet's whole-page states: loading, no such space, refused invite, removed; and the waiting / ended notes.
import type { ReactNode } from 'react';
import type { PublicSpace } from '../../common/space';
import { countOf } from '../../common/text';
import { sentence } from '../ui/words';

export function Loading(): ReactNode {
  return (
    <div className="loading" data-testid="state-loading">
      <span className="sr-only">Finding the space…</span>
      <div className="skeleton skeleton-pill" />
      <div className="skeleton skeleton-title" />
      <div className="skeleton skeleton-line" />
      <div className="skeleton-row">
        <div className="skeleton skeleton-avatar" />
        <div className="skeleton skeleton-avatar" />
        <div className="skeleton skeleton-avatar" />
      </div>
    </div>
  );
}

function Full({ testid, emoji, title, children }: { testid: string; emoji: string; title: string; children: ReactNode }): ReactNode {
  return (
    <div className="full-state" data-testid={testid}>
      <div className="full-emoji emoji" aria-hidden>
        {emoji}
      </div>
      <h1>{title}</h1>
      {children}
    </div>
  );
}

export function NotFound(): ReactNode {
  return (
    <Full testid="state-not-found" emoji="🔍" title="This space doesn't exist">
      <p className="muted">The link may be mistyped or out of date. Ask the host for a new one.</p>
    </Full>
  );
}

export function Refused({ message }: { message: string }): ReactNode {
  return (
    <Full testid="state-refused" emoji="🔑" title="This invite link doesn't work">
      <p className="muted">{sentence(message)}</p>
      <a className="btn btn-primary" href={location.pathname}>
        Join as a listener
      </a>
    </Full>
  );
}

export function Removed({ message }: { message: string }): ReactNode {
  return (
    <Full testid="state-removed" emoji="🚪" title="You're no longer in this space">
      <p className="muted" data-testid="removed-message">
        {message}
      </p>
    </Full>
  );
}

export function Waiting(): ReactNode {
  return (
    <div className="note note-waiting" data-testid="state-waiting">
      <span className="pulse" aria-hidden />
      <div>
        <strong>The host hasn't started yet.</strong>
        <p className="muted">Keep this page open — it goes live by itself when they start.</p>
      </div>
    </div>
  );
}

/** How long a space ran, in words: "under a minute", "1 minute", "42 minutes", "1 hour 5 minutes", "2 hours". */
export function ranFor(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return countOf(m, 'minute');
  return m === 0 ? countOf(h, 'hour') : `${countOf(h, 'hour')} ${countOf(m, 'minute')}`;
}

export function Ended({ space }: { space: PublicSpace }): ReactNode {
  const ran = space.endedAt !== null && space.startedAt !== null ? ranFor(space.endedAt - space.startedAt) : null;
  return (
    <div className="note note-ended" data-testid="state-ended">
      <strong>This space has ended.</strong>
      <p className="muted">
        {ran ? `It ran for ${ran}. ` : ''}Thanks for listening. When {space.hostName} hosts again, they will share a new link.
      </p>
    </div>
  );
}
