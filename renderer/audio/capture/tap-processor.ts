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
  private readonly chunker = new Chunker((chunk) => this.port.postMessage(chunk, [chunk.samples.buffer]));

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent<{ type: 'stop' }>) => {
      if (event.data?.type === 'stop') {
        this.chunker.flush();
        this.stopped = true;
      }
    };
  }

  process(inputs: Float32Array[][]): boolean {
    if (this.stopped) return false;
    const channel = inputs[0]?.[0];
    // No input connected (yet, or any more): nothing to record in this quantum.
    if (channel) this.chunker.push(channel, currentFrame);
    return true;
  }
}

registerProcessor(TAP_PROCESSOR_NAME, CaptureTapProcessor);
