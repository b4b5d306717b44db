// The space card: its state, the stage, the listener count and on-air timer, the big buttons (the host's alone:
// Go live and End), the share link, and reactions floating over it all.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { Reaction } from '../../common/moderation';
import { formatDuration, useTransientFlag } from '../ui/components';
import { ReactionBar, ReactionLayer } from '../ui/social';
import { currentSpace, isModeratorRole, sendToSpace, type StudioState } from './controller';
import { isTyping, useNow } from './host/hooks';
import { muteBlockedReason, studioOnAir } from './health';
import { EditDetails } from './EditDetails';
import { EndSummary } from './EndSummary';
import { Stage } from './Stage';
import './space.css';

/** E opens the title/description editor (no other studio key uses a plain E; Ctrl+Shift+E is End). */
export const EDIT_DETAILS_KEY = 'e';

function useEditKey(enabled: boolean, open: () => void): void {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.shiftKey || e.repeat || isTyping(e.target)) return;
      if (e.key.toLowerCase() !== EDIT_DETAILS_KEY || document.querySelector('[aria-modal="true"]')) return;
      e.preventDefault();
      open();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled, open]);
}

function ShareLink({ url }: { url: string }): ReactNode {
  const [copied, setCopied] = useTransientFlag();
  return (
    <div className="field">
      <label htmlFor="share-url">Share link — listeners open this in any browser</label>
      <div className="row">
        <input id="share-url" className="input mono" data-testid="share-url" readOnly value={url} onFocus={(e) => e.target.select()} />
        <button className="btn" onClick={() => void navigator.clipboard.writeText(url).then(() => setCopied(true), () => setCopied(false))}>
          {copied ? '✓ Copied' : 'Copy link'}
        </button>
      </div>
    </div>
  );
}

/** Now-counts, while the space is not over (an ended space shows its summary instead). */
function Stats({ listeners, hands, onAir }: { listeners: number; hands: number; onAir: string }): ReactNode {
  return (
    <div className="stats">
      <div className="stat">
        <strong data-testid="listener-count">{listeners.toLocaleString('en')}</strong>
        <span className="faint">{listeners === 1 ? 'listener' : 'listeners'}</span>
      </div>
      <div className="stat">
        <strong data-testid="hand-count">{hands.toLocaleString('en')}</strong>
        <span className="faint">{hands === 1 ? 'hand up' : 'hands up'}</span>
      </div>
      <div className="stat">
        <strong>{onAir}</strong>
        <span className="faint">on air</span>
      </div>
    </div>
  );
}

