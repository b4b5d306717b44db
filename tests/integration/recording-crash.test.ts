// Nothing lost: a studio process killed with SIGKILL mid-recording leaves files that the next start repairs, lists
// as recovered, and that play in an independent decoder (sox) — at most about a second shorter than what was fed.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RECORDING_SAMPLE_RATE as RATE } from '../../common/recording';
import { createRecordingService } from '../../main/services/recording/service';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-crash-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function soxSamples(file: string): Float32Array {
  const raw = execFileSync('sox', [file, '-t', 'f32', '-e', 'floating-point', '-c', '1', '-'], { maxBuffer: 1 << 30 });
  return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
}

describe('a recording survives kill -9', () => {
  it('is repaired at the next start, playable, and at most ~1 s short', async () => {
    const directory = path.join(root, 'recordings');
    const dataDir = path.join(root, 'data');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tests/support/recording-child.ts'), directory, dataDir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let fed = 0;
    let folder = '';
    const fedEnough = new Promise<void>((resolve, reject) => {
      let buffered = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) {
          const started = /^started \S+ (.+)$/.exec(line);
          if (started) folder = started[1]!;
          const m = /^fed (\d+)$/.exec(line);
          if (m) fed = Number(m[1]);
          // 4.35 s: mid-way between two of the writer's once-a-second flushes is not guaranteed; any moment will do.
          if (fed >= 4.35 * RATE) resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`the recording process exited early (${code})`)));
    });
    await fedEnough;
    const fedAtKill = fed;
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(folder).not.toBe('');
    // The header still says less than is on disk, or nothing: this is what a player would have choked on.
    const mixFile = path.join(folder, 'mix.wav');
    expect(fs.existsSync(mixFile)).toBe(true);

    const service = createRecordingService({ directory, dataDir });
    await service.ready;
    try {
      const status = service.status();
      expect(status.recovered).toHaveLength(1);
      const entry = status.recovered[0]!;
      expect(entry.status).toBe('recovered');
      expect(entry.message).toMatch(/repaired the files and kept \d+ s/);
      expect(service.list()[0]!.status).toBe('recovered');
      const kept = soxSamples(mixFile);
      const lostSeconds = (fedAtKill - kept.length) / RATE;
      console.log(`fed ${(fedAtKill / RATE).toFixed(2)} s before kill -9; recovered ${(kept.length / RATE).toFixed(2)} s; lost ${lostSeconds.toFixed(2)} s`);
      expect(kept.length).toBeGreaterThan(0);
      expect(lostSeconds).toBeLessThanOrEqual(1.2);
      // What was kept is exactly what was fed (24-bit precision).
      for (const i of [0, 1234, Math.floor(kept.length / 2), kept.length - 1]) {
        expect(kept[i]).toBeCloseTo(0.3 * Math.sin((2 * Math.PI * 440 * i) / RATE), 4);
      }
      // The exports were written on recovery too, and the lock the dead process held is gone.
      expect(fs.existsSync(path.join(folder, 'markers.txt'))).toBe(true);
      expect(fs.existsSync(path.join(directory, '.recording.lock'))).toBe(false);
      // A second start finds nothing more to repair.
      service.close();
      const again = createRecordingService({ directory, dataDir });
      await again.ready;
      expect(again.status().recovered).toEqual([]);
      again.close();
    } finally {
      try {
        service.close();
      } catch {
        // Closed above.
      }
    }
  }, 60_000);
});
