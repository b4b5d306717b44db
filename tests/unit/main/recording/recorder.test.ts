// The recorder service with real files: tracks on one clock (late joiners get leading silence, gaps become silence
// and a marker), exports beside the tracks, the library across restarts, bad frames refused with nothing written,
// and every refusal a producer can meet (two recordings, another studio, a full disk, a deleted folder) in words.
// Files are checked with sox, an independent decoder.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RECORDING_SAMPLE_RATE as RATE, encodePcmFrame, type ActiveRecording } from '../../../../common/recording';
import { measureSamples } from '../../../../main/services/recording/loudness';
import { createRecordingService, type RecordingService } from '../../../../main/services/recording/service';

const dirs: string[] = [];
const services: RecordingService[] = [];
afterEach(() => {
  for (const s of services.splice(0)) {
    try {
      s.close();
    } catch {
      // Already closed by the test.
    }
  }
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup(extra: Partial<Parameters<typeof createRecordingService>[0]> = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-rec-'));
  dirs.push(root);
  const options = { directory: path.join(root, 'recordings'), dataDir: path.join(root, 'data'), ...extra };
  const service = createRecordingService(options);
  services.push(service);
  return { root, options, service };
}

function tone(seconds: number, hz: number, amp = 0.25, offset = 0): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * RATE) }, (_, i) => amp * Math.sin((2 * Math.PI * hz * (i + offset)) / RATE));
}

/** Sends `samples` as 100 ms frames starting at `startFrame`. */
function feed(service: RecordingService, active: ActiveRecording, track: number, samples: Float32Array, startFrame: number): void {
  for (let at = 0; at < samples.length; at += 4800) {
    const frame = samples.subarray(at, Math.min(samples.length, at + 4800));
    const result = service.ingest(new Uint8Array(encodePcmFrame({ track, serial: active.serial, startFrame: startFrame + at, samples: frame })));
    expect(result).toEqual({ ok: true });
  }
}

/** Decodes with sox: mono float samples. */
function soxRead(file: string): Float32Array {
  const raw = execFileSync('sox', [file, '-t', 'f32', '-e', 'floating-point', '-c', '1', '-'], { maxBuffer: 1 << 30 });
  return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
}

function soxInfo(file: string): Record<string, string> {
  const text = execFileSync('sox', ['--i', file]).toString();
  return Object.fromEntries(text.split('\n').filter((l) => l.includes(':')).map((l) => [l.split(':')[0]!.trim(), l.slice(l.indexOf(':') + 1).trim()]));
}

const rms = (s: Float32Array) => Math.sqrt(s.reduce((sum, v) => sum + v * v, 0) / Math.max(1, s.length));

async function startWithTracks(service: RecordingService) {
  let active = service.start({ spaceId: 'abcde12345', title: 'Morning show: a/b "test"' });
  active = service.addTrack({ id: active.id, track: { index: 0, kind: 'mix', participantId: '', name: 'Mix' } });
  active = service.addTrack({ id: active.id, track: { index: 1, kind: 'host', participantId: 'p0000000000000001', name: 'Ann' } });
  return active;
}

