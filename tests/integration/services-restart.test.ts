// The shell supervises the studio's services process: killed with SIGKILL mid-space, it is started again on the
// same addresses (space server, embedded LiveKit), the studio hears "restarting" then "running", calls made meanwhile
// are answered at once in words, listeners re-join the same live space, and a recording in progress is repaired and
// listed with what was written. Closing the studio during a restart resurrects nothing and leaves no process behind.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodePcmFrame, RECORDING_SAMPLE_RATE as RATE } from '../../common/recording';
import type { ServicesStatus } from '../../common/services-status';
import { RESTART_POLICY, RESTARTING_MESSAGE } from '../../main/services/process/supervision';
import { runWebStudio, type WebStudio } from '../../main/web/run';
import { ask, createTestSpace } from '../support/studio';
import { connect, isType, type TestClient } from '../support/ws-client';

/** Starting the embedded LiveKit and SQLite again on a loaded 2-core machine: generous, and the figure is printed. */
const RESTART_BOUND_MS = 60_000;

/** Running: signal 0 reaches it and it is not a zombie (a killed orphan waits for init to reap it, holding nothing). */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

/** The processes whose parent is `pid`, with their command lines. */
function childrenOf(pid: number): { pid: number; args: string }[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when there are none
  }
  return out
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((m) => m !== null)
    .map((m) => ({ pid: Number(m[1]), args: m[2]! }));
}
const livekitOf = (pid: number) => childrenOf(pid).filter((c) => /livekit-server/.test(c.args) && !/watchdog/.test(c.args));
/** Services processes this test process started and that are still there. */
const servicesChildren = () => childrenOf(process.pid).filter((c) => /process[/\\]child\.ts|services\.js/.test(c.args));

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Resolves with the first status in `state` the handle reports from now on (or already has). */
function statusOf(studio: WebStudio, state: ServicesStatus['state'], timeoutMs: number): Promise<ServicesStatus> {
  return new Promise((resolve, reject) => {
    if (studio.services.status().state === state) return resolve(studio.services.status());
    const timer = setTimeout(() => {
      off();
      reject(new Error(`the services did not report "${state}" within ${timeoutMs} ms (now ${JSON.stringify(studio.services.status())})`));
    }, timeoutMs);
    const off = studio.services.onStatus((status) => {
      if (status.state !== state) return;
      clearTimeout(timer);
      off();
      resolve(status);
    });
  });
}

const tempDir = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `podium-${name}-`));
// The embedded LiveKit (no `livekit` given): its ports must come back with the services.
const startStudio = (dataDir: string, assetsDir: string) => runWebStudio({ dataDir, assetsDir, version: 'test' });

