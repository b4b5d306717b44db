// The recording WAV format: the BWF header field by field, sizes rewritten in place (RIFF and, past 4 GiB, RF64),
// repair of a file whose writer was killed, and a reader that answers garbage with a clear error. Files are read
// back with sox, an independent decoder. RF64 is tested on real files over 4 GiB that are sparse (ftruncate, then a
// few bytes at the end), so nothing close to 4 GiB is written; sox is not run on those (it reads all 4.5 GB).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PodiumError } from '../../../../common/result';
import { readWavInfo, repairWav, updateBextLoudness, wavHeader, writeSizes, type BextInfo } from '../../../../main/services/recording/wav';

const BEXT: BextInfo = {
  description: 'Episode 12 — Zoë & Ana',
  originator: 'Podium',
  originatorReference: 'r0123456789ab-1',
  startedAt: new Date(2024, 2, 5, 7, 8, 9, 250),
};
const U32_MAX = 0xffff_ffff;
const FOUR_GIB = 2 ** 32;

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-wav-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const soxi = (file: string, flag: string) => execFileSync('soxi', [flag, file], { encoding: 'utf8' }).trim();
function soxSamples(file: string): Float32Array {
  const raw = execFileSync('sox', [file, '-t', 'f32', '-'], { maxBuffer: 1 << 28 });
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

/** A header followed by `pcm`, with the header still saying 0 bytes: what a writer killed before its first flush leaves. */
function staleFile(name: string, pcm: Buffer, channels = 1): { file: string; dataOffset: number } {
  const { header, dataOffset } = wavHeader({ channels, bext: BEXT });
  const file = path.join(tmp, name);
  fs.writeFileSync(file, Buffer.concat([header, pcm]));
  return { file, dataOffset };
}

/** 24-bit little-endian PCM of the given integer codes. */
function pcm24(codes: number[]): Buffer {
  const b = Buffer.alloc(codes.length * 3);
  codes.forEach((c, i) => b.writeIntLE(c, i * 3, 3));
  return b;
}

function expectBadRequest(run: () => unknown, message: RegExp): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected a PodiumError').toBeInstanceOf(PodiumError);
  expect((thrown as PodiumError).code).toBe('bad_request');
  expect((thrown as PodiumError).message).toMatch(message);
}

