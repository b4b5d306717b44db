// The one connection banner, studio and listener words: exactly one message for any combination of links, in a fixed
// priority, never silent while audio cannot get through, and "Back on air" for a moment after a trouble ends.
import { describe, expect, it } from 'vitest';
import type { SfuHealth } from '../../common/protocol';
import type { SfuConnection } from '../../renderer/sfu/adapter';
import {
  BACK_MS,
  INITIAL_HEALTH_MEMORY,
  audioOnAir,
  healthBanner,
  stepHealth,
  type HealthInput,
  type HealthMemory,
} from '../../renderer/state/connection-health';

const NOW = 1_000_000;
const up: SfuHealth = { status: 'up', since: 0, epoch: 1 };

/** A host on air in a live space, everything fine. */
function input(patch: Partial<HealthInput> = {}): HealthInput {
  return {
    audience: 'studio',
    now: NOW,
    live: true,
    onStage: true,
    protocol: 'open',
    attempt: 0,
    sfuHealth: up,
    clockOffset: 0,
    media: 'connected',
    hasGrant: true,
    publishing: true,
    audioServerHost: null,
    bridgeLost: null,
    services: { state: 'running', since: 0, restarts: 0, detail: null },
    mic: { status: 'on', error: null },
    ...patch,
  };
}
const listener = (patch: Partial<HealthInput> = {}) => input({ audience: 'listener', onStage: false, bridgeLost: undefined, services: undefined, mic: undefined, ...patch });
const restarting = (secondsAgo: number, clockOffset = 0): SfuHealth => ({ status: 'restarting', since: NOW + clockOffset - secondsAgo * 1000, epoch: 1 });

