// Evidence clips' pure parts: the rolling buffer keeps exactly the newest 30 s at 16 kHz (a 48 kHz tone stays the
// same tone), the WAV is one a player reads, the waveform's bars follow the sound, and the parts rebuild the clip.
import { describe, expect, it } from 'vitest';
import { EVIDENCE_PART_BYTES, EvidenceRing, encodeWav, splitParts, waveformPeaks } from '../../../common/evidence';

const tone = (seconds: number, hz: number, amplitude = 0.5, rate = 48_000) => Float32Array.from({ length: Math.round(seconds * rate) }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate));

describe('EvidenceRing', () => {
  it('holds what it was given, then only the newest 30 s, in order', () => {
    const ring = new EvidenceRing(30);
    expect(ring.seconds()).toBe(0);
    expect(ring.snapshot()).toHaveLength(0);
    // 10 s of a ramp-like marker: each 100 ms chunk at a level of its own, so order is checkable.
    for (let c = 0; c < 400; c++) ring.push(new Float32Array(4800).fill(((c % 100) - 50) / 100));
    expect(ring.seconds()).toBe(30);
    const held = ring.snapshot();
    expect(held).toHaveLength(30 * 16_000);
    // The first 100 ms held is chunk 100 (level (0-50)/100 = -0.5), the last is chunk 399 (level 0.49).
    expect(held[0]).toBe(Math.round(-0.5 * 32767));
    expect(held.at(-1)).toBe(Math.round(0.49 * 32767));
  });

  it('turns 48 kHz into 16 kHz without changing what is heard: a 440 Hz tone stays 440 Hz', () => {
    const ring = new EvidenceRing(30);
    const input = tone(2, 440);
    // Odd chunk sizes: leftovers carry into the next push.
    for (let at = 0; at < input.length; at += 1001) ring.push(input.subarray(at, Math.min(input.length, at + 1001)));
    const out = ring.snapshot();
    expect(out).toHaveLength(32_000);
    let crossings = 0;
    for (let i = 1; i < out.length; i++) if (out[i - 1]! < 0 && out[i]! >= 0) crossings++;
    expect(crossings).toBeGreaterThanOrEqual(878);
    expect(crossings).toBeLessThanOrEqual(881);
    const peak = Math.max(...Array.from(out, Math.abs)) / 32767;
    expect(peak).toBeGreaterThan(0.49);
    expect(peak).toBeLessThan(0.51);
  });
});

describe('encodeWav and waveformPeaks', () => {
  it('writes a 16 kHz mono 16-bit WAV whose data are the samples', () => {
    const samples = Int16Array.from([0, 1000, -1000, 32767, -32768]);
    const wav = encodeWav(samples);
    const view = new DataView(wav.buffer);
    expect(String.fromCharCode(...wav.subarray(0, 4))).toBe('RIFF');
    expect(String.fromCharCode(...wav.subarray(8, 16))).toBe('WAVEfmt ');
    expect(view.getUint32(24, true)).toBe(16_000);
    expect(view.getUint16(22, true)).toBe(1);
    expect(view.getUint16(34, true)).toBe(16);
    expect(view.getUint32(40, true)).toBe(10);
    expect(Array.from({ length: 5 }, (_, i) => view.getInt16(44 + i * 2, true))).toEqual([0, 1000, -1000, 32767, -32768]);
  });

  it('draws quiet as low bars and loud as high ones', () => {
    const samples = new Int16Array(16_000);
    samples.fill(16384, 8000);
    const peaks = waveformPeaks(samples, 10);
    expect(peaks).toEqual([0, 0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(waveformPeaks(new Int16Array(0))).toEqual([]);
  });

  it('splits a clip into parts that rebuild it', () => {
    const bytes = Uint8Array.from({ length: EVIDENCE_PART_BYTES * 2 + 10 }, (_, i) => i % 251);
    const parts = splitParts(bytes);
    expect(parts.map((p) => p.length)).toEqual([EVIDENCE_PART_BYTES, EVIDENCE_PART_BYTES, 10]);
    expect(Uint8Array.from(parts.flatMap((p) => Array.from(p)))).toEqual(bytes);
    expect(splitParts(new Uint8Array(0))).toHaveLength(1);
  });
});
