// Broadcast WAV files for local recordings: the header (EBU Tech 3285 v2 `bext`), the in-place size updates that
// turn a file past 4 GiB into RF64 (EBU Tech 3306), a tolerant reader, and the repair of a file whose writer died.
// Pure Node and synchronous: track-file.ts appends audio; this module writes headers and pad bytes, and a repair
// cuts off a partial sample.
//
// Layout, byte offsets:  0 'RIFF'|'RF64' size · 8 'WAVE' · 12 'JUNK' (28 bytes, the room a ds64 needs, so the
// conversion never moves audio) · 48 'fmt ' (16) · 72 'bext' (602 + coding history) · 'data' last, so a crashed
// file's audio length can be recomputed from its length. fmt is plain WAVE_FORMAT_PCM, as BWF prescribes, even
// at 24 bits. Strings in bext are ASCII by the standard: other characters are transliterated or become '?'.
import fs from 'node:fs';
import path from 'node:path';
import { RECORDING_BITS, RECORDING_SAMPLE_RATE, type Loudness } from '../../../common/recording';
import { PodiumError } from '../../../common/result';

export interface BextInfo {
  description: string;
  originator: string;
  originatorReference: string;
  /** Written as local date and time, and TimeReference counts samples from local midnight, as BWF tools do. */
  startedAt: Date;
  codingHistory?: string;
}

/** The bext as read back: its text fields, date and time as written, TimeReference in samples. */
export type WavBext = Omit<BextInfo, 'startedAt' | 'codingHistory'> & { date: string; time: string; timeReference: number; version: number; codingHistory: string };

export interface WavInfo {
  format: 'RIFF' | 'RF64';
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  dataOffset: number;
  dataBytes: number;
  frames: number;
  bext: WavBext | null;
  /** From a version-2 bext; a field never measured is null. */
  loudness: Loudness | null;
}

export type RepairResult = Pick<WavInfo, 'frames' | 'dataBytes' | 'format'> & { repaired: boolean };

const U32_MAX = 0xffff_ffff;
const JUNK_BODY = 28;
const FMT_AT = 48;
const BEXT_AT = 72;
const BEXT_FIXED = 602;
/** Offset of LoudnessValue inside the bext body; four more i16 follow. */
const BEXT_LOUDNESS = 412;
const LOUDNESS_UNKNOWN = 0x7fff;
/** Our files have five chunks; a file claiming thousands is hostile or not a recording, and is not walked. */
const MAX_CHUNKS = 4096;
const MAX_CODING_HISTORY = 4096;

const bad = (file: string, message: string) => new PodiumError('bad_request', `${path.basename(file)}: ${message}`);

type Action = 'create' | 'write' | 'read';
const IN_WORDS: Record<string, (file: string, dir: string, action: Action) => string> = {
  ENOSPC: (f, d, a) => `The disk is full: ${a === 'create' ? `no room for a new recording in ${d}` : `${f} could not be written`}.`,
  EDQUOT: (f) => `The disk quota is used up: ${f} could not be written.`,
  EROFS: (_f, d) => `The recordings folder is read-only: ${d}.`,
  EACCES: (_f, d, a) => `Podium is not allowed to ${a} in the recordings folder: ${d}.`,
  ENOENT: (_f, d) => `The recordings folder does not exist (moved, deleted, or its drive disconnected?): ${d}.`,
  ENOTDIR: (_f, d) => `Part of the recordings folder's path is not a folder: ${d}.`,
  EEXIST: (f) => `A recording file with this name already exists: ${f}.`,
  EFBIG: (f) => `The file is too large for this disk's file system (FAT32 stops at 4 GB): ${f}.`,
  EIO: (f) => `The disk reported an input/output error (failing, or unplugged?): ${f}.`,
  EBADF: (f) => `The recording file was closed while it was still being written: ${f}.`,
  ENODEV: (f) => `The disk is no longer available: ${f}.`,
  EMFILE: (f, _d, a) => `Too many files are open to ${a} ${f}.`,
};
const SAME_AS: Record<string, string> = { EPERM: 'EACCES', ENXIO: 'ENODEV', ESTALE: 'ENODEV', ENOTCONN: 'ENODEV', ENFILE: 'EMFILE' };

