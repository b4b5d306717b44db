// Which SFU carries the audio: the built-in LiveKit, the built-in mediasoup (run by the space server itself), or
// LiveKit Cloud / a self-hosted cluster. The secret goes to main (stored apart from settings) and never comes back to
// the page. Changes apply at the next start.
import { memoOnState } from './memo-state';
import { useId, useState, type ReactNode } from 'react';
import { CardHead } from './host/CardHead';
import { useFolded } from './host/collapse';
import { setLivekit, type StudioState } from './controller';

export const AudioServerCard = memoOnState(function AudioServerCard({ state }: { state: Pick<StudioState, 'mic' | 'settings' | 'info'> }): ReactNode {
  const [open, setOpen] = useState(false);
  const [url, setUrl] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [apiSecret, setApiSecret] = useState('');
  const [saved, setSaved] = useState(false);
  const mode = state.settings?.livekit.mode ?? 'embedded';
  const canSave = /^wss?:\/\/\S+$/.test(url.trim()) && apiKey.trim() !== '' && apiSecret !== '';
  // What runs now (PODIUM_SFU may override the card for a run, and a change here waits for the next start).
  const running = state.info?.sfu === 'mediasoup' ? 'mediasoup' : mode === 'mediasoup' ? 'embedded' : mode;
  const where = { embedded: 'Built-in LiveKit on this computer', mediasoup: 'Built-in mediasoup, run by the space server on this computer', custom: 'LiveKit Cloud or your own server' }[running];
  const summary = { embedded: 'Built-in LiveKit', mediasoup: 'Built-in mediasoup', custom: 'Your own server' }[running];
  const overridden = !!state.info && !saved && (running === 'mediasoup') !== (mode === 'mediasoup');
  // Foldable like the other audio cards once the microphone is set; never while its form is open or a note waits.
  const foldable = state.mic.status === 'on' && !open && !saved;
  const [folded, toggle] = useFolded('server', foldable);
  const bodyId = useId();
  const head = (
    <CardHead title="Audio server" testId="audio-server-card" foldable={foldable} folded={folded} onToggle={toggle} bodyId={bodyId} summary={summary} />
  );
  if (folded) {
    return (
      <div className="card card-folded" data-testid="audio-server-card" data-folded="true">
        {head}
      </div>
    );
  }
  return (
    <div className="card stack" id={bodyId} data-testid="audio-server-card" data-folded="false">
      {head}
      <div className="faint">
        {where}
        {state.info ? ` · ${state.info.livekitUrl}` : ''}
      </div>
      {saved && <div className="banner">Saved. Restart Podium to switch audio servers; a space that is live now is not moved.</div>}
      {overridden && (
        <div className="faint" data-testid="sfu-overridden">
          PODIUM_SFU (or a change waiting for a restart) chose this for this run. Saved choice:{' '}
          {mode === 'mediasoup' ? 'built-in mediasoup' : mode === 'custom' ? 'your own server' : 'built-in LiveKit'}.
        </div>
      )}
      {!open && (
        <div className="row server-choices">
          <button className="btn" onClick={() => setOpen(true)}>Use another server…</button>
          {mode !== 'embedded' && (
            <button className="btn" data-testid="use-builtin-livekit" onClick={() => void setLivekit({ mode: 'embedded' }).then((ok) => setSaved(ok))}>
              Use built-in LiveKit
            </button>
          )}
          {mode !== 'mediasoup' && (
            <button className="btn" data-testid="use-builtin-mediasoup" title="The space server runs the audio itself: no LiveKit process" onClick={() => void setLivekit({ mode: 'mediasoup' }).then((ok) => setSaved(ok))}>
              Use built-in mediasoup
            </button>
          )}
        </div>
      )}
      {open && (
        <form
          className="stack"
          onSubmit={(e) => {
            e.preventDefault();
            if (!canSave) return;
            void setLivekit({ mode: 'custom', url: url.trim(), apiKey: apiKey.trim(), apiSecret }).then((ok) => {
              if (!ok) return;
              setSaved(true);
              setOpen(false);
              setApiSecret('');
            });
          }}
        >
          <div className="field">
            <label htmlFor="lk-url">LiveKit URL</label>
            <input id="lk-url" className="input" placeholder="wss://your-project.livekit.cloud" value={url} onChange={(e) => setUrl(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="lk-key">API key</label>
            <input id="lk-key" className="input" autoComplete="off" value={apiKey} onChange={(e) => setApiKey(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="lk-secret">API secret</label>
            <input id="lk-secret" className="input" type="password" autoComplete="off" value={apiSecret} onChange={(e) => setApiSecret(e.target.value)} />
          </div>
          <div className="row">
            <button className="btn" type="button" onClick={() => setOpen(false)}>Cancel</button>
            <div className="spacer" />
            <button className="btn btn-primary" type="submit" disabled={!canSave}>Save</button>
          </div>
        </form>
      )}
    </div>
  );
}, ['mic', 'settings', 'info']);
