// Recording, studio-wide: the "● REC 00:12:04" badge in the top bar while a recording runs, and the banner that says
// an unfinished recording was found and repaired at start (until it is dismissed).
import type { ReactNode } from 'react';
import type { RecordingActions, RecordingView } from '../../recording/types';
import { formatClock, formatDate, formatDuration } from './format';
import './recording.css';

export function RecBadge({ view }: { view: RecordingView }): ReactNode {
  if (view.phase !== 'recording' && view.phase !== 'stopping') return null;
  const ms = view.active?.writtenMs ?? 0;
  return (
    <span className="rec-badge" data-testid="rec-badge" title={`Recording for ${formatDuration(ms)}`}>
      <span className="rec-badge-dot" aria-hidden />
      REC <span className="rec-num">{formatClock(ms)}</span>
    </span>
  );
}

export function RecoveredBanner(props: { view: RecordingView; actions: RecordingActions; onShowLibrary: (id: string) => void }): ReactNode {
  const { recovered } = props.view;
  if (recovered.length === 0) return null;
  const one = recovered.length === 1 ? recovered[0]! : null;
  return (
    <div className="banner topbanner rec-recovered" role="alert" data-testid="rec-recovered">
      <div className="spacer stack-tight">
        {one ? (
          <span>
            Podium found an unfinished recording and repaired it: <strong>{one.title}</strong> ({formatDate(one.startedAt)}) — kept{' '}
            <span className="rec-nowrap">{formatDuration(one.durationMs)}</span>.
          </span>
        ) : (
          <>
            <span>Podium found {recovered.length} unfinished recordings and repaired them:</span>
            <ul className="rec-recovered-list">
              {recovered.map((r) => (
                <li key={r.id}>
                  <strong>{r.title}</strong> ({formatDate(r.startedAt)}) — kept <span className="rec-nowrap">{formatDuration(r.durationMs)}</span>
                </li>
              ))}
            </ul>
          </>
        )}
        {one?.message && <span className="rec-recovered-note">{one.message}</span>}
      </div>
      <div className="row-tight rec-recovered-actions">
        <button className="btn btn-sm" onClick={() => props.onShowLibrary(recovered[0]!.id)}>
          Show in library
        </button>
        <button className="btn btn-sm" data-testid="rec-recovered-dismiss" onClick={() => void props.actions.dismissRecovered()}>
          Dismiss
        </button>
      </div>
    </div>
  );
}