describe('wavHeader', () => {
  it('lays out RIFF, JUNK, fmt, bext and data field by field', () => {
    const { header: h, dataOffset } = wavHeader({ channels: 1, bext: BEXT, loudness: { integrated: -16.24, range: 5.5, truePeak: null } });
    const text = (from: number, length: number) => h.toString('latin1', from, from + length);
    expect(text(0, 4)).toBe('RIFF');
    expect(h.readUInt32LE(4)).toBe(dataOffset - 8);
    expect(text(8, 4)).toBe('WAVE');
    // JUNK right after WAVE, 28 zero bytes: exactly the body of a ds64.
    expect(text(12, 4)).toBe('JUNK');
    expect(h.readUInt32LE(16)).toBe(28);
    expect(h.subarray(20, 48).every((b) => b === 0)).toBe(true);
    expect(text(48, 4)).toBe('fmt ');
    expect(h.readUInt32LE(52)).toBe(16);
    expect(h.readUInt16LE(56)).toBe(1); // WAVE_FORMAT_PCM
    expect(h.readUInt16LE(58)).toBe(1);
    expect(h.readUInt32LE(60)).toBe(48_000);
    expect(h.readUInt32LE(64)).toBe(144_000);
    expect(h.readUInt16LE(68)).toBe(3);
    expect(h.readUInt16LE(70)).toBe(24);
    expect(text(72, 4)).toBe('bext');
    const bextSize = h.readUInt32LE(76);
    expect(bextSize % 2).toBe(0);
    const b = 80;
    // Description, 256 bytes, ASCII: accents dropped, the dash mapped, NUL-padded.
    expect(text(b, 22)).toBe('Episode 12 - Zoe & Ana');
    expect(h.subarray(b + 22, b + 256).every((x) => x === 0)).toBe(true);
    expect(text(b + 256, 7)).toBe('Podium\0');
    expect(text(b + 288, 16)).toBe('r0123456789ab-1\0');
    expect(text(b + 320, 10)).toBe('2024-03-05');
    expect(text(b + 330, 8)).toBe('07-08-09');
    // Samples since local midnight: 07:08:09.250 at 48 kHz.
    expect(h.readBigUInt64LE(b + 338)).toBe(BigInt(((7 * 3600 + 8 * 60 + 9) * 1000 + 250) * 48));
    expect(h.readUInt16LE(b + 346)).toBe(2);
    expect(h.subarray(b + 348, b + 412).every((x) => x === 0)).toBe(true); // UMID
    expect(h.readInt16LE(b + 412)).toBe(-1624);
    expect(h.readInt16LE(b + 414)).toBe(550);
    expect(h.readInt16LE(b + 416)).toBe(0x7fff); // true peak unknown
    expect(h.readInt16LE(b + 418)).toBe(0x7fff);
    expect(h.readInt16LE(b + 420)).toBe(0x7fff);
    expect(h.subarray(b + 422, b + 602).every((x) => x === 0)).toBe(true); // reserved
    const history = 'A=PCM,F=48000,W=24,M=mono,T=Podium\r\n';
    expect(text(b + 602, history.length)).toBe(history);
    expect(bextSize).toBe(602 + history.length + (history.length % 2));
    expect(80 + bextSize).toBe(dataOffset - 8);
    expect(text(dataOffset - 8, 4)).toBe('data');
    expect(h.readUInt32LE(dataOffset - 4)).toBe(0);
    expect(h.length).toBe(dataOffset);
  });

  it('fills a field to its length without a terminator, keeps stereo and odd coding histories even', () => {
    const long = { ...BEXT, description: 'x'.repeat(300), originator: 'y'.repeat(40), codingHistory: 'A=PCM,F=48000,W=24,M=stereo,T=Test\r\n!' };
    const { header: h, dataOffset } = wavHeader({ channels: 2, bext: long });
    expect(h.toString('latin1', 80, 80 + 256)).toBe('x'.repeat(256));
    expect(h.toString('latin1', 80 + 256, 80 + 288)).toBe('y'.repeat(32));
    expect(h.readUInt16LE(58)).toBe(2);
    expect(h.readUInt16LE(68)).toBe(6);
    expect(h.readUInt32LE(76) % 2).toBe(0);
    expect(dataOffset % 2).toBe(0);
  });

  it('refuses impossible channel counts and start times', () => {
    expectBadRequest(() => wavHeader({ channels: 3, bext: BEXT }), /1 or 2 channels/);
    expectBadRequest(() => wavHeader({ channels: 0, bext: BEXT }), /1 or 2 channels/);
    expectBadRequest(() => wavHeader({ channels: 1, bext: { ...BEXT, startedAt: new Date(Number.NaN) } }), /start time/);
  });

  it('is read by sox as an empty 48 kHz 24-bit mono WAV', () => {
    const { file } = staleFile('empty.wav', Buffer.alloc(0));
    expect(soxi(file, '-r')).toBe('48000');
    expect(soxi(file, '-b')).toBe('24');
    expect(soxi(file, '-c')).toBe('1');
    expect(soxi(file, '-s')).toBe('0');
  });
});

