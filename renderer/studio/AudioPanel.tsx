// The microphone's processing: RNNoise noise suppression with its model, strength and voice gate, before/after
// meters with the noise floor and voice activity, echo cancellation and monitoring. Settings apply live and are
// remembered per device by main (see renderer/audio/processing.ts); this component only reads stores and calls
// the controller.
import { memoOnState } from './memo-state';
import { useEffect, useId, useRef, useSyncExternalStore, type ReactNode } from 'react';
import type { ProcessingSettings } from '../../common/ipc';
import { meterFraction, SILENCE_DB } from '../audio/levels';
import { useStore } from '../state/store';
import { chooseMonitorOutput, devices, dismissDeviceNotice, processing, type StudioState } from './controller';
import { DeviceNoticeBanner } from './DeviceNotice';
import { CardHead } from './host/CardHead';
import { useFolded } from './host/collapse';
import './AudioPanel.css';

/** The meters reach further down than the microphone card's: suppressed noise sits well below −60 dBFS. */
const METER_FLOOR_DB = -72;
const readBefore = () => processing.inputLevel();
const readAfter = () => processing.outputLevel();
const readActiveModel = () => processing.live.get().metrics?.activeModel ?? null;
const readLatency = () => processing.live.get().metrics?.latencySamples ?? null;
const readQuantum = () => processing.live.get().metrics?.quantumSize ?? null;

/** The stage's fixed delay, with what it is made of. Null until the stage first reports (or without a stage). */
function LatencyNote(): ReactNode {
  const samples = useSyncExternalStore(processing.live.subscribe, readLatency);
  const quantum = useSyncExternalStore(processing.live.subscribe, readQuantum);
  if (samples === null) return null;
  const ms = samples / 48;
  const title =
    quantum === 480
      ? "The stage's fixed delay: RNNoise's own look-ahead (two 10 ms frames)"
      : `The stage's fixed delay: RNNoise's look-ahead plus re-framing this browser's ${quantum ?? '?'}-sample audio blocks`;
  return (
    <span data-testid="ns-latency" data-samples={samples} title={title}>
      +{Number.isInteger(ms) ? ms : ms.toFixed(1)} ms
    </span>
  );
}

function formatDb(db: number): string {
  return db <= SILENCE_DB + 1 ? '−∞' : `${Math.round(db)}`.replace('-', '−');
}

function Switch(props: {
  testId: string;
  label: string;
  hint?: ReactNode;
  checked: boolean;
  disabled?: boolean;
  onChange(checked: boolean): void;
}): ReactNode {
  const id = useId();
  return (
    <div className="ap-switch-row">
      <label htmlFor={id} className="ap-switch-text">
        <span className="ap-label">{props.label}</span>
        {props.hint && <span className="ap-hint">{props.hint}</span>}
      </label>
      <input
        id={id}
        type="checkbox"
        role="switch"
        className="ap-switch"
        data-testid={props.testId}
        checked={props.checked}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.checked)}
      />
    </div>
  );
}

/** One bar, polled per animation frame (60 fps without React renders), with a held peak line. */
function MeterRow({ label, testId, read }: { label: string; testId: string; read: () => { rmsDb: number } | null }): ReactNode {
  const fill = useRef<HTMLDivElement>(null);
  const peak = useRef<HTMLDivElement>(null);
  const text = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    let frame = 0;
    let held = SILENCE_DB;
    const tick = () => {
      const rms = read()?.rmsDb ?? SILENCE_DB;
      held = Math.max(rms, held - 0.5);
      if (fill.current) fill.current.style.width = `${meterFraction(rms, METER_FLOOR_DB) * 100}%`;
      if (peak.current) peak.current.style.left = `calc(${meterFraction(held, METER_FLOOR_DB) * 100}% - 1px)`;
      if (text.current) text.current.textContent = formatDb(rms);
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [read]);
  return (
    <div className="ap-meter-row" data-testid={testId}>
      <span className="ap-meter-label">{label}</span>
      <div className="meter ap-meter" role="meter" aria-label={`${label} level`} aria-valuemin={METER_FLOOR_DB} aria-valuemax={0}>
        <div className="meter-fill" ref={fill} style={{ width: 0 }} />
        <div className="meter-peak" ref={peak} style={{ left: 0 }} />
      </div>
      <span className="ap-meter-db" ref={text}>
        −∞
      </span>
    </div>
  );
}

