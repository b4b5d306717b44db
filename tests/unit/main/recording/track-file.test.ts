// A recording track on disk: audio placed on the recording's clock (gaps become silence, overlaps are dropped),
// converted to 24-bit exactly as documented, read back by sox; buffering and header updates; a writer killed for
// real (SIGKILL, or a real EFBIG from a file-size limit) leaves a file that repairs; errors read as sentences.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PodiumError } from '../../../../common/result';
import { encodePcm24, TrackFile } from '../../../../main/services/recording/track-file';
import { readWavInfo, repairWav, type BextInfo } from '../../../../main/services/recording/wav';

const RATE = 48_000;
const BEXT: BextInfo = { description: 'Test — track', originator: 'Podium', originatorReference: 'r000000000001-1', startedAt: new Date(2025, 0, 2, 3, 4, 5) };
const TRACK_FILE = path.resolve('main/services/recording/track-file.ts');
const WAV_HEADER_BYTES = 726;

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-track-'));
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function sox(args: string[]): Buffer {
  const run = spawnSync('sox', args, { maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`sox ${args.join(' ')}: ${run.stderr.toString()}`);
  return run.stdout;
}
const soxi = (file: string, flag: string) => spawnSync('soxi', [flag, file], { encoding: 'utf8' }).stdout.trim();
/** The file decoded by sox as floats; sox divides a 24-bit code by 2^23, so code = value × 2^23 exactly. */
function soxCodes(file: string): number[] {
  const raw = sox([file, '-t', 'f32', '-']);
  return Array.from(new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)), (x) => x * 8_388_608);
}

/** The documented mapping, written independently: clip, × (2^23 − 1), round half away from zero. */
function expectedCode(x: number): number {
  if (Number.isNaN(x)) return 0;
  const v = Math.max(-1, Math.min(1, x)) * 8_388_607;
  return Math.sign(v) * Math.floor(Math.abs(v) + 0.5) || 0; // no -0
}

const sine = (from: number, n: number, amplitude = 0.9) =>
  Float32Array.from({ length: n }, (_, i) => amplitude * Math.sin((2 * Math.PI * 1000 * (from + i)) / RATE));
const open = (name = 't.wav', opts: Partial<Parameters<typeof TrackFile.create>[1]> = {}) =>
  TrackFile.create(path.join(tmp, name), { bext: BEXT, durable: false, ...opts });
const errorOf = (run: () => unknown): PodiumError => {
  try {
    run();
  } catch (error) {
    if (error instanceof PodiumError) return error;
    throw error;
  }
  throw new Error('expected a PodiumError');
};

