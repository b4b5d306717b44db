// The listener page: what a person sees after opening a share link, from "not started yet" to "ended".
import type { ReactNode } from 'react';
import { Avatar, Brand, formatDuration, plural } from '../ui/components';
import { useStore } from '../state/store';
import { listen, listener, type ListenerState } from './controller';
import { useEffect, useState } from 'react';

function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  return now;
}

function Offline({ s }: { s: ListenerState }): ReactNode {
  if (s.protocol !== 'retrying') return null;
  return (
    <div className="banner" role="status" data-testid="offline">
      Can't reach Podium right now — retrying{s.attempt > 1 ? ` (attempt ${s.attempt})` : ''}. Check your connection; this page recovers by itself.
    </div>
  );
}

function Body({ s }: { s: ListenerState }): ReactNode {
  const now = useNow();
  if (s.phase === 'loading') {
    return <div className="center muted">{s.protocol === 'retrying' ? '' : 'Finding the space…'}</div>;
  }
  if (s.phase === 'not_found' || !s.space) {
    return (
      <div className="center stack" data-testid="state-not-found">
        <h1>This space doesn't exist</h1>
        <p className="muted">The link may be mistyped or out of date. Ask the host for a new one.</p>
      </div>
    );
  }
  const space = s.space;
  const hostIdentitySpeaking = s.sfu.activeSpeakers.length > 0;
  const connected = s.sfu.connection === 'connected';
  return (
    <div className="stack listener-body">
      <div className="row">
        {s.phase === 'live' && <span className="pill pill-live">Live</span>}
        {s.phase === 'waiting' && <span className="pill">Not started yet</span>}
        {s.phase === 'ended' && <span className="pill">Ended</span>}
        {s.phase === 'live' && space.startedAt && <span className="faint">{formatDuration(now - space.startedAt)}</span>}
        <div className="spacer" />
        {s.phase !== 'ended' && (
          <span className="faint" data-testid="listener-count">
            {plural(s.listenerCount, 'listener', 'listeners')}
          </span>
        )}
      </div>
      <h1 className="listener-title" data-testid="listener-title">{space.title}</h1>
      {space.description && <p className="muted description">{space.description}</p>}

      <div className="speakers">
        <div className="speaker">
          <Avatar name={space.hostName} speaking={s.phase === 'live' && hostIdentitySpeaking} size={88} />
          <strong>{space.hostName}</strong>
          <span className="faint">Host{s.phase === 'live' && hostIdentitySpeaking ? ' · speaking' : ''}</span>
        </div>
      </div>

      {s.phase === 'waiting' && (
        <div className="empty" data-testid="state-waiting">
          The host hasn't started this space yet. Keep this page open — it starts by itself when they go live.
        </div>
      )}
      {s.phase === 'live' && !s.listening && (
        <button className="btn btn-primary btn-big listen" data-testid="listen" onClick={() => void listen()}>
          ▶ Listen
        </button>
      )}
      {s.phase === 'live' && s.listening && (
        <div className="listening" data-testid="listening">
          {connected ? (s.sfu.audioBlocked ? 'Your browser blocked the audio — click Listen again.' : 'You are listening.') : 'Connecting to the audio…'}
          {s.sfu.audioBlocked && connected && (
            <button className="btn" onClick={() => void listen()}>Listen</button>
          )}
        </div>
      )}
      {s.phase === 'ended' && (
        <div className="empty" data-testid="state-ended">
          This space has ended{space.endedAt && space.startedAt ? ` after ${formatDuration(space.endedAt - space.startedAt)}` : ''}. Thanks for listening.
        </div>
      )}
      {s.error && <div className="banner banner-error">{s.error}</div>}
    </div>
  );
}

export function App(): ReactNode {
  const s = useStore(listener);
  return (
    <div className="listener">
      <header className="topbar">
        <Brand />
        <div className="spacer" />
        <span className="faint">Live audio spaces</span>
      </header>
      <Offline s={s} />
      <main className="card listener-card" data-phase={s.phase}>
        <Body s={s} />
      </main>
    </div>
  );
}