const BACKTICK_OR_SHELL = /[`$]|npm |&&|\|\|/;

describe('the studio banner', () => {
  it('nothing while everything works', () => {
    expect(healthBanner(input())).toBeNull();
    expect(healthBanner(input({ live: false, hasGrant: false, media: 'idle' }))).toBeNull();
  });

  it('audio server restarting while the host is on air: says listeners cannot hear, and for how long (server clock converted)', () => {
    const b = healthBanner(input({ sfuHealth: restarting(12, 5_000), clockOffset: 5_000, media: 'reconnecting' }));
    expect(b).toMatchObject({ kind: 'sfu-restarting', tone: 'warn', title: "Audio server restarting — listeners can't hear you (12 s)" });
    expect(b!.since).toBe(NOW - 12_000);
  });

  it('audio server restarting before going live: no claim about listeners', () => {
    const b = healthBanner(input({ live: false, sfuHealth: restarting(3) }));
    expect(b!.title).toBe('Audio server restarting (3 s)');
  });

  it('the space server link retrying: says the attempt, and whether audio still goes out', () => {
    const b = healthBanner(input({ protocol: 'retrying', attempt: 3 }));
    expect(b).toMatchObject({ kind: 'space-retrying', tone: 'warn', title: 'Connection lost — retrying (attempt 3)' });
    expect(b!.detail).toContain('Listeners still hear you');
    const both = healthBanner(input({ protocol: 'retrying', attempt: 1, media: 'reconnecting' }));
    expect(both!.title).toBe('Connection lost — retrying');
    expect(both!.detail).toContain("can't hear you");
  });

  it('a stale "restarting" from before the link dropped does not outrank the link itself', () => {
    expect(healthBanner(input({ protocol: 'retrying', attempt: 2, sfuHealth: restarting(30) }))!.kind).toBe('space-retrying');
  });

  it('the studio services restarting or failed: words a person understands, no shell syntax', () => {
    const restartingServices = healthBanner(input({ services: { state: 'restarting', since: NOW - 1000, restarts: 1, detail: null }, protocol: 'retrying', attempt: 2 }));
    expect(restartingServices).toMatchObject({ kind: 'services-restarting', tone: 'warn', title: 'Studio services restarting…' });
    const failed = healthBanner(input({ services: { state: 'failed', since: NOW, restarts: 3, detail: 'It stopped 3 times; run `npm start` again.' } }));
    expect(failed).toMatchObject({ kind: 'services-failed', tone: 'error' });
    expect(`${failed!.title} ${failed!.detail}`).not.toMatch(/`/);
    const noDetail = healthBanner(input({ services: { state: 'failed', since: NOW, restarts: 3, detail: null } }));
    expect(noDetail!.detail).toMatch(/start it again/);
  });

  it('the bridge to the studio services lost, or its key out of date: what to do, no backticks', () => {
    const lost = healthBanner(input({ bridgeLost: 'closed' }))!;
    expect(lost).toMatchObject({ kind: 'bridge-lost', tone: 'error', title: "The studio's services stopped" });
    expect(lost.detail).toContain('Start Podium again, then paste the studio link it prints into this tab.');
    const key = healthBanner(input({ bridgeLost: 'key' }))!;
    expect(key).toMatchObject({ kind: 'bridge-key', title: 'This studio link is out of date', detail: 'Paste the studio link Podium printed when it started into this tab.' });
    for (const b of [lost, key]) expect(`${b.title} ${b.detail}`).not.toMatch(BACKTICK_OR_SHELL);
  });

  it('a custom LiveKit that cannot be reached names its host', () => {
    const b = healthBanner(input({ audioServerHost: 'lk.example.org', sfuHealth: { status: 'down', since: NOW - 7000, epoch: 2 }, media: 'disconnected' }))!;
    expect(b).toMatchObject({ kind: 'sfu-down', tone: 'error', title: "Can't reach the audio server at lk.example.org" });
    expect(b.detail).toContain("Listeners can't hear you");
    expect(b.detail).toContain('7 s');
  });

  it('the audio server given up on: an error with what to do', () => {
    const b = healthBanner(input({ sfuHealth: { status: 'failed', since: NOW, epoch: 1 }, media: 'disconnected' }))!;
    expect(b).toMatchObject({ kind: 'sfu-failed', tone: 'error', title: "The audio server stopped — listeners can't hear you" });
    expect(b.detail).toMatch(/start it again/);
  });

  it("this studio's own audio connection dropped while the server says the audio server is up", () => {
    for (const media of ['reconnecting', 'disconnected'] as SfuConnection[]) {
      expect(healthBanner(input({ media }))).toMatchObject({ kind: 'media-reconnecting', tone: 'warn', title: "Audio connection lost — listeners can't hear you" });
    }
    expect(healthBanner(input({ media: 'connecting' }))).toMatchObject({ kind: 'media-connecting', tone: 'info' });
    // Connected, but the microphone not published again yet: not on air, so not "back" either.
    expect(healthBanner(input({ publishing: false }))).toMatchObject({ kind: 'media-connecting', tone: 'info', title: 'Putting you on air…' });
    // …unless there is no microphone to publish: that is the microphone's banner.
    expect(healthBanner(input({ publishing: false, mic: { status: 'off', error: null } }))!.kind).toBe('mic-off');
    expect(healthBanner(input({ publishing: false, onStage: false }))).toBeNull();
    // No grant yet (going live): nothing to be connected to.
    expect(healthBanner(input({ media: 'idle', hasGrant: false }))).toBeNull();
  });

  it('the microphone failing while on air says so; not when nobody should hear it', () => {
    const b = healthBanner(input({ mic: { status: 'error', error: 'The device was unplugged.' } }))!;
    expect(b).toMatchObject({ kind: 'mic-failed', tone: 'error', title: "Your microphone stopped — listeners can't hear you" });
    expect(b.detail).toContain('The device was unplugged.');
    expect(healthBanner(input({ mic: { status: 'off', error: null } }))!.kind).toBe('mic-off');
    expect(healthBanner(input({ live: false, mic: { status: 'error', error: 'x' } }))).toBeNull();
    expect(healthBanner(input({ onStage: false, mic: { status: 'error', error: 'x' } }))).toBeNull();
  });

  it('priority: services > space link > audio server > own audio connection > microphone', () => {
    const everything = input({
      services: { state: 'restarting', since: NOW, restarts: 1, detail: null },
      protocol: 'retrying',
      attempt: 2,
      sfuHealth: restarting(2),
      media: 'reconnecting',
      mic: { status: 'error', error: null },
    });
    expect(healthBanner(everything)!.kind).toBe('services-restarting');
    expect(healthBanner({ ...everything, services: null })!.kind).toBe('space-retrying');
    expect(healthBanner({ ...everything, services: null, protocol: 'open' })!.kind).toBe('sfu-restarting');
    expect(healthBanner({ ...everything, services: null, protocol: 'open', sfuHealth: up })!.kind).toBe('media-reconnecting');
    expect(healthBanner({ ...everything, services: null, protocol: 'open', sfuHealth: up, media: 'connected' })!.kind).toBe('mic-failed');
  });

  it('an older server that never reports the audio server: judged by the connection alone', () => {
    expect(healthBanner(input({ sfuHealth: null }))).toBeNull();
    expect(healthBanner(input({ sfuHealth: null, media: 'reconnecting' }))!.kind).toBe('media-reconnecting');
  });

  it('a co-host off the stage (demoted) is told about links, not about being heard', () => {
    const b = healthBanner(input({ onStage: false, sfuHealth: restarting(4) }))!;
    expect(b.title).toBe('Audio server restarting (4 s)');
    expect(healthBanner(input({ onStage: false, media: 'reconnecting' }))!.title).toBe('Audio connection lost — reconnecting');
  });
});

