// The shell's supervision of the services process, against stand-in processes (the launch option): what a restarted
// process is told (the same ports, the shortcut status and the studio's last desktop state), what callers hear while
// it is down, and when the shell gives up. tests/integration/services-restart.test.ts does the same with real ones.
import { describe, expect, it } from 'vitest';
import { encodePcmFrame } from '../../../../common/recording';
import type { ServicesStatus } from '../../../../common/services-status';
import { startServicesProcess, type ServicesHandle, type ServicesTransport } from '../../../../main/services/process/parent';
import type { FromServices, ServicesInfo, ToServices } from '../../../../main/services/process/protocol';
import { RESTART_POLICY, RESTARTING_MESSAGE } from '../../../../main/services/process/supervision';
import type { SecretStore } from '../../../../main/services/secrets';
import { freePort } from '../../../../server/local-webhook';

class StandIn implements ServicesTransport {
  readonly sent: ToServices[] = [];
  private message: ((m: FromServices) => void) | null = null;
  private exit: ((code: number | null) => void) | null = null;
  constructor(readonly pid: number) {}
  send(message: ToServices): void {
    this.sent.push(message);
  }
  onMessage(listener: (message: FromServices) => void): void {
    this.message = listener;
  }
  onExit(listener: (code: number | null) => void): void {
    this.exit = listener;
  }
  kill(): void {
    this.die(null);
  }
  reply(message: FromServices): void {
    this.message?.(message);
  }
  die(code: number | null): void {
    const exit = this.exit;
    this.exit = null;
    exit?.(code);
  }
  /** Answers the calls it was sent so far with `value`. */
  answerCalls(value: unknown): void {
    for (const m of this.sent) if (m.kind === 'call') this.reply({ kind: 'result', id: m.id, result: { ok: true, value } });
  }
}

const secrets: SecretStore = { get: () => null, set: () => {}, refusal: () => null };
const info = (livekitUrl = 'ws://127.0.0.1:7880'): ServicesInfo => ({
  spaceServerUrl: 'http://127.0.0.1:7800',
  protocolUrl: 'ws://127.0.0.1:7800/ws',
  livekitUrl,
  livekitPorts: null,
});

async function supervised(policy = { ...RESTART_POLICY, firstDelayMs: 10 }) {
  const processes: StandIn[] = [];
  const port = await freePort('127.0.0.1');
  const launched = new Set<(p: StandIn) => void>();
  const handleP = startServicesProcess({
    dataDir: '/nonexistent',
    assetsDir: '/nonexistent',
    shell: 'web',
    version: 'test',
    secrets,
    restartPolicy: policy,
    launch: () => {
      const p = new StandIn(1000 + processes.length);
      processes.push(p);
      for (const l of launched) l(p);
      return p;
    },
  });
  processes[0]!.reply({ kind: 'ready', ready: { info: info(), spaceServerPort: port } });
  const handle = await handleP;
  const statuses: ServicesStatus[] = [];
  handle.onStatus((s) => statuses.push(s));
  const nextProcess = () => new Promise<StandIn>((resolve) => launched.add(resolve));
  return { handle, processes, port, statuses, nextProcess };
}

const waitFor = (handle: ServicesHandle, state: ServicesStatus['state']) =>
  new Promise<ServicesStatus>((resolve) => {
    if (handle.status().state === state) return resolve(handle.status());
    const off = handle.onStatus((s) => {
      if (s.state !== state) return;
      off();
      resolve(s);
    });
  });

