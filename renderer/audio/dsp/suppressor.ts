// The noise-suppression stage as a pure class: the AudioWorklet calls process() once per render quantum (480 or 128) and
// forwards settings messages; everything else (framing, scaling, RNNoise, alignment, mixing, meters) is here
// so it is tested in Node. Signal path, per 480-sample frame:
//
//   quantum ─▶ Reframer ─┬─▶ ×32768 ─▶ model ─▶ pad to 960 ─▶ ÷32768, clip ─▶ wet ─┐
//                        └─▶ dry ─▶ delay 960 ───────────────────────────────────────┴─▶ mixer ─▶ Reframer ─▶ quantum
//
// Latency is fixed whatever the settings: re-framing + 960 (the slowest model; faster ones are padded). The studio
// asks Chromium for 480-sample render quanta (AudioContext renderSizeHint), which makes re-framing free: 960
// samples, 20.0 ms. Where the browser keeps today's default 128-sample quanta, re-framing costs 448 more: 1408
// samples, 29.3 ms. Because it never changes while the stage runs, bypass, strength and model switches are plain
// crossfades between time-aligned signals: no gap, no repeat, no click.
//
// Model lifecycle: a denoiser is created when the stage is enabled and destroyed once a bypass fade ends (so a
// disabled stage costs no model CPU). A newly created one runs in the background for `warmupFrames` so that its
// recurrent state and its internal delay are filled before it is heard, then it is crossfaded in. At the very
// start the dry path is also just zeros, so the first model starts audible right away.

import {
  type DenoiserFactory,
  type FrameDenoiser,
  type NsModel,
  FRAME_SIZE,
  SAMPLE_RATE,
  STAGE_MODEL_DELAY,
} from './denoiser';
import { DelayLine } from './delay';
import { Reframer, reframeLatency } from './framer';
import { frameRmsDb, NoiseFloorTracker } from './meters';
import { type GateTiming, DEFAULT_CROSSFADE_MS, WetDryMixer } from './mix';
import { fromRnnoiseRange, toRnnoiseRange } from './scale';
import { SILENCE_DB } from '../levels';

/** Web Audio's default render quantum, and the fallback wherever the size asked for is not honoured. */
export const RENDER_QUANTUM = 128;

/** The render quantum the studio asks for: one RNNoise frame, so that re-framing adds nothing. */
export const PREFERRED_QUANTUM = FRAME_SIZE;

/** Input sample n leaves the stage as output sample n + stageLatency(quantum). */
export function stageLatency(quantumSize: number): number {
  return reframeLatency(FRAME_SIZE, quantumSize) + STAGE_MODEL_DELAY;
}

/** The stage's delay with 128-sample quanta (1408 samples, 29.3 ms). */
export const STAGE_LATENCY_SAMPLES = stageLatency(RENDER_QUANTUM);

export interface GateSettings {
  enabled: boolean;
  /** Frames whose voice probability is below this close the gate (after the hold time). 0..1. */
  thresholdVad: number;
}

export interface NoiseSuppressorSettings {
  enabled: boolean;
  /** 0 = dry (bit-exact), 1 = fully denoised. */
  strength: number;
  gate: GateSettings;
  model: NsModel;
}

export type NoiseSuppressorSettingsPatch = Partial<Omit<NoiseSuppressorSettings, 'gate'>> & { gate?: Partial<GateSettings> };

export const DEFAULT_NS_SETTINGS: Readonly<NoiseSuppressorSettings> = {
  enabled: true,
  strength: 1,
  gate: { enabled: false, thresholdVad: 0.5 },
  model: 'quality',
};

export interface NoiseSuppressorMetrics {
  /** RMS of the last frame entering the stage, dBFS (floored at -100). */
  inputRmsDb: number;
  /** RMS of the last frame leaving the mixer, dBFS. */
  outputRmsDb: number;
  /**
   * 10th percentile of input frame levels over the last 3 s of frames the model judged non-speech (VAD < 0.5);
   * with no model running, over all frames. -100 until the first frame.
   */
  noiseFloorDb: number;
  /** Voice probability of the last frame, or null when no model is running. */
  vad: number | null;
  /** Current gate gain, 0..1 (1 when the gate is off). */
  gateGain: number;
  /** Weight of the processed path, 0 (bypassed) .. 1. */
  processedGain: number;
  /** The model being heard, or null (disabled, or the requested model not provided yet). */
  activeModel: NsModel | null;
  /** Output samples clipped to ±1 (or NaN replaced) since construction. */
  clippedSamples: number;
  /** Frames processed since construction. */
  frames: number;
  /** The last error from creating or running a model; the stage falls back to dry and keeps running. */
  error: string | null;
}