describe('recorder', () => {
  it('writes one aligned 48 kHz 24-bit WAV per person plus the mix, with markers and exports', async () => {
    const { service } = setup();
    let active = await startWithTracks(service);
    // Bea joins the stage 1.5 s in: her file still starts at the recording's first instant.
    active = service.addTrack({ id: active.id, track: { index: 2, kind: 'speaker', participantId: 'p0000000000000002', name: 'Bea' } });
    feed(service, active, 1, tone(3, 440), 0);
    feed(service, active, 2, tone(1.5, 660), 1.5 * RATE);
    feed(service, active, 0, tone(3, 440), 0);
    service.mark({ id: active.id, marker: { frame: RATE, kind: 'manual', label: 'Intro "ends"\there' } });
    service.stage({ id: active.id, frame: 0, members: [{ participantId: 'p0000000000000001', name: 'Ann', role: 'host' }] });
    service.stage({ id: active.id, frame: 1.5 * RATE, members: [{ participantId: 'p0000000000000001', name: 'Ann', role: 'host' }, { participantId: 'p0000000000000002', name: 'Bea', role: 'speaker' }] });
    const entry = service.stop({ id: active.id });

    expect(entry.status).toBe('complete');
    expect(entry.tracks.map((t) => t.file)).toEqual(['mix.wav', '01 Ann (host).wav', '02 Bea.wav']);
    expect(path.basename(entry.folder)).toMatch(/^Morning show- a-b -test \d{4}-\d\d-\d\d \d\d\.\d\d\.\d\d$/);
    for (const t of entry.tracks) {
      const info = soxInfo(path.join(entry.folder, t.file));
      expect(info['Channels']).toBe('1');
      expect(info['Sample Rate']).toBe('48000');
      expect(info['Precision']).toBe('24-bit');
    }
    const bea = soxRead(path.join(entry.folder, '02 Bea.wav'));
    expect(bea.length).toBe(3 * RATE);
    expect(rms(bea.subarray(0, 1.5 * RATE - 10))).toBe(0);
    expect(rms(bea.subarray(1.5 * RATE))).toBeCloseTo(0.25 / Math.SQRT2, 3);
    // Sample-exact placement: the first sample of her tone is where the frame said.
    const source = tone(1.5, 660);
    expect(bea[1.5 * RATE + 100]).toBeCloseTo(source[100]!, 4);

    const files = fs.readdirSync(entry.folder).sort();
    expect(files).toEqual(expect.arrayContaining(['markers.txt', 'chapters.json', 'session.json', 'recording.json']));
    expect(files.some((f) => f.endsWith('.RPP'))).toBe(true);
    expect(fs.readFileSync(path.join(entry.folder, 'markers.txt'), 'utf8')).toMatch(/^1\.000000\t1\.000000\tIntro "ends" here\n$/);
    const session = JSON.parse(fs.readFileSync(path.join(entry.folder, 'session.json'), 'utf8')) as Record<string, unknown>;
    expect(JSON.stringify(session)).toContain('Bea');
    // The library knows it after a restart.
    service.close();
    const again = createRecordingService({ directory: path.dirname(entry.folder), dataDir: path.join(path.dirname(path.dirname(entry.folder)), 'data') });
    services.push(again);
    expect(again.list().map((e) => e.id)).toEqual([entry.id]);
    // Loudness measured while writing: the same figure as measuring the whole of what was sent at once.
    expect(again.list()[0]!.tracks[1]!.loudness?.integrated).toBeCloseTo(measureSamples(RATE, tone(3, 440)).integrated!, 1);
  });

  it('records a gap in the middle as silence at the right place, with a marker', async () => {
    const { service } = setup();
    const active = await startWithTracks(service);
    feed(service, active, 1, tone(1, 440), 0);
    feed(service, active, 1, tone(1, 440), 2 * RATE);
    const entry = service.stop({ id: active.id });
    const host = soxRead(path.join(entry.folder, entry.tracks[1]!.file));
    expect(host.length).toBe(3 * RATE);
    expect(rms(host.subarray(RATE + 10, 2 * RATE - 10))).toBe(0);
    expect(rms(host.subarray(2 * RATE))).toBeGreaterThan(0.1);
    expect(fs.readFileSync(path.join(entry.folder, 'markers.txt'), 'utf8')).toContain('1.0 s of Ann missing');
  });

  it('refuses bad frames whole, writing nothing of them', async () => {
    const { service } = setup();
    const active = await startWithTracks(service);
    const bad = new Float32Array(4800).fill(0.5);
    bad[4000] = NaN;
    expect(service.ingest(new Uint8Array(encodePcmFrame({ track: 1, serial: active.serial, startFrame: 0, samples: bad }))).ok).toBe(false);
    expect(service.ingest(new Uint8Array(encodePcmFrame({ track: 7, serial: active.serial, startFrame: 0, samples: tone(0.1, 440) })))).toEqual({
      ok: false,
      message: 'track 7 was not announced',
    });
    // A frame claiming to start an hour from now would pad an hour of silence: refused.
    expect(service.ingest(new Uint8Array(encodePcmFrame({ track: 1, serial: active.serial, startFrame: 3600 * RATE, samples: tone(0.1, 440) }))).ok).toBe(false);
    expect(service.ingest(new Uint8Array([1, 2, 3])).ok).toBe(false);
    // A frame of an earlier recording is ignored, not an error.
    expect(service.ingest(new Uint8Array(encodePcmFrame({ track: 1, serial: active.serial + 1, startFrame: 0, samples: tone(0.1, 440) })))).toEqual({ ok: true });
    const entry = service.stop({ id: active.id });
    expect(entry.tracks.every((t) => soxRead(path.join(entry.folder, t.file)).length === 0)).toBe(true);
  });

  it('refuses a second recording, and a recording while another studio records into the folder', async () => {
    const { service, options } = setup();
    const active = await startWithTracks(service);
    expect(() => service.start({ spaceId: 'abcde12345', title: 'Again' })).toThrow(/already running/);
    service.stop({ id: active.id });
    // Another live process holds the lock.
    const other = spawn('sleep', ['30']);
    try {
      fs.writeFileSync(path.join(options.directory, '.recording.lock'), JSON.stringify({ pid: other.pid, host: os.hostname() }));
      expect(() => service.start({ spaceId: 'abcde12345', title: 'Clash' })).toThrow(new RegExp(`Another Podium studio \\(process ${other.pid}\\)`));
    } finally {
      other.kill();
    }
  });

  it('stops on a nearly full disk with a clear message and leaves playable files', async () => {
    let free = 10 * 1024 ** 3;
    const { service } = setup({ freeBytes: () => free });
    const active = await startWithTracks(service);
    feed(service, active, 1, tone(1, 440), 0);
    free = 1024 * 1024;
    service.tick();
    const status = service.status();
    expect(status.active).toBeNull();
    expect(status.lastError).toMatch(/disk is full/);
    const entry = service.list()[0]!;
    expect(entry.status).toBe('failed');
    expect(soxRead(path.join(entry.folder, '01 Ann (host).wav')).length).toBe(RATE);
    expect(() => service.start({ spaceId: 'abcde12345', title: 'Full' })).toThrow(/almost full/);
  });

  it('stops with a clear message when the recording folder is deleted', async () => {
    const { service } = setup();
    const active = await startWithTracks(service);
    feed(service, active, 1, tone(0.5, 440), 0);
    fs.rmSync(active.folder, { recursive: true, force: true });
    service.tick();
    expect(service.status().active).toBeNull();
    expect(service.status().lastError).toMatch(/folder was deleted while recording/);
  });

  it('refuses to record where it may not write, in words', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-rec-'));
    dirs.push(root);
    // A file where the recordings folder should be: no folder can be made there, whoever runs the test.
    fs.writeFileSync(path.join(root, 'blocked'), 'x');
    const service = createRecordingService({ directory: path.join(root, 'blocked', 'recordings'), dataDir: path.join(root, 'data') });
    services.push(service);
    expect(() => service.start({ spaceId: 'abcde12345', title: 'Nope' })).toThrow(/is not a folder/);
  });

  it('deletes a recording and its folder, and only inside the recordings folder', async () => {
    const { service } = setup();
    const active = await startWithTracks(service);
    const entry = service.stop({ id: active.id });
    expect(service.delete({ id: entry.id })).toEqual({ deleted: true });
    expect(fs.existsSync(entry.folder)).toBe(false);
    expect(service.list()).toEqual([]);
    expect(() => service.delete({ id: entry.id })).toThrow(/not in the library/);
  });
});