describe('services supervision', () => {
  it('starts a new process on the same port, and tells it the shortcut and the studio state', async () => {
    const { handle, processes, port, statuses, nextProcess } = await supervised();
    handle.setShortcutStatus({ label: 'Ctrl+Shift+M', registered: true, message: 'Ctrl+Shift+M mutes you from anywhere.' });
    const report = { live: true, canEnd: true, onAir: true, muted: false, recording: false, title: 'Show', handsUp: 0, link: 'ok' };
    const reported = handle.call('desktop:state', report);
    processes[0]!.answerCalls({ ok: true, shortcut: null });
    await reported;

    const next = nextProcess();
    processes[0]!.die(1);
    expect(handle.status()).toMatchObject({ state: 'restarting', restarts: 0 });
    expect(await handle.call('spaces:list', undefined)).toEqual({ ok: false, error: { code: 'unavailable', message: RESTARTING_MESSAGE } });
    expect(await handle.mediaFile('token')).toBeNull();

    const second = await next;
    const start = second.sent.find((m) => m.kind === 'start');
    expect(start?.kind === 'start' && start.options.spaceServerPort).toBe(port);
    expect(handle.pid).toBe(second.pid);
    second.reply({ kind: 'ready', ready: { info: info(), spaceServerPort: port } });
    await waitFor(handle, 'running');
    expect(statuses.map((s) => [s.state, s.restarts, s.detail])).toEqual([
      ['restarting', 0, null],
      ['running', 1, null],
    ]);
    expect(second.sent.filter((m) => m.kind === 'shortcut')).toEqual([{ kind: 'shortcut', status: expect.objectContaining({ registered: true }) }]);
    expect(second.sent.filter((m) => m.kind === 'call').map((m) => m.kind === 'call' && [m.channel, m.request])).toEqual([['desktop:state', report]]);
    await closeAll(handle, processes);
  });

  it('answers a call that was waiting when the process died, in words', async () => {
    const { handle, processes } = await supervised();
    const waiting = handle.call('spaces:list', undefined);
    processes[0]!.die(null);
    expect(await waiting).toEqual({ ok: false, error: { code: 'unavailable', message: RESTARTING_MESSAGE } });
    await closeAll(handle, processes);
  });

  it('counts audio dropped while the process is down as the mix frames lost', async () => {
    const { handle, processes } = await supervised({ ...RESTART_POLICY, firstDelayMs: 60_000 });
    processes[0]!.die(1);
    handle.ingestAudio(new Uint8Array(encodePcmFrame({ track: 0, serial: 1, startFrame: 0, samples: new Float32Array(480) })));
    handle.ingestAudio(new Uint8Array(encodePcmFrame({ track: 1, serial: 1, startFrame: 0, samples: new Float32Array(480) })));
    expect(handle.droppedFrames).toBe(480);
    await closeAll(handle, processes);
  });

  it('keeps the info object and says so when a restart could not keep the addresses', async () => {
    const { handle, processes, port, nextProcess } = await supervised();
    const same = handle.info;
    const next = nextProcess();
    processes[0]!.die(1);
    (await next).reply({ kind: 'ready', ready: { info: info('ws://127.0.0.1:7990'), spaceServerPort: port } });
    const running = await waitFor(handle, 'running');
    expect(handle.info).toBe(same);
    expect(handle.info.livekitUrl).toBe('ws://127.0.0.1:7990');
    expect(running.detail).toContain('ws://127.0.0.1:7990');
    await closeAll(handle, processes);
  });

  it('counts a process that fails to start again as another stop, and gives up at the limit', async () => {
    const { handle, processes, nextProcess } = await supervised({ ...RESTART_POLICY, firstDelayMs: 10, maxCrashes: 3 });
    let next = nextProcess();
    processes[0]!.die(1);
    (await next).reply({ kind: 'failed', message: 'port in use' });
    next = nextProcess();
    (await next).die(1);
    const failed = await waitFor(handle, 'failed');
    expect(processes).toHaveLength(3);
    expect(failed.detail).toMatch(/stopped 3 times/);
    expect(await handle.call('app:info', undefined)).toEqual({ ok: false, error: { code: 'unavailable', message: failed.detail } });
    await closeAll(handle, processes);
  });

  it('starts nothing once closed, even with a restart pending', async () => {
    const { handle, processes } = await supervised({ ...RESTART_POLICY, firstDelayMs: 50 });
    processes[0]!.die(1);
    await handle.close();
    await new Promise((r) => setTimeout(r, 200));
    expect(processes).toHaveLength(1);
  });
});

/** Closes the handle, playing the stand-ins' part: each one asked to close leaves. */
async function closeAll(handle: ServicesHandle, processes: StandIn[]): Promise<void> {
  const closing = handle.close();
  for (const p of processes) if (p.sent.some((m) => m.kind === 'close')) p.die(0);
  await closing;
}
