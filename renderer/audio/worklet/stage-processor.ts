// The AudioWorklet shell of the publish stage: RNNoise noise suppression (renderer/audio/dsp/suppressor.ts) on the
// audio thread. Thin by design — framing, alignment, mixing and meters are pure modules tested in Node; this file
// only moves quanta in and out, forwards port messages, and reports metrics ~20×/s.
//
// It must never block or glitch audio: if the quality model cannot load (or the stage cannot run at all), audio
// passes through untouched and the page is told. process() allocates nothing of its own (postMessage's
// structured clone is the one unavoidable exception, 20 times a second).
import { type RnnoiseModule, loadLowCpuModel, loadQualityModelSync, rnnoiseDenoiser } from '../dsp/rnnoise';
import { NoiseSuppressor, type NoiseSuppressorSettingsPatch, silentMetrics } from '../dsp/suppressor';
import { type FromStage, type StageMetrics, type StageOptions, type ToStage, STAGE_PROCESSOR_NAME, stageQuantum } from './protocol';

// AudioWorkletGlobalScope globals; declared here because the DOM lib does not describe the worklet scope.
declare const registerProcessor: (name: string, ctor: new (options?: AudioWorkletNodeOptions) => unknown) => void;
declare const sampleRate: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}

/** 50 ms between metric reports: smooth enough for a meter readout, cheap on the port. */
const REPORT_EVERY_SAMPLES = 2400;

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// Compiled once per AudioContext at module scope: ~1.4 MB of embedded wasm, too slow to do in a constructor that
// the page awaits, and shared by every stage instance. A failure here must not fail addModule(): the processor
// still registers and runs as a bypass, so the microphone is never silenced by the stage.
let qualityModule: RnnoiseModule | null = null;
let moduleError: string | null = null;
try {
  qualityModule = loadQualityModelSync();
} catch (err) {
  moduleError = `the RNNoise model could not load: ${errorText(err)}`;
}

class PodiumStageProcessor extends AudioWorkletProcessor {
  private ns: NoiseSuppressor | null = null;
  private disposed = false;
  private lowCpuState: 'none' | 'loading' | 'ready' = 'none';
  private lowCpuModule: RnnoiseModule | null = null;
  private quantum: number;
  private silence: Float32Array;
  private sinceReport = 0;
  private vadPeak = -1;
  private readonly snapshot: StageMetrics = {
    ...silentMetrics(),
    vadPeak: null,
    stageError: null,
    lowCpuReady: false,
    latencySamples: null,
    quantumSize: 128,
  };
  private readonly report: FromStage = { type: 'metrics', metrics: this.snapshot };

  constructor(options?: AudioWorkletNodeOptions) {
    super();
    const init = options?.processorOptions as StageOptions | undefined;
    this.quantum = stageQuantum(init?.quantumSize);
    this.silence = new Float32Array(this.quantum);
    this.snapshot.stageError = moduleError;
    this.ns = this.build(init?.settings ?? {});
    this.port.onmessage = (event: MessageEvent<ToStage>) => this.onMessage(event.data);
    // Report the load result at once, not 50 ms later, so a failure banner appears with the microphone.
    this.post();
  }

  /** A suppressor for the current quantum size, or null (and the reason in the snapshot) if it cannot run. */
  private build(settings: NoiseSuppressorSettingsPatch): NoiseSuppressor | null {
    if (!qualityModule) return null;
    try {
      const ns = new NoiseSuppressor({
        models: { quality: rnnoiseDenoiser(qualityModule, 'quality') },
        settings,
        sampleRate,
        quantumSize: this.quantum,
      });
      if (this.lowCpuModule) ns.provideModel('lowCpu', rnnoiseDenoiser(this.lowCpuModule, 'lowCpu'));
      return ns;
    } catch (err) {
      this.snapshot.stageError = `the noise-suppression stage could not start: ${errorText(err)}`;
      return null;
    }
  }

