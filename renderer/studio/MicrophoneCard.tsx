// Microphone choice and the host's display name, both remembered by main. The device list follows devices as they
// come and go; when the microphone in use is unplugged the studio moves to a stand-in and back by itself
// (renderer/studio/microphone.ts) and this card says so. Levels and processing are in AudioPanel.
import { memoOnState } from './memo-state';
import { useId, useState, type ReactNode } from 'react';
import { CardHead } from './host/CardHead';
import { useFolded } from './host/collapse';
import { NAME_MAX } from '../../common/names';
import { cutGraphemes } from '../../common/text';
import { useStore } from '../state/store';
import { devices, dismissDeviceNotice, processing, setHostName, shortcut, startMicrophone, type StudioState } from './controller';
import { DeviceNoticeBanner } from './DeviceNotice';

/** The global mute shortcut (desktop only): what it is, or why there is none. */
function ShortcutNote(): ReactNode {
  const { status } = useStore(shortcut);
  if (!status) return null;
  return (
    <div className={status.registered ? 'faint' : 'device-shortcut-problem'} data-testid="mute-shortcut" title={status.message}>
      {status.registered ? (
        <>
          <kbd>{status.label}</kbd> mutes you from any app
        </>
      ) : (
        status.message
      )}
    </div>
  );
}

export const MicrophoneCard = memoOnState(function MicrophoneCard({ state }: { state: Pick<StudioState, 'mic' | 'settings'> }): ReactNode {
  const { mic, settings } = state;
  const view = useStore(devices);
  // The browser's own echo canceller is the one processing we may switch on (noise suppression is ours).
  const echo = useStore(processing.store).settings.echoCancellation;
  const usable = view.inputs.filter((d) => !d.missing);
  const remembered = settings?.microphone;
  const isRemembered = !!remembered && (remembered.deviceId === view.inputSelected || remembered.label === mic.label);
  // Foldable once the microphone is set; a device notice (unplugged, back again) unfolds it until it goes.
  const [folded, toggle] = useFolded('microphone', mic.status === 'on' && !view.inputNotice);
  const bodyId = useId();
  const head = (
    <CardHead
      title="Microphone"
      testId="microphone-card"
      foldable={mic.status === 'on' && !view.inputNotice}
      folded={folded}
      onToggle={toggle}
      bodyId={bodyId}
      summary={<span title={mic.label}>{mic.suspended ? 'Waiting for a click' : 'On'} · {mic.label || 'default microphone'}</span>}
    />
  );
  if (folded) {
    return (
      <div className="card card-folded" data-testid="microphone-card" data-folded="true">
        {head}
      </div>
    );
  }
  return (
    <div className="card stack" data-testid="microphone-card" data-folded="false" id={bodyId}>
      {head}
      {view.inputNotice && <DeviceNoticeBanner notice={view.inputNotice} testId="mic-notice" onDismiss={() => dismissDeviceNotice('inputNotice')} />}
      <div className="field">
        <label htmlFor="mic-select">Input device</label>
        <select
          id="mic-select"
          className="select device-select"
          data-testid="mic-select"
          title={view.inputs.find((d) => d.deviceId === view.inputSelected)?.label}
          value={view.inputSelected}
          disabled={usable.length === 0 || mic.status === 'starting'}
          onChange={(e) => void startMicrophone(e.target.value, true)}
        >
          {usable.length === 0 && <option value="">No microphone found</option>}
          {view.inputs.map((d) => (
            <option key={d.deviceId} value={d.deviceId} disabled={d.missing}>
              {d.label}
            </option>
          ))}
        </select>
      </div>
      {mic.status === 'starting' && <div className="faint">Starting the microphone…</div>}
      {mic.status === 'on' && mic.suspended && (
        <div className="faint">Click anywhere in the studio to wake the meter: browsers hold audio back until a click.</div>
      )}
      {mic.status === 'on' && !mic.suspended && (
        <div className="faint" data-testid="mic-status">
          {isRemembered && !view.inputNotice ? '✓ Remembered for next time · ' : ''}
          {echo ? 'Echo cancellation on' : 'Browser processing off'} · 48 kHz
        </div>
      )}
      {mic.status === 'error' && (
        <div className="banner banner-error" role="alert">
          <span className="spacer">{mic.error}</span>
          <button className="btn" onClick={() => void startMicrophone(null)}>Try again</button>
        </div>
      )}
      <ShortcutNote />
    </div>
  );
}, ['mic', 'settings']);

export const ProfileCard = memoOnState(function ProfileCard({ state }: { state: Pick<StudioState, 'settings'> }): ReactNode {
  const saved = state.settings?.hostName ?? '';
  const [draft, setDraft] = useState<string | null>(null);
  const [cut, setCut] = useState(false);
  const value = draft ?? saved;
  const dirty = draft !== null && draft.trim() !== saved;
  return (
    <form
      className="card stack"
      onSubmit={(e) => {
        e.preventDefault();
        if (dirty) void setHostName(value).then((ok) => ok && (setDraft(null), setCut(false)));
      }}
    >
      <h2>You</h2>
      <div className="field">
        <label htmlFor="host-name">Name shown to listeners</label>
        <div className="row">
          <input
            id="host-name"
            className="input"
            value={value}
            aria-describedby="host-name-cut"
            onChange={(e) => {
              // Counted as a reader counts (an emoji is one character), and a long paste is cut — said below.
              const next = cutGraphemes(e.target.value, NAME_MAX);
              setDraft(next.text);
              setCut(next.cut);
            }}
          />
          <button className="btn" type="submit" disabled={!dirty || value.trim() === ''}>
            Save
          </button>
        </div>
      </div>
      {cut && (
        <div id="host-name-cut" className="hint-warn" role="status">
          Cut to {NAME_MAX} characters: a name can't be longer.
        </div>
      )}
      <div className="faint">Used for the spaces you create from now on.</div>
    </form>
  );
}, ['settings']);
