// A listener the host brought up (or a co-host): a big mic toggle, a level meter while on air, who muted them, and —
// before they unmute — whether the space is being recorded. The microphone is not touched until the first Unmute.
import { useEffect, type ReactNode } from 'react';
import { LevelMeter } from '../ui/components';
import { micLevel, toggleMic, type ListenerState } from './controller';
import { MicIcon, MicOffIcon } from './icons';
import { RecordingNote } from './Recording';

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** M toggles the mic, except while typing (the name field) or with a modifier held. */
function useMicShortcut(enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key.toLowerCase() !== 'm' || event.repeat || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTyping(event.target)) return;
      event.preventDefault();
      void toggleMic();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}

export function SpeakerPanel({ s }: { s: ListenerState }): ReactNode {
  const role = s.view.you?.role;
  const publishing = s.mic === 'open' && s.sfu.publishing;
  const muted = !publishing || s.sfu.micMuted;
  const ready = s.sfu.connection === 'connected' && s.sfu.canPublish;
  const opening = s.mic === 'opening';
  useMicShortcut(ready);

  const status = opening
    ? 'Turning on your microphone…'
    : !ready
      ? 'Getting your microphone slot ready…'
      : muted
        ? 'You are muted. Unmute when you are ready to talk.'
        : 'You are on air — everyone can hear you.';

  return (
    <div className={`speaker-view${muted ? '' : ' is-live'}`} data-testid="speaker-view">
      <div className="speaker-head">
        <strong>{role === 'cohost' ? 'You are a co-host' : 'You are a speaker'}</strong>
        <span className="faint kbd-hint">
          Press <kbd>M</kbd> to {muted ? 'unmute' : 'mute'}
        </span>
      </div>
      <div className="mic-row">
        <button
          type="button"
          className={`mic-toggle${muted ? ' is-muted' : ' is-live'}`}
          data-testid="mic-toggle"
          data-muted={muted ? 'true' : 'false'}
          aria-pressed={!muted}
          aria-keyshortcuts="M"
          aria-describedby={s.view.recording ? 'rec-note mic-status' : 'mic-status'}
          disabled={!ready || opening}
          onClick={() => void toggleMic()}
        >
          {muted ? <MicOffIcon className="mic-glyph" /> : <MicIcon className="mic-glyph" />}
          <span className="mic-label">{muted ? 'Unmute' : 'Mute'}</span>
        </button>
        <div className="mic-side">
          <RecordingNote id="rec-note" recording={s.view.recording} muted={muted} />
          <p id="mic-status" className="mic-status" role="status">
            {status}
          </p>
          {s.hostMutedBy && muted && (
            <p className="muted-by" data-testid="muted-by">
              {s.hostMutedBy} muted you. You can unmute yourself when you are ready.
            </p>
          )}
          {publishing && (
            <div className="mic-meter">
              <LevelMeter read={micLevel} label="Your microphone level" />
            </div>
          )}
        </div>
      </div>
      {s.micError && (
        <div className="banner banner-error" role="alert" data-testid="mic-error">
          {s.micError}
        </div>
      )}
    </div>
  );
}
