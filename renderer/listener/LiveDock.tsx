// The controls of a live space: listening, asking to speak (or the speaker's mic), and reactions.
import type { ReactNode } from 'react';
import type { SpaceSettings } from '../../common/moderation';
import type { You } from '../../common/protocol';
import { ReactionBar } from '../ui/social';
import { listen, onStage, sendReaction, setHand, type ListenerState } from './controller';
import { HandIcon, PlayIcon } from './icons';
import { ErrorBanner } from './Notices';
import { SpeakerPanel } from './SpeakerPanel';

function ListenStatus({ s }: { s: ListenerState }): ReactNode {
  if (!s.listening) {
    return (
      <button type="button" className="btn btn-primary btn-big listen" data-testid="listen" onClick={() => void listen()}>
        <PlayIcon />
        Listen
      </button>
    );
  }
  const connected = s.sfu.connection === 'connected';
  const blocked = connected && s.sfu.audioBlocked;
  // What went wrong, and that it heals by itself, is the connection banner's to say; this line only says "not yet".
  const text = !connected
    ? 'Waiting for the audio…'
    : blocked
      ? 'Your browser paused the audio.'
      : 'You are listening.';
  return (
    <div className={`listening${connected && !blocked ? ' is-on' : ''}`} data-testid="listening" role="status">
      <span className="listening-dot" aria-hidden />
      <span>{text}</span>
      {blocked && (
        <button type="button" className="btn btn-small" onClick={() => void listen()}>
          Resume audio
        </button>
      )}
    </div>
  );
}

/** Why the hand button is off, or null when this person may ask. */
function handBlockedReason(settings: SpaceSettings | null, you: You | null): string | null {
  if (!settings || !you || you.handRaised) return null;
  if (settings.requestPolicy === 'nobody') return 'The host has turned off requests to speak.';
  if (settings.requestPolicy === 'invited' && !you.invited) return 'Only people the host invites can ask to speak.';
  return null;
}

function HandRaise({ s }: { s: ListenerState }): ReactNode {
  const you = s.view.you;
  const raised = you?.handRaised ?? false;
  const reason = handBlockedReason(s.view.settings, you);
  const invited = you?.invited && !raised;
  return (
    <div className="hand">
      <button
        type="button"
        className={`btn hand-btn${raised ? ' is-raised' : ''}`}
        data-testid="raise-hand"
        aria-pressed={raised}
        aria-describedby="hand-note"
        disabled={reason !== null || !you || s.view.status !== 'open'}
        onClick={() => setHand(!raised)}
      >
        <HandIcon />
        {raised ? 'Lower hand' : 'Raise hand'}
      </button>
      <p id="hand-note" className={`hand-note${raised ? ' is-raised' : ''}`} data-testid="hand-note">
        {raised
          ? 'Hand raised. The host sees you in the queue.'
          : (reason ?? (invited ? 'The host invited you to speak — raise your hand to join the stage.' : 'Want to speak? Raise your hand to ask the host.'))}
      </p>
    </div>
  );
}

export function LiveDock({ s }: { s: ListenerState }): ReactNode {
  const speaker = onStage(s.view.you?.role);
  return (
    <section className="dock" aria-label="Controls">
      <ErrorBanner />
      <ListenStatus s={s} />
      {speaker ? <SpeakerPanel s={s} /> : <HandRaise s={s} />}
      <div className="reactions">
        <ReactionBar onReact={sendReaction} disabled={s.view.status !== 'open'} />
        <p className="hint" data-testid="hint" aria-live="polite">
          {s.hint ?? ''}
        </p>
      </div>
    </section>
  );
}