  /**
   * The page was told one render quantum and the browser renders another (a renderSizeHint it reported but did
   * not honour). The re-framing delay depends on it, so the stage is rebuilt once for the real size: the one
   * allocation on the audio thread, instead of a stage that passes audio through or runs misaligned.
   */
  private adaptQuantum(size: number): void {
    const settings = this.ns?.settings;
    this.ns?.destroy();
    this.quantum = size;
    this.silence = new Float32Array(size);
    this.ns = this.build(settings ? { ...settings, gate: { ...settings.gate } } : {});
    this.post();
  }

  private onMessage(message: ToStage): void {
    const ns = this.ns;
    if (message.type === 'dispose') {
      ns?.destroy();
      this.ns = null;
      this.disposed = true;
      this.port.onmessage = null;
    } else if (message.type === 'settings') {
      ns?.setSettings(message.settings);
    } else if (message.type === 'lowCpuWasm' && ns && this.lowCpuState === 'none') {
      this.lowCpuState = 'loading';
      loadLowCpuModel(message.bytes).then(
        (module) => {
          this.lowCpuModule = module;
          this.ns?.provideModel('lowCpu', rnnoiseDenoiser(module, 'lowCpu'));
          this.lowCpuState = 'ready';
        },
        (err: unknown) => {
          // Back to 'none' so that another selection of the model can try again.
          this.lowCpuState = 'none';
          this.port.postMessage({ type: 'lowCpuFailed', error: errorText(err) } satisfies FromStage);
        },
      );
    }
  }

  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    if (this.disposed) return false;
    const out = outputs[0]?.[0];
    if (!out) return true;
    if (out.length !== this.quantum) this.adaptQuantum(out.length);
    // An input with no channels (source not connected yet, or gone) still advances the stage's timeline.
    const input = inputs[0]?.[0] ?? this.silence;
    const ns = this.ns;
    if (ns && input.length === this.quantum) {
      try {
        ns.process(input, out);
      } catch (err) {
        // The suppressor contains model failures itself; anything reaching here is a bug. Pass audio through.
        this.ns = null;
        this.snapshot.stageError = `the noise-suppression stage stopped: ${errorText(err)}`;
        out.set(input);
      }
      const vad = ns.metrics.vad;
      if (vad !== null && vad > this.vadPeak) this.vadPeak = vad;
    } else if (input.length === out.length) {
      out.set(input);
    } else {
      out.fill(0);
    }
    // Other output channels (if a caller asked for more) carry the same mono signal.
    const channels = outputs[0]!;
    for (let ch = 1; ch < channels.length; ch++) channels[ch]!.set(out);
    this.sinceReport += out.length;
    if (this.sinceReport >= REPORT_EVERY_SAMPLES) {
      this.sinceReport = 0;
      this.post();
    }
    return true;
  }

  /** Copies the live metrics into the preallocated snapshot and posts it (the clone happens inside postMessage). */
  private post(): void {
    const s = this.snapshot;
    const m = this.ns?.metrics;
    if (m) {
      s.inputRmsDb = m.inputRmsDb;
      s.outputRmsDb = m.outputRmsDb;
      s.noiseFloorDb = m.noiseFloorDb;
      s.vad = m.vad;
      s.gateGain = m.gateGain;
      s.processedGain = m.processedGain;
      s.activeModel = m.activeModel;
      s.clippedSamples = m.clippedSamples;
      s.frames = m.frames;
      s.error = m.error;
    } else {
      s.vad = null;
      s.processedGain = 0;
      s.activeModel = null;
    }
    s.vadPeak = this.vadPeak >= 0 ? this.vadPeak : s.vad;
    s.lowCpuReady = this.lowCpuState === 'ready';
    s.latencySamples = this.ns?.latency ?? null;
    s.quantumSize = this.quantum;
    this.vadPeak = -1;
    this.port.postMessage(this.report);
  }
}

registerProcessor(STAGE_PROCESSOR_NAME, PodiumStageProcessor);
