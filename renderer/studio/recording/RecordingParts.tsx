// Pieces of the recording card that only draw what they are given: the per-track meters, the markers line, the
// stop confirmation and the marker's label field.
import { AlertDialog } from '../../ui/components';
import { useState, type ReactNode } from 'react';
import { MARKER_LABEL_MAX, RECORDING_SAMPLE_RATE, type Marker } from '../../../common/recording';
import { meterFraction } from '../../audio/levels';
import type { TrackMeter } from '../../recording/types';
import { useEscapeToCancel } from '../host/hooks';
import { count, formatClock, formatLevel } from './format';

const METER_FLOOR_DB = -60;

function meterName(m: TrackMeter): string {
  return m.name || (m.kind === 'mix' ? 'Mix' : 'Speaker');
}

/** One row per track, the mix first (the controller's order): how loud each file is being written right now. */
export function TrackMeters({ meters }: { meters: readonly TrackMeter[] }): ReactNode {
  if (meters.length === 0) return <div className="faint">Waiting for the first audio…</div>;
  return (
    <div className="rec-meters" data-testid="rec-meters">
      {meters.map((m) => {
        const fraction = meterFraction(m.peakDb, METER_FLOOR_DB);
        const clipping = m.peakDb >= -0.5;
        return (
          <div key={m.index} className={`rec-meter-row${m.kind === 'mix' ? ' rec-meter-mix' : ''}`}>
            <span className="rec-meter-name ellipsis" title={meterName(m)}>{meterName(m)}</span>
            <div className="rec-meter" role="meter" aria-label={`${meterName(m)} level`} aria-valuemin={METER_FLOOR_DB} aria-valuemax={0} aria-valuenow={Math.max(METER_FLOOR_DB, Math.round(m.peakDb))}>
              <div className="rec-meter-fill" style={{ clipPath: `inset(0 ${(100 - fraction * 100).toFixed(1)}% 0 0)` }} />
            </div>
            <span className={`rec-meter-db${clipping ? ' rec-clip' : ''}`}>{formatLevel(m.peakDb).replace(' dB', '')}</span>
          </div>
        );
      })}
    </div>
  );
}

const KIND_WORDS: Record<Marker['kind'], string> = {
  manual: 'Marker',
  approved: 'Approved to speak',
  muted: 'Muted',
  demoted: 'Moved to listeners',
  removed: 'Removed',
  blocked: 'Blocked',
  pin: 'Pinned a post',
  report: 'Report',
  gap: 'Gap (silence)',
};

/** "3 markers · last at 00:04:12 “Intro done”". */
export function MarkerLine({ markers }: { markers: readonly Marker[] }): ReactNode {
  const last = markers.at(-1);
  return (
    <div className="rec-markers" data-testid="rec-markers">
      <strong>{count(markers.length, 'marker')}</strong>
      {last && (
        <span className="rec-last">
          {' · last at '}
          <span className="rec-num">{formatClock((last.frame / RECORDING_SAMPLE_RATE) * 1000)}</span>{' '}
          {last.label ? `“${last.label}”` : KIND_WORDS[last.kind]}
        </span>
      )}
    </div>
  );
}

/** The label of a marker being added: Enter saves (a label is optional), Esc cancels. */
export function MarkerField({ onSave, onCancel, keyLabel }: { onSave: (label: string) => void; onCancel: () => void; keyLabel: string }): ReactNode {
  const [label, setLabel] = useState('');
  return (
    <form
      className="rec-marker-form"
      onSubmit={(e) => {
        e.preventDefault();
        onSave(label.trim());
      }}
    >
      <label className="sr-only" htmlFor="rec-marker-label">Marker label</label>
      <input
        id="rec-marker-label"
        className="input"
        data-testid="rec-marker-label"
        placeholder="Label (optional) — what just happened?"
        maxLength={MARKER_LABEL_MAX}
        autoFocus
        value={label}
        onChange={(e) => setLabel(e.target.value)}
        onKeyDown={(e) => {
          if (e.key !== 'Escape') return;
          e.preventDefault();
          e.stopPropagation();
          onCancel();
        }}
      />
      <div className="row-tight rec-marker-actions">
        <span className="faint">{keyLabel} again: save as is</span>
        <div className="spacer" />
        <button type="button" className="btn btn-sm btn-quiet" onClick={onCancel}>
          Cancel <kbd>Esc</kbd>
        </button>
        <button type="submit" className="btn btn-sm btn-primary" data-testid="rec-marker-save">
          Save <kbd>↵</kbd>
        </button>
      </div>
    </form>
  );
}

/** Asked before stopping: stopping ends the files, and a recording cannot be resumed into the same ones. */
export function StopDialog(props: { elapsed: string; onCancel: () => void; onConfirm: () => void }): ReactNode {
  const { onCancel } = props;
  // A held Enter must not answer a question the person has not read yet.
  useEscapeToCancel(onCancel, true);
  return (
    <AlertDialog
      id="rec-stop"
      testId="rec-stop-dialog"
      title="Stop recording?"
      bodyClass="muted tight"
      body={
        <>
          Podium closes the files after <span className="rec-num">{props.elapsed}</span> and adds them to your recordings. The space stays
          live; Record starts a new recording.
        </>
      }
      onCancel={onCancel}
    >
      <div className="row modal-actions">
        <button className="btn" onClick={onCancel}>
          Keep recording <kbd>Esc</kbd>
        </button>
        <button className="btn btn-danger" data-testid="rec-stop-confirm" autoFocus onClick={props.onConfirm}>
          Stop <kbd>↵</kbd>
        </button>
      </div>
    </AlertDialog>
  );
}
