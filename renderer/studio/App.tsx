// The studio: microphone on the left, the space in the middle. Keyboard-first: Ctrl/⌘+Enter creates or goes live,
// M mutes, Ctrl/⌘+Shift+E ends (after a confirmation).
import { useEffect, useState, type ReactNode } from 'react';
import { Brand } from '../ui/components';
import { useStore } from '../state/store';
import { dismissError, endSpace, goLive, leaveSpace, resumeAudio, studio, toggleMute } from './controller';
import { MicrophoneCard, ProfileCard } from './MicrophoneCard';
import { AudioServerCard } from './AudioServerCard';
import { Lobby } from './Lobby';
import { SpacePanel } from './SpacePanel';

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

export function App(): ReactNode {
  const s = useStore(studio);
  const [confirmEnd, setConfirmEnd] = useState(false);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key === 'Enter' && studio.get().space?.status === 'scheduled') {
        e.preventDefault();
        goLive();
      } else if (mod && e.shiftKey && e.key.toLowerCase() === 'e' && studio.get().space?.status === 'live') {
        e.preventDefault();
        setConfirmEnd(true);
      } else if (!mod && !isTyping(e.target) && e.key.toLowerCase() === 'm') {
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

  return (
    <div className="studio">
      <header className="topbar">
        <Brand>
          <span className="pill" title="Which shell runs this studio">
            {s.info?.shell === 'electron' ? 'Desktop' : 'Web studio'}
          </span>
        </Brand>
        <div className="spacer" />
        {s.info && <span className="faint">v{s.info.version}</span>}
      </header>

      {s.bridgeLost && (
        <div className="banner banner-error topbanner" role="alert">
          {s.bridgeLost === 'key'
            ? 'This studio link is out of date. Open the link that `npm start` printed.'
            : 'The studio service has stopped. Start it again with `npm start`, then reload this page.'}
        </div>
      )}
      {s.error && (
        <div className="banner banner-error topbanner" role="alert" data-testid="studio-error">
          <span className="spacer">{s.error}</span>
          <button className="btn" onClick={dismissError}>Dismiss</button>
        </div>
      )}

      <main className="studio-grid">
        <aside className="stack">
          <MicrophoneCard state={s} />
          <ProfileCard state={s} />
          <AudioServerCard state={s} />
        </aside>
        <section className="stack">
          {!s.ready && !s.bridgeLost && <div className="card empty">Connecting to the studio service…</div>}
          {s.ready && !s.hosted && <Lobby state={s} />}
          {s.hosted && (
            <SpacePanel
              state={s}
              onGoLive={goLive}
              onEnd={() => setConfirmEnd(true)}
              onMute={() => void toggleMute()}
              onLeave={() => void leaveSpace()}
            />
          )}
        </section>
      </main>

      {confirmEnd && (
        <div className="modal-backdrop" onClick={() => setConfirmEnd(false)}>
          <div className="card modal" role="dialog" aria-modal="true" aria-labelledby="end-title" onClick={(e) => e.stopPropagation()}>
            <h3 id="end-title">End this space for everyone?</h3>
            <p className="muted">
              All {s.listenerCount.toLocaleString()} listeners will be disconnected. An ended space cannot be restarted.
            </p>
            <div className="row" style={{ justifyContent: 'flex-end' }}>
              <button className="btn" onClick={() => setConfirmEnd(false)} autoFocus>
                Keep going <kbd>Esc</kbd>
              </button>
              <button
                className="btn btn-danger"
                data-testid="confirm-end"
                onClick={() => {
                  setConfirmEnd(false);
                  endSpace();
                }}
              >
                End space
              </button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
