// Ticketed spaces on the server (issue 16): making and checking codes, the gate a listener's join passes, and the
// host's ticket actions. A code is 80 crypto-random bits plus a 40-bit HMAC over them and the space (so a guess is
// refused before the store is asked, and a code of one space is nothing in another); the store keeps only its hash.
// A ticket binds to the first listener who redeems it; in a ticketed space the SFU admits a listener or speaker only
// while they hold a ticket that is not revoked (sessions.ts entitlement → enforcer.ts), so revoking one removes its
// holder the way a removal does, whatever token they kept.
import crypto from 'node:crypto';
import type { ClientMessage, ServerMessage } from '../common/protocol';
import { PodiumError } from '../common/result';
import type { PublicSpace } from '../common/space';
import { countOf } from '../common/text';
import { CODE_ALPHABET, CODE_CHARS, normalizeTicketCode, ticketLink, ticketRefusalText, TICKETS_PER_SPACE_MAX, type TicketRefusal } from '../common/tickets';
import { createAuthThrottle, type AuthThrottle } from './auth-throttle';
import { addressKey } from './rate-limit';
import { send, type Member, type Session, type SpaceRoom } from './room';
import type { TicketStore } from './store/tickets';

const RANDOM_BYTES = 10;
const MAC_BYTES = 5;

function mac(secret: string, spaceId: string, random: Buffer): Buffer {
  return crypto.createHmac('sha256', Buffer.from(secret, 'hex')).update(`podium-ticket\0${spaceId}\0`).update(random).digest().subarray(0, MAC_BYTES);
}

function toBase32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += CODE_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}

function fromBase32(code: string): Buffer {
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of code) {
    value = (value << 5) | CODE_ALPHABET.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  return Buffer.from(bytes);
}

/** A new code for this space: 24 base32 characters, 80 of its 120 bits from the system's CSPRNG. */
export function newTicketCode(secret: string, spaceId: string): string {
  const random = crypto.randomBytes(RANDOM_BYTES);
  const code = toBase32(Buffer.concat([random, mac(secret, spaceId, random)]));
  if (code.length !== CODE_CHARS) throw new Error('ticket code length');
  return code;
}

/** Whether a normalised code carries this space's signature (compared in constant time). */
export function ticketSigned(secret: string, spaceId: string, code: string): boolean {
  const bytes = fromBase32(code);
  if (bytes.length !== RANDOM_BYTES + MAC_BYTES) return false;
  return crypto.timingSafeEqual(bytes.subarray(RANDOM_BYTES), mac(secret, spaceId, bytes.subarray(0, RANDOM_BYTES)));
}

/** What the store keeps of a code. */
export const ticketHash = (spaceId: string, code: string): string => crypto.createHash('sha256').update(`${spaceId}\0${code}`).digest('hex');

/** Wrong codes: five a minute on one connection, twenty in ten minutes from one address, fifty a second in all. */
export const TICKET_LIMITS = {
  perConnection: { maxFailures: 5, windowMs: 60_000, maxGlobalPerSecond: Number.MAX_SAFE_INTEGER },
  perAddress: { maxFailures: 20, windowMs: 10 * 60_000, maxGlobalPerSecond: 50 },
} as const;

export type Admission = { ok: true; ticketId: number | null; fresh?: boolean } | { ok: false; reason: TicketRefusal; retryAfterMs?: number };

export interface TicketGate {
  /** Whether this listener (or speaker) may join: a ticketed space needs a valid code, redeemed by them or now. */
  admit(session: Session, spaceId: string, code: string | undefined, holder: { subject: string; identity: string; name: string }): Admission;
}

