// The whole stage (NoiseSuppressor), in 128-sample quanta and in the 480 the studio asks Chromium for: exact fixed
// latency with the model off, with stand-in processors of different intrinsic delays, and with real RNNoise;
// bit-exact bypass and strength 0; click-free and gap-free toggling and model switching; the gate; metrics; real
// noise reduction that keeps speech; lifecycle and failure handling.
import { beforeAll, describe, expect, it } from 'vitest';
import { type NsModel } from '../../../../../renderer/audio/dsp/denoiser';
import { type RnnoiseModule, rnnoiseDenoiser } from '../../../../../renderer/audio/dsp/rnnoise';
import {
  NoiseSuppressor,
  type NoiseSuppressorOptions,
  PREFERRED_QUANTUM,
  STAGE_LATENCY_SAMPLES,
  stageLatency,
} from '../../../../../renderer/audio/dsp/suppressor';
import { loadModels } from '../../../../bench/models';
import { advance, findDelay, maskedRmsDb, mixAtSnr, rmsDb, siSdr, speechMasks } from '../../../../bench/signal';
import { makeSpeechWav, readWavMono16 } from '../../../../support/fixtures';
import { type FakeLog, fakeDenoiser, maxJump, runQuanta, sine, SR, whiteNoise } from './helpers';

const L = 1408;

let models: Record<NsModel, RnnoiseModule>;
let speech: Float32Array;

beforeAll(async () => {
  models = await loadModels();
  speech = readWavMono16(makeSpeechWav()).samples;
});

function realStage(options: NoiseSuppressorOptions = {}): NoiseSuppressor {
  return new NoiseSuppressor({
    models: { quality: rnnoiseDenoiser(models.quality, 'quality'), lowCpu: rnnoiseDenoiser(models.lowCpu, 'lowCpu') },
    ...options,
  });
}

function bitsEqual(a: Float32Array, b: Float32Array): boolean {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return ua.length === ub.length && ua.every((v, i) => v === ub[i]);
}

/** The input delayed by the stage latency, cut to the output's length. */
function delayedInput(x: Float32Array, length: number): Float32Array {
  const y = new Float32Array(length);
  y.set(x.subarray(0, Math.max(0, length - L)), L);
  return y;
}

/** Runs `x` through the stage, calling `control(quantumIndex)` before each quantum. */
function runWith(ns: NoiseSuppressor, x: Float32Array, control: (q: number) => void): Float32Array {
  const out = new Float32Array(Math.ceil(x.length / 128) * 128);
  const input = new Float32Array(out.length);
  input.set(x);
  for (let q = 0; q * 128 < out.length; q++) {
    control(q);
    ns.process(input.subarray(q * 128, q * 128 + 128), out.subarray(q * 128, q * 128 + 128));
  }
  return out;
}

function impulseResponse(ns: NoiseSuppressor, at = 48_000, quantum = 128): { index: number; value: number; rest: number } {
  const x = new Float32Array(at + 4000);
  x[at] = 0.5;
  const y = runQuanta(ns, x, quantum);
  let index = -1;
  let value = 0;
  let rest = 0;
  for (let i = 0; i < y.length; i++) {
    if (Math.abs(y[i]!) > Math.abs(value)) {
      index = i;
      value = y[i]!;
    }
  }
  for (let i = 0; i < y.length; i++) if (i !== index) rest += Math.abs(y[i]!);
  return { index: index - at, value, rest };
}

describe('NoiseSuppressor latency', () => {
  it('is fixed at 1408 samples (448 re-framing + 960 model alignment)', () => {
    expect(STAGE_LATENCY_SAMPLES).toBe(L);
    expect(new NoiseSuppressor().latency).toBe(L);
    expect(realStage({ settings: { model: 'lowCpu' } }).latency).toBe(L);
  });

  it('moves an impulse by exactly 1408 samples with the model disabled', () => {
    expect(impulseResponse(new NoiseSuppressor({ settings: { enabled: false } }))).toEqual({ index: L, value: 0.5, rest: 0 });
  });

  it('moves an impulse by exactly 1408 samples through processors of 0, 480 and 960 samples intrinsic delay', () => {
    for (const delaySamples of [0, 480, 960, 17]) {
      // Gain 0.5 marks the wet path: a response of 0.25 proves it went through the processor, aligned.
      const ns = new NoiseSuppressor({ models: { quality: fakeDenoiser({ gain: 0.5, delaySamples }) } });
      expect(impulseResponse(ns), `processor delay ${delaySamples}`).toEqual({ index: L, value: 0.25, rest: 0 });
    }
  });

  it.each(['quality', 'lowCpu'] as const)('is 1408 samples with the real %s model (speech cross-correlation)', (model) => {
    const y = runQuanta(realStage({ settings: { model } }), speech);
    expect(findDelay(speech, y, 4000)).toBe(L);
  });
});

