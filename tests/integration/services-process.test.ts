// The studio's services in their own process: the shell's queue of audio to them is bounded (a flood is dropped in
// the shell, counted and marked as a gap, and calls still get answers), and when the process dies, calls say so in
// words instead of hanging while it is started again (tests/integration/services-restart.test.ts goes further).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePcmFrame, RECORDING_SAMPLE_RATE as RATE } from '../../common/recording';
import { MAX_AUDIO_IN_FLIGHT } from '../../main/services/process/parent';
import { runWebStudio, type WebStudio } from '../../main/web/run';
import { ask } from '../support/studio';

describe('services process', () => {
  let studio: WebStudio;
  let dataDir: string;
  let assetsDir: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-services-'));
    assetsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'podium-assets-'));
    studio = await runWebStudio({ dataDir, assetsDir, version: 'test', livekit: { url: 'ws://127.0.0.1:9', apiKey: 'devkey', apiSecret: 'secret' } });
  });
  afterAll(async () => {
    await studio?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(assetsDir, { recursive: true, force: true });
  });

  it('runs apart from the shell', () => {
    expect(studio.services.pid).toBeGreaterThan(0);
    expect(studio.services.pid).not.toBe(process.pid);
  });

  it('drops an audio flood in the shell instead of queueing it, and keeps answering calls', async () => {
    const active = await ask(studio, 'recording:start', { spaceId: 'abcde12345', title: 'Flood' });
    for (let i = 0; i < 16; i++) {
      await ask(studio, 'recording:addTrack', { id: active.id, track: { index: i, kind: i ? 'speaker' : 'mix', participantId: i ? `p${String(i).padStart(16, '0')}` : '', name: `T${i}` } });
    }
    // 9 s of 16 tracks at once (11 MB): more than may be in flight to the services process.
    const frame = new Float32Array(4800).fill(0.1);
    let sent = 0;
    for (let at = 0; at < 9 * RATE; at += 4800) {
      for (let track = 0; track < 16; track++) {
        const bytes = new Uint8Array(encodePcmFrame({ track, serial: active.serial, startFrame: at, samples: frame }));
        sent += bytes.byteLength;
        studio.services.ingestAudio(bytes);
      }
    }
    expect(sent).toBeGreaterThan(MAX_AUDIO_IN_FLIGHT);
    expect(studio.services.droppedFrames).toBeGreaterThan(0);
    // The gap is marked by the recorder, and a call made right after the flood is answered.
    await expect.poll(async () => (await ask(studio, 'recording:status')).active?.markers.some((m) => m.kind === 'gap'), { timeout: 10_000 }).toBe(true);
    const entry = await ask(studio, 'recording:stop', { id: active.id });
    expect(entry.durationMs).toBe(9000);
  });

  it('calls answer in words while the services process restarts, and are served again after', async () => {
    const pid = studio.services.pid!;
    const restarting = new Promise<void>((resolve) => {
      const off = studio.services.onStatus((status) => {
        if (status.state !== 'restarting') return;
        off();
        resolve();
      });
    });
    process.kill(pid, 'SIGKILL');
    await restarting;
    const result = await studio.services.call('spaces:list', undefined);
    expect(result).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringContaining('restarting') } });
    await expect.poll(() => studio.services.status().state, { timeout: 60_000 }).toBe('running');
    expect(studio.services.pid).not.toBe(pid);
    expect(Array.isArray(await ask(studio, 'spaces:list'))).toBe(true);
  });
});
