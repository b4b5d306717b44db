// Microphone choice and the host's display name, both remembered by main. Levels and processing are in AudioPanel.
import { useState, type ReactNode } from 'react';
import { useStore } from '../state/store';
import { processing, setHostName, startMicrophone, type StudioState } from './controller';

export function MicrophoneCard({ state }: { state: StudioState }): ReactNode {
  const { mic, devices, settings } = state;
  // The browser's own echo canceller is the one processing we may switch on (noise suppression is ours).
  const echo = useStore(processing.store).settings.echoCancellation;
  const current = devices.find((d) => d.label === mic.label)?.deviceId ?? settings?.microphone?.deviceId ?? '';
  return (
    <div className="card stack">
      <h2>Microphone</h2>
      <div className="field">
        <label htmlFor="mic-select">Input device</label>
        <select
          id="mic-select"
          className="select"
          data-testid="mic-select"
          value={current}
          disabled={devices.length === 0}
          onChange={(e) => void startMicrophone(e.target.value, true)}
        >
          {devices.length === 0 && <option value="">No microphone found</option>}
          {devices.map((d) => (
            <option key={d.deviceId} value={d.deviceId}>
              {d.label}
            </option>
          ))}
        </select>
      </div>
      {mic.status === 'starting' && <div className="faint">Starting the microphone…</div>}
      {mic.status === 'on' && mic.suspended && (
        <div className="faint">Click anywhere in the studio to wake the meter (browsers hold audio until a click).</div>
      )}
      {mic.status === 'on' && !mic.suspended && (
        <div className="faint" data-testid="mic-status">
          {settings?.microphone?.label === mic.label ? '✓ Remembered for next time · ' : ''}
          {echo ? 'Echo cancellation on' : 'Browser processing off'} · 48 kHz
        </div>
      )}
      {mic.status === 'error' && (
        <div className="banner banner-error" role="alert">
          <span className="spacer">{mic.error}</span>
          <button className="btn" onClick={() => void startMicrophone(null)}>Try again</button>
        </div>
      )}
    </div>
  );
}

export function ProfileCard({ state }: { state: StudioState }): ReactNode {
  const saved = state.settings?.hostName ?? '';
  const [draft, setDraft] = useState<string | null>(null);
  const value = draft ?? saved;
  const dirty = draft !== null && draft.trim() !== saved;
  return (
    <form
      className="card stack"
      onSubmit={(e) => {
        e.preventDefault();
        if (dirty) void setHostName(value).then((ok) => ok && setDraft(null));
      }}
    >
      <h2>You</h2>
      <div className="field">
        <label htmlFor="host-name">Name shown to listeners</label>
        <div className="row">
          <input id="host-name" className="input" maxLength={60} value={value} onChange={(e) => setDraft(e.target.value)} />
          <button className="btn" type="submit" disabled={!dirty || value.trim() === ''}>
            Save
          </button>
        </div>
      </div>
      <div className="faint">Used for spaces you create from now on.</div>
    </form>
  );
}