export function createTicketGate(tickets: TicketStore, now: () => number): TicketGate {
  const byConnection = new WeakMap<Session, AuthThrottle>();
  const byAddress = createAuthThrottle({ ...TICKET_LIMITS.perAddress, now });
  return {
    admit(session, spaceId, code, holder) {
      if (!tickets.settings(spaceId).required) {
        // An open space admits everyone; a valid ticket shown anyway is still redeemed, so its holder keeps their
        // place if the host turns tickets on later. Nothing here depends on the code, so there is nothing to guess.
        const normal = code === undefined ? null : normalizeTicketCode(code);
        if (!normal || !ticketSigned(tickets.secret(spaceId), spaceId, normal)) return { ok: true, ticketId: null };
        const redeemed = tickets.redeem(spaceId, ticketHash(spaceId, normal), holder, now());
        return redeemed.ok ? { ok: true, ticketId: redeemed.ticketId, fresh: redeemed.fresh } : { ok: true, ticketId: null };
      }
      if (code === undefined) return { ok: false, reason: 'required' };
      // Someone who already holds a ticket here is no guesser: their page resends its code on every reconnect, and
      // wrong codes typed by others from their address (or into other spaces) must not lock them out of their place.
      if (tickets.holds(spaceId, holder.identity)) {
        const normal = normalizeTicketCode(code);
        const redeemed = normal && ticketSigned(tickets.secret(spaceId), spaceId, normal) ? tickets.redeem(spaceId, ticketHash(spaceId, normal), holder, now()) : null;
        if (redeemed?.ok) return { ok: true, ticketId: redeemed.ticketId, fresh: redeemed.fresh };
      }
      let mine = byConnection.get(session);
      if (!mine) byConnection.set(session, (mine = createAuthThrottle({ ...TICKET_LIMITS.perConnection, now })));
      const address = addressKey(session.address);
      for (const throttle of [mine, byAddress]) {
        const verdict = throttle.check(address);
        if (!verdict.allowed) return { ok: false, reason: 'throttled', retryAfterMs: Math.max(1_000, verdict.retryAfterMs) };
      }
      const failed = (reason: TicketRefusal): Admission => {
        mine.fail(address);
        byAddress.fail(address);
        return { ok: false, reason };
      };
      const normal = normalizeTicketCode(code);
      if (!normal || !ticketSigned(tickets.secret(spaceId), spaceId, normal)) return failed('invalid');
      const redeemed = tickets.redeem(spaceId, ticketHash(spaceId, normal), holder, now());
      if (redeemed.ok) return { ok: true, ticketId: redeemed.ticketId, fresh: redeemed.fresh };
      // A full space is no guess: it is not counted against the person.
      return redeemed.reason === 'full' ? { ok: false, reason: 'full' } : failed(redeemed.reason);
    },
  };
}

export function ticketRefusal(admission: Extract<Admission, { ok: false }>, ref?: string): ServerMessage {
  return {
    type: 'ticket',
    ...(ref ? { ref } : {}),
    reason: admission.reason,
    message: ticketRefusalText(admission.reason, admission.retryAfterMs),
    ...(admission.retryAfterMs !== undefined ? { retryAfterMs: admission.retryAfterMs } : {}),
  };
}

/** How many of the latest tickets the host's panel lists. */
const RECENT = 50;

/** The ticket summary (holders' names, labels that may name buyers) is the host's alone: co-hosts cannot manage tickets. */
export function tellHost(room: SpaceRoom, message: ServerMessage): void {
  for (const m of room.members.values()) if (m.role === 'host') room.toMember(m, message);
}

export function ticketsMessage(tickets: TicketStore, spaceId: string): ServerMessage {
  return { type: 'tickets', settings: tickets.settings(spaceId), counts: tickets.counts(spaceId), recent: tickets.recent(spaceId, RECENT) };
}

export interface TicketActionContext {
  tickets: TicketStore;
  room: SpaceRoom;
  actor: Member;
  session: Session;
  space: PublicSpace;
  shareUrl: (spaceId: string) => string;
  audit: (actor: string, action: string, target: string | null, detail: string | null) => void;
  /** Takes someone off the SFU: the call a removal makes. */
  removeFromSfu: (identity: string) => Promise<void>;
  /** Whether this SFU identity holds a ticket now. */
  holds: (identity: string) => boolean;
  log: (line: string) => void;
  now: () => number;
}

type TicketMessage = Extract<ClientMessage, { type: 'ticketSettings' | 'ticketIssue' | 'ticketRevoke' }>;