describe('NoiseSuppressor with 480-sample quanta (the studio asks Chromium for them)', () => {
  const Q = PREFERRED_QUANTUM;
  const L480 = 960;

  it('needs no re-framing: latency is the model alignment alone, 960 samples = 20.0 ms', () => {
    expect(Q).toBe(480);
    expect(stageLatency(Q)).toBe(L480);
    expect(new NoiseSuppressor({ quantumSize: Q }).latency).toBe(L480);
    // Other sizes a browser might pick: a divisor of 480 costs 480 − size, anything else 480 − gcd.
    expect([128, 160, 240, 256, 512].map(stageLatency)).toEqual([1408, 1280, 1200, 1408, 1408]);
  });

  it('disabled: output is the input delayed by exactly 960 samples, bit for bit', () => {
    const x = whiteNoise(48_000 * 2, -12, 22);
    const ns = realStage({ quantumSize: Q, settings: { enabled: false } });
    const y = runQuanta(ns, x, Q);
    const ref = new Float32Array(y.length);
    ref.set(x.subarray(0, y.length - L480), L480);
    expect(bitsEqual(y, ref)).toBe(true);
  });

  it('a processor of any intrinsic delay comes out aligned at 960', () => {
    for (const delaySamples of [0, 480, 960, 17]) {
      const ns = new NoiseSuppressor({ quantumSize: Q, models: { quality: fakeDenoiser({ gain: 0.5, delaySamples }) } });
      expect(impulseResponse(ns, 48_000, Q), `processor delay ${delaySamples}`).toEqual({ index: L480, value: 0.25, rest: 0 });
    }
  });

  it.each(['quality', 'lowCpu'] as const)('%s model: speech arrives 960 samples later, denoised exactly as with 128-sample quanta', (model) => {
    const x = speech.subarray(0, 48_000 * 4);
    const y480 = runQuanta(realStage({ quantumSize: Q, settings: { model } }), x, Q);
    const y128 = runQuanta(realStage({ settings: { model } }), x);
    expect(findDelay(x, y480, 4000)).toBe(L480);
    // Same frames through the same model: only the re-framing delay differs, so the outputs match sample for sample.
    const n = Math.min(y480.length - L480, y128.length - L);
    let maxDiff = 0;
    for (let i = 0; i < n; i++) maxDiff = Math.max(maxDiff, Math.abs(y480[i + L480]! - y128[i + L]!));
    expect(maxDiff).toBe(0);
  });
});

describe('NoiseSuppressor bypass and strength', () => {
  it('disabled: output is the input delayed by 1408, bit for bit', () => {
    const x = whiteNoise(48_000 * 2, -12, 21);
    const ns = realStage({ settings: { enabled: false } });
    const y = runQuanta(ns, x);
    expect(bitsEqual(y, delayedInput(x, y.length))).toBe(true);
    expect(ns.metrics.activeModel).toBeNull();
  });

  it('strength 0: output is bit-exact delayed dry while the real model runs', () => {
    const x = speech.subarray(0, 48_000 * 3);
    const ns = realStage({ settings: { strength: 0 } });
    const y = runQuanta(ns, x);
    expect(ns.metrics.activeModel).toBe('quality');
    expect(ns.metrics.vad).not.toBeNull();
    expect(bitsEqual(y, delayedInput(x, y.length))).toBe(true);
  });

  it('strength 0 after a ramp from 1 settles to bit-exact dry', () => {
    const x = whiteNoise(48_000 * 2, -20, 5);
    const ns = new NoiseSuppressor({ models: { quality: fakeDenoiser({ gain: 0.1 }) } });
    const y = runWith(ns, x, (q) => q === 100 && ns.setSettings({ strength: 0 }));
    const ref = delayedInput(x, y.length);
    // From the frame after the 10 ms ramp (plus the latency), every sample is the dry one.
    const from = 100 * 128 + 480 * 2 + L;
    expect(bitsEqual(y.subarray(from), ref.subarray(from))).toBe(true);
    expect(bitsEqual(y.subarray(L + 480, 100 * 128), ref.subarray(L + 480, 100 * 128))).toBe(false);
  });
});

