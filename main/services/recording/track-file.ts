// One track of a recording on disk: a 24-bit Broadcast WAV (wav.ts) that follows the recording's sample clock.
// Audio arrives as float frames that say where they start; a frame past the end is preceded by digital silence, a
// frame reaching back before the end loses what it repeats, so every track of a recording stays aligned.
//
// Durability: samples are converted into one reused buffer and written with writeSync when it holds `flushBytes`
// (1 s of audio by default) or on flush(). flush() also rewrites the header sizes and calls fdatasync, so with the
// recorder's flush once a second a killed process or a power cut loses at most about a second, and repairWav mends
// the header. fdatasync is kept, and synchronous: npm run bench:rec measured a flush of 8 tracks each second at
// 3.6–5.6 ms median, 9–37 ms p99 (0.1 ms without fdatasync) on a loaded 2-core VM's SSD, well inside the second it
// protects, and the recorder runs in its own worker thread, so no UI waits on it. `durable: false` skips it (tests),
// leaving durability against power loss to the OS's writeback (up to ~30 s on Linux).
//
// Conversion: clip to [-1, 1], scale by 8388607 (2^23 − 1) and round half away from zero. The mapping is symmetric
// (±1 → ±8388607, x and −x give opposite codes) and −8388608 is never written; a decoder dividing by 2^23 reads
// full scale 1 LSB low (−1e-6 dB), which nobody can hear, while scaling by 2^23 would clip +1.0 asymmetrically.
import fs from 'node:fs';
import { PCM_MAX_FRAME, RECORDING_BITS, RECORDING_SAMPLE_RATE, type Loudness } from '../../../common/recording';
import { PodiumError } from '../../../common/result';
import { type BextInfo, diskError, wavHeader, writeBextLoudness, writeSizes } from './wav';

export interface TrackFileOptions {
  bext: BextInfo;
  /** Bytes of audio buffered before a write; default one second. */
  flushBytes?: number;
  /** Samples are interleaved when 2. Default 1. */
  channels?: number;
  /** fdatasync on every flush (default true). */
  durable?: boolean;
}

export interface WriteResult {
  /** Silence written before these samples because they started past the track's end. */
  gapFrames: number;
  /** Leading frames dropped because the track already had audio there. */
  overlapFrames: number;
}

const BYTES = RECORDING_BITS / 8;
const SCALE = 8_388_607;
/** Shared source of digital silence for gaps, never written into: 4 s of stereo, a whole number of frames. */
let zeros: Buffer | null = null;
const zeroBuffer = () => (zeros ??= Buffer.alloc(RECORDING_SAMPLE_RATE * 2 * BYTES * 4));

/** Float samples → 24-bit little-endian PCM (see the header comment for the mapping); NaN becomes silence. */
export function encodePcm24(src: Float32Array, from: number, count: number, dst: Buffer, at: number): void {
  let o = at;
  for (let i = from, end = from + count; i < end; i++) {
    let x = src[i]!;
    if (x > 1) x = 1;
    else if (x < -1) x = -1;
    else if (x !== x) x = 0;
    const v = x * SCALE;
    const s = v < 0 ? -Math.round(-v) : Math.round(v);
    dst[o] = s & 0xff;
    dst[o + 1] = (s >> 8) & 0xff;
    dst[o + 2] = (s >> 16) & 0xff;
    o += 3;
  }
}

export class TrackFile {
  readonly path: string;
  readonly channels: number;
  private readonly dataOffset: number;
  private readonly blockAlign: number;
  private readonly durable: boolean;
  private readonly pending: Buffer;
  private pendingBytes = 0;
  /** Data bytes handed to the OS (written, not necessarily synced). */
  private dataOnDisk = 0;
  private fd: number | null;
  private failure: PodiumError | null = null;

  private constructor(file: string, fd: number, dataOffset: number, channels: number, flushBytes: number, durable: boolean) {
    this.path = file;
    this.fd = fd;
    this.dataOffset = dataOffset;
    this.channels = channels;
    this.blockAlign = channels * BYTES;
    this.durable = durable;
    this.pending = Buffer.allocUnsafe(Math.max(1, Math.floor(flushBytes / this.blockAlign)) * this.blockAlign);
  }

  /** Creates the file (never overwriting one) and writes its header. */
  static create(file: string, opts: TrackFileOptions): TrackFile {
    const channels = opts.channels ?? 1;
    const { header, dataOffset } = wavHeader({ channels, bext: opts.bext });
    const flushBytes = opts.flushBytes ?? RECORDING_SAMPLE_RATE * channels * BYTES;
    if (!Number.isFinite(flushBytes) || flushBytes < 1) throw new PodiumError('bad_request', `flushBytes must be positive, not ${flushBytes}.`);
    let fd: number;
    try {
      // wx+: never replace a file; read access because writeSizes and the bext update read the header back.
      fd = fs.openSync(file, 'wx+', 0o644);
    } catch (error) {
      throw diskError(error, file, 'create');
    }
    try {
      let done = 0;
      while (done < header.length) done += fs.writeSync(fd, header, done, header.length - done, done);
    } catch (error) {
      // A header that could not be written is no recording: remove what this call created.
      try {
        fs.closeSync(fd);
        fs.unlinkSync(file);
      } catch {
        // Nothing more to undo.
      }
      throw diskError(error, file, 'create');
    }
    return new TrackFile(file, fd, dataOffset, channels, flushBytes, opts.durable ?? true);
  }

  /** The track's end on the recording's clock, in sample frames, silence and buffered audio included. */
  get framesWritten(): number {
    return (this.dataOnDisk + this.pendingBytes) / this.blockAlign;
  }

