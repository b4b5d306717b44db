// The loudness meter against the standards' own test signals (EBU Tech 3341 and 3342, made here rather than
// downloaded), against the BS.1770-4 filter table, and against an independent implementation (the ebur128 crate,
// as WebAssembly) on random speech-like signals; plus streaming, silence and speed.
import { describe, expect, it } from 'vitest';
import { createLoudnessMeter, measureSamples } from '../../../../main/services/recording/loudness';
import { loadLoudnessReference } from '../../../support/ebur128';
import { prng } from '../../../support/prng';

const RATE = 48_000;

const loadReference = loadLoudnessReference;

// ── Signals ─────────────────────────────────────────────────────────────────────────────────────────────────────
/** Peak amplitude of a sine at `dbfs` (EBU test signals give sine levels as peak dBFS). */
const amplitude = (dbfs: number) => 10 ** (dbfs / 20);

/**
 * Tech 3341/3342 signals are stereo with the same sine in both channels; BS.1770 sums the channels' energies, so
 * the stereo reading is the mono reading + 10·log10(2) = +3.01 dB. A mono sine √2 louder carries exactly the energy
 * of the stereo pair, so the mono meter must read what the standard expects of the stereo signal.
 */
const stereoEquivalent = (dbfs: number) => amplitude(dbfs) * Math.SQRT2;

interface Segment {
  seconds: number;
  amp: number;
  hz?: number;
  phase?: number;
}

function tone(segments: Segment[], rate = RATE, fadeMs = 0): Float32Array {
  const total = segments.reduce((n, s) => n + Math.round(s.seconds * rate), 0);
  const out = new Float32Array(total);
  let at = 0;
  for (const s of segments) {
    const n = Math.round(s.seconds * rate);
    const w = (2 * Math.PI * (s.hz ?? 1000)) / rate;
    for (let i = 0; i < n; i++) out[at + i] = s.amp * Math.sin(w * (at + i) + (s.phase ?? 0));
    at += n;
  }
  // A raised-cosine fade: a sine switched on abruptly has a step whose interpolation overshoots (Gibbs).
  const fade = Math.round((fadeMs / 1000) * rate);
  for (let i = 0; i < fade; i++) {
    const g = 0.5 - 0.5 * Math.cos((Math.PI * i) / fade);
    out[i]! *= g;
    out[total - 1 - i]! *= g;
  }
  return out;
}

/**
 * Speech-like: voiced syllables (harmonics of a wandering 90–220 Hz pitch, falling 6 dB per octave), unvoiced
 * noise bursts, gaps between syllables, pauses between phrases, phrase levels ±6 dB, and rare plosive peaks.
 */
function speechLike(seed: number, seconds: number, rate = RATE): Float32Array {
  const random = prng(seed);
  const out = new Float32Array(Math.round(seconds * rate));
  let i = 0;
  let phase = 0;
  let lp = 0;
  while (i < out.length) {
    const phraseGain = amplitude(-6 + 12 * random() - 20);
    const syllables = 3 + Math.floor(random() * 8);
    for (let s = 0; s < syllables && i < out.length; s++) {
      const length = Math.round((0.12 + 0.2 * random()) * rate);
      const voiced = random() < 0.75;
      const f0 = 90 + 130 * random();
      const harmonics = Math.min(30, Math.floor(4000 / f0));
      for (let j = 0; j < length && i < out.length; j++, i++) {
        const env = Math.sin((Math.PI * j) / length) ** 2;
        let x: number;
        if (voiced) {
          phase += (2 * Math.PI * f0 * (1 + 0.05 * Math.sin((2 * Math.PI * j) / length))) / rate;
          // sin(h·φ) by the Chebyshev recurrence: two operations a harmonic instead of a sine.
          const c2 = 2 * Math.cos(phase);
          let prev = 0;
          let cur = Math.sin(phase);
          x = cur;
          for (let h = 2; h <= harmonics; h++) {
            const next = c2 * cur - prev;
            prev = cur;
            cur = next;
            x += cur / h;
          }
          x *= 0.5;
        } else {
          // High-passed noise: a fricative.
          const n = random() * 2 - 1;
          lp += 0.3 * (n - lp);
          x = (n - lp) * 1.5;
        }
        out[i] = phraseGain * env * x;
      }
      if (random() < 0.1) {
        // A plosive: 2 ms of a 2–9 kHz tone at any phase, so its peak usually falls between samples.
        const hz = 2000 + 7000 * random();
        const start = i - (length >> 1);
        const burst = Math.round(0.002 * rate);
        const a = amplitude(-3 - 6 * random());
        const p0 = 2 * Math.PI * random();
        for (let j = 0; j < burst && start + j < out.length; j++) {
          out[start + j]! += a * Math.sin((Math.PI * j) / burst) ** 2 * Math.sin(p0 + (2 * Math.PI * hz * j) / rate);
        }
      }
      i += Math.round((0.03 + 0.12 * random()) * rate);
    }
    i += Math.round((0.25 + 1.2 * random()) * rate);
  }
  return out;
}