/** A file-system failure in words (the recorder shows it as is); a PodiumError passes through. */
export function diskError(error: unknown, file: string, action: Action = 'write'): PodiumError {
  if (error instanceof PodiumError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (code === 'ENOENT' && action === 'read') return new PodiumError('not_found', `There is no recording file at ${file}.`);
  if (code === 'EISDIR') return new PodiumError('bad_request', `${file} is a folder, not a recording file.`);
  const words = IN_WORDS[SAME_AS[code] ?? code];
  return new PodiumError('unavailable', words ? words(file, path.dirname(file), action) : `Could not ${action} ${file} (${code || 'unknown error'}).`);
}

// ── Writing ─────────────────────────────────────────────────────────────────────────────────────────────────────
const TYPOGRAPHY: Record<string, string> = { '—': '-', '–': '-', '‘': "'", '’': "'", '“': '"', '”': '"', '…': '...', '\u00a0': ' ' };

/** ASCII for a bext text field: accents dropped (é → e), common typography mapped, anything else '?'. */
function toAscii(text: string, keepLineBreaks = false): string {
  const out = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e\r\n]/g, (c) => TYPOGRAPHY[c] ?? '?');
  return keepLineBreaks ? out : out.replace(/[\r\n]/g, ' ');
}

function loudnessWord(value: number | null | undefined): number {
  if (value === null || value === undefined || !Number.isFinite(value)) return LOUDNESS_UNKNOWN;
  // 0x7fff means "unknown", so a real value stops one below it.
  return Math.max(-0x8000, Math.min(LOUDNESS_UNKNOWN - 1, Math.round(value * 100)));
}

function loudnessBytes(loudness: Loudness | undefined): Buffer {
  const b = Buffer.alloc(10);
  // LoudnessValue, LoudnessRange, MaxTruePeakLevel; momentary and short-term maxima are not measured.
  const values = [loudness?.integrated, loudness?.range, loudness?.truePeak, null, null];
  values.forEach((v, i) => b.writeInt16LE(loudnessWord(v), i * 2));
  return b;
}

const two = (n: number) => String(n).padStart(2, '0');

export function wavHeader(opts: { channels: number; bext: BextInfo; loudness?: Loudness }): { header: Buffer; dataOffset: number } {
  const { channels, bext } = opts;
  if (!Number.isInteger(channels) || channels < 1 || channels > 2) {
    throw new PodiumError('bad_request', `A recording track has 1 or 2 channels, not ${channels}.`);
  }
  const at = bext.startedAt;
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) throw new PodiumError('bad_request', 'A recording needs a valid start time.');
  const rate = RECORDING_SAMPLE_RATE;
  const blockAlign = channels * (RECORDING_BITS / 8);
  const defaultHistory = `A=PCM,F=${rate},W=${RECORDING_BITS},M=${channels === 1 ? 'mono' : 'stereo'},T=Podium\r\n`;
  let history = toAscii(bext.codingHistory ?? defaultHistory, true).slice(0, MAX_CODING_HISTORY);
  // An even bext body keeps every chunk before data even-sized, so no reader has to know about pad bytes there.
  if (history.length % 2) history += '\0';
  const bextSize = BEXT_FIXED + history.length;
  const dataOffset = BEXT_AT + 8 + bextSize + 8;
  const h = Buffer.alloc(dataOffset);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(dataOffset - 8, 4);
  h.write('WAVE', 8, 'latin1');
  h.write('JUNK', 12, 'latin1');
  h.writeUInt32LE(JUNK_BODY, 16);
  h.write('fmt ', FMT_AT, 'latin1');
  h.writeUInt32LE(16, FMT_AT + 4);
  h.writeUInt16LE(1, FMT_AT + 8);
  h.writeUInt16LE(channels, FMT_AT + 10);
  h.writeUInt32LE(rate, FMT_AT + 12);
  h.writeUInt32LE(rate * blockAlign, FMT_AT + 16);
  h.writeUInt16LE(blockAlign, FMT_AT + 20);
  h.writeUInt16LE(RECORDING_BITS, FMT_AT + 22);
  h.write('bext', BEXT_AT, 'latin1');
  h.writeUInt32LE(bextSize, BEXT_AT + 4);
  const b = BEXT_AT + 8;
  // Buffer.write stops at the field's length; the rest stays NUL, which terminates shorter strings.
  h.write(toAscii(bext.description), b, 256, 'latin1');
  h.write(toAscii(bext.originator), b + 256, 32, 'latin1');
  h.write(toAscii(bext.originatorReference), b + 288, 32, 'latin1');
  h.write(`${String(at.getFullYear()).padStart(4, '0')}-${two(at.getMonth() + 1)}-${two(at.getDate())}`, b + 320, 10, 'latin1');
  h.write(`${two(at.getHours())}-${two(at.getMinutes())}-${two(at.getSeconds())}`, b + 330, 8, 'latin1');
  // From the wall-clock time of day rather than elapsed time, so it agrees with OriginationTime on DST days too.
  const msOfDay = ((at.getHours() * 60 + at.getMinutes()) * 60 + at.getSeconds()) * 1000 + at.getMilliseconds();
  h.writeBigUInt64LE(BigInt((msOfDay * rate) / 1000), b + 338);
  h.writeUInt16LE(2, b + 346);
  // UMID (64 bytes at b + 348) stays zero: Podium does not mint SMPTE UMIDs.
  loudnessBytes(opts.loudness).copy(h, b + BEXT_LOUDNESS);
  h.write(history, b + BEXT_FIXED, 'latin1');
  h.write('data', dataOffset - 8, 'latin1');
  return { header: h, dataOffset };
}