describe('NoiseSuppressor toggling and switching', () => {
  it('toggling the real model on a sine never clicks', () => {
    // ~1 kHz: the quality model removes a steady 1 kHz tone entirely (it keeps a 440 Hz one almost untouched).
    // 997 Hz rather than 1000, whose period divides the 480-sample frame: every toggle would hit a zero crossing.
    // Toggle every 150 quanta (400 ms): long enough for a re-enabled model to warm up (200 ms) and be heard.
    const x = sine(SR * 4, 0.5, 997);
    const natural = maxJump(x);
    const toggle = (ns: NoiseSuppressor) => (q: number) => {
      if (q > 0 && q % 150 === 0) ns.setSettings({ enabled: !ns.settings.enabled });
    };
    const ns = realStage();
    const y = runWith(ns, x, toggle(ns));
    // Every toggle swaps sine ↔ silence: without a fade that is a jump of up to 0.5, with a 10 ms fade it adds
    // at most 0.5/480 per sample to the sine's own slope.
    // The second enabled period (quanta 300–449): dry during warm-up, then the tone is really removed. Mixing
    // acts on already-delayed signals, so a toggle is heard after the re-framing delay only (448 + ≤ 1 frame).
    expect(rmsDb(y, 330 * 128, 360 * 128)).toBeGreaterThan(-10);
    expect(rmsDb(y, 400 * 128, 445 * 128)).toBeLessThan(-60);
    expect(maxJump(y, L + 1)).toBeLessThan(natural + 0.5 / 480 + 0.002);
    const hard = realStage({ crossfadeMs: 0.02 });
    expect(maxJump(runWith(hard, x, toggle(hard)), L + 1)).toBeGreaterThan(0.2);
  });

  it('toggling never leaves a gap: with a transparent processor the output is always the delayed input', () => {
    const log: FakeLog = { created: 0, destroyed: 0, frames: 0 };
    const ns = new NoiseSuppressor({ models: { quality: fakeDenoiser({ log }) } });
    const x = whiteNoise(48_000 * 4, -10, 8);
    const y = runWith(ns, x, (q) => {
      if (q % 97 === 13) ns.setSettings({ enabled: !ns.settings.enabled });
    });
    const ref = delayedInput(x, y.length);
    let err = 0;
    for (let i = 0; i < y.length; i++) err = Math.max(err, Math.abs(y[i]! - ref[i]!));
    expect(err).toBeLessThan(1e-6);
    // Disabling really stopped (and freed) the model in between.
    expect(log.created).toBeGreaterThan(3);
    expect(log.destroyed).toBeGreaterThanOrEqual(log.created - 1);
  });

  it('switching models keeps the timeline: transparent models of 0 and 480 samples delay stay aligned', () => {
    const ns = new NoiseSuppressor({ models: { quality: fakeDenoiser({ delaySamples: 0 }), lowCpu: fakeDenoiser({ delaySamples: 480 }) } });
    const x = whiteNoise(48_000 * 4, -10, 9);
    const seen = new Set<string | null>();
    const y = runWith(ns, x, (q) => {
      if (q % 83 === 40) ns.setSettings({ model: ns.settings.model === 'quality' ? 'lowCpu' : 'quality' });
      if (q > 4) seen.add(ns.metrics.activeModel);
    });
    expect(seen).toEqual(new Set(['quality', 'lowCpu']));
    const ref = delayedInput(x, y.length);
    let err = 0;
    for (let i = 0; i < y.length; i++) err = Math.max(err, Math.abs(y[i]! - ref[i]!));
    expect(err).toBeLessThan(1e-6);
  });

  it('switching real models mid-speech crossfades after warm-up, without a jump', () => {
    const ns = realStage();
    const x = speech;
    let switchedAt = -1;
    const y = runWith(ns, x, (q) => {
      if (q === 400) ns.setSettings({ model: 'lowCpu' });
      if (switchedAt < 0 && ns.metrics.activeModel === 'lowCpu') switchedAt = q;
    });
    // Warm-up of 20 frames (200 ms = 75 quanta) plus a 10 ms fade before the new model is the active one.
    expect(switchedAt).toBeGreaterThan(400 + 75);
    expect(switchedAt).toBeLessThan(400 + 90);
    expect(maxJump(y, 300 * 128, 600 * 128)).toBeLessThan(maxJump(speech) * 1.25);
    expect(findDelay(speech, y, 4000)).toBe(L);
  });

  it('waits for a model that is not loaded yet, then warms it up and fades it in', () => {
    const ns = new NoiseSuppressor({ models: { quality: fakeDenoiser({ gain: 0.5 }) }, settings: { model: 'lowCpu' } });
    const x = new Float32Array(48_000).fill(0.5);
    const y = runWith(ns, x, (q) => q === 100 && ns.provideModel('lowCpu', fakeDenoiser({ gain: 0.25, delaySamples: 480 })));
    expect(y[90 * 128]).toBe(0.5); // nothing requested is available: dry
    expect(ns.metrics.activeModel).toBe('lowCpu');
    expect(y[y.length - 1]).toBe(0.125);
  });
});