describe('writeSizes', () => {
  it('rewrites the RIFF and data sizes in place and pads an odd data chunk', () => {
    const { file, dataOffset } = staleFile('three.wav', pcm24([1, -1, 8_388_607]));
    const fd = fs.openSync(file, 'r+');
    try {
      writeSizes(fd, dataOffset, 9);
    } finally {
      fs.closeSync(fd);
    }
    const b = fs.readFileSync(file);
    expect(b.length).toBe(dataOffset + 10);
    expect(b[dataOffset + 9]).toBe(0);
    expect(b.readUInt32LE(4)).toBe(dataOffset - 8 + 10);
    expect(b.readUInt32LE(dataOffset - 4)).toBe(9);
    expect(soxi(file, '-s')).toBe('3');
    expect(Array.from(soxSamples(file), (x) => x * 8_388_608)).toEqual([1, -1, 8_388_607]);
  });

  it('turns the file into RF64 past 4 GiB (JUNK becomes ds64) and back to RIFF under it', () => {
    const { file, dataOffset } = staleFile('big.wav', Buffer.alloc(0));
    const dataBytes = 3 * 1_500_000_001; // 4.5 GB: more than 2^32
    const fd = fs.openSync(file, 'r+');
    try {
      // Sparse: the file is 4.5 GB long but only its header and last frame occupy the disk.
      fs.ftruncateSync(fd, dataOffset + dataBytes - 3);
      fs.writeSync(fd, pcm24([4_194_304]), 0, 3, dataOffset + dataBytes - 3);
      writeSizes(fd, dataOffset, dataBytes);
      const h = Buffer.alloc(dataOffset);
      fs.readSync(fd, h, 0, dataOffset, 0);
      expect(h.toString('latin1', 0, 4)).toBe('RF64');
      expect(h.readUInt32LE(4)).toBe(U32_MAX);
      expect(h.toString('latin1', 12, 16)).toBe('ds64');
      expect(h.readUInt32LE(16)).toBe(28);
      expect(h.readBigUInt64LE(20)).toBe(BigInt(dataOffset - 8 + dataBytes + 1)); // riffSize, pad byte included
      expect(h.readBigUInt64LE(28)).toBe(BigInt(dataBytes));
      expect(h.readBigUInt64LE(36)).toBe(1_500_000_001n); // sampleCount
      expect(h.readUInt32LE(44)).toBe(0); // tableLength
      expect(h.readUInt32LE(dataOffset - 4)).toBe(U32_MAX);
      expect(fs.fstatSync(fd).size).toBe(dataOffset + dataBytes + 1);
      const info = readWavInfo(file);
      expect(info).toMatchObject({ format: 'RF64', dataOffset, dataBytes, frames: 1_500_000_001, channels: 1, bitsPerSample: 24 });
      expect(info.bext?.originatorReference).toBe('r0123456789ab-1');

      fs.ftruncateSync(fd, dataOffset + 30);
      writeSizes(fd, dataOffset, 30);
      fs.readSync(fd, h, 0, dataOffset, 0);
      expect(h.toString('latin1', 0, 4)).toBe('RIFF');
      expect(h.readUInt32LE(4)).toBe(dataOffset - 8 + 30);
      expect(h.toString('latin1', 12, 16)).toBe('JUNK');
      expect(h.readUInt32LE(dataOffset - 4)).toBe(30);
    } finally {
      fs.closeSync(fd);
    }
    expect(readWavInfo(file)).toMatchObject({ format: 'RIFF', dataBytes: 30, frames: 10 });
    expect(soxi(file, '-s')).toBe('10');
  });

  it('switches at the RIFF limit, not at the data size', () => {
    const { file, dataOffset } = staleFile('edge.wav', Buffer.alloc(0));
    const fd = fs.openSync(file, 'r+');
    try {
      // The RIFF size is even (pad byte), so its largest value is 0xFFFFFFFE; one byte more and it is RF64.
      const fits = U32_MAX - (dataOffset - 8) - 1;
      fs.ftruncateSync(fd, dataOffset + fits);
      writeSizes(fd, dataOffset, fits);
      expect(readWavInfo(file).format).toBe('RIFF');
      fs.ftruncateSync(fd, dataOffset + fits + 1);
      writeSizes(fd, dataOffset, fits + 1);
      expect(readWavInfo(file)).toMatchObject({ format: 'RF64', dataBytes: fits + 1 });
    } finally {
      fs.closeSync(fd);
    }
  });

  it('refuses a file whose data chunk is not where it is told', () => {
    const { file, dataOffset } = staleFile('x.wav', Buffer.alloc(0));
    const fd = fs.openSync(file, 'r+');
    try {
      expectBadRequest(() => writeSizes(fd, dataOffset + 2, 0), /no WAV header/);
    } finally {
      fs.closeSync(fd);
    }
  });
});