// ── BS.1770-4's K-weighting table, kept here apart from the meter so a wrong coefficient there shows ───────────
const TABLE = { stage1: { b: [1.53512485958697, -2.69169618940638, 1.19839281085285], a: [1, -1.69065929318241, 0.73248077421585] }, stage2: { b: [1, -2, 1], a: [1, -1.99004745483398, 0.99007225036621] } };

function biquadGainDb(c: { b: number[]; a: number[] }, hz: number): number {
  const w = (2 * Math.PI * hz) / RATE;
  const at = (k: number[]) => {
    const re = k[0]! + k[1]! * Math.cos(w) + k[2]! * Math.cos(2 * w);
    const im = -(k[1]! * Math.sin(w) + k[2]! * Math.sin(2 * w));
    return re * re + im * im;
  };
  return 10 * Math.log10(at(c.b) / at(c.a));
}

describe('loudness meter: BS.1770-4 / EBU Tech 3341 integrated loudness', () => {
  it('reads a 1 kHz sine at −23 dBFS as the standard says: −26.0 LUFS mono, −23.0 LUFS as Tech 3341 case 1 (stereo)', () => {
    const mono = measureSamples(RATE, tone([{ seconds: 20, amp: amplitude(-23) }]));
    // Mono: mean square of a sine is A²/2 (−3.01 dB), the K-filter adds +0.69 dB at 1 kHz and BS.1770 subtracts
    // 0.691: −23 − 3.01 + 0.69 − 0.691 = −26.0 LUFS.
    expect(mono.integrated!).toBeCloseTo(-26.0, 1);
    // Case 1 is the same sine in two channels: twice the energy, +3.01 dB.
    expect(mono.integrated! + 10 * Math.log10(2)).toBeCloseTo(-23.0, 1);
    const stereo = measureSamples(RATE, tone([{ seconds: 20, amp: stereoEquivalent(-23) }]));
    expect(Math.abs(stereo.integrated! - -23.0)).toBeLessThanOrEqual(0.1);
  });

  it('applies the K-weighting of the BS.1770-4 table: sines from 25 Hz to 20 kHz read as the table predicts', () => {
    for (const hz of [25, 60, 100, 500, 1000, 2000, 5000, 10_000, 15_000, 20_000]) {
      const amp = amplitude(-20);
      const measured = measureSamples(RATE, tone([{ seconds: 5, amp, hz }])).integrated!;
      const expected = -0.691 + 10 * Math.log10((amp * amp) / 2) + biquadGainDb(TABLE.stage1, hz) + biquadGainDb(TABLE.stage2, hz);
      // The shelf's +4 dB above 2 kHz and the high-pass's cut below 100 Hz are each several dB: a wrong stage fails.
      expect(Math.abs(measured - expected), `${hz} Hz`).toBeLessThan(0.02);
    }
  });

  it('passes Tech 3341 cases 1–5 (stereo-equivalent levels), gating included', () => {
    const cases: Array<{ name: string; segments: Array<[number, number]>; expected: number }> = [
      { name: 'case 1', segments: [[-23, 20]], expected: -23 },
      { name: 'case 2', segments: [[-33, 20]], expected: -33 },
      { name: 'case 3: relative gate drops the −36 dB parts', segments: [[-36, 10], [-23, 60], [-36, 10]], expected: -23 },
      { name: 'case 4: absolute gate drops −72', segments: [[-72, 10], [-36, 10], [-23, 60], [-36, 10], [-72, 10]], expected: -23 },
      { name: 'case 5', segments: [[-26, 20], [-20, 20.1], [-26, 20]], expected: -23 },
    ];
    for (const c of cases) {
      const signal = tone(c.segments.map(([db, seconds]) => ({ seconds, amp: stereoEquivalent(db) })));
      const measured = measureSamples(RATE, signal).integrated!;
      expect(Math.abs(measured - c.expected), `${c.name}: ${measured}`).toBeLessThanOrEqual(0.1);
    }
  });

  it('would fail case 3 without the relative gate: the ungated mean is well below −23', () => {
    // Guards the test above: the −36 dB parts matter unless they are gated.
    const energy = (db: number, s: number) => 10 ** (db / 10) * s;
    const ungated = 10 * Math.log10((energy(-36, 10) * 2 + energy(-23, 60)) / 80);
    expect(ungated).toBeLessThan(-23.5);
  });

  it('measures at 44.1 kHz with coefficients derived for that rate', () => {
    const signal = tone([{ seconds: 10, amp: stereoEquivalent(-23) }], 44_100);
    expect(Math.abs(measureSamples(44_100, signal).integrated! - -23)).toBeLessThanOrEqual(0.1);
    const reference = loadReference();
    for (const hz of [50, 3000, 12_000]) {
      const s = tone([{ seconds: 5, amp: amplitude(-20), hz }], 44_100);
      expect(Math.abs(measureSamples(44_100, s).integrated! - reference.integrated(44_100, s)), `${hz} Hz`).toBeLessThan(0.02);
    }
  });
});

