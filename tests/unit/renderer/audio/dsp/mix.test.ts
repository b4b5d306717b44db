// The output mixer: delay-compensated dry, bit-exact bypass and strength 0, coherent partial strength,
// click-free ramps for bypass and strength, and the voice-activity gate's hold, release and attack.
import { describe, expect, it } from 'vitest';
import { WetDryMixer } from '../../../../../renderer/audio/dsp/mix';
import { maxJump, sine, SR, whiteNoise } from './helpers';

const DELAY = 960;

/**
 * Frame-by-frame driver; `wetOf(aligned, frameIndex)` makes the wet frame from the input delayed by `delay`
 * (the mixer's dryDelay), i.e. the way a model's output arrives.
 */
function drive(
  mixer: WetDryMixer,
  delay: number,
  x: Float32Array,
  wetOf: ((aligned: Float32Array, frame: number) => Float32Array) | null,
  vadOf: (frame: number) => number = () => 1,
  control: (frame: number, m: WetDryMixer) => void = () => {},
): Float32Array {
  const out = new Float32Array(x.length);
  const aligned = new Float32Array(x.length);
  aligned.set(x.subarray(0, Math.max(0, x.length - delay)), delay);
  for (let f = 0; f * 480 < x.length; f++) {
    control(f, mixer);
    const s = f * 480;
    const wet = wetOf ? wetOf(aligned.subarray(s, s + 480), f) : null;
    mixer.process(x.subarray(s, s + 480), wet, vadOf(f), out.subarray(s, s + 480));
  }
  return out;
}

function bitsEqual(a: Float32Array, b: Float32Array): boolean {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return ua.length === ub.length && ua.every((v, i) => v === ub[i]);
}

function delayed(x: Float32Array, d: number): Float32Array {
  const y = new Float32Array(x.length);
  y.set(x.subarray(0, x.length - d), d);
  return y;
}

const garbage = (aligned: Float32Array, f: number): Float32Array => whiteNoise(aligned.length, -3, 1000 + f);

