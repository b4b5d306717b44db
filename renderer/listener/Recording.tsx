// Telling everyone that the space is being recorded: the red REC badge by the Live pill, and the line a speaker
// reads next to Unmute. Both read the stage's `recording` only (props in, markup out), so they render in tests.
import type { ReactNode } from 'react';
import type { RecordingState } from '../../common/protocol';

export const RECORDED_TEXT = 'This space is being recorded';

function sinceText(since: number): string {
  return new Date(since).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/**
 * The badge sits inside a status region that is always there, so a screen reader announces it the moment recording
 * starts (a live region inserted together with its text often goes unannounced).
 */
export function RecordingBadge({ recording }: { recording: RecordingState }): ReactNode {
  return (
    <span className="rec-slot" role="status">
      {recording && (
        <span className="pill pill-rec" data-testid="recording-badge" title={`${RECORDED_TEXT} (since ${sinceText(recording.since)})`}>
          <span aria-hidden="true">REC</span>
          <span className="sr-only">{RECORDED_TEXT}</span>
        </span>
      )}
    </span>
  );
}

/** Next to the mic toggle: said before the first Unmute, and kept while the speaker is on air. */
export function RecordingNote({ recording, muted, id }: { recording: RecordingState; muted: boolean; id: string }): ReactNode {
  if (!recording) return null;
  return (
    <p id={id} className="rec-note" data-testid="recording-note">
      <span className="rec-dot" aria-hidden="true" />
      <span>
        <strong>{RECORDED_TEXT}.</strong> {muted ? 'What you say after you unmute is in the recording.' : 'What you say is in the recording.'}
      </span>
    </p>
  );
}
