// The space being hosted: its state, the share link, the listener count, the on-air timer and the big buttons.
import { useEffect, useState, type ReactNode } from 'react';
import { Avatar, formatDuration, plural } from '../ui/components';
import type { StudioState } from './controller';

function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [active]);
  return now;
}

function ShareLink({ url }: { url: string }): ReactNode {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const id = setTimeout(() => setCopied(false), 1800);
    return () => clearTimeout(id);
  }, [copied]);
  return (
    <div className="field">
      <label htmlFor="share-url">Share link — listeners open this in any browser</label>
      <div className="row">
        <input id="share-url" className="input mono" data-testid="share-url" readOnly value={url} onFocus={(e) => e.target.select()} />
        <button
          className="btn"
          onClick={() => void navigator.clipboard.writeText(url).then(() => setCopied(true), () => setCopied(false))}
        >
          {copied ? '✓ Copied' : 'Copy link'}
        </button>
      </div>
    </div>
  );
}

export function SpacePanel(props: {
  state: StudioState;
  onGoLive: () => void;
  onEnd: () => void;
  onMute: () => void;
  onLeave: () => void;
}): ReactNode {
  const { state } = props;
  const space = state.space!;
  const hosted = state.hosted!;
  const live = space.status === 'live';
  const now = useNow(live);
  const speaking = !!state.selfIdentity && state.sfu.activeSpeakers.includes(state.selfIdentity);
  const onAir = live && state.sfu.publishing;
  const reconnecting = state.protocol === 'retrying' || state.sfu.connection === 'reconnecting';

  return (
    <div className="card stack space-panel" data-testid="space-panel" data-status={space.status}>
      <div className="row">
        {live && <span className="pill pill-live" data-testid="live-pill">Live</span>}
        {space.status === 'scheduled' && <span className="pill">Not started</span>}
        {space.status === 'ended' && <span className="pill">Ended</span>}
        {reconnecting && <span className="pill pill-warn">Reconnecting…</span>}
        {onAir && !state.sfu.micMuted && <span className="pill pill-ok" data-testid="on-air">On air</span>}
        {onAir && state.sfu.micMuted && <span className="pill pill-warn">Muted</span>}
        <div className="spacer" />
        {space.status !== 'live' && (
          <button className="btn" onClick={props.onLeave}>← All spaces</button>
        )}
      </div>
      <div>
        <h1 data-testid="space-title-display">{space.title}</h1>
        {space.description && <p className="muted">{space.description}</p>}
      </div>

      <div className="stage">
        <div className="stage-speaker">
          <Avatar name={space.hostName} speaking={speaking && !state.sfu.micMuted} size={96} />
          <div>
            <strong>{space.hostName}</strong>
            <div className="faint">Host · you</div>
          </div>
        </div>
        <div className="stats">
          <div className="stat">
            <strong data-testid="listener-count">{state.listenerCount.toLocaleString()}</strong>
            <span className="faint">{state.listenerCount === 1 ? 'listener' : 'listeners'}</span>
          </div>
          <div className="stat">
            <strong>{live && space.startedAt ? formatDuration(now - space.startedAt) : '—'}</strong>
            <span className="faint">on air</span>
          </div>
        </div>
      </div>

      {space.status === 'scheduled' && (
        <div className="row actions">
          <button
            className="btn btn-live"
            data-testid="go-live"
            onClick={props.onGoLive}
            disabled={state.busy === 'golive' || state.mic.status !== 'on' || state.protocol !== 'open'}
          >
            {state.busy === 'golive' ? 'Going live…' : 'Go live'} <kbd>Ctrl ↵</kbd>
          </button>
          <span className="faint">
            {state.mic.status !== 'on' ? 'Start a microphone first.' : 'Nobody hears you until you go live. Share the link now so people can wait for you.'}
          </span>
        </div>
      )}
      {live && (
        <div className="row actions">
          <button className="btn" data-testid="mute" onClick={props.onMute} disabled={!state.sfu.publishing}>
            {state.sfu.micMuted ? 'Unmute' : 'Mute'} <kbd>M</kbd>
          </button>
          <div className="spacer" />
          <button className="btn btn-danger" data-testid="end-space" onClick={props.onEnd} disabled={state.busy === 'end'}>
            {state.busy === 'end' ? 'Ending…' : 'End space'} <kbd>Ctrl ⇧ E</kbd>
          </button>
        </div>
      )}
      {space.status === 'ended' && (
        <div className="empty" data-testid="ended-note">
          This space ended{space.endedAt && space.startedAt ? ` after ${formatDuration(space.endedAt - space.startedAt)}` : ''}. Listeners see that it is over.
        </div>
      )}

      {space.status !== 'ended' && <ShareLink url={hosted.shareUrl} />}
      {live && state.listenerCount === 0 && <div className="faint">No listeners yet — {plural(0, 'person', 'people')} here besides you. Share the link.</div>}
    </div>
  );
}
