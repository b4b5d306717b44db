// The AudioWorklet shell of the publish stage. For now a pass-through (noise suppression arrives as its own stage);
// it already runs in the real publish path at 48 kHz, so adding RNNoise changes only what happens inside process().
// Thin by design: DSP that deserves tests lives in pure modules beside this file.

// AudioWorkletGlobalScope globals; declared here because the DOM lib does not describe the worklet scope.
declare const registerProcessor: (name: string, ctor: new () => unknown) => void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}

class PodiumStageProcessor extends AudioWorkletProcessor {
  process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
    const input = inputs[0];
    const output = outputs[0];
    if (!output) return true;
    for (let ch = 0; ch < output.length; ch++) {
      const out = output[ch]!;
      const src = input?.[ch] ?? input?.[0];
      if (src) out.set(src);
      else out.fill(0);
    }
    return true;
  }
}

registerProcessor('podium-stage', PodiumStageProcessor);
