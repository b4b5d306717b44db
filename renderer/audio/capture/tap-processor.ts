// The AudioWorklet shell of a capture tap: copies what it hears (mono; the node downmixes) into ~100 ms chunks
// stamped with their position on the context's clock, and posts them to the page, transferring the buffer. It
// passes nothing on and changes nothing: the recording never alters what anyone hears.
import { Chunker } from './chunker';

declare const registerProcessor: (name: string, ctor: new (options?: AudioWorkletNodeOptions) => unknown) => void;
declare const currentFrame: number;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}

export const TAP_PROCESSOR_NAME = 'podium-capture-tap';

class CaptureTapProcessor extends AudioWorkletProcessor {
  private stopped = false;
  /** Set by 'stop': the first frame not to record. Every tap of a recording is told the same one, so tracks end together. */
  private stopAt = Infinity;
  private readonly chunker = new Chunker((chunk) => this.port.postMessage(chunk, [chunk.samples.buffer]));

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent<{ type: 'stop'; atFrame?: number }>) => {
      if (event.data?.type === 'stop') this.stopAt = Math.min(this.stopAt, event.data.atFrame ?? currentFrame);
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (this.stopped) return false;
    const channel = inputs[0]?.[0];
    // No input connected (yet, or any more): nothing to record in this quantum.
    if (channel && currentFrame < this.stopAt) {
      this.chunker.push(this.stopAt - currentFrame < channel.length ? channel.subarray(0, this.stopAt - currentFrame) : channel, currentFrame);
    }
    if (currentFrame + (channel?.length ?? 128) >= this.stopAt) {
      // Everything up to the stop frame is out; then say so, so the page knows the track is complete.
      this.chunker.flush();
      this.port.postMessage({ final: true });
      this.stopped = true;
      return false;
    }
    return true;
  }
}

registerProcessor(TAP_PROCESSOR_NAME, CaptureTapProcessor);