/** Closes a ticket holder's connections and takes them off the SFU, as a removal does. */
async function dropHolder(ctx: TicketActionContext, m: Member | undefined, identity: string, text: string): Promise<void> {
  if (m) ctx.room.putOut(m, [...m.sessions], { type: 'removed', message: text }, 4403, 'ticket revoked');
  try {
    await ctx.removeFromSfu(identity);
  } catch (error) {
    // The ticket is revoked already: the enforcer's sweep removes them from the SFU when it answers again.
    ctx.log(`could not remove ${identity} from the SFU after a ticket change: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export async function handleTicketAction(ctx: TicketActionContext, message: TicketMessage): Promise<void> {
  const { tickets, room, actor, space } = ctx;
  if (actor.role !== 'host') throw new PodiumError('forbidden', 'only the host can manage tickets');
  const ref = message.ref ? { ref: message.ref } : {};
  switch (message.type) {
    case 'ticketSettings': {
      if (message.required === undefined && message.capacity === undefined) throw new PodiumError('bad_request', 'say whether the space needs a ticket, or its capacity');
      const before = tickets.settings(space.id);
      const after = tickets.setSettings(space.id, { ...(message.required !== undefined ? { required: message.required } : {}), ...(message.capacity !== undefined ? { capacity: message.capacity } : {}) });
      if (after.required !== before.required) ctx.audit(actor.name, after.required ? 'made the space need a ticket' : 'let anyone with the link listen', null, null);
      if (after.capacity !== before.capacity) ctx.audit(actor.name, `set the ticket capacity to ${after.capacity}`, null, null);
      // Turned on: whoever listens without a ticket is asked for one (their page shows the ticket prompt).
      if (after.required && !before.required) {
        const offSfu: string[] = [];
        for (const m of [...room.members.values()]) {
          if ((m.role !== 'listener' && m.role !== 'speaker') || ctx.holds(m.id)) continue;
          room.putOut(m, [...m.sessions], { type: 'ticket', reason: 'required', message: ticketRefusalText('required') }, 4402, 'ticket required');
          offSfu.push(m.id);
        }
        // One SFU call at a time, not thousands at once (the enforcer's sweep backs up any that fails).
        void (async () => {
          for (const id of offSfu) await ctx.removeFromSfu(id).catch((error: unknown) => ctx.log(`could not remove ${id} from the SFU: ${String(error)}`));
        })();
      }
      tellHost(room, ticketsMessage(tickets, space.id));
      return;
    }
    case 'ticketIssue': {
      const { issued } = tickets.counts(space.id);
      if (issued + message.count > TICKETS_PER_SPACE_MAX) {
        throw new PodiumError('invalid_state', `a space holds at most ${TICKETS_PER_SPACE_MAX} tickets (${issued} issued so far); issue fewer`);
      }
      const label = (message.label ?? '').trim();
      const secret = tickets.secret(space.id);
      const codes = Array.from({ length: message.count }, () => newTicketCode(secret, space.id));
      const ids = tickets.issue(space.id, codes.map((c) => ticketHash(space.id, c)), label, ctx.now());
      const shareUrl = ctx.shareUrl(space.id);
      send(ctx.session, {
        type: 'ticketsIssued',
        ...ref,
        space: { id: space.id, title: space.title },
        tickets: ids.map((id, i) => ({ id, code: codes[i]!, url: ticketLink(shareUrl, codes[i]!), label })),
      });
      ctx.audit(actor.name, `issued ${countOf(message.count, 'ticket')}`, null, label || null);
      tellHost(room, ticketsMessage(tickets, space.id));
      return;
    }
    case 'ticketRevoke': {
      const revoked = tickets.revoke(space.id, message.id, ctx.now());
      if (!revoked) throw new PodiumError('not_found', `there is no ticket #${message.id} in this space`);
      if (revoked.alreadyRevoked) return;
      const holder = revoked.holderIdentity;
      const m = holder ? room.members.get(holder) : undefined;
      ctx.audit(actor.name, `revoked ticket #${message.id}`, null, m ? `held by ${m.name}` : holder ? null : 'not used yet');
      tellHost(room, ticketsMessage(tickets, space.id));
      // The same path as a removal: their connections close, and the SFU drops them (and, the ticket being revoked,
      // the enforcer refuses any token they kept).
      if (holder && (m === undefined || m.role === 'listener' || m.role === 'speaker')) await dropHolder(ctx, m, holder, 'The host revoked your ticket, so you are no longer in this space.');
      return;
    }
    default: {
      const unreachable: never = message;
      throw new Error(`unhandled ${JSON.stringify(unreachable)}`);
    }
  }
}
