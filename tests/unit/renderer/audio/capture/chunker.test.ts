// The capture taps' framing: render quanta in, ~100 ms chunks out, each stamped with where its first sample sits on
// the context's clock — the positions the recorder uses to keep every track aligned.
import { describe, expect, it } from 'vitest';
import { CHUNK_SAMPLES, Chunker, peakDb, rebase, type Chunk } from '../../../../../renderer/audio/capture/chunker';

function collect(size = CHUNK_SAMPLES): { chunker: Chunker; chunks: Chunk[] } {
  const chunks: Chunk[] = [];
  return { chunker: new Chunker((c) => chunks.push(c), size), chunks };
}

describe('capture chunker', () => {
  it('turns 128-sample quanta into 4800-sample chunks with exact start frames and no sample lost', () => {
    const { chunker, chunks } = collect();
    const total = 128 * 200;
    const signal = Float32Array.from({ length: total }, (_, i) => i);
    for (let q = 0; q < 200; q++) chunker.push(signal.subarray(q * 128, (q + 1) * 128), 1_000 + q * 128);
    chunker.flush();
    expect(chunks.map((c) => c.startFrame)).toEqual([1000, 5800, 10600, 15400, 20200, 25000]);
    expect(chunks.slice(0, -1).every((c) => c.samples.length === CHUNK_SAMPLES)).toBe(true);
    const joined = chunks.flatMap((c) => [...c.samples]);
    expect(joined).toEqual([...signal]);
  });

  it('starts a new chunk at a clock jump instead of shifting later samples', () => {
    const { chunker, chunks } = collect(1000);
    chunker.push(new Float32Array(480).fill(1), 0);
    chunker.push(new Float32Array(480).fill(2), 48_000);
    chunker.flush();
    expect(chunks.map((c) => [c.startFrame, c.samples.length])).toEqual([
      [0, 480],
      [48_000, 480],
    ]);
  });

  it('hands out a fresh array for every chunk (they are transferred away)', () => {
    const { chunker, chunks } = collect(256);
    for (let q = 0; q < 4; q++) chunker.push(new Float32Array(128).fill(q), q * 128);
    expect(chunks).toHaveLength(2);
    expect(chunks[0]!.samples).not.toBe(chunks[1]!.samples);
    expect(chunks[0]!.samples[0]).toBe(0);
    expect(chunks[1]!.samples[0]).toBe(2);
  });

  it('rebases chunks on the recording origin and cuts what came before it', () => {
    const chunk: Chunk = { startFrame: 1000, samples: Float32Array.from({ length: 100 }, (_, i) => i) };
    expect(rebase(chunk, 2000)).toBeNull();
    const cut = rebase(chunk, 1040)!;
    expect(cut.startFrame).toBe(0);
    expect(cut.samples[0]).toBe(40);
    expect(cut.samples.length).toBe(60);
    expect(rebase(chunk, 500)!.startFrame).toBe(500);
  });

  it('measures peaks in dBFS', () => {
    expect(peakDb(new Float32Array([0, 0.5, -1]))).toBeCloseTo(0, 6);
    expect(peakDb(new Float32Array([0.1]))).toBeCloseTo(-20, 6);
    expect(peakDb(new Float32Array(4))).toBe(-Infinity);
  });
});
