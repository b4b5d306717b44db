// Evidence clips: the last 30 s of a reported speaker as heard in a moderator's studio, kept only once a report about
// them arrives. Shared by the studio (which keeps a rolling buffer per speaker and sends the clip) and its main-side
// store (which writes it as a WAV file beside the space's other studio data). Pure: tested in Node.
export const EVIDENCE_SECONDS = 30;
/** Speech is all a moderator needs to judge: 16 kHz mono, 16-bit (a 30 s clip is under 1 MB). */
export const EVIDENCE_RATE = 16_000;
export const EVIDENCE_MAX_BYTES = EVIDENCE_SECONDS * EVIDENCE_RATE * 2;
/** A clip travels in parts of at most this many bytes (the web studio's bridge takes 256 KiB per message). */
export const EVIDENCE_PART_BYTES = 96 * 1024;
/** Bars in a clip's waveform. */
export const EVIDENCE_PEAKS = 120;

/**
 * The last `seconds` of one speaker at EVIDENCE_RATE, fed with the capture's 48 kHz chunks (every third sample,
 * each the average of three: a plain low-pass, enough for speech). Holds only the newest; a snapshot is in order.
 */
export class EvidenceRing {
  private readonly ring: Int16Array;
  private written = 0;
  private carry: number[] = [];

  constructor(seconds = EVIDENCE_SECONDS, private readonly rate = EVIDENCE_RATE) {
    this.ring = new Int16Array(seconds * rate);
  }

  /** Samples at 48 kHz, -1..1. */
  push(samples: Float32Array): void {
    const all = this.carry.length ? Float32Array.from([...this.carry, ...samples]) : samples;
    const whole = all.length - (all.length % 3);
    for (let i = 0; i < whole; i += 3) {
      const v = (all[i]! + all[i + 1]! + all[i + 2]!) / 3;
      this.ring[this.written % this.ring.length] = Math.max(-32768, Math.min(32767, Math.round(v * 32767)));
      this.written++;
    }
    this.carry = Array.from(all.subarray(whole));
  }

  /** How much audio it holds, in seconds (at most its length). */
  seconds(): number {
    return Math.min(this.written, this.ring.length) / this.rate;
  }

  /** What it holds, oldest first. */
  snapshot(): Int16Array {
    const n = Math.min(this.written, this.ring.length);
    const start = this.written - n;
    const out = new Int16Array(n);
    for (let i = 0; i < n; i++) out[i] = this.ring[(start + i) % this.ring.length]!;
    return out;
  }
}

/** A plain 16-bit mono WAV file. */
export function encodeWav(samples: Int16Array, rate = EVIDENCE_RATE): Uint8Array {
  const bytes = new Uint8Array(44 + samples.length * 2);
  const view = new DataView(bytes.buffer);
  const text = (at: number, s: string) => [...s].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples.length * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) view.setInt16(44 + i * 2, samples[i]!, true);
  return bytes;
}

/** The waveform's bars: each the peak of its stretch, 0..1. */
export function waveformPeaks(samples: Int16Array, bars = EVIDENCE_PEAKS): number[] {
  if (samples.length === 0) return [];
  const out: number[] = [];
  for (let b = 0; b < bars; b++) {
    const from = Math.floor((b * samples.length) / bars);
    const to = Math.max(from + 1, Math.floor(((b + 1) * samples.length) / bars));
    let peak = 0;
    for (let i = from; i < to && i < samples.length; i++) peak = Math.max(peak, Math.abs(samples[i]!));
    out.push(Math.round((peak / 32768) * 1000) / 1000);
  }
  return out;
}

/** The PCM bytes cut into parts for the trip to the store. */
export function splitParts(bytes: Uint8Array, size = EVIDENCE_PART_BYTES): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) parts.push(bytes.subarray(at, Math.min(bytes.length, at + size)));
  return parts.length ? parts : [new Uint8Array(0)];
}
