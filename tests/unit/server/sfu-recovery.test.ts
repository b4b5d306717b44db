// The space server's side of an SFU outage (server/sfu-recovery.ts): everyone in every room is told of each change at
// once, only the return of the SFU (a new epoch) brings fresh grants — to connected members only — and a sweep, and
// a client asking for grants in a loop gets one per 2 s.
import type { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../common/protocol';
import { PodiumError } from '../../../common/result';
import { createHealthSource } from '../../../server/livekit/health';
import { createRateLimiter } from '../../../server/rate-limit';
import { SpaceRoom, type Session } from '../../../server/room';
import { MEDIA_REQUEST_EVERY_MS, startSfuRecovery } from '../../../server/sfu-recovery';

function session(inbox: ServerMessage[]): Session {
  const ws = { OPEN: 1, readyState: 1, send: (frame: string | Buffer) => inbox.push(...String(frame).split('\n').map((line) => JSON.parse(line) as ServerMessage)) } as unknown as WebSocket;
  return { ws, address: '', spaceId: 's', memberId: null, limiter: createRateLimiter(20, 40), reactions: createRateLimiter(1, 5), joinTimer: setTimeout(() => {}, 0) };
}

function setup() {
  let clock = 1_000;
  const now = (): number => clock;
  const health = createHealthSource('up', now, () => {});
  const room = new SpaceRoom('s', { space: () => {}, stage: () => {}, reports: () => {} }, createRateLimiter(40, 80));
  const inboxes = { host: [] as ServerMessage[], lee: [] as ServerMessage[] };
  const host = room.member('h', 'host', 'Ann', 0);
  host.sessions.add(session(inboxes.host));
  const lee = room.member('l', 'lee', 'Lee', 0);
  lee.sessions.add(session(inboxes.lee));
  room.member('a', 'away', 'Away', 0).role = 'speaker';
  const granted: string[] = [];
  let sweeps = 0;
  const recovery = startSfuRecovery({
    health,
    rooms: () => [room],
    regrant: async (_room, m) => void granted.push(m.id),
    sweep: async () => void sweeps++,
    log: () => {},
    now,
    epochBase: 0,
  });
  return { health, room, host, lee, inboxes, granted, recovery, sweeps: () => sweeps, tick: (ms: number) => (clock += ms) };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('SFU recovery', () => {
  it('tells everyone of each change, and hands connected members fresh grants when the SFU is back', async () => {
    const t = setup();
    t.recovery.greet([...t.host.sessions][0]!);
    expect(t.inboxes.host).toEqual([{ type: 'sfu', sfu: { status: 'up', since: 1_000, epoch: 0 } }]);
    t.tick(10);
    t.health.move('restarting');
    for (const inbox of Object.values(t.inboxes)) expect(inbox.at(-1)).toEqual({ type: 'sfu', sfu: { status: 'restarting', since: 1_010, epoch: 0 } });
    await settle();
    expect(t.granted).toEqual([]);
    t.tick(10);
    t.health.move('up');
    await settle();
    expect(t.inboxes.lee.at(-1)).toEqual({ type: 'sfu', sfu: { status: 'up', since: 1_020, epoch: 1 } });
    // The member away from the space server has no connection to send a grant to.
    expect(t.granted).toEqual(['host', 'lee']);
    expect(t.sweeps()).toBe(1);
    expect(t.recovery.epoch()).toBe(1);
    t.recovery.stop();
    t.health.move('down');
    expect(t.inboxes.lee.at(-1)?.type === 'sfu' && t.inboxes.lee.at(-1)).toMatchObject({ sfu: { status: 'up' } });
  });

  it('numbers epochs from its own start, so a restarted space server never repeats one a client holds', () => {
    let clock = 5_000;
    const health = createHealthSource('up', () => clock, () => {});
    const before = startSfuRecovery({ health, rooms: () => [], regrant: async () => {}, sweep: async () => {}, log: () => {}, now: () => clock });
    clock = 9_000;
    const after = startSfuRecovery({ health, rooms: () => [], regrant: async () => {}, sweep: async () => {}, log: () => {}, now: () => clock });
    expect([before.epoch(), after.epoch()]).toEqual([5_000, 9_000]);
    health.move('restarting');
    health.move('up');
    expect([before.epoch(), after.epoch()]).toEqual([5_001, 9_001]);
    before.stop();
    after.stop();
  });

  it('gives a member asking in a loop one grant per 2 s, and none while the SFU is down', async () => {
    const t = setup();
    let grants = 0;
    const ask = () => t.recovery.requestMedia(t.lee, async () => void grants++);
    await ask();
    await expect(ask()).rejects.toMatchObject({ code: 'rate_limited' });
    t.tick(MEDIA_REQUEST_EVERY_MS - 1);
    await expect(ask()).rejects.toBeInstanceOf(PodiumError);
    t.tick(1);
    await ask();
    // Another member is not held back by Lee's asking.
    await t.recovery.requestMedia(t.host, async () => void grants++);
    expect(grants).toBe(3);
    t.health.move('restarting');
    t.tick(60_000);
    await expect(ask()).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/restarting/) });
    t.health.move('failed');
    await expect(ask()).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/could not be started again/) });
    expect(grants).toBe(3);
  });
});