describe('the services process restarts on its own', () => {
  let studio: WebStudio;
  let dataDir: string;
  let assetsDir: string;
  const clients: TestClient[] = [];
  const statuses: ServicesStatus[] = [];

  beforeAll(async () => {
    dataDir = tempDir('restart');
    assetsDir = tempDir('assets');
    studio = await startStudio(dataDir, assetsDir);
    studio.services.onStatus((status) => statuses.push(status));
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await studio?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(assetsDir, { recursive: true, force: true });
  });

  async function join(spaceId: string, key: string, credential?: string) {
    const c = await connect(studio.services.info.protocolUrl);
    clients.push(c);
    const reply = await c.request({ type: 'join', ref: 'j', spaceId, key, ...(credential ? { credential } : {}) });
    if (reply.type !== 'joined') throw new Error(`join failed: ${JSON.stringify(reply)}`);
    return { c, reply };
  }

  it('comes back on the same addresses; calls meanwhile get words; listeners re-join the live space; the recording is kept', async () => {
    const before = { ...studio.services.info };
    expect(before.livekitPorts).toBeDefined();
    const hosted = await createTestSpace(studio, 'Crash show', 'Host');
    const hostKey = crypto.randomBytes(18).toString('base64url');
    const host = await join(hosted.space.id, hostKey, hosted.credential);
    host.c.send({ type: 'start' });
    await host.c.next((m) => m.type === 'space' && m.space.status === 'live');
    const listenerKey = crypto.randomBytes(18).toString('base64url');
    const listener = await join(hosted.space.id, listenerKey);
    expect(listener.reply.type === 'joined' && listener.reply.space.status).toBe('live');

    // A recording in progress: 2 s of the mix, fed once the clock has passed it, then given time to reach the disk.
    const active = await ask(studio, 'recording:start', { spaceId: hosted.space.id, title: 'Crash show' });
    await ask(studio, 'recording:addTrack', { id: active.id, track: { index: 0, kind: 'mix', participantId: '', name: 'Mix' } });
    await new Promise((r) => setTimeout(r, 2500));
    const tone = new Float32Array(4800).map((_, i) => 0.2 * Math.sin((2 * Math.PI * 440 * i) / RATE));
    for (let at = 0; at < 2 * RATE; at += 4800) studio.services.ingestAudio(new Uint8Array(encodePcmFrame({ track: 0, serial: active.serial, startFrame: at, samples: tone })));
    await new Promise((r) => setTimeout(r, 2500));

    const oldPid = studio.services.pid!;
    const oldLivekit = livekitOf(oldPid);
    expect(oldLivekit).toHaveLength(1);
    const killedAt = performance.now();
    process.kill(oldPid, 'SIGKILL');
    // A call already on its way when the process died is answered in words, not left hanging.
    const inFlight = studio.services.call('spaces:list', undefined);
    const restarting = await statusOf(studio, 'restarting', 30_000);
    const noticedMs = performance.now() - killedAt;
    expect(restarting.restarts).toBe(0);
    expect(await inFlight).toEqual({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/restarting/) } });
    // While it is down: calls fail at once with words, media lookups find nothing, audio is dropped and counted.
    expect(await studio.services.call('app:info', undefined)).toEqual({ ok: false, error: { code: 'unavailable', message: RESTARTING_MESSAGE } });
    expect(await studio.services.mediaFile('anything')).toBeNull();
    const droppedBefore = studio.services.droppedFrames;
    studio.services.ingestAudio(new Uint8Array(encodePcmFrame({ track: 0, serial: active.serial, startFrame: 2 * RATE, samples: tone })));
    expect(studio.services.droppedFrames).toBe(droppedBefore + tone.length);

    const running = await statusOf(studio, 'running', RESTART_BOUND_MS);
    const restartedMs = performance.now() - killedAt;
    console.log(`services restart: noticed after ${noticedMs.toFixed(0)} ms, running again after ${restartedMs.toFixed(0)} ms (bound ${RESTART_BOUND_MS} ms)`);
    expect(statuses.map((s) => s.state)).toEqual(['restarting', 'running']);
    expect(running).toMatchObject({ restarts: 1, detail: null });

    // Same addresses, a new process with its own LiveKit; the old LiveKit is gone.
    expect(studio.services.info).toEqual(before);
    const newPid = studio.services.pid!;
    expect(newPid).not.toBe(oldPid);
    expect(alive(newPid)).toBe(true);
    expect(alive(oldPid)).toBe(false);
    // The old LiveKit is ended by its watchdog (a shell that reads the dead process's pipe), on its own schedule:
    // on a loaded machine that can come after the new process is up (the new LiveKit already holds the same ports).
    await expect.poll(() => alive(oldLivekit[0]!.pid), { timeout: 10_000 }).toBe(false);
    expect(livekitOf(newPid)).toHaveLength(1);
    const livekitRoot = await fetch(before.livekitUrl.replace(/^ws/, 'http') + '/');
    expect(livekitRoot.status).toBe(200);
    expect(await ask(studio, 'app:info')).toMatchObject({ spaceServerUrl: before.spaceServerUrl, livekitUrl: before.livekitUrl });

    // The listener's connection went with the old process; it connects again to the same URL and is back in the space.
    await listener.c.closed;
    const again = await join(hosted.space.id, listenerKey);
    expect(again.reply).toMatchObject({ type: 'joined', participantId: listener.reply.type === 'joined' ? listener.reply.participantId : '', space: { status: 'live' } });
    const grant = await again.c.next(isType('media'));
    expect(grant.media.url).toBe(before.livekitUrl);
    const hostAgain = await join(hosted.space.id, hostKey, hosted.credential);
    expect(hostAgain.reply).toMatchObject({ type: 'joined', role: 'host', space: { status: 'live' } });

    // What was written before the crash was repaired by the new process and is listed as recovered.
    const recording = await ask(studio, 'recording:status');
    const recovered = recording.recovered.find((e) => e.id === active.id);
    expect(recovered).toMatchObject({ status: 'recovered' });
    console.log(`recording across the crash: 2000 ms fed, ${recovered!.durationMs} ms recovered`);
    expect(recovered!.durationMs).toBeGreaterThanOrEqual(1000);
  });
});

