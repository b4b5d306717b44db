// The recording card, for a host or co-host while their space is live: Record and Stop, and while recording the
// time, the size, the disk's outlook, one meter per track and the markers. It reads a RecordingView and calls
// RecordingActions (renderer/recording/types.ts), so it draws the same from the controller or from fixed data.
// Keys: Alt+R (⌥R) records, or asks before stopping; Alt+K (⌥K) adds a marker with an optional label.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { RecordingActions, RecordingView } from '../../recording/types';
import { count, diskOutlook, formatBytes, formatClock, formatDisk, formatDropped, formatDuration } from './format';
import { altLabel, altLetter } from './keys';
import { MarkerField, MarkerLine, StopDialog, TrackMeters } from './RecordingParts';
import './recording.css';

export interface RecordingCardProps {
  view: RecordingView;
  actions: RecordingActions;
  /** The space is live and this studio moderates it: the only time a recording may start. */
  canRecord: boolean;
  onShowLibrary: (id: string) => void;
}

export function RecordingCard({ view, actions, canRecord, onShowLibrary }: RecordingCardProps): ReactNode {
  const [confirmStop, setConfirmStop] = useState(false);
  const [marking, setMarking] = useState(false);
  const recording = view.phase === 'recording';
  const active = view.active;

  // The marker field and the question have nothing to act on once the recording is over.
  useEffect(() => {
    if (recording) return;
    setConfirmStop(false);
    setMarking(false);
  }, [recording]);

  const mark = (label: string) => {
    setMarking(false);
    void actions.mark(label === '' ? undefined : label);
  };

  // One window listener; it reads the latest state through a ref instead of re-binding on every meter update.
  const latest = useRef({ view, actions, canRecord, marking, confirmStop });
  latest.current = { view, actions, canRecord, marking, confirmStop };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const letter = altLetter(e);
      if (letter !== 'r' && letter !== 'k') return;
      e.preventDefault();
      if (e.repeat) return;
      const now = latest.current;
      if (now.confirmStop) return;
      const { phase } = now.view;
      if (letter === 'r') {
        if (phase === 'recording') setConfirmStop(true);
        else if (phase === 'idle' && now.canRecord) void now.actions.start();
      } else if (phase === 'recording') {
        // A second Alt+K saves the marker without a label: two quick presses mark the moment and move on.
        if (now.marking) {
          setMarking(false);
          void now.actions.mark();
        } else setMarking(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const disk = active ? diskOutlook(active.freeBytes, active.bytes, active.writtenMs) : null;
  const elapsed = formatClock(active?.writtenMs ?? 0);

  return (
    <section className={`card rec-card${recording ? ' rec-card-on' : ''}`} aria-label="Recording" data-testid="recording-card" data-phase={view.phase}>
      <header className="rec-head">
        <h2>Recording</h2>
        <div className="spacer" />
        {recording && <span className="pill pill-rec" data-testid="rec-pill">Rec</span>}
        {view.phase === 'stopping' && <span className="pill">Saving…</span>}
      </header>

      {view.error && (
        <div className="banner banner-error rec-banner" role="alert" data-testid="rec-error">
          <span className="spacer">{view.error}</span>
          <button className="btn btn-sm" onClick={actions.dismissError}>Dismiss</button>
        </div>
      )}

      {view.behind && (
        <div className="banner rec-banner" role="alert" data-testid="rec-behind">
          <span>
            <strong>Your disk or this computer can't keep up</strong>
            {active && active.droppedMs > 0 ? ` — ${formatDropped(active.droppedMs)} were recorded as silence.` : ' — some audio is being recorded as silence.'}
          </span>
        </div>
      )}

      {(recording || view.phase === 'stopping') && active ? (
        <>
          <div className="rec-clock" data-testid="rec-elapsed" aria-label={`Recorded ${formatDuration(active.writtenMs)}`}>
            {elapsed}
          </div>
          <dl className="rec-facts">
            <dt>Size</dt>
            <dd className="rec-num" data-testid="rec-size">{formatBytes(active.bytes)}</dd>
            <dt>Disk</dt>
            <dd className={`rec-disk rec-disk-${disk?.level ?? 'unknown'}`} data-testid="rec-disk">
              {disk && disk.level !== 'ok' && disk.level !== 'unknown' ? '⚠ ' : ''}
              {formatDisk(active.freeBytes, disk ?? { level: 'unknown', msLeft: null })}
            </dd>
          </dl>
          <TrackMeters meters={view.meters} />
          <MarkerLine markers={active.markers} />
        </>
      ) : (
        view.phase !== 'starting' &&
        !view.finished && (
          <p className="muted tight rec-intro">
            Records this space on this computer: the mix, and each voice on its own track, as WAV files ready for editing.
          </p>
        )
      )}

      {view.finished && !recording && (
        <div className="rec-finished" role="status" data-testid="rec-finished">
          <span className="rec-finished-text">
            <strong>Saved:</strong> {view.finished.title} — <span className="rec-nowrap">{formatDuration(view.finished.durationMs)}</span>,{' '}
            <span className="rec-nowrap">{count(view.finished.tracks.length, 'track')}</span>
          </span>
          <div className="row-tight">
            <button className="btn btn-sm" data-testid="rec-show-library" onClick={() => onShowLibrary(view.finished!.id)}>
              Show in library
            </button>
            <button className="btn btn-sm btn-quiet" onClick={actions.dismissFinished} aria-label="Dismiss">
              ✕
            </button>
          </div>
        </div>
      )}

      {marking && recording && <MarkerField keyLabel={altLabel('k')} onSave={mark} onCancel={() => setMarking(false)} />}

      <div className={`rec-actions${recording || view.phase === 'stopping' ? ' rec-actions-on' : ''}`}>
        {recording || view.phase === 'stopping' ? (
          <>
            <button
              className="btn btn-sm"
              data-testid="rec-mark"
              title="Add a marker here, with an optional label"
              disabled={!recording || marking}
              onClick={() => setMarking(true)}
            >
              Add marker <kbd>{altLabel('k')}</kbd>
            </button>
            <button className="btn btn-sm btn-danger rec-stop" data-testid="rec-stop" disabled={!recording} onClick={() => setConfirmStop(true)}>
              <span className="rec-square" aria-hidden />
              {view.phase === 'stopping' ? 'Saving…' : 'Stop'} <kbd>{altLabel('r')}</kbd>
            </button>
          </>
        ) : (
          <>
            <button
              className="btn rec-record"
              data-testid="rec-start"
              disabled={!canRecord || view.phase === 'starting'}
              onClick={() => void actions.start()}
            >
              {view.phase === 'starting' ? <span className="spinner rec-spinner" aria-hidden /> : <span className="rec-red" aria-hidden />}
              {view.phase === 'starting' ? 'Starting…' : 'Record'} <kbd>{altLabel('r')}</kbd>
            </button>
            {!canRecord && <span className="faint">Go live to record.</span>}
          </>
        )}
      </div>
      {view.directory && !recording && (
        <div className="faint ellipsis rec-dir" title={view.directory}>
          Saved to <span className="mono">{view.directory}</span>
        </div>
      )}

      {confirmStop && (
        <StopDialog
          elapsed={elapsed}
          onCancel={() => setConfirmStop(false)}
          onConfirm={() => {
            setConfirmStop(false);
            void actions.stop();
          }}
        />
      )}
    </section>
  );
}
