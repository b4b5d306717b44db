// The stage's output mix, one 480-sample frame at a time:
//   processed = gate · (strength · wet + (1 - strength) · dry)
//   out       = mix · processed + (1 - mix) · dry
// `dry` is the input delayed by the model delay (see delay.ts), so wet and dry are sample-aligned and a partial
// strength blends coherently instead of comb-filtering. Every gain is ramped per sample, because a gain that
// jumps at a frame edge is a click: `mix` and `strength` ramp linearly over the crossfade (10 ms), the gate
// moves as a one-pole filter with separate attack and release. When bypassed (mix settled at 0), or with
// strength settled at 0 and the gate open, the output is a copy of the delayed dry input: bit-exact.

import { DelayLine } from './delay';

export interface GateTiming {
  /** One-pole time constant while opening. Short, because the model's VAD already leads the audio by 10–20 ms. */
  attackMs: number;
  /** How long the gate stays open after the last voiced frame, so word endings and short pauses are not chopped. */
  holdMs: number;
  /** One-pole time constant while closing; slow enough that a closing gate is a fade, not a cut. */
  releaseMs: number;
  /** Gain when closed (0 = mute). */
  floorGain: number;
}

export const DEFAULT_GATE_TIMING: Readonly<GateTiming> = { attackMs: 5, holdMs: 200, releaseMs: 60, floorGain: 0 };

export interface MixerOptions {
  sampleRate: number;
  /** Delay applied to the dry input so it lines up with `wet` (the stage's model delay). */
  dryDelay: number;
  /** Length of the bypass and strength ramps. */
  crossfadeMs?: number;
  gateTiming?: Partial<GateTiming>;
}

export const DEFAULT_CROSSFADE_MS = 10;

/** Within this distance the one-pole gate snaps to its target (−80 dB of full scale: inaudible). */
const GATE_SNAP = 1e-4;

export class WetDryMixer {
  private readonly dryLine: DelayLine;
  private dry: Float32Array;
  private readonly step: number;
  private readonly attackCoef: number;
  private readonly releaseCoef: number;
  private readonly holdSamples: number;
  private readonly floorGain: number;

  private mix = 0;
  private mixTarget = 0;
  private strength = 1;
  private strengthTarget = 1;
  private gate = 1;
  private gateTarget = 1;
  private gateEnabled = false;
  private gateThreshold = 0.5;
  private holdLeft = 0;

  constructor(options: MixerOptions) {
    const { sampleRate } = options;
    const timing = { ...DEFAULT_GATE_TIMING, ...options.gateTiming };
    this.dryLine = new DelayLine(options.dryDelay);
    this.dry = new Float32Array(480);
    const fadeSamples = Math.max(1, Math.round(((options.crossfadeMs ?? DEFAULT_CROSSFADE_MS) * sampleRate) / 1000));
    this.step = 1 / fadeSamples;
    this.attackCoef = 1 - Math.exp(-1000 / (Math.max(0.01, timing.attackMs) * sampleRate));
    this.releaseCoef = 1 - Math.exp(-1000 / (Math.max(0.01, timing.releaseMs) * sampleRate));
    this.holdSamples = Math.round((timing.holdMs * sampleRate) / 1000);
    this.floorGain = Math.min(1, Math.max(0, timing.floorGain));
  }

  /** Fades between the processed mix (true) and the delayed dry input (false). */
  setEnabled(enabled: boolean): void {
    this.mixTarget = enabled ? 1 : 0;
  }

  /** 0 = dry only, 1 = fully denoised. Out-of-range values are clamped; NaN is ignored. */
  setStrength(strength: number): void {
    if (Number.isNaN(strength)) return;
    this.strengthTarget = Math.min(1, Math.max(0, strength));
  }

  setGate(enabled: boolean, thresholdVad: number): void {
    this.gateEnabled = enabled;
    if (!Number.isNaN(thresholdVad)) this.gateThreshold = Math.min(1, Math.max(0, thresholdVad));
  }

  /** Current weight of the processed path, 0..1. */
  get processedGain(): number {
    return this.mix;
  }