describe('repairWav', () => {
  const codes = Array.from({ length: 1001 }, (_, i) => ((i * 7919) % 16_000_000) - 8_000_000);

  it('recovers a file whose header still says 0 bytes, and does nothing the second time', () => {
    const { file, dataOffset } = staleFile('zero.wav', pcm24(codes));
    expect(readWavInfo(file).frames).toBe(0);
    expect(repairWav(file)).toEqual({ frames: 1001, dataBytes: 3003, repaired: true, format: 'RIFF' });
    expect(fs.statSync(file).size).toBe(dataOffset + 3004); // odd data: pad byte added
    expect(repairWav(file)).toEqual({ frames: 1001, dataBytes: 3003, repaired: false, format: 'RIFF' });
    expect(soxi(file, '-s')).toBe('1001');
    expect(Array.from(soxSamples(file), (x) => x * 8_388_608)).toEqual(codes);
  });

  it('drops a partial last sample frame', () => {
    const { file, dataOffset } = staleFile('cut.wav', Buffer.concat([pcm24(codes.slice(0, 1000)), Buffer.from([0x12, 0x34])]));
    expect(repairWav(file)).toMatchObject({ frames: 1000, dataBytes: 3000, repaired: true });
    expect(fs.statSync(file).size).toBe(dataOffset + 3000);
    expect(Array.from(soxSamples(file), (x) => x * 8_388_608)).toEqual(codes.slice(0, 1000));
    expect(repairWav(file).repaired).toBe(false);
  });

  it('cuts a stereo file at a whole frame', () => {
    const { file } = staleFile('st.wav', pcm24([1, 2, 3, 4, 5]), 2);
    expect(repairWav(file)).toMatchObject({ frames: 2, dataBytes: 12 });
    expect(soxi(file, '-c')).toBe('2');
    expect(Array.from(soxSamples(file), (x) => x * 8_388_608)).toEqual([1, 2, 3, 4]);
  });

  it('leaves a consistent file alone', () => {
    const { file } = staleFile('ok.wav', pcm24(codes));
    repairWav(file);
    const before = fs.readFileSync(file);
    expect(repairWav(file).repaired).toBe(false);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('makes a killed file past 4 GiB RF64', () => {
    const { file, dataOffset } = staleFile('big.wav', Buffer.alloc(0));
    fs.truncateSync(file, dataOffset + FOUR_GIB + 7); // 1431655767 frames and 2 stray bytes
    const kept = FOUR_GIB + 5;
    expect(repairWav(file)).toEqual({ frames: kept / 3, dataBytes: kept, repaired: true, format: 'RF64' });
    expect(readWavInfo(file)).toMatchObject({ format: 'RF64', dataBytes: kept });
    expect(fs.statSync(file).size).toBe(dataOffset + kept + 1);
    expect(repairWav(file).repaired).toBe(false);
  });

  it('answers a missing or unreadable file with a clear error', () => {
    expect(() => repairWav(path.join(tmp, 'nope.wav'))).toThrow(expect.objectContaining({ code: 'not_found', message: expect.stringMatching(/There is no recording file/) }));
    fs.writeFileSync(path.join(tmp, 'text.wav'), 'hello');
    expectBadRequest(() => repairWav(path.join(tmp, 'text.wav')), /too short/);
  });
});

describe('updateBextLoudness', () => {
  it('writes the loudness fields in place, ×100, 0x7fff for unknown', () => {
    const { file, dataOffset } = staleFile('l.wav', pcm24([1, 2]));
    repairWav(file);
    updateBextLoudness(file, { integrated: -23.456, range: 7.1, truePeak: -0.5 });
    expect(readWavInfo(file).loudness).toEqual({ integrated: -23.46, range: 7.1, truePeak: -0.5 });
    const b = fs.readFileSync(file);
    expect(b.readInt16LE(80 + 412)).toBe(-2346);
    expect(b.readInt16LE(80 + 418)).toBe(0x7fff);
    updateBextLoudness(file, { integrated: null, range: 1e9, truePeak: Number.NaN });
    expect(readWavInfo(file).loudness).toEqual({ integrated: null, range: 327.66, truePeak: null });
    expect(fs.statSync(file).size).toBe(dataOffset + 6);
  });

  it('refuses a WAV without bext', () => {
    const file = path.join(tmp, 'plain.wav');
    execFileSync('sox', ['-n', '-r', '48000', '-b', '24', '-c', '1', file, 'trim', '0', '0.01']);
    expectBadRequest(() => updateBextLoudness(file, { integrated: -16, range: 1, truePeak: -1 }), /no bext/);
    expect(readWavInfo(file)).toMatchObject({ format: 'RIFF', frames: 480, bext: null, loudness: null });
  });
});

describe('readWavInfo on garbage', () => {
  const chunk = (id: string, body: Buffer, size = body.length) => {
    const h = Buffer.alloc(8);
    h.write(id, 0, 'latin1');
    h.writeUInt32LE(size, 4);
    return Buffer.concat([h, body, Buffer.alloc(body.length % 2)]);
  };
  const fmt = (channels = 1, rate = 48_000, bits = 24) => {
    const b = Buffer.alloc(16);
    b.writeUInt16LE(1, 0);
    b.writeUInt16LE(channels, 2);
    b.writeUInt32LE(rate, 4);
    b.writeUInt32LE((rate * channels * bits) / 8, 8);
    b.writeUInt16LE((channels * bits) / 8, 12);
    b.writeUInt16LE(bits, 14);
    return chunk('fmt ', b);
  };
  const riff = (parts: Buffer[], kind = 'RIFF') => {
    const body = Buffer.concat(parts);
    const h = Buffer.alloc(12);
    h.write(kind, 0, 'latin1');
    h.writeUInt32LE(body.length + 4, 4);
    h.write('WAVE', 8, 'latin1');
    return Buffer.concat([h, body]);
  };
  const ds64 = (riffSize: bigint, dataSize: bigint, table: Array<[string, bigint]> = []) => {
    const b = Buffer.alloc(28 + 12 * table.length);
    b.writeBigUInt64LE(riffSize, 0);
    b.writeBigUInt64LE(dataSize, 8);
    b.writeUInt32LE(table.length, 24);
    table.forEach(([id, size], i) => {
      b.write(id, 28 + i * 12, 'latin1');
      b.writeBigUInt64LE(size, 32 + i * 12);
    });
    return chunk('ds64', b);
  };

  const cases: Array<[string, Buffer, RegExp]> = [
    ['an empty file', Buffer.alloc(0), /too short/],
    ['a text file', Buffer.from('hello, this is not audio at all'), /not a WAV file/],
    ['RIFF but not WAVE', Buffer.from('RIFF\x04\x00\x00\x00AVI ', 'latin1'), /not a WAV file/],
    ['no chunks at all', riff([]), /no fmt chunk/],
    ['fmt but no data', riff([fmt()]), /no data chunk/],
    ['data but no fmt', riff([chunk('data', Buffer.alloc(6))]), /no fmt chunk/],
    ['a fmt chunk that is too short', riff([chunk('fmt ', Buffer.alloc(8)), chunk('data', Buffer.alloc(6))]), /needs at least 16/],
    ['a format with zero channels', riff([fmt(0), chunk('data', Buffer.alloc(6))]), /no playable audio/],
    ['a chunk claiming 4 GB', riff([chunk('LIST', Buffer.alloc(4), 0xffff_fff0), fmt(), chunk('data', Buffer.alloc(6))]), /"LIST".*truncated or damaged/],
    ['a data chunk running past the end', riff([fmt(), chunk('data', Buffer.alloc(6), 600)]), /"data".*truncated.*can be repaired/],
    ['a header cut in the middle of a chunk header', riff([fmt(), Buffer.from('dat')]), /no data chunk/],
    ['five thousand empty chunks', riff([...Array.from({ length: 5000 }, () => chunk('JUNK', Buffer.alloc(0))), fmt(), chunk('data', Buffer.alloc(3))]), /more than 4096 chunks/],
    ['RF64 without ds64', riff([fmt(), chunk('data', Buffer.alloc(3))], 'RF64'), /must begin with a ds64/],
    ['RF64 with an impossible ds64 size', riff([ds64(2n ** 63n, 3n), fmt(), chunk('data', Buffer.alloc(3), U32_MAX)], 'RF64'), /impossible size/],
    ['RF64 with a data size past the end', riff([ds64(100n, 2n ** 40n), fmt(), chunk('data', Buffer.alloc(3), U32_MAX)], 'RF64'), /"data".*truncated.*can be repaired/],
    ['RF64 with a large chunk missing from the table', riff([ds64(100n, 3n), chunk('LIST', Buffer.alloc(2), U32_MAX), fmt(), chunk('data', Buffer.alloc(3))], 'RF64'), /ds64 table/],
  ];

  it.each(cases)('refuses %s with a clear error', (_name, bytes, message) => {
    const file = path.join(tmp, 'bad.wav');
    fs.writeFileSync(file, bytes);
    expectBadRequest(() => readWavInfo(file), message);
    // The repair refuses it as well, without touching it.
    if (!/can be repaired/.test(message.source)) expect(() => repairWav(file)).toThrow(PodiumError);
  });

  it('reads odd-sized chunks with their pad byte, a short bext as none, and RF64 sizes from ds64 and its table', () => {
    const file = path.join(tmp, 'odd.wav');
    fs.writeFileSync(file, riff([chunk('LIST', Buffer.from('abc')), chunk('bext', Buffer.alloc(10)), fmt(2), chunk('data', pcm24([1, 2, 3, 4]))]));
    expect(readWavInfo(file)).toMatchObject({ format: 'RIFF', channels: 2, frames: 2, dataBytes: 12, bext: null });
    fs.writeFileSync(file, riff([ds64(0n, 6n, [['LIST', 2n]]), chunk('LIST', Buffer.alloc(2), U32_MAX), fmt(), chunk('data', pcm24([5, 6]), U32_MAX)], 'RF64'));
    expect(readWavInfo(file)).toMatchObject({ format: 'RF64', frames: 2, dataBytes: 6 });
  });

  it('survives random bytes after a RIFF/WAVE header: a result or a bad_request, nothing else', () => {
    let seed = 12345;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    const file = path.join(tmp, 'fuzz.wav');
    const valid = fs.readFileSync(staleFile('seed.wav', pcm24([1, 2, 3])).file);
    let read = 0;
    let refused = 0;
    for (let round = 0; round < 300; round++) {
      // Half the rounds damage a real header byte by byte, half are noise after RIFF....WAVE.
      const bytes = round % 2 ? Buffer.from(valid) : Buffer.concat([riff([]), Buffer.alloc(next() % 200)]);
      for (let k = 0; k < 1 + (next() % 8); k++) bytes[12 + (next() % (bytes.length - 12 || 1))] = next() & 0xff;
      fs.writeFileSync(file, bytes.subarray(0, round % 3 ? bytes.length : next() % bytes.length));
      try {
        const info = readWavInfo(file);
        expect(info.dataOffset + info.dataBytes).toBeLessThanOrEqual(fs.statSync(file).size);
        read++;
      } catch (error) {
        expect(error).toBeInstanceOf(PodiumError);
        expect((error as PodiumError).code).toBe('bad_request');
        refused++;
      }
    }
    // Both paths were taken: the damage is neither always fatal nor always harmless.
    expect(read).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(10);
  });

  it('says what is wrong with a path that is no file', () => {
    expect(() => readWavInfo(path.join(tmp, 'missing.wav'))).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(() => readWavInfo(tmp)).toThrow(PodiumError);
  });
});
