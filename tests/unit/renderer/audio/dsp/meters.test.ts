// Meter math of the stage: frame RMS in dBFS and the sliding low-percentile noise-floor estimate.
import { describe, expect, it } from 'vitest';
import { frameRmsDb, NoiseFloorTracker } from '../../../../../renderer/audio/dsp/meters';
import { sine } from './helpers';

describe('frameRmsDb', () => {
  it('measures a full-scale sine at -3.01 dBFS and silence at the -100 dB floor', () => {
    expect(frameRmsDb(sine(480, 1, 1000))).toBeCloseTo(-3.0103, 3);
    expect(frameRmsDb(sine(480, 0.1, 1000))).toBeCloseTo(-23.0103, 3);
    expect(frameRmsDb(new Float32Array(480))).toBe(-100);
  });
});

describe('NoiseFloorTracker', () => {
  it('reports -100 before any frame', () => {
    expect(new NoiseFloorTracker().floorDb).toBe(-100);
  });

  it('returns the requested low percentile, not the minimum or the mean', () => {
    const t = new NoiseFloorTracker({ windowFrames: 100, percentile: 0.1 });
    for (let i = 0; i < 85; i++) t.add(-30);
    for (let i = 0; i < 10; i++) t.add(-62);
    for (let i = 0; i < 5; i++) t.add(-90); // dropouts below the floor must not drag it down
    expect(t.frames).toBe(100);
    expect(t.floorDb).toBe(-62);
  });

  it('forgets frames that left the window', () => {
    const t = new NoiseFloorTracker({ windowFrames: 50, percentile: 0.1 });
    for (let i = 0; i < 50; i++) t.add(-70);
    expect(t.floorDb).toBe(-70);
    for (let i = 0; i < 50; i++) t.add(-40.2);
    expect(t.floorDb).toBe(-40);
    expect(t.frames).toBe(50);
  });

  it('clamps out-of-range and NaN levels into the histogram', () => {
    const t = new NoiseFloorTracker({ windowFrames: 4, percentile: 0 });
    t.add(Number.NaN);
    expect(t.floorDb).toBe(-100);
    t.reset();
    t.add(40);
    expect(t.floorDb).toBe(12);
  });
});
