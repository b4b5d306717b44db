// The SFU enforcement rule and its runner: who may stay in a room and who may publish, judged against the space
// server's state now — whatever token the participant holds.
import { afterEach, describe, expect, it } from 'vitest';
import type { Role } from '../../../common/space';
import { judge, mustMute, startEnforcer, type Enforcer, type Entitlement } from '../../../server/enforcer';
import type { SfuParticipant } from '../../../server/livekit/admin';
import { recordingAdmin } from '../../support/recording-admin';

const listening = { canPublish: false, micTracks: [] };
const publishing = { canPublish: true, micTracks: [{ sid: 'TR_1', muted: false }] };
const live = (role: Role, banned = false, away = false): Entitlement => ({ live: true, banned, role, away });

describe('judge', () => {
  it('lets entitled people stay and publish', () => {
    for (const role of ['host', 'cohost', 'speaker'] as const) expect(judge(publishing, live(role))).toEqual({ action: 'ok' });
    expect(judge(listening, live('listener'))).toEqual({ action: 'ok' });
  });

  it('removes a listener or speaker without a valid ticket in a ticketed space, as a removal does', () => {
    expect(judge(listening, { ...live('listener'), noTicket: true })).toEqual({ action: 'remove', reason: 'holds no valid ticket for this space' });
    expect(judge(publishing, { ...live('speaker'), noTicket: true }).action).toBe('remove');
    expect(judge(listening, { ...live('listener'), noTicket: false })).toEqual({ action: 'ok' });
  });

  it('removes anyone banned, whatever their grants, and everyone once the space is not live', () => {
    expect(judge(listening, live('listener', true)).action).toBe('remove');
    expect(judge(publishing, live('speaker', true)).action).toBe('remove');
    expect(judge(publishing, { live: false, banned: false, role: 'host', away: false }).action).toBe('remove');
  });

  it('lets someone away from the space server listen, but not publish', () => {
    expect(judge(publishing, live('cohost', false, true)).action).toBe('revoke');
    expect(judge(publishing, live('speaker', false, true)).action).toBe('revoke');
    expect(judge(listening, live('cohost', false, true))).toEqual({ action: 'ok' });
  });

  it('takes publishing away from a listener who holds a publishing grant or a track', () => {
    expect(judge({ canPublish: true, micTracks: [] }, live('listener')).action).toBe('revoke');
    expect(judge({ canPublish: false, micTracks: [{ sid: 'TR', muted: true }] }, live('listener')).action).toBe('revoke');
  });
});

describe('the enforcer', () => {
  let enforcer: Enforcer | null = null;
  afterEach(() => enforcer?.stop());

  it('acts on a webhook event at once, and leaves rooms that are not its spaces alone', async () => {
    const admin = recordingAdmin();
    const table: Record<string, Entitlement | null> = { banned: live('listener', true), demoted: live('listener'), fine: live('speaker') };
    enforcer = startEnforcer({ admin, entitlement: (room, id) => (room === 'space' ? (table[id] ?? null) : null), log: () => {} });
    const p = (identity: string): SfuParticipant => ({ identity, ...publishing });
    await enforcer.onEvent({ kind: 'participant_joined', room: 'space', participant: p('banned') });
    await enforcer.onEvent({ kind: 'track_published', room: 'space', participant: p('demoted') });
    await enforcer.onEvent({ kind: 'track_published', room: 'space', participant: p('fine') });
    await enforcer.onEvent({ kind: 'participant_joined', room: 'another-app', participant: p('banned') });
    expect(admin.calls).toEqual(['remove space banned', 'publish space demoted false']);
  });

  it('sweeps every room the SFU has, for as long as the room lives', async () => {
    const admin = recordingAdmin();
    admin.present = [
      { identity: 'banned', ...listening },
      { identity: 'fine', ...publishing },
    ];
    enforcer = startEnforcer({
      admin,
      entitlement: (_room, id) => (id === 'banned' ? live('listener', true) : live('speaker')),
      log: () => {},
      sweepEveryMs: 60_000,
    });
    await enforcer.sweep();
    expect(admin.calls).toEqual(['remove room banned']);
  });

  it('survives an SFU that throws, and logs it', async () => {
    const admin = recordingAdmin();
    admin.removeParticipant = async () => {
      throw new Error('connect ECONNREFUSED');
    };
    const lines: string[] = [];
    enforcer = startEnforcer({ admin, entitlement: () => live('listener', true), log: (l) => lines.push(l) });
    await expect(enforcer.onEvent({ kind: 'participant_joined', room: 'r', participant: { identity: 'x', ...listening } })).resolves.toBeUndefined();
    expect(lines.join('\n')).toMatch(/ECONNREFUSED/);
  });
});

describe('after the SFU restarts', () => {
  let enforcer: Enforcer | null = null;
  afterEach(() => enforcer?.stop());
  const muted: Entitlement = { ...live('speaker'), muted: true };

  it('mutes a microphone published again by someone a moderator muted, unless it is muted already', () => {
    expect(mustMute(publishing, muted)).toBe(true);
    // A webhook may list no track yet: the mute is asked for anyway.
    expect(mustMute(listening, muted)).toBe(true);
    expect(mustMute({ micTracks: [{ sid: 'TR_1', muted: true }] }, muted)).toBe(false);
    expect(mustMute(publishing, live('speaker'))).toBe(false);
  });

  it('acts on track_published only: joining, or a sweep, leaves an unmuted microphone alone', async () => {
    const admin = recordingAdmin();
    admin.present = [{ identity: 'mia', ...publishing }];
    enforcer = startEnforcer({ admin, entitlement: () => muted, log: () => {}, sweepEveryMs: 60_000 });
    await enforcer.onEvent({ kind: 'participant_joined', room: 'space', participant: { identity: 'mia', ...listening } });
    await enforcer.sweep();
    expect(admin.calls).toEqual([]);
    await enforcer.onEvent({ kind: 'track_published', room: 'space', participant: { identity: 'mia', ...publishing } });
    expect(admin.calls).toEqual(['mute space mia']);
  });

  it('does not call an SFU that is not up', async () => {
    const admin = recordingAdmin();
    let asked = 0;
    admin.listRooms = async () => {
      asked++;
      return [];
    };
    let up = false;
    enforcer = startEnforcer({ admin, entitlement: () => live('speaker'), log: () => {}, sweepEveryMs: 60_000, sfuUp: () => up });
    await enforcer.sweep();
    expect(asked).toBe(0);
    up = true;
    await enforcer.sweep();
    expect(asked).toBe(1);
  });

  it('logs a failing sweep once, not every time, and says when it works again', async () => {
    const admin = recordingAdmin();
    let failing = true;
    admin.listRooms = async () => {
      if (failing) throw new TypeError('fetch failed');
      return [];
    };
    const lines: string[] = [];
    enforcer = startEnforcer({ admin, entitlement: () => live('speaker'), log: (l) => lines.push(l), sweepEveryMs: 60_000 });
    for (let i = 0; i < 5; i++) await enforcer.sweep();
    expect(lines).toEqual(['enforcer sweep: fetch failed (not logged again until a sweep works)']);
    failing = false;
    await enforcer.sweep();
    await enforcer.sweep();
    expect(lines.slice(1)).toEqual(['enforcer sweep: the SFU answers again']);
  });
});
