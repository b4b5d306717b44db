// Messages to the listener: the server's errors, and notices as toasts that fade by themselves (links: ui/ConnectionBanner).
import { useEffect, type ReactNode } from 'react';
import type { Notice } from '../state/space-view';
import { useStore } from '../state/store';
import { closeNotice, dismissError, listener } from './controller';
import { CloseIcon } from './icons';
import { sentence } from '../ui/words';

const NOTICE_MS = 6000;

/** The last error the server sent (except rate limits, which are a hint), dismissible. */
export function ErrorBanner(): ReactNode {
  const error = useStore(listener).view.error;
  if (!error || error.code === 'rate_limited') return null;
  return (
    <div className="banner banner-error error-banner" role="alert" data-testid="error">
      <span className="spacer">{sentence(error.message)}</span>
      <button type="button" className="icon-btn" aria-label="Dismiss" onClick={dismissError}>
        <CloseIcon />
      </button>
    </div>
  );
}

function Toast({ notice }: { notice: Notice }): ReactNode {
  useEffect(() => {
    const timer = setTimeout(() => closeNotice(notice.id), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice.id]);
  return (
    <div className="toast" data-testid="notice">
      <span className="toast-text">{notice.text}</span>
      <button type="button" className="icon-btn" aria-label="Dismiss notice" onClick={() => closeNotice(notice.id)}>
        <CloseIcon />
      </button>
    </div>
  );
}

export function Toasts({ notices }: { notices: Notice[] }): ReactNode {
  return (
    <div className="toasts" aria-live="polite" aria-relevant="additions text">
      {notices.map((n) => (
        <Toast key={n.id} notice={n} />
      ))}
    </div>
  );
}
