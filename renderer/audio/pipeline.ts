// The host's microphone path:
//
//   getUserMedia ─▶ inputBus ─┬─▶ Podium stage (AudioWorklet: RNNoise) ─▶ outputBus ─┬─▶ MediaStreamDestination (published)
//   (browser NS/AGC off)      └─▶ analyser "before"                                   ├─▶ analyser "after"
//                                                                                      └─▶ monitor <audio> (setSinkId), only while monitoring
//
// The buses exist so that re-opening the device swaps only the source: the published track, the stage and its model
// state stay as they are. That happens when echo cancellation changes (a capture setting, so a new getUserMedia) and
// when the studio moves to another microphone because one was unplugged or came back (renderer/audio/devices.ts).
// If the worklet cannot load, inputBus feeds outputBus directly — the host is told, but never goes silent.
//
// The monitor plays through an <audio> element with setSinkId (Chromium 49+), not AudioContext.setSinkId (110+):
// a context's output device is also the clock that renders the published track, so pointing it at headphones that
// are then unplugged could stall what listeners hear, and every change of it would glitch them. The element costs
// the monitor a few tens of milliseconds more; the published path never depends on an output device.
import { DEFAULT_PROCESSING, type ProcessingSettings } from '../../common/ipc';
import type { DeviceEntry } from './devices';
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
  /** The device open now (getSettings().deviceId: "default" when the system default was asked for). */
  readonly deviceId: string;
  readonly deviceLabel: string;
  /**
   * Moves to another microphone (null: the system default) under the same graph: listeners hear the swap and
   * nothing else. Rejects if it cannot open, leaving the current source as it was.
   */
  switchDevice(deviceId: string | null): Promise<void>;
  /** Called when the open device's track ends by itself (unplugged, or taken away by the system). */
  onSourceEnded(listener: () => void): () => void;
  /** Where the monitor plays: '' the system default output, a device id, or null for nowhere (paused). */
  setMonitorOutput(sinkId: string | null): Promise<void>;
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

/** The browser's audio devices, as renderer/audio/devices.ts reads them (labels stay empty until permission). */
export async function listAudioDevices(): Promise<{ inputs: DeviceEntry[]; outputs: DeviceEntry[] }> {
  const devices = await navigator.mediaDevices.enumerateDevices();
  const entry = (d: MediaDeviceInfo): DeviceEntry => ({ deviceId: d.deviceId, label: d.label, groupId: d.groupId });
  return {
    inputs: devices.filter((d) => d.kind === 'audioinput').map(entry),
    outputs: devices.filter((d) => d.kind === 'audiooutput').map(entry),
  };
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
  const first = stream.getAudioTracks()[0];
  if (!first) throw new Error('the microphone gave no audio track');
  let input: MediaStreamTrack = first;
  // Re-opens for echo cancellation reach the same device; "default" stays "default" (the system's choice).
  let openedId = input.getSettings().deviceId ?? deviceId ?? '';
  let openedLabel = input.label;
  const endedListeners = new Set<() => void>();
  const onEnded = () => {
    for (const l of endedListeners) l();
  };
  input.addEventListener('ended', onEnded);
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

  /** Swaps the capture stream under the same graph; requests run one after another, so the last one wins. */
  let reopening: Promise<void> = Promise.resolve();
  let closed = false;
  const reopen = async (target: string | null) => {
    const next = await capture(target, processing.echoCancellation);
    const nextInput = next.getAudioTracks()[0];
    if (closed || !nextInput) {
      for (const t of next.getTracks()) t.stop();
      if (!closed) throw new Error('the microphone gave no audio track');
      return;
    }
    const nextSource = ctx.createMediaStreamSource(next);
    // Connect the new source before dropping the old one: a moment of both beats a moment of nothing.
    nextSource.connect(inputBus);
    source.disconnect();
    input.removeEventListener('ended', onEnded);
    for (const t of stream.getTracks()) t.stop();
    source = nextSource;
    stream = next;
    input = nextInput;
    input.addEventListener('ended', onEnded);
    openedId = input.getSettings().deviceId ?? target ?? '';
    openedLabel = input.label;
    // The old track may have ended while the new one opened; the new one is what counts.
    if (input.readyState === 'ended') onEnded();
  };
  const queue = (target: () => string | null) => {
    const run = () => reopen(target());
    reopening = reopening.then(run, run);
    return reopening;
  };

  // The monitor: its own <audio> element, so its output device can be chosen without touching the context's.
  let monitorTap: MediaStreamAudioDestinationNode | null = null;
  let monitorEl: HTMLAudioElement | null = null;
  let monitorSink: string | null = '';
  const playMonitor = async () => {
    const sink = monitorSink;
    if (!monitoring || sink === null || closed) {
      monitorEl?.pause();
      if (monitorTap) outputBus.disconnect(monitorTap);
      monitorTap = null;
      return;
    }
    if (!monitorTap) {
      monitorTap = ctx.createMediaStreamDestination();
      monitorTap.channelCount = 1;
      outputBus.connect(monitorTap);
    }
    monitorEl ??= new Audio();
    if (monitorEl.srcObject !== monitorTap.stream) monitorEl.srcObject = monitorTap.stream;
    if (monitorEl.sinkId !== sink) await monitorEl.setSinkId(sink);
    await monitorEl.play();
  };
  // Monitor changes run in order too: a quick on-off-on must end on, on the last chosen device.
  let monitorChain: Promise<void> = Promise.resolve();
  const updateMonitor = () => {
    const run = () => playMonitor();
    monitorChain = monitorChain.then(run, run);
    return monitorChain;
  };

  let monitoring = false;
  const buffer = new Float32Array(before.fftSize);
  const output = destination.stream.getAudioTracks()[0]!;
  return {
    track: output,
    get deviceId() {
      return openedId;
    },
    get deviceLabel() {
      return openedLabel;
    },
    switchDevice: (next) => queue(() => next),
    onSourceEnded(listener) {
      endedListeners.add(listener);
      return () => endedListeners.delete(listener);
    },
    setMonitorOutput(sinkId) {
      monitorSink = sinkId;
      return updateMonitor();
    },
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
      return echoChanged ? queue(() => openedId || null) : reopening;
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
      if (on) void ctx.resume().catch(() => {});
      // A refused play() (no click yet) or a sink that vanished leaves the monitor silent, never the microphone.
      void updateMonitor().catch(() => {});
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
      endedListeners.clear();
      input.removeEventListener('ended', onEnded);
      if (monitorEl) {
        monitorEl.pause();
        monitorEl.srcObject = null;
      }
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
