// The host's microphone path:
//
//   getUserMedia ─▶ inputBus ─┬─▶ Podium stage (AudioWorklet: RNNoise) ─▶ outputBus ─┬─▶ MediaStreamDestination (published)
//   (browser NS/AGC off)      └─▶ analyser "before"                                   ├─▶ analyser "after"
//                                                                                      └─▶ speakers, only while monitoring
//
// The buses exist so that re-opening the device (echo cancellation is a capture setting, so changing it needs a new
// getUserMedia) swaps only the source: the published track, the stage and its model state stay as they are.
// If the worklet cannot load, inputBus feeds outputBus directly — the host is told, but never goes silent.
import { DEFAULT_PROCESSING, type ProcessingSettings } from '../../common/ipc';
import stageUrl from './worklet/stage-processor.ts?worker&url';
import lowCpuWasmUrl from '@sapphi-red/web-noise-suppressor/rnnoise_simd.wasm?url';
import { PREFERRED_QUANTUM } from './dsp/suppressor';
import { blockLevels } from './levels';
import { type FromStage, type StageMetrics, type StageOptions, type ToStage, STAGE_PROCESSOR_NAME, toSuppressorPatch } from './worklet/protocol';

export const SAMPLE_RATE = 48_000;
export type { StageMetrics } from './worklet/protocol';

/**
 * The AudioContext for the microphone path, asking for 480-sample render quanta (renderSizeHint: in Chromium
 * since about 2025; older browsers ignore the option and keep 128). The size actually used is read back from the
 * context and handed to the stage, which re-frames for whatever it gets.
 */
function createContext(): { ctx: AudioContext; quantumSize: number } {
  const options = { sampleRate: SAMPLE_RATE, latencyHint: 'interactive', renderSizeHint: PREFERRED_QUANTUM } as AudioContextOptions;
  const ctx = new AudioContext(options);
  const reported = (ctx as AudioContext & { renderQuantumSize?: unknown }).renderQuantumSize;
  return { ctx, quantumSize: typeof reported === 'number' ? reported : 128 };
}

/** How long open waits for the stage's first report, which says whether its model loaded. */
const STAGE_READY_TIMEOUT_MS = 1500;

export interface MicrophonePipeline {
  /** The processed track to publish. It stays the same for the pipeline's life, even when the device re-opens. */
  track: MediaStreamTrack;
  deviceId: string;
  deviceLabel: string;
  /** Null when the stage is running; a message when audio goes out unprocessed. */
  readonly stageError: string | null;
  /** Output ("after") level in dBFS (RMS and peak over the last ~21 ms). */
  level(): { rmsDb: number; peakDb: number };
  /** Input ("before") level, straight from the microphone. */
  inputLevel(): { rmsDb: number; peakDb: number };
  readonly processing: ProcessingSettings;
  /** Applies settings live; a change of echo cancellation re-opens the device (the published track is kept). */
  setProcessing(settings: ProcessingSettings): Promise<void>;
  /** The stage's latest report, or null before the first one (or without a stage). */
  readonly metrics: StageMetrics | null;
  /** Stage reports, ~20 per second. Returns the unsubscribe function. */
  onMetrics(listener: (metrics: StageMetrics) => void): () => void;
  /** Plays the processed signal on this computer's output, for checking by ear (headphones!). */
  setMonitor(on: boolean): void;
  readonly monitoring: boolean;
  /** Resumes the AudioContext after a user gesture if the browser held it suspended. */
  resume(): Promise<void>;
  readonly suspended: boolean;
  close(): void;
}

export interface AudioInput {
  deviceId: string;
  label: string;
}