export interface NoiseSuppressorOptions {
  /** Factories per model (see rnnoiseDenoiser()); more can be added later with provideModel(). */
  models?: Partial<Record<NsModel, DenoiserFactory>>;
  settings?: NoiseSuppressorSettingsPatch;
  /** Must be 48000: RNNoise is trained for it. Pass the worklet's `sampleRate` to catch a mismatch early. */
  sampleRate?: number;
  /** Samples per process() call. */
  quantumSize?: number;
  /** Frames a newly created model runs unheard before it is faded in (default 20 = 200 ms). */
  warmupFrames?: number;
  /** Bypass, strength and model-switch crossfade length (default 10 ms). */
  crossfadeMs?: number;
  gateTiming?: Partial<GateTiming>;
}

/** Non-speech frames for the noise floor: the model's VAD below this. */
const NOISE_FRAME_VAD = 0.5;

interface Engine {
  model: NsModel;
  denoiser: FrameDenoiser;
  /** Pads this model's delay up to STAGE_MODEL_DELAY. */
  pad: DelayLine;
  /** Model-range (±32768) scratch, processed in place. */
  scaled: Float32Array;
  /** Float output, aligned with the delayed dry signal. */
  wet: Float32Array;
  vad: number;
  frames: number;
}

/** Metrics of a stage that has heard nothing yet (also the worklet's starting snapshot). */
export function silentMetrics(): NoiseSuppressorMetrics {
  return {
    inputRmsDb: SILENCE_DB,
    outputRmsDb: SILENCE_DB,
    noiseFloorDb: SILENCE_DB,
    vad: null,
    gateGain: 1,
    processedGain: 0,
    activeModel: null,
    clippedSamples: 0,
    frames: 0,
    error: null,
  };
}

export class NoiseSuppressor {
  /** Fixed input→output delay in samples: 960 with 480-sample quanta, 1408 with 128. */
  readonly latency: number;
  /** Samples per process() call. */
  readonly quantumSize: number;

  private readonly reframer: Reframer;
  private readonly mixer: WetDryMixer;
  private readonly factories: Partial<Record<NsModel, DenoiserFactory>>;
  private readonly warmupFrames: number;
  private readonly fadeSamples: number;
  private readonly floor = new NoiseFloorTracker();
  private readonly blend = new Float32Array(FRAME_SIZE);
  private current: NoiseSuppressorSettings;
  private active: Engine | null = null;
  private pending: Engine | null = null;
  /** Samples into the active→pending crossfade, or -1 when none is running. */
  private switchPos = -1;
  /**
   * A model that failed to start or to run. It is not retried until the settings (enabled or model) change or
   * provideModel() supplies it again: retrying every frame would allocate and fail 100 times a second.
   */
  private failed: NsModel | null = null;
  private readonly stats: NoiseSuppressorMetrics = silentMetrics();

  constructor(options: NoiseSuppressorOptions = {}) {
    const sampleRate = options.sampleRate ?? SAMPLE_RATE;
    if (sampleRate !== SAMPLE_RATE) throw new RangeError(`RNNoise needs ${SAMPLE_RATE} Hz audio, the context runs at ${sampleRate} Hz`);
    const crossfadeMs = options.crossfadeMs ?? DEFAULT_CROSSFADE_MS;
    this.factories = { ...options.models };
    this.warmupFrames = Math.max(0, Math.floor(options.warmupFrames ?? 20));
    this.fadeSamples = Math.max(1, Math.round((crossfadeMs * SAMPLE_RATE) / 1000));
    this.mixer = new WetDryMixer({
      sampleRate,
      dryDelay: STAGE_MODEL_DELAY,
      crossfadeMs,
      ...(options.gateTiming ? { gateTiming: options.gateTiming } : {}),
    });
    this.quantumSize = options.quantumSize ?? RENDER_QUANTUM;
    this.reframer = new Reframer({
      frameSize: FRAME_SIZE,
      quantumSize: this.quantumSize,
      onFrame: (frame) => this.processFrame(frame),
    });
    this.latency = this.reframer.latency + STAGE_MODEL_DELAY;
    this.current = cloneSettings(DEFAULT_NS_SETTINGS);
    this.setSettings(options.settings ?? {});
    // Start from the configured strength and gate rather than ramping to them from the mixer's defaults.
    this.mixer.settle();
  }

