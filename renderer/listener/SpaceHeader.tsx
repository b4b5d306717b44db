// The top of the sheet: status, running time, whether it is recorded, audience size, title and description.
import { useEffect, useState, type ReactNode } from 'react';
import type { RecordingState } from '../../common/protocol';
import type { PublicSpace } from '../../common/space';
import { countOf } from '../../common/text';
import { formatDuration } from '../ui/components';
import { RecordingBadge } from './Recording';

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [active]);
  return now;
}

export function SpaceHeader({
  space,
  phase,
  listenerCount,
  recording,
}: {
  space: PublicSpace;
  phase: 'waiting' | 'live' | 'ended' | 'cancelled';
  listenerCount: number;
  recording: RecordingState;
}): ReactNode {
  const now = useNow(phase === 'live');
  return (
    <header className="sheet-head">
      <div className="sheet-meta">
        {phase === 'live' && <span className="pill pill-live">Live</span>}
        {phase === 'waiting' && <span className="pill pill-warn">{space.scheduledAt ? 'Scheduled' : 'Starting soon'}</span>}
        {phase === 'ended' && <span className="pill">Ended</span>}
        {phase === 'cancelled' && <span className="pill">Cancelled</span>}
        {phase === 'live' && space.startedAt !== null && (
          <span className="faint stat" aria-label="Time on air">
            {formatDuration(now - space.startedAt)}
          </span>
        )}
        <RecordingBadge recording={phase === 'live' ? recording : null} />
        <div className="spacer" />
        {(phase === 'live' || phase === 'waiting') && (
          <span className="listener-count" data-testid="listener-count">
            {countOf(listenerCount, 'listener', 'listeners', 'No listeners yet')}
          </span>
        )}
      </div>
      <h1 className="listener-title" data-testid="listener-title">
        {space.title}
      </h1>
      {space.description && <p className="description">{space.description}</p>}
      <p className="hosted-by faint">Hosted by {space.hostName}</p>
    </header>
  );
}
