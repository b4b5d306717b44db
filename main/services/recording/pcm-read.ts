// Reads a 24-bit PCM WAV back as float samples, a chunk at a time: a 10-hour track is never in memory at once.
import fs from 'node:fs';
import { PodiumError } from '../../../common/result';

export interface PcmLayout {
  channels: number;
  bitsPerSample: number;
  dataOffset: number;
  dataBytes: number;
}

/** Calls `onChunk` with consecutive mono float chunks (the first channel when there are more). */
export function forEachPcmChunk(file: string, layout: PcmLayout, onChunk: (samples: Float32Array) => void, chunkFrames = 48_000): void {
  if (layout.bitsPerSample !== 24) throw new PodiumError('bad_request', `Only 24-bit WAV is read here; this file is ${layout.bitsPerSample}-bit.`);
  const stride = 3 * layout.channels;
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(chunkFrames * stride);
    let position = layout.dataOffset;
    let left = layout.dataBytes - (layout.dataBytes % stride);
    while (left > 0) {
      const want = Math.min(buffer.length, left);
      const got = fs.readSync(fd, buffer, 0, want, position);
      if (got <= 0) break;
      const frames = Math.floor(got / stride);
      const out = new Float32Array(frames);
      for (let i = 0; i < frames; i++) out[i] = buffer.readIntLE(i * stride, 3) / 8388608;
      onChunk(out);
      position += frames * stride;
      left -= frames * stride;
    }
  } finally {
    fs.closeSync(fd);
  }
}