  /** Processes one quantum; `output` receives the stage output `latency` samples behind. They may alias. */
  process(input: Float32Array, output: Float32Array): void {
    this.reframer.process(input, output);
  }

  get settings(): Readonly<NoiseSuppressorSettings> {
    return this.current;
  }

  /** Applies a partial update; takes effect at the next frame, always through a ramp or crossfade. */
  setSettings(patch: NoiseSuppressorSettingsPatch): void {
    const next = this.current;
    const wasEnabled = next.enabled;
    const wasModel = next.model;
    if (typeof patch.enabled === 'boolean') next.enabled = patch.enabled;
    if (typeof patch.strength === 'number' && !Number.isNaN(patch.strength)) next.strength = clamp01(patch.strength);
    if (patch.model === 'quality' || patch.model === 'lowCpu') next.model = patch.model;
    // A deliberate change (toggle, other model) is the user's retry of a model that failed.
    if (next.enabled !== wasEnabled || next.model !== wasModel) this.failed = null;
    if (patch.gate) {
      if (typeof patch.gate.enabled === 'boolean') next.gate.enabled = patch.gate.enabled;
      const t = patch.gate.thresholdVad;
      if (typeof t === 'number' && !Number.isNaN(t)) next.gate.thresholdVad = clamp01(t);
    }
    this.mixer.setStrength(next.strength);
    this.mixer.setGate(next.gate.enabled, next.gate.thresholdVad);
  }

  /** Adds (or replaces, for future instances) a model factory, e.g. once the low-CPU wasm has loaded. */
  provideModel(model: NsModel, factory: DenoiserFactory): void {
    this.factories[model] = factory;
    if (this.failed === model) this.failed = null;
  }

  /** Live meter values; the same object is updated in place every frame (copy it before posting). */
  get metrics(): Readonly<NoiseSuppressorMetrics> {
    return this.stats;
  }

  /** Frees every model instance. The stage then outputs dry audio if process() is still called. */
  destroy(): void {
    this.dropPending();
    if (this.active) this.destroyEngine(this.active);
    this.active = null;
    this.switchPos = -1;
    this.mixer.setEnabled(false);
    this.mixer.settle();
  }

  private processFrame(frame: Float32Array): void {
    const stats = this.stats;
    const inputDb = frameRmsDb(frame);
    stats.inputRmsDb = inputDb;
    this.reconcile();

    let wet: Float32Array | null = null;
    let vad = Number.NaN;
    const active = this.active;
    if (active && this.runEngine(active, frame)) {
      wet = active.wet;
      vad = active.vad;
    }
    const pending = this.pending;
    if (pending && this.runEngine(pending, frame) && pending.frames > this.warmupFrames) {
      if (!this.active || this.mixer.bypassed) {
        // Nothing audible to fade from: the processed path fades in from dry through the mixer instead.
        this.promote();
        wet = pending.wet;
        vad = pending.vad;
      } else {
        wet = this.blendSwitch(this.active.wet, pending.wet);
        vad = pending.vad;
      }
    }
    // Enabling follows promotion within the same frame.
    this.mixer.setEnabled(this.current.enabled && this.active !== null);

    this.mixer.process(frame, wet, vad, frame);

    stats.outputRmsDb = frameRmsDb(frame);
    stats.vad = Number.isNaN(vad) ? null : vad;
    // Without a VAD every frame is a candidate; the low percentile still lands in the pauses.
    if (Number.isNaN(vad) || vad < NOISE_FRAME_VAD) this.floor.add(inputDb);
    stats.noiseFloorDb = this.floor.floorDb;
    stats.gateGain = this.mixer.gateGain;
    stats.processedGain = this.mixer.processedGain;
    stats.activeModel = this.active ? this.active.model : null;
    stats.frames++;
  }