function readAt(fd: number, length: number, position: number): Buffer {
  const buffer = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const n = fs.readSync(fd, buffer, got, length - got, position + got);
    if (n <= 0) break;
    got += n;
  }
  return buffer.subarray(0, got);
}

function writeAt(fd: number, bytes: Buffer, position: number): void {
  let done = 0;
  while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done, position + done);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}
const fourcc = (b: Buffer, at: number) => b.toString('latin1', at, at + 4);

/**
 * Makes the header say `dataBytes` of audio. Past 4 GiB of RIFF the file becomes RF64 (the JUNK chunk turns into a
 * ds64 holding the 64-bit sizes); back under it, RIFF again. Fields are written so that a crash between two writes
 * leaves something repairWav understands. An odd data chunk gets its pad byte when it ends the file.
 */
export function writeSizes(fd: number, dataOffset: number, dataBytes: number): void {
  if (!Number.isSafeInteger(dataOffset) || dataOffset < 20 || !Number.isSafeInteger(dataBytes) || dataBytes < 0) {
    throw new PodiumError('bad_request', `writeSizes: bad arguments (data at ${dataOffset}, ${dataBytes} bytes).`);
  }
  const head = readAt(fd, 20, 0);
  const mark = readAt(fd, 4, dataOffset - 8);
  const kind = head.length === 20 ? fourcc(head, 0) : '';
  if ((kind !== 'RIFF' && kind !== 'RF64') || fourcc(head, 8) !== 'WAVE' || mark.toString('latin1') !== 'data') {
    throw new PodiumError('bad_request', `writeSizes: no WAV header with its data chunk at byte ${dataOffset - 8}.`);
  }
  const pad = dataBytes % 2;
  const riffSize = dataOffset - 8 + dataBytes + pad;
  const first = fourcc(head, 12);
  const top = Buffer.alloc(8);
  if (riffSize <= U32_MAX) {
    writeAt(fd, u32(dataBytes), dataOffset - 4);
    if (first === 'ds64') writeAt(fd, Buffer.from('JUNK', 'latin1'), 12);
    top.write('RIFF', 0, 'latin1');
    top.writeUInt32LE(riffSize, 4);
  } else {
    if ((first !== 'JUNK' && first !== 'ds64') || head.readUInt32LE(16) < JUNK_BODY) {
      throw new PodiumError('bad_request', 'This WAV file would pass 4 GiB and has no JUNK chunk to turn into RF64.');
    }
    const { blockAlign } = scan(fd, fs.fstatSync(fd).size, 'lenient', 'the file').fmt;
    const ds = Buffer.alloc(JUNK_BODY);
    ds.writeBigUInt64LE(BigInt(riffSize), 0);
    ds.writeBigUInt64LE(BigInt(dataBytes), 8);
    ds.writeBigUInt64LE(BigInt(Math.floor(dataBytes / blockAlign)), 16);
    // tableLength (offset 24) stays 0: no other chunk is that large.
    writeAt(fd, ds, 20);
    writeAt(fd, Buffer.from('ds64', 'latin1'), 12);
    writeAt(fd, u32(U32_MAX), dataOffset - 4);
    top.write('RF64', 0, 'latin1');
    top.writeUInt32LE(U32_MAX, 4);
  }
  writeAt(fd, top, 0);
  // Only at the end of the file: a caller passing a stale, smaller size must not have a sample overwritten.
  if (pad && fs.fstatSync(fd).size <= dataOffset + dataBytes) writeAt(fd, Buffer.alloc(1), dataOffset + dataBytes);
}

// ── Reading ─────────────────────────────────────────────────────────────────────────────────────────────────────
interface Layout {
  format: 'RIFF' | 'RF64';
  /** The RIFF (or ds64) size as declared. */
  riffSize: number;
  fmt: { channels: number; sampleRate: number; bitsPerSample: number; blockAlign: number };
  bext: { offset: number; size: number } | null;
  data: { offset: number; declared: number };
}