/** Noise floor and the RNNoise voice indicator: stage reports, ~20 renders a second of this small part only. */
function LiveReadouts({ nsOn, micOn }: { nsOn: boolean; micOn: boolean }): ReactNode {
  const { metrics, speaking } = useStore(processing.live);
  const floor = metrics && metrics.frames > 0 ? metrics.noiseFloorDb : null;
  const vadKnown = nsOn && metrics?.vad != null;
  return (
    <div className="ap-readouts">
      <span className="ap-floor" data-testid="noise-floor" title="The quietest tenth of the pauses over the last few seconds">
        Noise floor <strong>{floor === null ? '—' : `${formatDb(floor)} dB`}</strong>
      </span>
      <span
        className={`ap-vad${speaking && vadKnown ? ' on' : ''}${vadKnown ? '' : ' off'}`}
        data-testid="vad-indicator"
        data-speaking={speaking && vadKnown ? 'true' : 'false'}
        title="Voice activity, as RNNoise hears it"
      >
        <span className="ap-vad-dot" />
        {!micOn ? 'Mic off' : !vadKnown ? 'Voice check off' : speaking ? 'Speaking' : 'No voice'}
      </span>
    </div>
  );
}

function Percent(props: { testId: string; label: string; value: number; disabled: boolean; onChange(v: number): void; suffix?: string }): ReactNode {
  const id = useId();
  const percent = Math.round(props.value * 100);
  return (
    <div className="ap-slider">
      <div className="ap-slider-head">
        <label htmlFor={id} className="ap-label">
          {props.label}
        </label>
        <span className="ap-value">
          {percent}%{props.suffix}
        </span>
      </div>
      <input
        id={id}
        type="range"
        className="ap-range"
        data-testid={props.testId}
        min={0}
        max={100}
        step={5}
        value={percent}
        disabled={props.disabled}
        onChange={(e) => props.onChange(Number(e.target.value) / 100)}
      />
    </div>
  );
}

/** Where the monitor plays: remembered by main; paused, not moved to the speakers, when its headphones go. */
function MonitorOutput({ monitoring }: { monitoring: boolean }): ReactNode {
  const view = useStore(devices);
  const id = useId();
  const usable = view.outputs.filter((d) => !d.missing);
  return (
    <div className="device-output" data-testid="monitor-output">
      <div className="device-output-head">
        <label htmlFor={id} className="ap-label">
          Monitor plays on
        </label>
        {monitoring && view.monitorPaused && (
          <span className="device-output-paused" data-testid="monitor-paused">
            Paused
          </span>
        )}
      </div>
      <select
        id={id}
        className="select ap-select device-select"
        data-testid="output-select"
        title={view.outputs.find((d) => d.deviceId === view.outputSelected)?.label}
        value={view.outputSelected}
        disabled={usable.length === 0}
        onChange={(e) => void chooseMonitorOutput(e.target.value)}
      >
        {view.outputs.length === 0 && <option value="">System default</option>}
        {view.outputs.map((d) => (
          <option key={d.deviceId || 'default'} value={d.deviceId} disabled={d.missing}>
            {d.label}
          </option>
        ))}
      </select>
      {view.outputNotice && <DeviceNoticeBanner notice={view.outputNotice} testId="output-notice" onDismiss={() => dismissDeviceNotice('outputNotice')} />}
    </div>
  );
}