describe('loudness meter: EBU Tech 3342 loudness range', () => {
  it('passes cases 1–4 (10, 5, 20 and 15 LU, ± 1)', () => {
    const cases: Array<{ segments: Array<[number, number]>; expected: number }> = [
      { segments: [[-20, 20], [-30, 20]], expected: 10 },
      { segments: [[-20, 20], [-15, 20]], expected: 5 },
      { segments: [[-40, 20], [-20, 20]], expected: 20 },
      { segments: [[-50, 20], [-35, 20], [-20, 20], [-35, 20], [-50, 20]], expected: 15 },
    ];
    cases.forEach((c, i) => {
      const signal = tone(c.segments.map(([db, seconds]) => ({ seconds, amp: stereoEquivalent(db) })));
      const range = measureSamples(RATE, signal).range!;
      expect(Math.abs(range - c.expected), `case ${i + 1}: ${range}`).toBeLessThanOrEqual(1);
    });
  });

  it('gives 0 LU for a steady tone and none for less than one 3 s window', () => {
    expect(measureSamples(RATE, tone([{ seconds: 10, amp: amplitude(-20) }])).range).toBeCloseTo(0, 2);
    const short = measureSamples(RATE, tone([{ seconds: 2, amp: amplitude(-20) }]));
    expect(short.range).toBeNull();
    expect(short.integrated).not.toBeNull();
  });
});

describe('loudness meter: true peak (BS.1770-4 Annex 2)', () => {
  it('passes Tech 3341 cases 15–19: sines whose peaks fall between samples (+0.2 / −0.4 dB)', () => {
    const half = amplitude(-6.0206);
    const cases = [
      { name: '15: fs/4, 0°', hz: 12_000, phase: Math.PI / 2, amp: half, expected: -6 },
      { name: '16: fs/4, 45°', hz: 12_000, phase: Math.PI / 4, amp: half, expected: -6 },
      { name: '17: fs/6, 60°', hz: 8000, phase: Math.PI / 3, amp: half, expected: -6 },
      { name: '18: fs/8, 67.5°', hz: 6000, phase: (67.5 * Math.PI) / 180, amp: half, expected: -6 },
      { name: '19: fs/4, 45°, samples at full scale', hz: 12_000, phase: Math.PI / 4, amp: Math.SQRT2, expected: 3 },
    ];
    for (const c of cases) {
      const tp = measureSamples(RATE, tone([{ seconds: 2, amp: c.amp, hz: c.hz, phase: c.phase }], RATE, 20)).truePeak!;
      expect(tp, c.name).toBeLessThanOrEqual(c.expected + 0.2);
      expect(tp, c.name).toBeGreaterThanOrEqual(c.expected - 0.4);
      // The interpolator is flat to ±0.04 dB up to 16 kHz, and these peaks sit on its ¼-sample grid.
      expect(Math.abs(tp - c.expected), c.name).toBeLessThan(0.05);
    }
  });

  it('does not read low where the Annex 2 example filter does (8 kHz, peak half-way between samples)', () => {
    // That filter's middle phases are 0.22 dB down at 8 kHz: a limiter trusting it lets peaks through.
    const signal = tone([{ seconds: 1, amp: 0.5, hz: 8000, phase: Math.PI / 2 - (2 * Math.PI * 8000 * 0.5) / RATE }], RATE, 20);
    expect(Math.abs(measureSamples(RATE, signal).truePeak! - 20 * Math.log10(0.5))).toBeLessThan(0.05);
  });

  it('sees the inter-sample peak that sample peak misses by 3 dB (fs/4 at 45°)', () => {
    const signal = tone([{ seconds: 1, amp: 1, hz: 12_000, phase: Math.PI / 4 }], RATE, 20);
    const samplePeak = 20 * Math.log10(signal.reduce((m, x) => Math.max(m, Math.abs(x)), 0));
    const tp = measureSamples(RATE, signal).truePeak!;
    expect(samplePeak).toBeCloseTo(-3.01, 1);
    expect(Math.abs(tp)).toBeLessThan(0.2);
  });

  it('reads 0 dBTP for a band-limited peak at 0, ¼, ½ and ¾ sample offsets (after Tech 3341 cases 20–23)', () => {
    // Cosines in phase at t0 sum to exactly 1 there and less everywhere else: a known continuous peak of 0 dBTP.
    const partials = [
      { hz: 440, a: 0.4 },
      { hz: 1320, a: 0.3 },
      { hz: 3100, a: 0.2 },
      { hz: 7300, a: 0.1 },
    ];
    for (const offset of [0, 0.25, 0.5, 0.75]) {
      const t0 = RATE + offset;
      const signal = new Float32Array(2 * RATE);
      for (let i = 0; i < signal.length; i++) {
        // A slow window keeps the ends quiet without touching the peak.
        const win = Math.sin((Math.PI * i) / signal.length) ** 2;
        let x = 0;
        for (const p of partials) x += p.a * Math.cos((2 * Math.PI * p.hz * (i - t0)) / RATE);
        signal[i] = win * x;
      }
      const tp = measureSamples(RATE, signal).truePeak!;
      expect(tp, `offset ${offset}`).toBeLessThanOrEqual(0.2);
      expect(tp, `offset ${offset}`).toBeGreaterThanOrEqual(-0.4);
    }
  });
});

