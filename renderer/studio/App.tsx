// The studio: microphone on the left, the space in the middle and, for a host or co-host of a space that is not
// over, the host panel around it (the room's controls in a Room panel under the space card). Keyboard-first:
// Ctrl/⌘+Enter creates or goes live, M mutes, Ctrl/⌘+Shift+E ends (after a confirmation that takes Ctrl/⌘+Enter);
// the host panel adds its own keys (see host/HostPanel.tsx), the recording card Alt+R and Alt+K. While moderating,
// the page scrolls above a docked key bar that has its own strip at the bottom of the window.
import { useEffect, useState, type ReactNode } from 'react';
import { Brand } from '../ui/components';
import { ConnectionBanner, useHealthBanner } from '../ui/ConnectionBanner';
import { useStore } from '../state/store';
import { recording, recordingActions } from '../recording/controller';
import { currentSpace, dismissError, endSpace, goLive, isModeratorRole, leaveSpace, resumeAudio, studio, toggleMute } from './controller';
import { isTyping } from './host/hooks';
import { HostPanel } from './host/HostPanel';
import { MicrophoneCard, ProfileCard } from './MicrophoneCard';
import { AudioServerCard } from './AudioServerCard';
import { AudioPanel } from './AudioPanel';
import { studioHealthInput } from './health';
import { Lobby } from './Lobby';
import { SpacePanel } from './SpacePanel';
import { EndDialog, JoiningCard, Notices } from './Overlays';
import { openLibrary, RecBadge, RecordingCard, RecordingsCard, RecoveredBanner } from './recording';

export function App(): ReactNode {
  const s = useStore(studio);
  const rec = useStore(recording);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [dock, setDock] = useState<HTMLDivElement | null>(null);
  // The one connection banner: services, space server, audio server, this studio's audio, the microphone.
  const health = useHealthBanner((now) => studioHealthInput(s, now));

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      const space = currentSpace(studio.get());
      if (mod && e.key === 'Enter' && space?.status === 'scheduled') {
        e.preventDefault();
        goLive();
      } else if (mod && e.shiftKey && e.key.toLowerCase() === 'e' && space?.status === 'live' && studio.get().target?.mode === 'host') {
        e.preventDefault();
        setConfirmEnd(true);
      } else if (!mod && !e.shiftKey && !e.altKey && !isTyping(e.target) && e.key.toLowerCase() === 'm' && !document.querySelector('[aria-modal="true"]')) {
        void toggleMute();
      } else if (e.key === 'Escape') {
        setConfirmEnd(false);
      }
    };
    const onClick = () => void resumeAudio();
    window.addEventListener('keydown', onKey);
    window.addEventListener('pointerdown', onClick);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('pointerdown', onClick);
    };
  }, []);

  // The docked key bar's height, for the CSS that sizes the rail to the visible page (--dock-h on the studio).
  useEffect(() => {
    if (!dock) return;
    const shell = dock.parentElement;
    const observer = new ResizeObserver(() => shell?.style.setProperty('--dock-h', `${dock.offsetHeight}px`));
    observer.observe(dock);
    return () => observer.disconnect();
  }, [dock]);

  // A selection that left the space (removed, disconnected) goes away with them.
  const view = s.view;
  const selectionGone = selected !== null && view !== null && !view.roster.has(selected) && !view.members.some((m) => m.id === selected);
  useEffect(() => {
    if (selectionGone) setSelected(null);
  }, [selectionGone]);

  const space = currentSpace(s);
  const moderating = !!view && !!space && space.status !== 'ended' && isModeratorRole(view.role);
  const serverError = view?.error && view.error.code !== 'rate_limited' ? view.error.message : null;
  const error = s.error ?? serverError;
  const canRecord = moderating && space?.status === 'live';
  // The card stays while a recording is running or has something to say, even once the space has ended.
  const showRecording = canRecord || rec.phase !== 'idle' || rec.finished !== null || rec.error !== null;

  const card = space && (
    <SpacePanel
      state={s}
      selected={selected}
      onSelect={setSelected}
      onGoLive={goLive}
      onEnd={() => setConfirmEnd(true)}
      onMute={() => void toggleMute()}
      onLeave={() => void leaveSpace()}
    />
  );

  return (
    <div className={`studio${moderating ? ' studio-wide' : ''}`}>
      <div className="studio-scroll" data-testid="studio-scroll">
        <div className="studio-inner">
          <header className="topbar">
            <Brand>
              <span className="pill" title="Which shell runs this studio">
                {s.info?.shell === 'electron' ? 'Desktop' : 'Web studio'}
              </span>
            </Brand>
            <RecBadge view={rec} />
            <div className="spacer" />
            {s.info && <span className="faint">v{s.info.version}</span>}
          </header>

          {health && <ConnectionBanner banner={health} className="topbanner" />}
          {error && (
            <div className="banner banner-error topbanner" role="alert" data-testid="studio-error">
              <span className="spacer">{error}</span>
              <button className="btn btn-sm" onClick={dismissError}>Dismiss</button>
            </div>
          )}
          {view?.removed && <div className="banner topbanner" role="alert">{view.removed}</div>}
          <RecoveredBanner view={rec} actions={recordingActions} onShowLibrary={openLibrary} />

          <main className={`studio-grid${moderating ? ' studio-grid-wide' : ''}`}>
            <aside className="stack studio-side">
              {showRecording && <RecordingCard view={rec} actions={recordingActions} canRecord={canRecord} onShowLibrary={openLibrary} />}
              <MicrophoneCard state={s} />
              <AudioPanel state={s} />
              {s.target && <RecordingsCard finishedId={rec.finished?.id ?? null} />}
              <ProfileCard state={s} />
              <AudioServerCard state={s} />
            </aside>
            {moderating ? (
              <HostPanel state={s} card={card} selected={selected} onSelect={setSelected} dock={dock} />
            ) : (
              <section className="stack">
                {!s.ready && !s.bridgeLost && <div className="card empty">Connecting to the studio service…</div>}
                {s.ready && !s.target && <Lobby state={s} />}
                {s.target && !space && <JoiningCard state={s} onCancel={() => void leaveSpace()} />}
                {card}
              </section>
            )}
          </main>
        </div>
      </div>
      {moderating && <div className="keybar-dock" ref={setDock} />}

      {view && view.notices.length > 0 && <Notices notices={view.notices} />}
      {confirmEnd && (
        <EndDialog
          listenerCount={view?.listenerCount ?? 0}
          onCancel={() => setConfirmEnd(false)}
          onConfirm={() => {
            setConfirmEnd(false);
            endSpace();
          }}
        />
      )}
    </div>
  );
}