export const AudioPanel = memoOnState(function AudioPanel({ state }: { state: Pick<StudioState, 'mic'> }): ReactNode {
  const p = useStore(processing.store);
  // Only the model, not the whole 20-per-second report: the panel re-renders when the heard model changes.
  const activeModel = useSyncExternalStore(processing.live.subscribe, readActiveModel);
  const s = p.settings;
  const micOn = state.mic.status === 'on';
  const stageDown = p.stageError !== null;
  const nsDisabled = !micOn || stageDown;
  const nsOn = s.noiseSuppression && !stageDown;
  const update = (patch: Partial<ProcessingSettings>) => processing.update(patch);
  const modelId = useId();

  // A change still waiting for its debounced save is not lost when the window closes or reloads.
  useEffect(() => {
    const onHide = () => void processing.flush();
    window.addEventListener('pagehide', onHide);
    return () => window.removeEventListener('pagehide', onHide);
  }, []);

  const loading = nsOn && micOn && activeModel !== s.model;
  // Foldable once the microphone is set and the stage works (a stage error stays in sight).
  const [folded, toggle] = useFolded('noise', micOn && !stageDown);
  const bodyId = useId();
  const summary = nsOn
    ? `On · ${Math.round(s.strength * 100)}% · ${s.model === 'lowCpu' ? 'Low CPU' : 'Quality'}${s.gate.enabled ? ' · voice gate' : ''}${p.monitor ? ' · monitor on' : ''}`
    : `Off${s.echoCancellation ? ' · echo cancellation on' : ''}${p.monitor ? ' · monitor on' : ''}`;
  const nsSwitch = (
    <input
      type="checkbox"
      role="switch"
      className="ap-switch"
      aria-label="Noise suppression"
      data-testid="ns-toggle"
      checked={nsOn}
      disabled={nsDisabled}
      onChange={(e) => update({ noiseSuppression: e.target.checked })}
    />
  );
  const head = (
    <CardHead title="Noise suppression" testId="audio-panel" foldable={micOn && !stageDown} folded={folded} onToggle={toggle} bodyId={bodyId} summary={summary} extra={nsSwitch} />
  );
  if (folded) {
    return (
      <section className="card card-folded audio-panel" data-testid="audio-panel" data-folded="true" data-save={p.save} data-loaded={p.loaded ? 'true' : 'false'} data-active-model={activeModel ?? ''}>
        {head}
      </section>
    );
  }
  return (
    <section
      className="card audio-panel"
      id={bodyId}
      data-testid="audio-panel"
      data-folded="false"
      data-save={p.save}
      data-loaded={p.loaded ? 'true' : 'false'}
      data-active-model={activeModel ?? ''}
    >
      {head}

      {p.stageError && (
        <div className="banner banner-error ap-banner" role="alert" data-testid="stage-error">
          <div>
            <strong>Audio goes out unprocessed.</strong> {p.stageError}
          </div>
        </div>
      )}

      <div className="ap-meters">
        <MeterRow label="Before" testId="meter-before" read={readBefore} />
        <MeterRow label="After" testId="meter-after" read={readAfter} />
        <div className="ap-meter-row" aria-hidden>
          <span />
          <div className="ap-scale">
            <span>−72</span>
            <span>−48</span>
            <span>−24</span>
            <span>0</span>
          </div>
          <span className="ap-scale-unit">dB</span>
        </div>
        <LiveReadouts nsOn={nsOn && micOn} micOn={micOn} />
      </div>

      <div className={`ap-controls${nsOn ? '' : ' ap-dim'}`}>
        <div className="ap-slider">
          <div className="ap-slider-head">
            <label htmlFor={modelId} className="ap-label">
              Model
            </label>
            <span className="ap-value">{loading ? 'Loading…' : nsOn && micOn ? 'Active' : ''}</span>
          </div>
          <select
            id={modelId}
            className="select ap-select"
            data-testid="ns-model"
            value={s.model}
            disabled={nsDisabled}
            onChange={(e) => update({ model: e.target.value === 'lowCpu' ? 'lowCpu' : 'quality' })}
          >
            <option value="quality">Quality — RNNoise 0.2</option>
            <option value="lowCpu">Low CPU — RNNoise 0.1</option>
          </select>
        </div>
        <Percent testId="ns-strength" label="Strength" value={s.strength} disabled={nsDisabled || !s.noiseSuppression} onChange={(strength) => update({ strength })} />
        <Switch
          testId="ns-gate"
          label="Voice gate"
          hint="Silences the mic between phrases"
          checked={s.gate.enabled}
          disabled={nsDisabled || !s.noiseSuppression}
          onChange={(enabled) => update({ gate: { ...s.gate, enabled } })}
        />
        {s.gate.enabled && (
          <Percent
            testId="ns-gate-threshold"
            label="Opens at voice probability"
            value={s.gate.threshold}
            disabled={nsDisabled || !s.noiseSuppression}
            onChange={(threshold) => update({ gate: { ...s.gate, threshold } })}
          />
        )}
      </div>

      <div className="ap-divider" />

      <Switch
        testId="echo-toggle"
        label="Echo cancellation"
        hint="Off is right for headphones; on when speakers play into the mic"
        checked={s.echoCancellation}
        disabled={!micOn}
        onChange={(echoCancellation) => update({ echoCancellation })}
      />
      <Switch
        testId="monitor-toggle"
        label="Monitor"
        hint={
          <span className={p.monitor ? 'ap-warn' : undefined}>
            🎧 Headphones only — through speakers it feeds back
          </span>
        }
        checked={p.monitor}
        disabled={!micOn}
        onChange={(on) => processing.setMonitor(on)}
      />
      <MonitorOutput monitoring={p.monitor} />

      <div className="ap-foot">
        <span className={p.problem ? 'ap-problem' : undefined} data-testid="ns-save-state" title={p.deviceKey ?? undefined}>
          {p.problem ?? (!p.deviceKey ? '' : p.save === 'saved' ? '✓ Remembered for this mic' : 'Saving…')}
        </span>
        {!stageDown && <LatencyNote />}
      </div>
    </section>
  );
}, ['mic']);