/**
 * Walks the chunks, reading only headers, bounded by the file's real size. 'strict' refuses any chunk that runs
 * past the end; 'lenient' (repair) accepts a data chunk that does and stops there.
 */
function scan(fd: number, fileSize: number, mode: 'strict' | 'lenient', file: string): Layout {
  if (fileSize < 12) throw bad(file, `${fileSize} bytes is too short for a WAV file.`);
  const head = readAt(fd, 12, 0);
  const format = fourcc(head, 0);
  if ((format !== 'RIFF' && format !== 'RF64') || fourcc(head, 8) !== 'WAVE') throw bad(file, 'not a WAV file (it does not start with RIFF…WAVE).');
  let riffSize = head.readUInt32LE(4);
  let ds64: { data: number; table: Map<string, number> } | null = null;
  let fmt: Layout['fmt'] | null = null;
  let bext: Layout['bext'] = null;
  let data: Layout['data'] | null = null;
  let pos = 12;
  let end = fileSize;
  for (let count = 0; pos + 8 <= end; count++) {
    if (count >= MAX_CHUNKS) throw bad(file, `more than ${MAX_CHUNKS} chunks: not a recording Podium can read.`);
    const h = readAt(fd, 8, pos);
    const id = fourcc(h, 0);
    const shown = JSON.stringify(id);
    let size = h.readUInt32LE(4);
    if (format === 'RF64' && count === 0) {
      if (id !== 'ds64' || size < JUNK_BODY) throw bad(file, 'an RF64 file must begin with a ds64 chunk.');
      const d = readAt(fd, Math.min(size, JUNK_BODY + 12 * 64), pos + 8);
      if (d.length < JUNK_BODY) throw bad(file, 'the ds64 chunk is cut short.');
      const big = (at: number) => {
        const v = d.readBigUInt64LE(at);
        if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw bad(file, 'the ds64 chunk holds an impossible size.');
        return Number(v);
      };
      riffSize = big(0);
      const table = new Map<string, number>();
      const entries = Math.min(d.readUInt32LE(24), Math.floor((d.length - JUNK_BODY) / 12));
      for (let i = 0; i < entries; i++) table.set(fourcc(d, JUNK_BODY + i * 12), big(JUNK_BODY + i * 12 + 4));
      ds64 = { data: big(8), table };
    } else if (ds64 && size === U32_MAX) {
      const real = id === 'data' ? ds64.data : ds64.table.get(id);
      if (real === undefined) throw bad(file, `chunk ${shown} says its size is in the ds64 table, and it is not there.`);
      size = real;
    }
    // The RIFF size bounds the walk when it is plausible (trailing bytes after it are not chunks).
    if (count === 0 && riffSize + 8 >= pos + 8 + size && riffSize + 8 < end) end = riffSize + 8;
    const body = pos + 8;
    if (body + size > fileSize) {
      if (id === 'data' && mode === 'lenient' && !data) {
        data = { offset: pos, declared: size };
        break;
      }
      if (data && mode === 'lenient') break;
      throw bad(file, `chunk ${shown} at byte ${pos} says it holds ${size} bytes, but the file ends ${fileSize - body} bytes later: it is truncated or damaged` + (id === 'data' ? ' (a recording cut short can be repaired).' : '.'));
    }
    if (id === 'fmt ' && !fmt) {
      if (size < 16) throw bad(file, `its fmt chunk is ${size} bytes; it needs at least 16.`);
      const f = readAt(fd, 16, body);
      const channels = f.readUInt16LE(2);
      const sampleRate = f.readUInt32LE(4);
      const blockAlign = f.readUInt16LE(12);
      const bitsPerSample = f.readUInt16LE(14);
      if (!channels || !sampleRate || !blockAlign || !bitsPerSample) {
        throw bad(file, `its fmt chunk describes no playable audio (${channels} channels, ${sampleRate} Hz, ${bitsPerSample} bits).`);
      }
      fmt = { channels, sampleRate, bitsPerSample, blockAlign };
    } else if (id === 'bext' && !bext && size >= BEXT_FIXED) {
      bext = { offset: body, size };
    } else if (id === 'data' && !data) {
      data = { offset: pos, declared: size };
    }
    pos = body + size + (size % 2);
  }
  if (!fmt) throw bad(file, 'it has no fmt chunk, so its audio format is unknown.');
  if (!data) throw bad(file, 'it has no data chunk: there is no audio in it.');
  return { format, riffSize, fmt, bext, data };
}

const cString = (b: Buffer, from: number, length: number) => {
  const s = b.toString('latin1', from, from + length);
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
};