  /** Brings the set of running models in line with the settings. */
  private reconcile(): void {
    const { enabled, model } = this.current;
    if (!enabled) {
      this.dropPending();
      // Keep the active model until the fade to dry has finished; it supplies the wet side of that fade.
      if (this.active && this.mixer.bypassed) {
        this.destroyEngine(this.active);
        this.active = null;
      }
      return;
    }
    if (this.active?.model === model) {
      this.dropPending();
      return;
    }
    if (this.pending?.model === model) return;
    this.dropPending();
    const factory = this.factories[model];
    // The requested model is not loaded yet (or it failed): keep whatever runs now, or dry, until that changes.
    if (!factory || this.failed === model) return;
    const engine = this.createEngine(model, factory);
    if (!engine) {
      this.failed = model;
      return;
    }
    if (this.stats.frames === 0 && !this.active) {
      // Stage start: dry is still the delay line's zeros, exactly what a fresh model outputs, so no warm-up.
      this.active = engine;
      this.mixer.setEnabled(true);
      this.mixer.settle();
    } else {
      this.pending = engine;
    }
  }

  private createEngine(model: NsModel, factory: DenoiserFactory): Engine | null {
    const padSamples = STAGE_MODEL_DELAY - factory.delaySamples;
    if (!Number.isInteger(padSamples) || padSamples < 0) {
      this.stats.error = `model ${model} reports delay ${factory.delaySamples}, more than the stage allows (${STAGE_MODEL_DELAY})`;
      return null;
    }
    try {
      return {
        model,
        denoiser: factory.create(),
        pad: new DelayLine(padSamples),
        scaled: new Float32Array(FRAME_SIZE),
        wet: new Float32Array(FRAME_SIZE),
        vad: 0,
        frames: 0,
      };
    } catch (err) {
      this.stats.error = `could not start model ${model}: ${errorText(err)}`;
      return null;
    }
  }

  /** Runs one frame through a model; on failure the model is dropped (the stage continues dry). */
  private runEngine(engine: Engine, frame: Float32Array): boolean {
    try {
      toRnnoiseRange(frame, engine.scaled);
      const vad = engine.denoiser.processFrame(engine.scaled);
      engine.vad = vad >= 0 && vad <= 1 ? vad : 0;
      engine.pad.process(engine.scaled);
      this.stats.clippedSamples += fromRnnoiseRange(engine.scaled, engine.wet);
      engine.frames++;
      return true;
    } catch (err) {
      this.stats.error = `model ${engine.model} failed: ${errorText(err)}`;
      this.failed = engine.model;
      if (engine === this.active) {
        // Jump to dry: the wet signal is gone, and a ramp would need it. settle(), not reset(): the dry delay
        // line must keep its contents or the fallback itself would gap.
        this.active = null;
        this.switchPos = -1;
        this.mixer.setEnabled(false);
        this.mixer.settle();
      } else {
        this.pending = null;
        this.switchPos = -1;
      }
      this.destroyEngine(engine);
      return false;
    }
  }

  /** One frame of the linear active→pending crossfade; promotes the pending model when it completes. */
  private blendSwitch(from: Float32Array, to: Float32Array): Float32Array {
    if (this.switchPos < 0) this.switchPos = 0;
    const out = this.blend;
    const fade = this.fadeSamples;
    let pos = this.switchPos;
    for (let i = 0; i < FRAME_SIZE; i++) {
      pos++;
      const r = pos >= fade ? 1 : pos / fade;
      out[i] = from[i]! + (to[i]! - from[i]!) * r;
    }
    this.switchPos = pos;
    if (pos >= fade) this.promote();
    return out;
  }

  private promote(): void {
    const next = this.pending;
    if (!next) return;
    if (this.active) this.destroyEngine(this.active);
    this.active = next;
    this.pending = null;
    this.switchPos = -1;
  }

  private dropPending(): void {
    if (!this.pending) return;
    this.destroyEngine(this.pending);
    this.pending = null;
    this.switchPos = -1;
  }

  private destroyEngine(engine: Engine): void {
    try {
      engine.denoiser.destroy();
    } catch (err) {
      this.stats.error = `could not free model ${engine.model}: ${errorText(err)}`;
    }
  }
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}

function cloneSettings(s: Readonly<NoiseSuppressorSettings>): NoiseSuppressorSettings {
  return { enabled: s.enabled, strength: s.strength, model: s.model, gate: { ...s.gate } };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