describe('the listener banner', () => {
  it('in listener words, never a dead end', () => {
    expect(healthBanner(listener())).toBeNull();
    const restart = healthBanner(listener({ sfuHealth: restarting(5), media: 'reconnecting' }))!;
    expect(restart.title).toBe("The audio server is restarting — you'll hear the space again in a moment");
    expect(healthBanner(listener({ media: 'reconnecting' }))).toMatchObject({ kind: 'media-reconnecting', title: 'Reconnecting…' });
    expect(healthBanner(listener({ media: 'disconnected' }))!.title).toBe('Reconnecting…');
    expect(healthBanner(listener({ protocol: 'retrying', attempt: 4 }))!.title).toBe('Reconnecting… (attempt 4)');
    const failed = healthBanner(listener({ sfuHealth: { status: 'failed', since: NOW, epoch: 3 } }))!;
    expect(failed.detail).toMatch(/reconnects by itself/);
    const down = healthBanner(listener({ sfuHealth: { status: 'down', since: NOW, epoch: 3 }, audioServerHost: 'lk.example.org' }))!;
    expect(`${down.title} ${down.detail}`).not.toContain('lk.example.org');
  });

  it('never mentions the studio, its services or a microphone', () => {
    const b = listener({ services: { state: 'failed', since: 0, restarts: 1, detail: 'x' }, bridgeLost: 'closed', mic: { status: 'error', error: 'x' } });
    expect(healthBanner(b)).toBeNull();
  });

  it('the space server link lost while waiting for the host: still said (the page recovers by itself)', () => {
    expect(healthBanner(listener({ live: false, hasGrant: false, media: 'idle', protocol: 'retrying', attempt: 2 }))!.kind).toBe('space-retrying');
  });
});

describe('what "on air" means', () => {
  const snap = { connection: 'connected' as SfuConnection, publishing: true };
  it('publishing, connected, and the audio server up (or not reported)', () => {
    expect(audioOnAir(snap, up)).toBe(true);
    expect(audioOnAir(snap, null)).toBe(true);
    expect(audioOnAir({ ...snap, connection: 'reconnecting' }, up)).toBe(false);
    expect(audioOnAir({ ...snap, publishing: false }, up)).toBe(false);
    expect(audioOnAir(snap, restarting(1))).toBe(false);
  });
});

describe('stepHealth: back on air, then nothing', () => {
  function walk(steps: Array<{ at: number; patch: Partial<HealthInput> }>, base = input): Array<string | null> {
    let memory: HealthMemory = INITIAL_HEALTH_MEMORY;
    return steps.map(({ at, patch }) => {
      const step = stepHealth(memory, base({ now: at, ...patch }));
      memory = step.memory;
      return step.banner ? `${step.banner.kind}:${step.banner.title}` : null;
    });
  }

  it('restarting → connecting → connected says "Back on air" for a few seconds', () => {
    const kinds = walk([
      { at: NOW, patch: {} },
      { at: NOW + 1000, patch: { sfuHealth: restarting(0), media: 'reconnecting' } },
      { at: NOW + 5000, patch: { media: 'connecting' } },
      { at: NOW + 5500, patch: { publishing: false } },
      { at: NOW + 6000, patch: {} },
      { at: NOW + 6000 + BACK_MS - 1, patch: {} },
      { at: NOW + 6000 + BACK_MS, patch: {} },
    ]);
    expect(kinds[0]).toBeNull();
    expect(kinds[1]).toMatch(/^sfu-restarting:/);
    expect(kinds[2]).toMatch(/^media-connecting:/);
    expect(kinds[3]).toBe('media-connecting:Putting you on air…');
    expect(kinds[4]).toBe('back:Back on air');
    expect(kinds[5]).toBe('back:Back on air');
    expect(kinds[6]).toBeNull();
  });

  it('a first connect is no "back"', () => {
    expect(walk([{ at: NOW, patch: { media: 'connecting' } }, { at: NOW + 1000, patch: {} }])).toEqual([expect.stringMatching(/^media-connecting/), null]);
  });

  it('the listener hears it in their words; a trouble again cuts "back" short', () => {
    const kinds = walk(
      [
        { at: NOW, patch: { media: 'reconnecting' } },
        { at: NOW + 1000, patch: {} },
        { at: NOW + 2000, patch: { media: 'reconnecting' } },
        { at: NOW + 3000, patch: {} },
      ],
      listener,
    );
    expect(kinds).toEqual(['media-reconnecting:Reconnecting…', expect.stringMatching(/^back:You're connected again/), 'media-reconnecting:Reconnecting…', expect.stringMatching(/^back:/)]);
  });

  it('a space that ended is nothing to be back on', () => {
    expect(walk([{ at: NOW, patch: { media: 'reconnecting' } }, { at: NOW + 1000, patch: { live: false, hasGrant: false, media: 'disconnected' } }])[1]).toBeNull();
  });

  it('not on stage: "Reconnected" rather than "Back on air"', () => {
    const kinds = walk([
      { at: NOW, patch: { onStage: false, protocol: 'retrying', attempt: 1 } },
      { at: NOW + 1000, patch: { onStage: false } },
    ]);
    expect(kinds[1]).toBe('back:Reconnected');
  });
});