describe('TrackFile: audio on the recording clock', () => {
  it('writes a 1 kHz sine that sox reads back sample-exact at 24 bits', () => {
    const t = open('sine.wav', { durable: true });
    const frames = 25;
    for (let k = 0; k < frames; k++) {
      expect(t.writeAt(k * 4800, sine(k * 4800, 4800))).toEqual({ gapFrames: 0, overlapFrames: 0 });
      if (k % 10 === 9) t.flush();
    }
    expect(t.framesWritten).toBe(frames * 4800);
    t.close();
    const file = t.path;
    expect(soxi(file, '-r')).toBe('48000');
    expect(soxi(file, '-b')).toBe('24');
    expect(soxi(file, '-c')).toBe('1');
    expect(soxi(file, '-s')).toBe(String(frames * 4800));
    const all = sine(0, frames * 4800);
    const codes = soxCodes(file);
    expect(codes).toEqual(Array.from(all, expectedCode));
    // And within half a 24-bit step of the float input, the scale's 1-LSB difference aside.
    const worst = codes.reduce((m, c, i) => Math.max(m, Math.abs(c / 8_388_607 - all[i]!)), 0);
    expect(worst).toBeLessThanOrEqual(0.5 / 8_388_607 + 1e-12);
  });

  it('fills a gap with digital silence at the right place', () => {
    const t = open();
    t.writeAt(0, new Float32Array(4800).fill(0.5));
    expect(t.writeAt(9600, new Float32Array(4800).fill(-0.25))).toEqual({ gapFrames: 4800, overlapFrames: 0 });
    expect(t.framesWritten).toBe(14_400);
    t.close();
    const codes = soxCodes(t.path);
    expect(codes.length).toBe(14_400);
    expect(codes.slice(0, 4800).every((c) => c === 4_194_304)).toBe(true);
    expect(codes.slice(4800, 9600).every((c) => c === 0)).toBe(true);
    expect(codes.slice(9600).every((c) => c === -2_097_152)).toBe(true);
  });

  it('writes a long gap from a reused buffer without allocating it', () => {
    const t = open('gap.wav', { flushBytes: 14_400 });
    t.writeAt(0, new Float32Array(480).fill(0.1));
    const before = process.memoryUsage().arrayBuffers;
    const tenMinutes = RATE * 600;
    expect(t.writeAt(480 + tenMinutes, new Float32Array(480).fill(0.1)).gapFrames).toBe(tenMinutes);
    // 86 MB of silence went to the file; memory for it is one shared 1 MB buffer.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(4 * 1024 * 1024);
    t.close();
    const info = readWavInfo(t.path);
    expect(info.frames).toBe(tenMinutes + 960);
    const tail = sox([t.path, '-t', 'f32', '-', 'trim', `${tenMinutes + 470}s`]);
    expect(Array.from(new Float32Array(tail.buffer.slice(tail.byteOffset, tail.byteOffset + tail.byteLength)), (x) => Math.round(x * 8_388_608))).toEqual([
      ...new Array(10).fill(0),
      ...new Array(480).fill(expectedCode(Math.fround(0.1))),
    ]);
  });

  it('drops what overlaps audio already written', () => {
    const t = open();
    const ramp = (from: number, n: number) => Float32Array.from({ length: n }, (_, i) => (from + i) / 1_000_000);
    t.writeAt(0, ramp(0, 4800));
    // Starts 2400 frames early: its first half repeats audio the track has.
    expect(t.writeAt(2400, ramp(500_000, 4800))).toEqual({ gapFrames: 0, overlapFrames: 2400 });
    expect(t.writeAt(0, ramp(900_000, 100))).toEqual({ gapFrames: 0, overlapFrames: 100 });
    expect(t.framesWritten).toBe(7200);
    t.close();
    const codes = soxCodes(t.path);
    expect(codes.length).toBe(7200);
    expect(codes.slice(0, 4800)).toEqual(Array.from(ramp(0, 4800), expectedCode));
    expect(codes.slice(4800)).toEqual(Array.from(ramp(502_400, 2400), expectedCode));
  });

  it('clips, rounds half away from zero, and maps symmetrically', () => {
    const input = Float32Array.from([1.5, -1.5, 1, -1, 0.5, -0.5, 0.25, -0.25, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0]);
    const out = Buffer.alloc(input.length * 3);
    encodePcm24(input, 0, input.length, out, 0);
    const codes = Array.from(input, (_, i) => out.readIntLE(i * 3, 3));
    // 0.5 × 8388607 = 4194303.5 exactly: the half case, away from zero on both sides.
    expect(codes).toEqual([8_388_607, -8_388_607, 8_388_607, -8_388_607, 4_194_304, -4_194_304, 2_097_152, -2_097_152, 0, 8_388_607, -8_388_607, 0, 0]);
    const t = open('clip.wav');
    t.writeAt(0, input);
    t.close();
    expect(soxCodes(t.path)).toEqual(codes);
  });

  it('interleaves a stereo track and refuses half frames and bad positions', () => {
    const t = open('st.wav', { channels: 2 });
    t.writeAt(0, Float32Array.from([0.5, -0.5, 0.25, -0.25]));
    expect(t.writeAt(3, Float32Array.from([1, -1])).gapFrames).toBe(1);
    expect(errorOf(() => t.writeAt(4, new Float32Array(3))).code).toBe('bad_request');
    expect(errorOf(() => t.writeAt(-1, new Float32Array(2))).code).toBe('bad_request');
    expect(errorOf(() => t.writeAt(1.5, new Float32Array(2))).code).toBe('bad_request');
    t.close();
    expect(soxi(t.path, '-c')).toBe('2');
    expect(soxCodes(t.path)).toEqual([4_194_304, -4_194_304, 2_097_152, -2_097_152, 0, 0, 8_388_607, -8_388_607]);
  });
});

