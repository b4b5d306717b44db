// Reads a recording's 24-bit mono PCM back as floats, a second at a time: a 10-hour track is never in memory at once.
// Used to measure a repaired track and to normalise a mix.
import fs from 'node:fs';
import path from 'node:path';
import { RECORDING_SAMPLE_RATE, type Loudness } from '../../../common/recording';
import { PodiumError } from '../../../common/result';
import { createLoudnessMeter } from './loudness';
import { readWavInfo, type WavInfo } from './wav';

const CHUNK_FRAMES = RECORDING_SAMPLE_RATE;
/** TrackFile writes round(x · (2^23 − 1)); reading back with the same scale makes a copy exact. */
export const PCM_SCALE = 8_388_607;

/** Calls `onChunk` with consecutive float chunks (scaled by `gain`); the array is reused between calls. */
export async function forEachPcmChunk(file: string, info: WavInfo, onChunk: (samples: Float32Array, frame: number) => void, gain = 1): Promise<void> {
  if (info.bitsPerSample !== 24 || info.channels !== 1) {
    throw new PodiumError('bad_request', `${path.basename(file)} is not a 24-bit mono recording track.`);
  }
  const handle = await fs.promises.open(file, 'r');
  try {
    const bytes = Buffer.alloc(CHUNK_FRAMES * 3);
    const samples = new Float32Array(CHUNK_FRAMES);
    const scale = gain / PCM_SCALE;
    for (let frame = 0; frame < info.frames; ) {
      const want = Math.min(CHUNK_FRAMES, info.frames - frame) * 3;
      let got = 0;
      while (got < want) {
        const { bytesRead } = await handle.read(bytes, got, want - got, info.dataOffset + frame * 3 + got);
        if (bytesRead <= 0) throw new PodiumError('bad_request', `${path.basename(file)} ends before the length its header gives.`);
        got += bytesRead;
      }
      const n = want / 3;
      for (let i = 0, o = 0; i < n; i++, o += 3) samples[i] = (((bytes[o]! | (bytes[o + 1]! << 8) | (bytes[o + 2]! << 16)) << 8) >> 8) * scale;
      onChunk(samples.subarray(0, n), frame);
      frame += n;
    }
  } finally {
    await handle.close();
  }
}

/** The loudness of a whole track file, read in chunks. */
export async function measureWavFile(file: string, progress: (frames: number) => void = () => {}, info: WavInfo = readWavInfo(file)): Promise<Loudness> {
  const meter = createLoudnessMeter(info.sampleRate);
  await forEachPcmChunk(file, info, (samples) => {
    meter.push(samples);
    progress(samples.length);
  });
  return meter.result();
}
