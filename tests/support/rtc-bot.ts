// Node clients of a real livekit-server made with @livekit/rtc-node: a "microphone" that plays a tone in real
// time, and a listener that waits for that tone to arrive decoded. Callers must `dispose()` at the end.
import { AudioFrame, AudioSource, AudioStream, LocalAudioTrack, TrackPublishOptions, TrackSource, type RemoteTrack } from '@livekit/rtc-node';

export const SAMPLE_RATE = 48_000;
const FRAME_SAMPLES = SAMPLE_RATE / 100; // 10 ms frames, what WebRTC's audio pipeline consumes

export function timeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function sineFrame(index: number): AudioFrame {
  const data = new Int16Array(FRAME_SAMPLES);
  for (let i = 0; i < FRAME_SAMPLES; i++) {
    data[i] = Math.round(16_000 * Math.sin((2 * Math.PI * 440 * (index * FRAME_SAMPLES + i)) / SAMPLE_RATE));
  }
  return new AudioFrame(data, SAMPLE_RATE, 1, FRAME_SAMPLES);
}

/** Feeds a 440 Hz tone in real time until stopped, the way a microphone would. */
export function pumpSine(source: AudioSource): () => Promise<void> {
  let running = true;
  const done = (async () => {
    for (let i = 0; running; i++) await source.captureFrame(sineFrame(i));
  })();
  return async () => {
    running = false;
    await done;
  };
}

export function microphone(): { source: AudioSource; track: LocalAudioTrack; options: TrackPublishOptions } {
  const source = new AudioSource(SAMPLE_RATE, 1);
  const track = LocalAudioTrack.createAudioTrack('mic', source);
  return { source, track, options: new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }) };
}

/** Resolves with the peak sample once a decoded frame of `track` carries the tone (peak above 4000). */
export async function hearTone(track: RemoteTrack, ms = 10_000): Promise<number> {
  const reader = new AudioStream(track, SAMPLE_RATE, 1).getReader();
  try {
    return await timeout(
      (async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) throw new Error('audio stream ended before any tone arrived');
          const max = value.data.reduce((m, s) => Math.max(m, Math.abs(s)), 0);
          if (max > 4_000) return max;
        }
      })(),
      ms,
      'the tone arrives',
    );
  } finally {
    await reader.cancel().catch(() => {});
  }
}