describe('TrackFile: buffering, flush, close', () => {
  it('writes when the buffer is full and on flush, and flush brings the header up to date', () => {
    const t = open('b.wav', { flushBytes: 3000 });
    t.writeAt(0, sine(0, 4800));
    // 14 400 bytes through a 3000-byte buffer: four full writes, 2400 bytes still buffered.
    expect(t.bytesOnDisk).toBe(WAV_HEADER_BYTES + 12_000);
    expect(readWavInfo(t.path).frames).toBe(0);
    t.flush();
    expect(t.bytesOnDisk).toBe(WAV_HEADER_BYTES + 14_400);
    expect(readWavInfo(t.path).frames).toBe(4800);
    t.writeAt(4800, sine(4800, 1));
    t.flush();
    // An odd data size: the pad byte is there, and the next write goes over it.
    expect(fs.statSync(t.path).size).toBe(WAV_HEADER_BYTES + 14_403 + 1);
    t.writeAt(4801, sine(4801, 1));
    t.close();
    expect(fs.statSync(t.path).size).toBe(WAV_HEADER_BYTES + 14_406);
    expect(soxCodes(t.path)).toEqual(Array.from(sine(0, 4802), expectedCode));
  });

  it('writes loudness on close, closes once, and refuses writes afterwards', () => {
    const t = open();
    t.writeAt(0, sine(0, 480));
    t.close({ integrated: -18.5, range: 4.25, truePeak: -1.5 });
    t.close();
    t.abort();
    expect(readWavInfo(t.path)).toMatchObject({ frames: 480, loudness: { integrated: -18.5, range: 4.25, truePeak: -1.5 } });
    expect(errorOf(() => t.writeAt(480, sine(0, 1))).code).toBe('invalid_state');
    expect(errorOf(() => t.flush()).code).toBe('invalid_state');
  });

  it('abort keeps what was buffered and leaves a playable file', () => {
    const t = open();
    t.writeAt(0, sine(0, 1000));
    t.abort();
    expect(soxi(t.path, '-s')).toBe('1000');
    expect(repairWav(t.path).repaired).toBe(false);
  });

  it('a writer killed with SIGKILL leaves at most its unflushed audio behind, and the file repairs', () => {
    const file = path.join(tmp, 'killed.wav');
    const script = path.join(tmp, 'kill.ts');
    fs.writeFileSync(
      script,
      `import { TrackFile } from ${JSON.stringify(TRACK_FILE)};
const t = TrackFile.create(${JSON.stringify(file)}, { bext: { description: 'k', originator: 'P', originatorReference: 'r', startedAt: new Date() }, flushBytes: 14_400 });
const frame = new Float32Array(4800).map((_, i) => Math.sin(i / 7) * 0.5);
for (let k = 0; k < 25; k++) { t.writeAt(k * 4800, frame); if (k % 10 === 9) t.flush(); }
process.kill(process.pid, 'SIGKILL');
`,
    );
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
    expect(run.signal, run.stderr).toBe('SIGKILL');
    // The header was last written at the second flush (20 frames of 100 ms); the OS had every byte written since.
    expect(readWavInfo(file).frames).toBe(20 * 4800);
    fs.truncateSync(file, fs.statSync(file).size - 1); // and the disk lost a byte: a partial sample
    const repaired = repairWav(file);
    expect(repaired).toMatchObject({ frames: 25 * 4800 - 1, repaired: true, format: 'RIFF' });
    expect(soxi(file, '-s')).toBe(String(25 * 4800 - 1));
    const frame = new Float32Array(4800).map((_, i) => Math.sin(i / 7) * 0.5);
    expect(soxCodes(file).slice(-4799)).toEqual(Array.from(frame.subarray(0, 4799), expectedCode));
  });
});