export async function listAudioInputs(): Promise<AudioInput[]> {
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices
    .filter((d) => d.kind === 'audioinput')
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Microphone ${i + 1}` }));
}

function capture(deviceId: string | null, echoCancellation: boolean): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({
    audio: {
      ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
      // The stage owns noise suppression and level: the browser's own would run twice and pump the noise floor.
      noiseSuppression: false,
      autoGainControl: false,
      echoCancellation,
      channelCount: 1,
      sampleRate: SAMPLE_RATE,
    },
  });
}

/** The low-CPU model's wasm, fetched from our own assets once per page and only when someone picks that model. */
let lowCpuWasm: Promise<ArrayBuffer> | null = null;
function fetchLowCpuWasm(): Promise<ArrayBuffer> {
  lowCpuWasm ??= fetch(lowCpuWasmUrl).then((r) => {
    if (!r.ok) throw new Error(`HTTP ${r.status} for ${lowCpuWasmUrl}`);
    return r.arrayBuffer();
  });
  lowCpuWasm.catch(() => (lowCpuWasm = null));
  return lowCpuWasm;
}

async function createStage(ctx: AudioContext, quantumSize: number, settings: ProcessingSettings): Promise<AudioWorkletNode> {
  await ctx.audioWorklet.addModule(stageUrl);
  return new AudioWorkletNode(ctx, STAGE_PROCESSOR_NAME, {
    numberOfInputs: 1,
    numberOfOutputs: 1,
    outputChannelCount: [1],
    // RNNoise is mono: a stereo device is down-mixed before the stage, not processed left-only.
    channelCount: 1,
    channelCountMode: 'explicit',
    channelInterpretation: 'speakers',
    processorOptions: { settings: toSuppressorPatch(settings), quantumSize } satisfies StageOptions,
  });
}

/** Resolves with the stage's first report, or null if none comes in time (a suspended context still reports). */
function firstReport(stage: AudioWorkletNode): Promise<FromStage | null> {
  return new Promise((resolve) => {
    const done = (value: FromStage | null) => {
      clearTimeout(timer);
      stage.port.removeEventListener('message', onMessage);
      resolve(value);
    };
    const onMessage = (e: MessageEvent<FromStage>) => done(e.data);
    const timer = setTimeout(() => done(null), STAGE_READY_TIMEOUT_MS);
    stage.port.addEventListener('message', onMessage);
    stage.port.start();
  });
}

export async function openMicrophone(deviceId: string | null, initial: ProcessingSettings = DEFAULT_PROCESSING): Promise<MicrophonePipeline> {
  let processing = initial;
  let stream = await capture(deviceId, processing.echoCancellation);
  const input = stream.getAudioTracks()[0];
  if (!input) throw new Error('the microphone gave no audio track');
  // Re-opens must reach the same physical device even when it was opened as "default".
  const openedId = input.getSettings().deviceId ?? deviceId ?? '';
  const { ctx, quantumSize } = createContext();
  let source = ctx.createMediaStreamSource(stream);
  const inputBus = ctx.createGain();
  const outputBus = ctx.createGain();
  const destination = ctx.createMediaStreamDestination();
  destination.channelCount = 1;
  const before = ctx.createAnalyser();
  const after = ctx.createAnalyser();
  before.fftSize = after.fftSize = 1024;
  source.connect(inputBus);
  inputBus.connect(before);
  outputBus.connect(destination);
  outputBus.connect(after);

  let loadError: string | null = null;
  let stage: AudioWorkletNode | null = null;
  let metrics: StageMetrics | null = null;
  let modelError: string | null = null;
  const listeners = new Set<(m: StageMetrics) => void>();
  try {
    stage = await createStage(ctx, quantumSize, processing);
    inputBus.connect(stage);
    stage.connect(outputBus);
  } catch (error) {
    loadError = `The audio stage could not load (${(error as Error).message}).`;
    inputBus.connect(outputBus);
  }

  const onStageMessage = (data: FromStage) => {
    if (data.type === 'lowCpuFailed') {
      modelError = `The low-CPU model could not load: ${data.error}`;
      return;
    }
    // A model error the stage itself hit wins; otherwise show ours (e.g. the low-CPU wasm did not arrive).
    metrics = data.metrics.error || !modelError ? data.metrics : { ...data.metrics, error: modelError };
    for (const l of listeners) l(metrics);
  };
  if (stage) {
    const first = await firstReport(stage);
    if (first) onStageMessage(first);
    stage.port.onmessage = (e: MessageEvent<FromStage>) => onStageMessage(e.data);
  }
  const post = (message: ToStage) => stage?.port.postMessage(message);
  // Without a user gesture this may stay suspended; the studio resumes it on the first click.
  void ctx.resume().catch(() => {});

  const requestLowCpu = () => {
    if (!stage || metrics?.lowCpuReady) return;
    fetchLowCpuWasm().then(
      (bytes) => post({ type: 'lowCpuWasm', bytes }),
      (error: unknown) => (modelError = `The low-CPU model could not load: ${(error as Error).message}`),
    );
  };
  if (processing.model === 'lowCpu' && processing.noiseSuppression) requestLowCpu();

  /** Swaps the capture stream under the same graph; the last request wins if several overlap. */
  let reopening: Promise<void> = Promise.resolve();
  let closed = false;
  const reopen = async () => {
    const next = await capture(openedId || null, processing.echoCancellation);
    if (closed) {
      for (const t of next.getTracks()) t.stop();
      return;
    }
    const nextSource = ctx.createMediaStreamSource(next);
    // Connect the new source before dropping the old one: a moment of both beats a moment of nothing.
    nextSource.connect(inputBus);
    source.disconnect();
    for (const t of stream.getTracks()) t.stop();
    source = nextSource;
    stream = next;
  };

  let monitoring = false;
  const buffer = new Float32Array(before.fftSize);
  const output = destination.stream.getAudioTracks()[0]!;
  return {
    track: output,
    deviceId: openedId,
    deviceLabel: input.label,
    get stageError() {
      const error = loadError ?? metrics?.stageError ?? null;
      return error && `${error} Your microphone is sent unprocessed.`;
    },
    level() {
      after.getFloatTimeDomainData(buffer);
      return blockLevels(buffer);
    },
    inputLevel() {
      before.getFloatTimeDomainData(buffer);
      return blockLevels(buffer);
    },
    get processing() {
      return processing;
    },
    setProcessing(settings) {
      const echoChanged = settings.echoCancellation !== processing.echoCancellation;
      processing = settings;
      post({ type: 'settings', settings: toSuppressorPatch(settings) });
      if (settings.model === 'lowCpu' && settings.noiseSuppression) requestLowCpu();
      if (echoChanged) reopening = reopening.then(reopen, reopen);
      return reopening;
    },
    get metrics() {
      return metrics;
    },
    onMetrics(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    setMonitor(on) {
      if (on === monitoring || closed) return;
      monitoring = on;
      if (on) {
        outputBus.connect(ctx.destination);
        void ctx.resume().catch(() => {});
      } else {
        outputBus.disconnect(ctx.destination);
      }
    },
    get monitoring() {
      return monitoring;
    },
    resume: () => ctx.resume(),
    get suspended() {
      return ctx.state === 'suspended';
    },
    close() {
      if (closed) return;
      closed = true;
      listeners.clear();
      if (stage) {
        post({ type: 'dispose' });
        stage.port.onmessage = null;
        stage.disconnect();
      }
      source.disconnect();
      inputBus.disconnect();
      outputBus.disconnect();
      for (const t of stream.getTracks()) t.stop();
      output.stop();
      void ctx.close();
    },
  };
}
