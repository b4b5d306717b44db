// Keeps the SFU in line with the space server for the whole life of every room. A LiveKit token cannot be revoked,
// LiveKit itself refreshes tokens (every 5 minutes, with the grants of that moment), and it accepts them a little past
// expiry; so assume every token it ever issued is in an attacker's hands. The SFU's own events (webhooks: participant
// joined, track published) are checked against who is entitled *now*, and anything not entitled is removed or loses
// its publishing at once. A slower sweep of every room on the SFU backs the webhooks up (a lost or late webhook, a
// space server restart). After an SFU restart everyone publishes anew: a microphone published by someone a moderator
// muted is muted again. While the SFU is down the sweep waits, and a failing sweep is logged once, not every time.
import type { Role } from '../common/space';
import type { SfuAdmin, SfuParticipant } from './livekit/admin';

/** What the space server says a LiveKit identity in a room may do right now. */
export interface Entitlement {
  /** The room is a live space of this server (anything else has no business on the SFU). */
  live: boolean;
  /** Removed or blocked from this space. */
  banned: boolean;
  role: Role;
  /** Away from the space server longer than the grace (or unknown to it): may listen, not publish. */
  away: boolean;
  /** A moderator muted them and they have not unmuted since: a microphone they publish again starts muted. */
  muted?: boolean;
  /** The space needs a ticket and they hold none that is valid (never used, or revoked): as good as removed. */
  noTicket?: boolean;
}

export type Verdict = { action: 'ok' } | { action: 'remove' | 'revoke'; reason: string };

export const mayPublish = (role: Role): boolean => role !== 'listener';

/** The rule, kept pure so it is tested on its own: who may stay in a room, and who may publish there. */
export function judge(p: Pick<SfuParticipant, 'canPublish' | 'micTracks'>, e: Entitlement): Verdict {
  if (!e.live) return { action: 'remove', reason: 'the space is not live' };
  if (e.banned) return { action: 'remove', reason: 'removed from this space' };
  if (e.noTicket) return { action: 'remove', reason: 'holds no valid ticket for this space' };
  const publishing = p.canPublish || p.micTracks.length > 0;
  if (publishing && !mayPublish(e.role)) return { action: 'revoke', reason: `a ${e.role} may not publish` };
  if (publishing && e.away) return { action: 'revoke', reason: `a ${e.role} away from the space server may not publish` };
  return { action: 'ok' };
}

/**
 * Whether a microphone just published must be muted on the SFU: its owner was muted by a moderator and has not
 * unmuted since (a reconnect after an SFU restart publishes anew). A webhook may list no track yet: mute then too.
 */
export function mustMute(p: Pick<SfuParticipant, 'micTracks'>, e: Entitlement): boolean {
  return e.muted === true && (p.micTracks.length === 0 || p.micTracks.some((t) => !t.muted));
}

export interface SfuEvent {
  kind: 'participant_joined' | 'track_published';
  room: string;
  participant: SfuParticipant;
}

export interface Enforcer {
  /** Checks one participant the SFU just told us about; resolves once any removal or revocation is done. */
  onEvent(event: SfuEvent): Promise<void>;
  /** Checks every participant of every room on the SFU. */
  sweep(): Promise<void>;
  stop(): void;
}

export function startEnforcer(opts: {
  admin: SfuAdmin;
  /** Null for a room that is not one of this server's spaces (a shared LiveKit project may hold other rooms). */
  entitlement: (room: string, identity: string) => Entitlement | null;
  log: (line: string) => void;
  /** How often every room is swept (ms); webhooks do the fast path. */
  sweepEveryMs?: number;
  /** Whether the SFU is serving (server/livekit/health.ts): a sweep of an SFU that is down would only fail. */
  sfuUp?: () => boolean;
}): Enforcer {
  async function enforce(room: string, p: SfuParticipant, via: string): Promise<void> {
    const entitlement = opts.entitlement(room, p.identity);
    if (!entitlement) return;
    const verdict = judge(p, entitlement);
    if (verdict.action === 'ok') {
      if (via === 'track_published' && mustMute(p, entitlement)) {
        opts.log(`enforcer (${via}): ${p.identity} in ${room}: muted by a moderator; muting the microphone they published`);
        await opts.admin.muteMicrophone(room, p.identity);
      }
      return;
    }
    opts.log(`enforcer (${via}): ${p.identity} in ${room}: ${verdict.reason}; ${verdict.action === 'remove' ? 'removing' : 'revoking publishing'}`);
    if (verdict.action === 'remove') await opts.admin.removeParticipant(room, p.identity);
    else await opts.admin.setCanPublish(room, p.identity, false);
  }

  let sweeping = false;
  /** The sweep's failure is logged once, then nothing until a sweep works again (an SFU down is not news every 10 s). */
  let failing = false;
  async function sweep(): Promise<void> {
    if (sweeping || opts.sfuUp?.() === false) return;
    sweeping = true;
    try {
      for (const room of await opts.admin.listRooms()) {
        for (const p of await opts.admin.listParticipants(room)) await enforce(room, p, 'sweep');
      }
      if (failing) opts.log('enforcer sweep: the SFU answers again');
      failing = false;
    } catch (error) {
      if (!failing) opts.log(`enforcer sweep: ${error instanceof Error ? error.message : String(error)} (not logged again until a sweep works)`);
      failing = true;
    } finally {
      sweeping = false;
    }
  }
  const timer = setInterval(() => void sweep(), opts.sweepEveryMs ?? 10_000);
  timer.unref();
  return {
    async onEvent(event) {
      try {
        await enforce(event.room, event.participant, event.kind);
      } catch (error) {
        // The sweep will try again; a failure here must not take the webhook endpoint down.
        opts.log(`enforcer (${event.kind}): ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    sweep,
    stop: () => clearInterval(timer),
  };
}