describe('TrackFile: errors in words', () => {
  it('names a missing folder and an existing file', () => {
    const missing = path.join(tmp, 'gone', 'a.wav');
    const e1 = errorOf(() => TrackFile.create(missing, { bext: BEXT }));
    expect(e1.code).toBe('unavailable');
    expect(e1.message).toBe(`The recordings folder does not exist (moved, deleted, or its drive disconnected?): ${path.join(tmp, 'gone')}.`);
    const t = open('dup.wav');
    t.close();
    const before = fs.readFileSync(t.path);
    const e2 = errorOf(() => open('dup.wav'));
    expect(e2).toMatchObject({ code: 'unavailable', message: `A recording file with this name already exists: ${t.path}.` });
    expect(fs.readFileSync(t.path).equals(before)).toBe(true);
  });

  it('refuses a folder it may not write to', (ctx) => {
    const dir = path.join(tmp, 'locked');
    fs.mkdirSync(dir);
    fs.chmodSync(dir, 0o500);
    let target = dir;
    try {
      fs.writeFileSync(path.join(dir, 'probe'), '');
      fs.unlinkSync(path.join(dir, 'probe'));
      // Root ignores the mode bits; sysfs refuses new files even to root, so it stands in when there is one.
      target = '/sys';
      if (!fs.existsSync('/sys/kernel')) ctx.skip('running as root (mode 0500 does not stop writes) and no /sys to stand in');
    } catch {
      // The mode bits hold: the locked folder is the test.
    }
    const e = errorOf(() => TrackFile.create(path.join(target, 'podium-test.wav'), { bext: BEXT }));
    fs.chmodSync(dir, 0o700);
    expect(e.code).toBe('unavailable');
    expect(e.message).toMatch(new RegExp(`^(Podium is not allowed to create in the recordings folder|The recordings folder is read-only): ${target}\\.$`));
  });

  it('says a read-only disk is read-only (EROFS, simulated)', () => {
    vi.spyOn(fs, 'openSync').mockImplementation(() => {
      throw Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' });
    });
    const e = errorOf(() => open('ro.wav'));
    expect(e).toMatchObject({ code: 'unavailable', message: `The recordings folder is read-only: ${tmp}.` });
  });

  it('a full disk mid-recording: the error says so, and the file matches what reached the disk', () => {
    const t = open('full.wav', { flushBytes: 14_400 });
    t.writeAt(0, sine(0, 9600));
    const real = fs.writeSync.bind(fs) as (fd: number, b: Buffer, off: number, len: number, pos: number) => number;
    let calls = 0;
    // The next data write is accepted in part (1000 bytes, not a whole number of samples), then the disk is full:
    // nothing more can be appended, while rewriting bytes already in the file still works, as on a real full disk.
    vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, b: Buffer, off: number, len: number, pos: number) => {
      if (++calls === 1) return real(fd, b, off, Math.min(len, 1000), pos);
      if (pos + len <= fs.fstatSync(fd).size) return real(fd, b, off, len, pos);
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    }) as typeof fs.writeSync);
    const e = errorOf(() => t.writeAt(9600, sine(9600, 9600)));
    expect(e).toMatchObject({ code: 'unavailable', message: `The disk is full: ${t.path} could not be written.` });
    vi.restoreAllMocks();
    // Failed for good: no silent hole in the middle of the recording.
    expect(errorOf(() => t.writeAt(19_200, sine(0, 10)))).toBe(e);
    expect(errorOf(() => t.flush())).toBe(e);
    t.close();
    t.abort();
    // 333 whole samples of the 1000 bytes; one fewer, so the data is even and needs no pad byte on a full disk.
    const kept = 9600 + 332;
    expect(readWavInfo(t.path).frames).toBe(kept);
    expect(repairWav(t.path).repaired).toBe(false);
    expect(soxCodes(t.path)).toEqual(Array.from(sine(0, kept), expectedCode));
  });

  it('a real write error (EFBIG under a file-size limit) fails cleanly and leaves a playable file', (ctx) => {
    const file = path.join(tmp, 'limited.wav');
    const script = path.join(tmp, 'limit.ts');
    fs.writeFileSync(
      script,
      `import { TrackFile } from ${JSON.stringify(TRACK_FILE)};
const t = TrackFile.create(${JSON.stringify(file)}, { bext: { description: 'x', originator: 'P', originatorReference: 'r', startedAt: new Date() }, flushBytes: 10_000 });
try { for (let k = 0; k < 100; k++) t.writeAt(k * 4800, new Float32Array(4800).fill(0.25)); console.log('no error'); }
catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, again: (() => { try { t.writeAt(0, new Float32Array(1)); } catch (f) { return f === e; } })() })); }
t.abort();
`,
    );
    // ulimit -f counts 512-byte blocks in sh: 100 KiB. Node ignores SIGXFSZ, so the write fails with EFBIG.
    const run = spawnSync('sh', ['-c', `ulimit -f 200 && exec "${process.execPath}" --import tsx "${script}"`], { encoding: 'utf8', timeout: 60_000 });
    if (run.status !== 0 && /ulimit/.test(run.stderr)) ctx.skip(`this shell cannot limit file sizes: ${run.stderr}`);
    const report = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { code?: string; message?: string; again?: boolean };
    expect(report).toMatchObject({ code: 'unavailable', again: true });
    expect(report.message).toMatch(/too large for this disk's file system/);
    const info = readWavInfo(file);
    expect(info.dataOffset + info.dataBytes + (info.dataBytes % 2)).toBe(fs.statSync(file).size);
    expect(info.frames).toBeGreaterThan(0);
    expect(soxCodes(file).every((c) => c === 2_097_152)).toBe(true);
  });
});