describe('WetDryMixer', () => {
  it('outputs the dry input delayed by exactly dryDelay, bit for bit, when bypassed', () => {
    const m = new WetDryMixer({ sampleRate: SR, dryDelay: DELAY });
    const x = whiteNoise(48_000, -6, 1);
    expect(bitsEqual(drive(m, DELAY, x, garbage), delayed(x, DELAY))).toBe(true);
  });

  it('is bit-exact delayed dry at strength 0 even though the wet signal is garbage', () => {
    const m = new WetDryMixer({ sampleRate: SR, dryDelay: DELAY });
    m.setEnabled(true);
    m.setStrength(0);
    m.reset();
    const x = whiteNoise(48_000, -6, 2);
    expect(bitsEqual(drive(m, DELAY, x, garbage), delayed(x, DELAY))).toBe(true);
  });

  it('is exactly the wet signal at strength 1', () => {
    const m = new WetDryMixer({ sampleRate: SR, dryDelay: DELAY });
    m.setEnabled(true);
    m.reset();
    const x = whiteNoise(9600, -6, 3);
    const wets: Float32Array[] = [];
    const out = drive(m, DELAY, x, (a, f) => {
      const w = garbage(a, f);
      wets.push(w);
      return w;
    });
    const expected = new Float32Array(x.length);
    wets.forEach((w, f) => expected.set(w, f * 480));
    expect(bitsEqual(out, expected)).toBe(true);
  });

  it('blends time-aligned signals coherently: an identical wet at strength 0.5 reproduces the delayed dry', () => {
    const m = new WetDryMixer({ sampleRate: SR, dryDelay: DELAY });
    m.setEnabled(true);
    m.setStrength(0.5);
    m.reset();
    const x = sine(48_000, 0.5, 3000); // high frequency: any misalignment would cancel or comb it
    const out = drive(m, DELAY, x, (a) => Float32Array.from(a));
    const ref = delayed(x, DELAY);
    let err = 0;
    for (let i = 0; i < x.length; i++) err = Math.max(err, Math.abs(out[i]! - ref[i]!));
    expect(err).toBeLessThan(1e-6);
  });

  it('ramps strength over 10 ms instead of stepping', () => {
    const m = new WetDryMixer({ sampleRate: SR, dryDelay: 0 });
    m.setEnabled(true);
    m.reset(); // strength 1, mix 1
    const x = new Float32Array(4800).fill(1); // dry = 1, wet = 0: output tracks 1 - strength
    const out = drive(m, 0, x, (a) => new Float32Array(a.length), undefined, (f, mm) => f === 3 && mm.setStrength(0));
    expect(out[1439]).toBe(0);
    expect(maxJump(out)).toBeLessThanOrEqual(1 / 480 + 1e-7);
    expect(out[1440 + 479]).toBeCloseTo(1, 6);
    expect(out[1440 + 239]).toBeCloseTo(0.5, 2);
  });

  it('crossfades bypass toggles over 10 ms: no click even when wet is the inverse of dry', () => {
    const x = sine(SR * 2, 0.5, 440);
    const natural = maxJump(x);
    const toggles = (f: number, mm: WetDryMixer): void => {
      if (f % 13 === 5) mm.setEnabled(f % 26 !== 5);
    };
    const m = new WetDryMixer({ sampleRate: SR, dryDelay: DELAY });
    const out = drive(m, DELAY, x, (a) => a.map((v) => -v), undefined, toggles);
    // Worst case: both sides move at the sine's slope and the fade itself adds 2·0.5/480 per sample.
    expect(maxJump(out, DELAY + 1)).toBeLessThan(natural + (2 * 0.5) / 480 + 1e-6);
    // The same toggles with a one-sample fade click loudly, so the bound above is meaningful.
    const hard = new WetDryMixer({ sampleRate: SR, dryDelay: DELAY, crossfadeMs: 0.02 });
    expect(maxJump(drive(hard, DELAY, x, (a) => a.map((v) => -v), undefined, toggles), DELAY + 1)).toBeGreaterThan(0.3);
  });

  describe('voice-activity gate', () => {
    // Frames 0–49 voiced, 50–149 unvoiced, 150–199 voiced again.
    const vad = (f: number): number => (f < 50 || f >= 150 ? 0.9 : 0.1);

    function gated(extra?: (f: number, m: WetDryMixer) => void): { out: Float32Array; gains: number[] } {
      const m = new WetDryMixer({ sampleRate: SR, dryDelay: 0, gateTiming: { attackMs: 5, holdMs: 200, releaseMs: 60, floorGain: 0 } });
      m.setEnabled(true);
      m.setGate(true, 0.5);
      m.reset();
      const gains: number[] = [];
      const x = new Float32Array(200 * 480).fill(0.5);
      const out = drive(m, 0, x, (a) => Float32Array.from(a), vad, (f, mm) => {
        extra?.(f, mm);
        gains.push(mm.gateGain);
      });
      return { out, gains };
    }

    it('holds open for the hold time, then releases smoothly to the floor', () => {
      const { out, gains } = gated();
      // Hold: 200 ms = 20 frames after the last voiced frame (49) the gate is still fully open.
      expect(gains[69]).toBe(1);
      expect(out[69 * 480 + 479]).toBe(0.5);
      // Then it falls monotonically and reaches the floor well before speech returns.
      let monotone = true;
      for (let i = 70 * 480 + 1; i < 150 * 480; i++) if (out[i]! > out[i - 1]!) monotone = false;
      expect(monotone).toBe(true);
      expect(out[75 * 480]).toBeGreaterThan(0.05); // a fade, not a cut
      expect(out[149 * 480]).toBe(0);
    });

    it('opens within ~25 ms when voice returns, and never steps by more than the attack coefficient', () => {
      const { out } = gated();
      expect(out[150 * 480 + 1200]).toBeGreaterThan(0.495);
      const attackCoef = 1 - Math.exp(-1000 / (5 * SR));
      expect(maxJump(out)).toBeLessThanOrEqual(0.5 * attackCoef + 1e-7);
    });

    it('re-opens smoothly when the gate is switched off while closed', () => {
      const { out } = gated((f, mm) => f === 120 && mm.setGate(false, 0.5));
      expect(out[119 * 480]).toBeLessThan(1e-3);
      expect(out[130 * 480]).toBe(0.5);
      expect(maxJump(out)).toBeLessThan(0.01);
    });

    it('stays open without a VAD (NaN) rather than muting', () => {
      const m = new WetDryMixer({ sampleRate: SR, dryDelay: 0 });
      m.setEnabled(true);
      m.setGate(true, 0.5);
      m.reset();
      const out = drive(m, 0, new Float32Array(48_000).fill(0.25), (a) => Float32Array.from(a), () => Number.NaN);
      expect(Math.min(...out)).toBe(0.25);
    });
  });
});