describe('closing the studio during a restart', () => {
  const dirs: string[] = [];
  const dir = (name: string) => {
    dirs.push(tempDir(name));
    return dirs.at(-1)!;
  };
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  async function expectNothingLeft(studio: WebStudio, pids: number[]): Promise<void> {
    const info = studio.services.info;
    const ports = [Number(new URL(info.spaceServerUrl).port), info.livekitPorts!.http];
    for (const pid of pids) await expect.poll(() => alive(pid), { timeout: 15_000 }).toBe(false);
    for (const port of ports) await expect.poll(() => listening(port), { timeout: 15_000 }).toBe(false);
    expect(servicesChildren()).toEqual([]);
  }

  it('during the backoff: no new process is started', async () => {
    const studio = await startStudio(dir('restart-close'), dir('assets'));
    const oldPid = studio.services.pid!;
    const oldLivekit = livekitOf(oldPid).map((c) => c.pid);
    const seen: ServicesStatus[] = [];
    studio.services.onStatus((s) => seen.push(s));
    process.kill(oldPid, 'SIGKILL');
    await statusOf(studio, 'restarting', 30_000);
    await studio.close();
    // Longer than the first backoff: a restart that was only postponed would have started by now.
    await new Promise((r) => setTimeout(r, 3000));
    expect(studio.services.pid).toBe(oldPid);
    expect(seen.map((s) => s.state)).toEqual(['restarting']);
    expect(await studio.services.call('app:info', undefined)).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    await expectNothingLeft(studio, [oldPid, ...oldLivekit]);
  });

  it('while the new process is starting: it is stopped, with its LiveKit', async () => {
    const studio = await startStudio(dir('restart-close'), dir('assets'));
    const oldPid = studio.services.pid!;
    const seen: ServicesStatus[] = [];
    studio.services.onStatus((s) => seen.push(s));
    process.kill(oldPid, 'SIGKILL');
    await expect.poll(() => studio.services.pid !== oldPid && studio.services.pid !== undefined, { timeout: 30_000, interval: 20 }).toBe(true);
    const newPid = studio.services.pid!;
    expect(studio.services.status().state).toBe('restarting');
    await studio.close();
    // close() returns once the process being started has left, not merely once it was asked to.
    expect(alive(newPid)).toBe(false);
    await new Promise((r) => setTimeout(r, 2000));
    expect(seen.map((s) => s.state)).toEqual(['restarting']);
    await expectNothingLeft(studio, [oldPid, newPid]);
  });
});

describe('a services process that keeps stopping', () => {
  it('is given up on at the limit, and the studio is told why and what to do', async () => {
    const dataDir = tempDir('restart-limit');
    const assetsDir = tempDir('assets');
    // A LiveKit that is not there is enough here, and quick: the space server starts without it.
    const studio = await runWebStudio({
      dataDir,
      assetsDir,
      version: 'test',
      livekit: { url: 'ws://127.0.0.1:9', apiKey: 'devkey', apiSecret: 'secret' },
      restartPolicy: { ...RESTART_POLICY, maxCrashes: 2 },
    });
    try {
      const seen: ServicesStatus[] = [];
      studio.services.onStatus((s) => seen.push(s));
      const first = studio.services.pid!;
      process.kill(first, 'SIGKILL');
      await statusOf(studio, 'restarting', 30_000);
      await statusOf(studio, 'running', RESTART_BOUND_MS);
      const second = studio.services.pid!;
      expect(second).not.toBe(first);
      process.kill(second, 'SIGKILL');
      const failed = await statusOf(studio, 'failed', 30_000);
      expect(seen.map((s) => s.state)).toEqual(['restarting', 'running', 'failed']);
      expect(failed).toMatchObject({ restarts: 1, detail: expect.stringContaining('stopped 2 times') });
      expect(await studio.services.call('app:info', undefined)).toEqual({ ok: false, error: { code: 'unavailable', message: failed.detail } });
      // Given up means given up: no process is started behind the studio's back.
      await new Promise((r) => setTimeout(r, 3000));
      expect(studio.services.pid).toBe(second);
      expect(servicesChildren()).toEqual([]);
    } finally {
      await studio.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(assetsDir, { recursive: true, force: true });
    }
  });
});