describe('NoiseSuppressor gate and metrics', () => {
  it('the gate follows the model VAD with hold and a smooth release', () => {
    // VAD high for the first 100 frames, then low.
    const ns = new NoiseSuppressor({
      models: { quality: fakeDenoiser({ vad: (f) => (f < 100 ? 0.95 : 0.02) }) },
      settings: { gate: { enabled: true, thresholdVad: 0.6 } },
    });
    const x = new Float32Array(48_000 * 2).fill(0.3);
    const gains: number[] = [];
    const y = runWith(ns, x, () => gains.push(ns.metrics.gateGain));
    expect(y[L + 90 * 480]).toBeCloseTo(0.3, 6);
    expect(y[y.length - 1]).toBe(0);
    expect(maxJump(y, L + 1)).toBeLessThan(0.3 * 0.005);
    expect(gains.some((g) => g > 0.2 && g < 0.8)).toBe(true); // it passed through intermediate gains
  });

  it('reports input/output levels, the VAD and a noise floor from non-speech frames', () => {
    // 1 s "speech" (a -10 dBFS-RMS tone, VAD 0.95), 1 s noise at -50 dBFS (VAD 0.05), repeated; wet = dry · 0.1.
    const second = 48_000;
    const x = new Float32Array(second * 6);
    const noise = whiteNoise(x.length, -50, 4);
    const tone = sine(x.length, 10 ** (-10 / 20) * Math.SQRT2, 300);
    for (let i = 0; i < x.length; i++) x[i] = Math.floor(i / second) % 2 === 0 ? tone[i]! : noise[i]!;
    const ns = new NoiseSuppressor({
      models: { quality: fakeDenoiser({ gain: 0.1, vad: (f) => (Math.floor((f * 480) / second) % 2 === 0 ? 0.95 : 0.05) }) },
    });
    runQuanta(ns, x.subarray(0, second * 5 + 24_000)); // stop halfway through a noise second
    const m = ns.metrics;
    expect(m.inputRmsDb).toBeCloseTo(-50, 0);
    expect(m.vad).toBe(0.05);
    expect(m.noiseFloorDb).toBeGreaterThan(-52);
    expect(m.noiseFloorDb).toBeLessThan(-49);
    // Output lags by 1408 samples, so the last output frame is also noise, attenuated 20 dB.
    expect(m.outputRmsDb).toBeCloseTo(-70, 0);
    expect(m.frames).toBe(Math.floor((second * 5 + 24_000) / 480));
    expect(m.activeModel).toBe('quality');
  });
});

