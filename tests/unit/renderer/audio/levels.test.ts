// Meter math: dBFS conversion, block RMS/peak of known signals, and the meter bar's 0..1 mapping.
import { describe, expect, it } from 'vitest';
import { blockLevels, meterFraction, SILENCE_DB, toDb } from '../../../../renderer/audio/levels';

function sine(amplitude: number, frequency = 1000, sampleRate = 48_000, length = 4800): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
  return out;
}

describe('toDb', () => {
  it('maps full scale to 0 dB and halving to about -6.02 dB', () => {
    expect(toDb(1)).toBe(0);
    expect(toDb(0.5)).toBeCloseTo(-6.0206, 4);
    expect(toDb(0.1)).toBeCloseTo(-20, 10);
  });

  it('floors silence, negatives, NaN and tiny values at SILENCE_DB', () => {
    expect(SILENCE_DB).toBe(-100);
    for (const v of [0, -0.5, Number.NaN, 1e-9, 1e-300]) expect(toDb(v)).toBe(SILENCE_DB);
  });

  it('does not floor values just above the floor', () => {
    expect(toDb(1e-4)).toBeCloseTo(-80, 10);
  });

  it('reports clipping above full scale as positive dB', () => {
    expect(toDb(2)).toBeCloseTo(6.0206, 4);
  });
});

describe('blockLevels', () => {
  it('measures a full-scale sine: RMS ≈ -3.01 dBFS, peak 0 dBFS', () => {
    const { rmsDb, peakDb } = blockLevels(sine(1));
    expect(rmsDb).toBeCloseTo(-3.0103, 3);
    expect(peakDb).toBeCloseTo(0, 5);
  });

  it('tracks amplitude: a sine at half scale is 6 dB lower on both', () => {
    const { rmsDb, peakDb } = blockLevels(sine(0.5));
    expect(rmsDb).toBeCloseTo(-9.0309, 3);
    expect(peakDb).toBeCloseTo(-6.0206, 3);
  });

  it('measures a full-scale square wave at 0 dBFS RMS and peak', () => {
    const square = Float32Array.from({ length: 480 }, (_, i) => (i % 2 ? -1 : 1));
    expect(blockLevels(square)).toEqual({ rmsDb: 0, peakDb: 0 });
  });

  it('counts negative excursions in the peak', () => {
    const samples = new Float32Array(100);
    samples[50] = -0.5;
    expect(blockLevels(samples).peakDb).toBeCloseTo(-6.0206, 3);
  });

  it('reports silence and an empty block as SILENCE_DB', () => {
    expect(blockLevels(new Float32Array(1024))).toEqual({ rmsDb: SILENCE_DB, peakDb: SILENCE_DB });
    expect(blockLevels(new Float32Array(0))).toEqual({ rmsDb: SILENCE_DB, peakDb: SILENCE_DB });
  });
});

describe('meterFraction', () => {
  it('maps the default -60..0 dB scale onto 0..1', () => {
    expect(meterFraction(-60)).toBe(0);
    expect(meterFraction(-30)).toBe(0.5);
    expect(meterFraction(0)).toBe(1);
  });

  it('clamps below the floor and above full scale', () => {
    expect(meterFraction(SILENCE_DB)).toBe(0);
    expect(meterFraction(-1000)).toBe(0);
    expect(meterFraction(6)).toBe(1);
    expect(meterFraction(Number.POSITIVE_INFINITY)).toBe(1);
  });

  it('honours a custom floor', () => {
    expect(meterFraction(-20, -40)).toBe(0.5);
    expect(meterFraction(-50, -40)).toBe(0);
  });

  it('puts a full-scale sine near the top of the bar', () => {
    expect(meterFraction(blockLevels(sine(1)).rmsDb)).toBeCloseTo(0.95, 2);
  });
});
