// Share: the system share sheet where there is one, otherwise the link goes to the clipboard.
import type { ReactNode } from 'react';
import { share, type ListenerState } from './controller';
import { ShareIcon } from './icons';

export function ShareButton({ shared }: { shared: ListenerState['shared'] }): ReactNode {
  return (
    <div className="share">
      <span className="share-status" role="status" data-testid="share-status">
        {shared === 'copied' ? 'Link copied' : shared === 'failed' ? 'Copy the link from the address bar' : ''}
      </span>
      <button type="button" className="btn btn-small" data-testid="share" onClick={() => void share()}>
        <ShareIcon />
        Share
      </button>
    </div>
  );
}