describe('loudness meter: against the ebur128 crate (independent implementation)', () => {
  it('agrees on integrated loudness and true peak (±0.1) for random speech-like signals with inter-sample peaks', () => {
    const reference = loadReference();
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const signal = speechLike(seed, 30);
      const ours = measureSamples(RATE, signal);
      const theirs = { integrated: reference.integrated(RATE, signal), truePeak: reference.truePeak(RATE, signal) };
      expect(Math.abs(ours.integrated! - theirs.integrated), `seed ${seed}: ${ours.integrated} vs ${theirs.integrated}`).toBeLessThanOrEqual(0.1);
      expect(Math.abs(ours.truePeak! - theirs.truePeak), `seed ${seed}: ${ours.truePeak} vs ${theirs.truePeak}`).toBeLessThanOrEqual(0.1);
    }
  });
});

describe('loudness meter: streaming', () => {
  it('gives the same figures for any chunking, and result() mid-stream changes nothing', () => {
    const signal = speechLike(7, 30);
    const whole = measureSamples(RATE, signal);
    const random = prng(99);
    const meter = createLoudnessMeter(RATE);
    for (let at = 0; at < signal.length; ) {
      const n = Math.min(signal.length - at, 1 + Math.floor(random() * 9000));
      meter.push(signal.subarray(at, at + n));
      at += n;
      if (random() < 0.1) meter.result();
    }
    const chunked = meter.result();
    expect(chunked.truePeak).toBe(whole.truePeak);
    expect(chunked.integrated!).toBeCloseTo(whole.integrated!, 9);
    expect(chunked.range!).toBeCloseTo(whole.range!, 9);
    // Pushing nothing is allowed and changes nothing.
    meter.push(new Float32Array(0));
    expect(meter.result()).toEqual(chunked);
  });

  it('catches a peak in the very last samples', () => {
    const signal = new Float32Array(RATE);
    signal[signal.length - 1] = 0.5;
    expect(measureSamples(RATE, signal).truePeak!).toBeGreaterThanOrEqual(20 * Math.log10(0.5));
  });
});

describe('loudness meter: silence and limits', () => {
  it('reports null where a figure is undefined', () => {
    expect(measureSamples(RATE, new Float32Array(10 * RATE))).toEqual({ integrated: null, range: null, truePeak: null });
    expect(createLoudnessMeter(RATE).result()).toEqual({ integrated: null, range: null, truePeak: null });
    // Below the absolute gate: no loudness, but there is a peak.
    const faint = measureSamples(RATE, tone([{ seconds: 5, amp: amplitude(-80) }]));
    expect(faint.integrated).toBeNull();
    expect(faint.range).toBeNull();
    expect(faint.truePeak!).toBeCloseTo(-80, 0);
  });

  it('refuses a nonsensical sample rate', () => {
    expect(() => createLoudnessMeter(0)).toThrow(/sample rate/);
    expect(() => createLoudnessMeter(Number.NaN)).toThrow(/sample rate/);
  });

  it('runs far faster than real time (CPU time; the budget is 200× per track, this guards only against collapse)', () => {
    const signal = speechLike(11, 60);
    const meter = createLoudnessMeter(RATE);
    meter.push(signal.subarray(0, RATE)); // warm up the JIT
    const before = process.cpuUsage();
    meter.push(signal.subarray(RATE));
    const used = process.cpuUsage(before);
    const speed = 59 / ((used.user + used.system) / 1e6);
    expect(speed).toBeGreaterThan(100);
  });
});