describe('NoiseSuppressor with real RNNoise', () => {
  it('removes at least 15 dB of white noise (quality model)', () => {
    const x = whiteNoise(48_000 * 3, -30, 31);
    const y = runQuanta(realStage(), x);
    expect(rmsDb(y, 48_000 + L, y.length)).toBeLessThan(rmsDb(x, 48_000, x.length) - 15);
  });

  it.each(['quality', 'lowCpu'] as const)('keeps speech (%s): level within 0.5 dB and SI-SDR ≥ 15 dB on clean input', (model) => {
    const y = advance(runQuanta(realStage({ settings: { model } }), speech), L).subarray(0, speech.length);
    const { active } = speechMasks(speech);
    expect(Math.abs(maskedRmsDb(y, active) - maskedRmsDb(speech, active))).toBeLessThan(0.5);
    expect(siSdr(y, speech)).toBeGreaterThan(15);
  });

  it('improves SI-SDR of speech in white noise at 5 dB SNR by at least 6 dB (quality model)', () => {
    const { active } = speechMasks(speech);
    const { mix } = mixAtSnr(speech, whiteNoise(speech.length, -20, 12), active, 5);
    const y = advance(runQuanta(realStage(), mix), L).subarray(0, speech.length);
    expect(siSdr(y, speech) - siSdr(mix, speech)).toBeGreaterThan(6);
  });
});

describe('NoiseSuppressor robustness', () => {
  it('rejects sample rates other than 48 kHz', () => {
    expect(() => new NoiseSuppressor({ sampleRate: 44_100 })).toThrow(/48000/);
  });

  it('sanitises settings: clamps strength and threshold, ignores NaN and unknown models', () => {
    const ns = new NoiseSuppressor();
    ns.setSettings({ strength: 3, gate: { thresholdVad: -1 } });
    expect(ns.settings.strength).toBe(1);
    expect(ns.settings.gate.thresholdVad).toBe(0);
    ns.setSettings({ strength: Number.NaN, model: 'huge' as NsModel });
    expect(ns.settings.strength).toBe(1);
    expect(ns.settings.model).toBe('quality');
    ns.setSettings({ gate: { enabled: true } });
    expect(ns.settings.gate).toEqual({ enabled: true, thresholdVad: 0 });
  });

  it('falls back to dry without throwing or gapping when a model fails, and reports it', () => {
    let calls = 0;
    const ns = new NoiseSuppressor({
      models: {
        quality: {
          delaySamples: 960,
          create: () => ({
            // Transparent (keeps the frame, declares the 960 delay it does not have) until it throws: the output is
            // then 0.5 throughout, and any gap or misalignment in the fallback would show as a dip.
            processFrame: () => {
              if (++calls > 50) throw new Error('boom');
              return 1;
            },
            destroy: () => {},
          }),
        },
      },
    });
    const x = new Float32Array(48_000).fill(0.5);
    const y = runQuanta(ns, x);
    expect(ns.metrics.error).toMatch(/boom/);
    expect(ns.metrics.activeModel).toBeNull();
    expect(calls).toBe(51); // not retried every frame
    expect(Math.min(...y.subarray(L + 960))).toBe(0.5);
    // Toggling is the retry: a new instance is created (and here fails again at once).
    ns.setSettings({ enabled: false });
    runQuanta(ns, new Float32Array(4800));
    ns.setSettings({ enabled: true });
    runQuanta(ns, new Float32Array(4800));
    expect(calls).toBe(52);
  });

  it('does not retry a model whose creation throws on every frame', () => {
    let creates = 0;
    const ns = new NoiseSuppressor({
      models: {
        quality: {
          delaySamples: 0,
          create: () => {
            creates++;
            throw new Error('out of memory');
          },
        },
      },
    });
    const y = runQuanta(ns, new Float32Array(48_000).fill(0.25));
    expect(creates).toBe(1);
    expect(ns.metrics.error).toMatch(/out of memory/);
    expect(y[y.length - 1]).toBe(0.25);
    ns.provideModel('quality', fakeDenoiser({ gain: 0.5 }));
    const z = runQuanta(ns, new Float32Array(48_000).fill(0.25));
    expect(ns.metrics.activeModel).toBe('quality');
    expect(z[z.length - 1]).toBe(0.125);
  });

  it('destroy() frees the running model', () => {
    const log: FakeLog = { created: 0, destroyed: 0, frames: 0 };
    const ns = new NoiseSuppressor({ models: { quality: fakeDenoiser({ log }) } });
    runQuanta(ns, new Float32Array(4800));
    expect(log.created).toBe(1);
    ns.destroy();
    expect(log.destroyed).toBe(1);
  });
});
