// The capture module: taps each participant's audio as it plays in the studio, plus the mix of all of them, on one
// AudioContext of its own, so every tap shares one sample clock whatever happens to the microphone pipeline (a new
// device opens a new pipeline and context; the recording's clock carries on). The recorder reads it today; the
// report queue's evidence clips will read the same taps.
import tapUrl from './tap-processor.ts?worker&url';
import { type Chunk } from './chunker';

export const CAPTURE_RATE = 48_000;
const TAP_PROCESSOR_NAME = 'podium-capture-tap';
export const MIX_KEY = '\u0000mix';

export interface AudioCapture {
  readonly context: AudioContext;
  /** The context's current frame: where a marker or a stage change happens on the capture clock. */
  currentFrame(): number;
  /** Starts (or swaps) the tap called `key` on a track; the mix hears it too. */
  tapTrack(key: string, track: MediaStreamTrack): void;
  untap(key: string): void;
  keys(): string[];
  /**
   * Ends every tap at the same frame (a little ahead, so every tap is still running when told) and resolves once each
   * has delivered its last chunk, or after `timeoutMs`; then closes the context. Tracks and the mix end together.
   */
  close(timeoutMs?: number): Promise<void>;
}

export async function createCapture(onChunk: (key: string, chunk: Chunk) => void): Promise<AudioCapture> {
  const context = new AudioContext({ sampleRate: CAPTURE_RATE, latencyHint: 'playback' });
  await context.audioWorklet.addModule(tapUrl);
  // Taps feed a silent sink so the graph pulls them; nothing reaches the speakers.
  const sink = context.createGain();
  sink.gain.value = 0;
  sink.connect(context.destination);
  const mixBus = context.createGain();

  /** Resolvers waiting for a tap's last chunk. */
  const finals = new Map<AudioWorkletNode, () => void>();
  const tapNode = (key: string): AudioWorkletNode => {
    const node = new AudioWorkletNode(context, TAP_PROCESSOR_NAME, {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      channelCount: 1,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
    });
    node.port.onmessage = (event: MessageEvent<Chunk | { final: true }>) => {
      if ('final' in event.data) finals.get(node)?.();
      else onChunk(key, event.data);
    };
    node.connect(sink);
    return node;
  };
  const mixTap = tapNode(MIX_KEY);
  mixBus.connect(mixTap);

  const taps = new Map<string, { track: MediaStreamTrack; source: MediaStreamAudioSourceNode; node: AudioWorkletNode }>();
  const untap = (key: string) => {
    const tap = taps.get(key);
    if (!tap) return;
    taps.delete(key);
    tap.source.disconnect();
    // The node stays pulled until it has sent what it holds; then it leaves the graph.
    new Promise<void>((resolve) => {
      finals.set(tap.node, resolve);
      setTimeout(resolve, 2000);
    }).then(() => tap.node.disconnect(), () => {});
    tap.node.port.postMessage({ type: 'stop' });
  };
  if (context.state === 'suspended') await context.resume().catch(() => {});

  return {
    context,
    currentFrame: () => Math.round(context.currentTime * CAPTURE_RATE),
    tapTrack(key, track) {
      if (taps.get(key)?.track === track) return;
      untap(key);
      const source = context.createMediaStreamSource(new MediaStream([track]));
      const node = tapNode(key);
      source.connect(node);
      source.connect(mixBus);
      taps.set(key, { track, source, node });
    },
    untap,
    keys: () => [...taps.keys()],
    async close(timeoutMs = 2000) {
      const nodes = [...[...taps.values()].map((t) => t.node), mixTap];
      const done = nodes.map((node) => new Promise<void>((resolve) => finals.set(node, resolve)));
      // 50 ms ahead: every tap gets the message before its clock reaches the frame, so all stop at the same one.
      const atFrame = Math.round((context.currentTime + 0.05) * CAPTURE_RATE);
      for (const node of nodes) node.port.postMessage({ type: 'stop', atFrame });
      await Promise.race([Promise.all(done), new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
      for (const tap of taps.values()) tap.source.disconnect();
      taps.clear();
      await context.close();
    },
  };
}