  /** Header and audio handed to the OS so far (the buffered part excluded). */
  get bytesOnDisk(): number {
    return this.dataOffset + this.dataOnDisk;
  }

  /** Places `samples` (interleaved if stereo) at `frame` on the recording's clock. */
  writeAt(frame: number, samples: Float32Array): WriteResult {
    const fd = this.writable();
    if (!Number.isSafeInteger(frame) || frame < 0 || frame > PCM_MAX_FRAME) throw new PodiumError('bad_request', `A track position is a whole number of samples, not ${frame}.`);
    if (samples.length % this.channels) throw new PodiumError('bad_request', `${samples.length} samples do not make whole ${this.channels}-channel frames.`);
    const frames = samples.length / this.channels;
    const end = this.framesWritten;
    let gapFrames = 0;
    let overlapFrames = 0;
    if (frame > end) {
      gapFrames = frame - end;
      this.silence(fd, gapFrames * this.blockAlign);
    } else if (frame < end) {
      overlapFrames = Math.min(frames, end - frame);
    }
    let i = overlapFrames * this.channels;
    while (i < samples.length) {
      const room = (this.pending.length - this.pendingBytes) / BYTES;
      const n = Math.min(room, samples.length - i);
      encodePcm24(samples, i, n, this.pending, this.pendingBytes);
      this.pendingBytes += n * BYTES;
      i += n;
      if (this.pendingBytes === this.pending.length) this.writePending(fd);
    }
    return { gapFrames, overlapFrames };
  }

  /** Writes what is buffered, rewrites the header sizes and (when durable) waits until the disk has it. */
  flush(): void {
    const fd = this.writable();
    this.writePending(fd);
    this.guard(() => {
      writeSizes(fd, this.dataOffset, this.dataOnDisk);
      if (this.durable) fs.fdatasyncSync(fd);
    });
  }

  /**
   * Finishes the file: everything written, final sizes, loudness in bext if given, synced. Idempotent. After a write
   * error it only lets go of the file: that error was thrown already, and the header already matches the disk.
   */
  close(loudness?: Loudness): void {
    if (this.fd === null) return;
    if (this.failure) return this.release();
    const fd = this.fd;
    try {
      this.writePending(fd);
      this.guard(() => {
        writeSizes(fd, this.dataOffset, this.dataOnDisk);
        if (loudness) writeBextLoudness(fd, loudness, this.path);
        // Always at the end, durable or not: a finished recording should not depend on the OS's writeback.
        fs.fdatasyncSync(fd);
      });
    } catch (error) {
      this.release();
      throw error;
    }
    this.fd = null;
    try {
      fs.closeSync(fd);
    } catch (error) {
      throw diskError(error, this.path, 'write');
    }
  }

  /** Closes without throwing, keeping the file playable with whatever could still be written. */
  abort(): void {
    if (this.fd === null) return;
    if (!this.failure) {
      try {
        this.flush();
      } catch {
        // fail() already made the header match what reached the disk.
      }
    }
    this.release();
  }

  private writable(): number {
    if (this.failure) throw this.failure;
    if (this.fd === null) throw new PodiumError('invalid_state', `The track ${this.path} is already closed.`);
    return this.fd;
  }

  private release(): void {
    const fd = this.fd;
    this.fd = null;
    if (fd === null) return;
    try {
      fs.closeSync(fd);
    } catch {
      // Already reported, or nothing left to save.
    }
  }

  private silence(fd: number, bytes: number): void {
    // A short gap goes through the buffer; a long one is written straight from the shared zeros, chunk by chunk.
    if (bytes <= this.pending.length - this.pendingBytes) {
      this.pending.fill(0, this.pendingBytes, this.pendingBytes + bytes);
      this.pendingBytes += bytes;
      if (this.pendingBytes === this.pending.length) this.writePending(fd);
      return;
    }
    this.writePending(fd);
    const zero = zeroBuffer();
    for (let left = bytes; left > 0; ) {
      const n = Math.min(left, zero.length);
      this.put(fd, zero, n);
      left -= n;
    }
  }

  private writePending(fd: number): void {
    if (this.pendingBytes === 0) return;
    this.put(fd, this.pending, this.pendingBytes);
    this.pendingBytes = 0;
  }

  /** Appends `length` bytes of `buffer` to the audio; dataOnDisk counts every byte the OS accepted. */
  private put(fd: number, buffer: Buffer, length: number): void {
    let done = 0;
    while (done < length) {
      const n = this.guard(() => {
        const wrote = fs.writeSync(fd, buffer, done, length - done, this.dataOffset + this.dataOnDisk);
        // A regular file that accepts nothing is full; never spin on it.
        if (wrote <= 0) throw Object.assign(new Error('no bytes written'), { code: 'ENOSPC' });
        return wrote;
      });
      done += n;
      this.dataOnDisk += n;
    }
  }

  /** Runs a file-system step; on failure the track is failed for good and its header trimmed to what is on disk. */
  private guard<T>(step: () => T): T {
    try {
      return step();
    } catch (error) {
      const failure = diskError(error, this.path, 'write');
      this.failure = failure;
      this.pendingBytes = 0;
      const fd = this.fd;
      if (fd !== null) {
        let kept = this.dataOnDisk - (this.dataOnDisk % this.blockAlign);
        // An odd data chunk needs a pad byte a full disk may refuse: one sample less keeps the file exact.
        if (kept % 2) kept -= this.blockAlign;
        try {
          fs.ftruncateSync(fd, this.dataOffset + kept);
          this.dataOnDisk = kept;
          writeSizes(fd, this.dataOffset, kept);
        } catch {
          // Best effort: on a dead disk this fails too, and repairWav mends the file later.
        }
      }
      throw failure;
    }
  }
}