function readBext(fd: number, at: { offset: number; size: number }): { bext: WavBext; loudness: Loudness | null } {
  const b = readAt(fd, Math.min(at.size, BEXT_FIXED + MAX_CODING_HISTORY), at.offset);
  const version = b.readUInt16LE(346);
  const loud = (i: number) => {
    const v = b.readInt16LE(BEXT_LOUDNESS + i * 2);
    return v === LOUDNESS_UNKNOWN ? null : v / 100;
  };
  return {
    bext: {
      description: cString(b, 0, 256),
      originator: cString(b, 256, 32),
      originatorReference: cString(b, 288, 32),
      date: cString(b, 320, 10),
      time: cString(b, 330, 8),
      timeReference: Number(b.readBigUInt64LE(338)),
      version,
      codingHistory: cString(b, BEXT_FIXED, b.length - BEXT_FIXED),
    },
    loudness: version >= 2 ? { integrated: loud(0), range: loud(1), truePeak: loud(2) } : null,
  };
}

function withFile<T>(file: string, flags: 'r' | 'r+', action: 'read' | 'write', work: (fd: number, size: number) => T): T {
  let fd: number;
  try {
    fd = fs.openSync(file, flags);
  } catch (error) {
    // A file that is not there is "not found", whether it was to be read or repaired.
    throw diskError(error, file, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'read' : action);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw bad(file, 'not a regular file.');
    return work(fd, stat.size);
  } catch (error) {
    throw diskError(error, file, action);
  } finally {
    fs.closeSync(fd);
  }
}

export function readWavInfo(file: string): WavInfo {
  return withFile(file, 'r', 'read', (fd, size) => {
    const { format, fmt, bext, data } = scan(fd, size, 'strict', file);
    const parsed = bext ? readBext(fd, bext) : null;
    return {
      format,
      channels: fmt.channels,
      sampleRate: fmt.sampleRate,
      bitsPerSample: fmt.bitsPerSample,
      dataOffset: data.offset + 8,
      dataBytes: data.declared,
      frames: Math.floor(data.declared / fmt.blockAlign),
      bext: parsed?.bext ?? null,
      loudness: parsed?.loudness ?? null,
    };
  });
}

/**
 * Makes a file whose writer was killed playable: the audio is whatever whole sample frames follow the data header
 * (data is the last chunk in Podium's files), a partial last frame is cut off, and the sizes are rewritten. A file
 * whose sizes already match its length is left untouched, so repairing twice changes nothing.
 */
export function repairWav(file: string): RepairResult {
  return withFile(file, 'r+', 'write', (fd, size) => {
    const layout = scan(fd, size, 'lenient', file);
    const { blockAlign } = layout.fmt;
    const dataOffset = layout.data.offset + 8;
    const declared = layout.data.declared;
    const declaredEnd = dataOffset + declared + (declared % 2);
    if (layout.riffSize + 8 === size && declaredEnd <= size && declared % blockAlign === 0) {
      return { frames: declared / blockAlign, dataBytes: declared, repaired: false, format: layout.format };
    }
    const available = size - dataOffset;
    // An odd data chunk followed by its pad byte is complete, not a partial frame.
    const kept = declared % 2 && available === declared + 1 && declared % blockAlign === 0 ? declared : available - (available % blockAlign);
    if (size > dataOffset + kept) fs.ftruncateSync(fd, dataOffset + kept);
    writeSizes(fd, dataOffset, kept);
    fs.fsyncSync(fd);
    const format = dataOffset - 8 + kept + (kept % 2) > U32_MAX ? 'RF64' : 'RIFF';
    return { frames: kept / blockAlign, dataBytes: kept, repaired: true, format };
  });
}

/** Writes loudness into the bext of an open file (version raised to 2, whose fields these are). */
export function writeBextLoudness(fd: number, loudness: Loudness, file = 'the file'): void {
  const { bext } = scan(fd, fs.fstatSync(fd).size, 'lenient', file);
  if (!bext) throw bad(file, 'it has no bext chunk to hold loudness.');
  const version = readAt(fd, 2, bext.offset + 346);
  if (version.length === 2 && version.readUInt16LE(0) < 2) writeAt(fd, Buffer.from([2, 0]), bext.offset + 346);
  writeAt(fd, loudnessBytes(loudness), bext.offset + BEXT_LOUDNESS);
}

export function updateBextLoudness(file: string, loudness: Loudness): void {
  withFile(file, 'r+', 'write', (fd) => {
    writeBextLoudness(fd, loudness, file);
    fs.fsyncSync(fd);
  });
}
