// What a dropped-frame report may do to a recording: mark a gap, and nothing else. Reports come from queues that
// could only read a frame's header; a forged one must not stretch the recording (hours of silence on disk), break
// the answers' schema, or spoil the manifest that crash recovery reads.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RECORDING_SAMPLE_RATE as RATE, encodePcmFrame, recorderStatusSchema } from '../../../../common/recording';
import { readManifest } from '../../../../main/services/recording/folder';
import { createRecordingService, type RecordingService } from '../../../../main/services/recording/service';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function service(): RecordingService {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-drops-'));
  const s = createRecordingService({ directory: path.join(root, 'recordings'), dataDir: path.join(root, 'data') });
  cleanups.push(() => {
    try {
      s.close();
    } catch {
      // closed by the test
    }
    fs.rmSync(root, { recursive: true, force: true });
  });
  return s;
}

describe('dropped-frame reports', () => {
  it('mark a real gap, and forged ones change nothing', async () => {
    const s = service();
    const active = s.start({ spaceId: 'abcde12345', title: 'Drops' });
    s.addTrack({ id: active.id, track: { index: 0, kind: 'mix', participantId: '', name: 'Mix' } });
    s.ingest(new Uint8Array(encodePcmFrame({ track: 0, serial: active.serial, startFrame: 0, samples: new Float32Array(4800).fill(0.1) })));
    // Forged: an hour ahead, another recording's serial, NaN, negative, fractional, absurd sizes.
    for (const [frames, at, serial] of [
      [4800, 3600 * RATE, active.serial],
      [4800, 0, active.serial + 1],
      [4800, Number.NaN, active.serial],
      [4800, -1_000_000, active.serial],
      [4800, 0.5, active.serial],
      [0, 0, active.serial],
      [2 ** 32 - 1, 0, active.serial],
      [Number.POSITIVE_INFINITY, 0, active.serial],
    ] as const) {
      s.dropped(frames, at, serial);
    }
    expect(s.status().active!.droppedMs).toBe(0);
    expect(s.status().active!.markers).toEqual([]);
    // A real one: the next 100 ms were dropped on the way.
    s.dropped(4800, 4800, active.serial);
    const status = s.status();
    expect(recorderStatusSchema.safeParse(status).success).toBe(true);
    expect(status.active!.droppedMs).toBe(100);
    expect(status.active!.markers.map((m) => m.kind)).toEqual(['gap']);
    s.recorder.tick();
    expect(readManifest(active.folder)?.markers).toHaveLength(1);
    const entry = s.stop({ id: active.id });
    // The dropped 100 ms at the end became silence; nothing forged stretched the file.
    expect(entry.durationMs).toBe(200);
  });
});
