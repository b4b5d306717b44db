// The recorder behind its worker thread: calls and transferred frames work across the thread, and when audio
// arrives faster than the writer takes it, the queue stays bounded — frames are dropped, counted, recorded as
// silence and marked — instead of memory growing or the caller waiting.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodePcmFrame, RECORDING_SAMPLE_RATE as RATE } from '../../common/recording';
import { MAX_QUEUED_BYTES, startRecordingHost, type RecordingHost } from '../../main/services/recording/host';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-host-'));
let host: RecordingHost | undefined;
afterAll(async () => {
  await host?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('recorder host', () => {
  it('drops what the writer cannot take, and says so, with the queue bounded', async () => {
    host = await startRecordingHost({ directory: path.join(root, 'recordings'), dataDir: path.join(root, 'data') });
    const active = await host.call('start', { spaceId: 'abcde12345', title: 'Flood' });
    const tracks = 24;
    await host.call('addTrack', { id: active.id, track: { index: 0, kind: 'mix', participantId: '', name: 'Mix' } });
    for (let i = 1; i < tracks; i++) {
      await host.call('addTrack', { id: active.id, track: { index: i, kind: 'speaker', participantId: `p${String(i).padStart(16, '0')}`, name: `Speaker ${i}` } });
    }
    // 9 s of 24 tracks handed over in one go (the writer refuses audio from more than 10 s in the future): far more
    // than the queue may hold, far faster than real time.
    const frame = Float32Array.from({ length: 4800 }, (_, i) => 0.2 * Math.sin(i / 7));
    const seconds = 9;
    for (let at = 0; at < seconds * RATE; at += 4800) {
      for (let track = 0; track < tracks; track++) {
        host.ingest(new Uint8Array(encodePcmFrame({ track, serial: active.serial, startFrame: at, samples: frame })));
      }
    }
    expect(seconds * RATE * 4 * tracks).toBeGreaterThan(MAX_QUEUED_BYTES);
    expect(host.droppedFrames).toBeGreaterThan(0);
    console.log(`handed over ${seconds} s of ${tracks} tracks at once: ${(host.droppedFrames / RATE).toFixed(1)} s dropped at the queue`);
    await expect
      .poll(async () => (await host!.call('status')).active?.droppedMs ?? 0, { timeout: 10_000 })
      .toBe(Math.round((host.droppedFrames / RATE) * 1000));
    const status = await host.call('status');
    expect(status.active!.markers.some((m) => m.kind === 'gap')).toBe(true);
    // Nothing was shifted: the file is as long as the clock says, dropped time included (as silence).
    const entry = await host.call('stop', { id: active.id });
    expect(entry.durationMs).toBe(seconds * 1000);
  });
});