  /** True once a bypass fade has finished: the output is the dry copy and wet is not needed. */
  get bypassed(): boolean {
    return this.mix === 0 && this.mixTarget === 0;
  }

  get gateGain(): number {
    return this.gate;
  }

  /**
   * Mixes one frame. `input` is the undelayed dry frame; `wet` is the model output already aligned to
   * input delayed by `dryDelay` (null when no model is running: the processed path then equals dry).
   * `vad` is the model's voice probability for this frame. `out` may alias `input`.
   */
  process(input: Float32Array, wet: Float32Array | null, vad: number, out: Float32Array): void {
    const n = input.length;
    if (this.dry.length !== n) this.dry = new Float32Array(n); // only if the frame size ever changes
    const dry = this.dry;
    for (let i = 0; i < n; i++) dry[i] = input[i]!;
    this.dryLine.process(dry);

    if (this.bypassed) {
      // Settle every ramp so that re-enabling starts from the current targets rather than stale values.
      this.strength = this.strengthTarget;
      this.gate = 1;
      this.gateTarget = 1;
      this.holdLeft = 0;
      for (let i = 0; i < n; i++) out[i] = dry[i]!;
      return;
    }

    this.updateGateTarget(vad, n);
    const w = wet ?? dry;
    const steady = this.mix === this.mixTarget && this.strength === this.strengthTarget && this.gate === this.gateTarget;
    if (steady) {
      // mix is 1 here (mix 0 is handled above); branches keep the common cases exact copies.
      const s = this.strength;
      const g = this.gate;
      if (g === 1 && s === 0) for (let i = 0; i < n; i++) out[i] = dry[i]!;
      else if (g === 1 && s === 1) for (let i = 0; i < n; i++) out[i] = w[i]!;
      else for (let i = 0; i < n; i++) out[i] = g * (s * w[i]! + (1 - s) * dry[i]!);
      return;
    }

    let mix = this.mix;
    let strength = this.strength;
    let gate = this.gate;
    const mixTarget = this.mixTarget;
    const strengthTarget = this.strengthTarget;
    const gateTarget = this.gateTarget;
    const step = this.step;
    const gateCoef = gateTarget > gate ? this.attackCoef : this.releaseCoef;
    for (let i = 0; i < n; i++) {
      mix = rampToward(mix, mixTarget, step);
      strength = rampToward(strength, strengthTarget, step);
      if (gate !== gateTarget) {
        gate += (gateTarget - gate) * gateCoef;
        if (Math.abs(gateTarget - gate) < GATE_SNAP) gate = gateTarget;
      }
      const d = dry[i]!;
      const processed = gate * (strength * w[i]! + (1 - strength) * d);
      out[i] = mix * processed + (1 - mix) * d;
    }
    this.mix = mix;
    this.strength = strength;
    this.gate = gate;
  }

  /** Jumps every ramp to its target now (no fade) without touching the dry delay line, so dry never gaps. */
  settle(): void {
    this.mix = this.mixTarget;
    this.strength = this.strengthTarget;
    this.gate = 1;
    this.gateTarget = 1;
    this.holdLeft = 0;
  }

  /** settle() plus an empty dry delay line: a fresh start. */
  reset(): void {
    this.dryLine.reset();
    this.settle();
  }

  private updateGateTarget(vad: number, frameSamples: number): void {
    // No VAD (NaN) means no model opinion: fail open rather than mute the host.
    if (!this.gateEnabled || Number.isNaN(vad)) {
      this.gateTarget = 1;
      this.holdLeft = 0;
      return;
    }
    if (vad >= this.gateThreshold) {
      this.holdLeft = this.holdSamples;
      this.gateTarget = 1;
    } else if (this.holdLeft > 0) {
      this.holdLeft -= frameSamples;
      this.gateTarget = 1;
    } else {
      this.gateTarget = this.floorGain;
    }
  }
}

function rampToward(value: number, target: number, step: number): number {
  if (value < target) return value + step >= target ? target : value + step;
  if (value > target) return value - step <= target ? target : value - step;
  return value;
}
