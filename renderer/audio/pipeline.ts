// The host's microphone path: getUserMedia (browser processing off) → AudioContext at 48 kHz → the Podium stage
// (an AudioWorklet) → a MediaStream track that the SFU adapter publishes. A meter taps the stage's output.
// If the worklet cannot load, audio bypasses it — the host is told, but never goes silent.
import stageUrl from './worklet/stage-processor.ts?worker&url';
import { blockLevels } from './levels';

export const SAMPLE_RATE = 48_000;

export interface MicrophonePipeline {
  /** The processed track to publish. */
  track: MediaStreamTrack;
  deviceId: string;
  deviceLabel: string;
  /** Null when the stage is running; a message when audio bypasses it. */
  stageError: string | null;
  /** Current output level in dBFS (RMS and peak over the last ~21 ms). */
  level(): { rmsDb: number; peakDb: number };
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

export async function openMicrophone(deviceId: string | null): Promise<MicrophonePipeline> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: {
      ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
      // The stage owns processing; the browser's own would run twice and pump the noise floor.
      noiseSuppression: false,
      autoGainControl: false,
      echoCancellation: false,
      channelCount: 1,
      sampleRate: SAMPLE_RATE,
    },
  });
  const input = stream.getAudioTracks()[0];
  if (!input) throw new Error('the microphone gave no audio track');
  const ctx = new AudioContext({ sampleRate: SAMPLE_RATE, latencyHint: 'interactive' });
  const source = ctx.createMediaStreamSource(stream);
  const destination = ctx.createMediaStreamDestination();
  destination.channelCount = 1;
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 1024;
  let stageError: string | null = null;
  let stage: AudioWorkletNode | null = null;
  try {
    await ctx.audioWorklet.addModule(stageUrl);
    stage = new AudioWorkletNode(ctx, 'podium-stage', {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      outputChannelCount: [1],
    });
    source.connect(stage);
    stage.connect(destination);
    stage.connect(analyser);
  } catch (error) {
    stageError = `The audio stage could not load, so your microphone is sent unprocessed (${(error as Error).message}).`;
    source.connect(destination);
    source.connect(analyser);
  }
  void ctx.resume().catch(() => {});
  const buffer = new Float32Array(analyser.fftSize);
  const settings = input.getSettings();
  const output = destination.stream.getAudioTracks()[0]!;
  return {
    track: output,
    deviceId: settings.deviceId ?? deviceId ?? '',
    deviceLabel: input.label,
    stageError,
    level() {
      analyser.getFloatTimeDomainData(buffer);
      return blockLevels(buffer);
    },
    resume: () => ctx.resume(),
    get suspended() {
      return ctx.state === 'suspended';
    },
    close() {
      stage?.disconnect();
      source.disconnect();
      for (const t of stream.getTracks()) t.stop();
      output.stop();
      void ctx.close();
    },
  };
}