export function SpacePanel(props: {
  state: StudioState;
  selected: string | null;
  onSelect: (id: string) => void;
  onGoLive: () => void;
  onEnd: () => void;
  onMute: () => void;
  onLeave: () => void;
}): ReactNode {
  const { state } = props;
  const space = currentSpace(state)!;
  const target = state.target!;
  const view = state.view;
  const isHost = target.mode === 'host';
  const live = space.status === 'live';
  const now = useNow(live);
  // "On air" only while this studio's audio really reaches the audio server; the connection banner says why not.
  const onAir = studioOnAir(state);
  const protocol = view?.status ?? 'connecting';
  const muteReason = live ? muteBlockedReason(state) : null;
  const listenerCount = view?.listenerCount ?? 0;
  const onReact = useCallback((emoji: Reaction) => sendToSpace({ type: 'react', emoji }), []);
  const demoted = !isHost && !!view?.role && view.role !== 'cohost';
  const ended = space.status === 'ended';
  const canEdit = !ended && isModeratorRole(view?.role) && view?.status === 'open';
  const [editing, setEditing] = useState(false);
  const openEditor = useCallback(() => setEditing(true), []);
  const closeEditor = useCallback(() => setEditing(false), []);
  useEditKey(canEdit && !editing, openEditor);
  useEffect(() => {
    if (!canEdit) setEditing(false);
  }, [canEdit]);

  return (
    <div className="card stack space-panel" data-testid="space-panel" data-status={space.status} data-mode={target.mode}>
      <div className="row space-head">
        {live && <span className="pill pill-live" data-testid="live-pill">Live</span>}
        {space.status === 'scheduled' && <span className="pill">Not started</span>}
        {space.status === 'ended' && <span className="pill">Ended</span>}
        {!isHost && !demoted && <span className="pill pill-accent" data-testid="cohost-badge">Co-host</span>}
        {onAir && !state.sfu.micMuted && <span className="pill pill-ok" data-testid="on-air">On air</span>}
        {onAir && state.sfu.micMuted && <span className="pill pill-warn" data-testid="muted-pill">Muted</span>}
        <div className="spacer" />
        {live && view && <ReactionBar onReact={onReact} disabled={protocol !== 'open'} />}
        {!live && (
          <button className="btn btn-sm btn-quiet" onClick={props.onLeave} title={isHost ? 'Back to your spaces' : 'Leave this space'}>
            {isHost ? '← All spaces' : 'Leave'}
          </button>
        )}
      </div>
      {editing && canEdit ? (
        <EditDetails state={state} onClose={closeEditor} />
      ) : (
        <div className="space-title-row">
          <div className="space-title">
            <div className="sp-title-line">
              <h1 data-testid="space-title-display">{space.title}</h1>
              {canEdit && (
                <button type="button" className="btn btn-sm btn-quiet sp-edit-btn" data-testid="edit-details" onClick={openEditor} title="Edit the title and description (E)">
                  Edit <kbd>E</kbd>
                </button>
              )}
            </div>
            {space.description && (
              <p className="muted sp-description" data-testid="space-description-display">
                {space.description}
              </p>
            )}
            {!isHost && <p className="faint">Hosted by {space.hostName}</p>}
          </div>
          {!ended && <Stats listeners={listenerCount} hands={view?.handCount ?? 0} onAir={space.startedAt ? formatDuration((live ? now : (space.endedAt ?? now)) - space.startedAt) : '—'} />}
        </div>
      )}

      {space.status !== 'ended' && <Stage state={state} hostName={space.hostName} selected={props.selected} onSelect={props.onSelect} />}

      {isHost && space.status === 'scheduled' && (
        <div className="row actions">
          <button
            className="btn btn-live"
            data-testid="go-live"
            onClick={props.onGoLive}
            title="Go live (Ctrl+Enter)"
            disabled={state.busy === 'golive' || state.mic.status !== 'on' || protocol !== 'open'}
          >
            {state.busy === 'golive' ? 'Going live…' : 'Go live'} <kbd>Ctrl ↵</kbd>
          </button>
          <span className="faint">
            {state.mic.status !== 'on' ? 'Start a microphone first.' : 'Nobody hears you until you go live. Share the link now so people can wait for you.'}
          </span>
        </div>
      )}
      {!isHost && space.status === 'scheduled' && (
        <div className="faint">Waiting for {space.hostName} to go live. You join the stage muted — press <kbd>M</kbd> to talk.</div>
      )}
      {live && demoted && (
        <div className="row actions">
          <span className="muted spacer">You are a listener in this space now. The host can invite you back as a co-host.</span>
          <button className="btn" onClick={props.onLeave}>Leave</button>
        </div>
      )}
      {live && !demoted && (
        <div className="row actions">
          <button
            className="btn"
            data-testid="mute"
            title={muteReason ?? 'Mute or unmute your microphone (M)'}
            onClick={props.onMute}
            disabled={muteReason !== null}
            aria-describedby={muteReason ? 'mute-reason' : undefined}
          >
            {state.sfu.micMuted ? 'Unmute' : 'Mute'} <kbd>M</kbd>
          </button>
          {muteReason && (
            <span className="faint" id="mute-reason" data-testid="mute-reason">
              {muteReason}
            </span>
          )}
          <div className="spacer" />
          {!isHost && (
            <button className="btn btn-quiet" onClick={props.onLeave} title="Leave this space (the space goes on)">
              Leave
            </button>
          )}
          {isHost && (
            <button className="btn btn-danger" data-testid="end-space" title="End the space for everyone (Ctrl+Shift+E)" onClick={props.onEnd} disabled={state.busy === 'end'}>
              {state.busy === 'end' ? 'Ending…' : 'End space'} <kbd>Ctrl ⇧ E</kbd>
            </button>
          )}
        </div>
      )}
      {ended && isModeratorRole(view?.role ?? (isHost ? 'host' : null)) && <EndSummary state={state} space={space} />}
      {ended && !isModeratorRole(view?.role ?? (isHost ? 'host' : null)) && (
        <div className="empty" data-testid="ended-note">
          This space ended{space.endedAt && space.startedAt ? ` after ${formatDuration(space.endedAt - space.startedAt)}` : ''}. Listeners see that it is over.
        </div>
      )}

      {space.status !== 'ended' && <ShareLink url={target.shareUrl} />}
      {live && listenerCount === 0 && <div className="faint" data-testid="no-listeners">No listeners yet. Share the link: anyone can listen from a browser.</div>}
      {view && <ReactionLayer bursts={view.reactions} />}
    </div>
  );
}
