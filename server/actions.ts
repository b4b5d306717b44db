// What members may do once in a space: raise a hand, react, and — for moderators — the host actions of
// common/moderation.ts, pins, settings, co-hosts and saying they record (server/recording.ts). Every check here is
// the authority; the studio's buttons only mirror it. Actions that race (two co-hosts approving the same hand) end in
// the same state, without an error.
import { checkPinCaption, MAX_PINS, MOD_ACTIONS, mayPerform, parsePinUrl, type ModAction, type ParsedPin } from '../common/moderation';
import { COHOST_OFFER_MS, type AuditEntry, type ClientMessage } from '../common/protocol';
import { PodiumError } from '../common/result';
import type { PublicSpace } from '../common/space';
import { countOf, cutGraphemes, listNames } from '../common/text';
import { createRateLimiter } from './rate-limit';
import { dropRecorder, setRecording } from './recording';
import { decideReport, exportReports, fileReport, takeReport } from './reports';
import { blocksMessage, isModerator, onStage, type Member, type Session, type SpaceRoom } from './room';
import type { SessionHubDeps } from './sessions';

export interface ActionContext {
  deps: SessionHubDeps;
  room: SpaceRoom;
  actor: Member;
  session: Session;
  space: PublicSpace;
  /** Writes an audit line (and tells the moderators); returns it, so a report's decision can name it. */
  audit: (actor: string, action: string, target: string | null, detail: string | null) => AuditEntry;
  grantMedia: (member: Member) => Promise<void>;
  now: () => number;
}

type ActionMessage = Exclude<ClientMessage, { type: 'join' | 'start' | 'end' | 'ping' | 'media' | 'follow' | 'ticketSettings' | 'ticketIssue' | 'ticketRevoke' }>;

function requireModerator(actor: Member): void {
  if (!isModerator(actor.role)) throw new PodiumError('forbidden', 'only the host and co-hosts can do that');
}

/** Title and description edits per moderator: six in a row, then one every 5 s — typing fixes, not a flood of the log. */
const DETAIL_EDITS = [0.2, 6] as const;

/** Audit phrases carry `{target}` where a name goes (common/moderation.ts auditParts): a title must not add one. */
const literal = (text: string): string => text.replaceAll('{target}', '{ target }');

/** The audit line's words for a pinned link: "pinned a post by @podium", "pinned a link to example.org". */
function pinPhrase(pin: ParsedPin): string {
  return pin.kind === 'x' && pin.handle ? `a post by @${pin.handle}` : `a link to ${pin.site}`;
}

/**
 * Runs an SFU call that an action depends on, before the action changes anything here: if the SFU does not answer,
 * the action has not happened anywhere and the moderator is told so.
 */
async function onSfu(ctx: ActionContext, what: string, call: () => Promise<void>): Promise<void> {
  try {
    await call();
  } catch (error) {
    ctx.deps.log(`SFU call failed (${what}): ${error instanceof Error ? error.message : String(error)}`);
    throw new PodiumError('unavailable', `The audio server did not answer, so ${what} did not happen. Nothing changed; try again in a moment.`);
  }
}

export async function moderate(ctx: ActionContext, action: ModAction, targetId: string): Promise<void> {
  const { room, actor, deps, space } = ctx;
  requireModerator(actor);
  const target = room.members.get(targetId);
  if (!target) {
    // Someone who just left (or was removed a moment ago by another moderator) can still be removed and blocked:
    // the room remembers who recently left, and a Block must never report success without blocking.
    const departed = room.recentlyLeft.get(targetId);
    if ((action === 'remove' || action === 'block') && departed) return expel(ctx, action, { id: targetId, ...departed, sessions: new Set() });
    throw new PodiumError('not_found', 'that person is no longer in the space');
  }
  if (target.id === actor.id) throw new PodiumError('invalid_state', 'you cannot do that to yourself');
  if (action === 'cohost') {
    if (actor.role !== 'host') throw new PodiumError('forbidden', 'only the host can make co-hosts');
    if (target.role === 'cohost') throw new PodiumError('invalid_state', `${target.name} is a co-host already`);
  }
  const t = { role: target.role, handRaised: target.handRaisedAt !== null, invited: target.invited };
  if (!mayPerform(actor.role, action, t)) {
    // Idempotent outcomes of a race: approving a speaker, lowering a lowered hand, muting a muted one.
    if (action === 'approve' && target.role === 'speaker') return;
    if (action === 'deny' && !t.handRaised && target.role === 'listener') return;
    if (action === 'invite' && target.invited) return;
    if (action === 'demote' && target.role === 'listener') return;
    if ((action === 'approve' || action === 'deny') && target.role === 'listener') {
      throw new PodiumError('invalid_state', `${target.name} has lowered their hand in the meantime`);
    }
    if (target.role === 'host' || target.role === 'cohost') throw new PodiumError('forbidden', `a ${target.role === 'host' ? 'host' : 'co-host'} cannot be ${MOD_ACTIONS[action].passive}`);
    throw new PodiumError('invalid_state', `${MOD_ACTIONS[action].label} does not apply to ${target.name} right now`);
  }
  const room_ = space.id;
  // Each case calls the SFU first and changes memory and SQLite only once that worked: all or nothing.
  switch (action) {
    case 'approve': {
      const limit = deps.moderation.settings(room_).speakerLimit;
      if (room.countRole('speaker') >= limit) throw new PodiumError('invalid_state', `the stage is full (${countOf(limit, 'speaker')}); move someone to the listeners first`);
      // The seat is taken before the SFU call (so a burst of approvals cannot overfill the stage, and the enforcer
      // sees a speaker the moment LiveKit grants), and given back if the SFU does not answer.
      const before = { role: target.role, handRaisedAt: target.handRaisedAt, mutedBy: target.mutedBy };
      target.role = 'speaker';
      target.handRaisedAt = null;
      target.mutedBy = null;
      try {
        await onSfu(ctx, `bringing ${target.name} up to speak`, () => deps.admin.setCanPublish(room_, target.id, true));
      } catch (error) {
        Object.assign(target, before);
        throw error;
      }
      const recorded = room.recording() ? ' This space is being recorded.' : '';
      room.toMember(target, { type: 'notice', text: `${actor.name} brought you up to speak. You start muted — unmute when you're ready.${recorded}` });
      break;
    }
    case 'deny':
      target.handRaisedAt = null;
      room.toMember(target, { type: 'notice', text: `${actor.name} isn't bringing you up right now. You can raise your hand again later.` });
      break;
    case 'invite':
      target.invited = true;
      room.toMember(target, { type: 'notice', text: `${actor.name} invited you to speak — raise your hand to join the stage.` });
      break;
    case 'mute':
      await onSfu(ctx, `muting ${target.name}`, () => deps.admin.muteMicrophone(room_, target.id));
      target.mutedBy = actor.name;
      room.toMember(target, { type: 'notice', text: `${actor.name} muted you. You can unmute yourself.` });
      break;
    case 'demote':
      await onSfu(ctx, `moving ${target.name} to the listeners`, () => deps.admin.setCanPublish(room_, target.id, false));
      target.role = 'listener';
      target.mutedBy = null;
      room.toMember(target, { type: 'notice', text: `${actor.name} moved you back to the listeners.` });
      break;
    case 'cohost': {
      if (target.sessions.size === 0) throw new PodiumError('invalid_state', `${target.name} is not connected right now, so they cannot be asked`);
      const limit = deps.moderation.settings(room_).cohostLimit;
      const seated = deps.moderation.activeSeats(room_).length;
      if (seated >= limit) {
        throw new PodiumError(
          'invalid_state',
          limit === 0
            ? 'this space has no co-host seats; allow co-hosts in the room settings first'
            : `every co-host seat is taken (${seated} of ${limit}); remove a co-host or allow more first`,
        );
      }
      // One open offer per person: asking again while they decide would only replace the key they are looking at.
      if (room.offers.openFor(target.id, ctx.now())) throw new PodiumError('invalid_state', `${target.name} has not answered your last request yet`);
      room.offers.make(target, actor.name, ctx.now() + COHOST_OFFER_MS);
      break;
    }
    case 'remove':
    case 'block':
      return expel(ctx, action, target);
    default: {
      const unreachable: never = action;
      throw new Error(`unknown action ${String(unreachable)}`);
    }
  }
  ctx.audit(actor.name, MOD_ACTIONS[action].done, target.name, null);
  room.touched(target);
  room.schedule('stage');
}

/**
 * Remove (and Block): the ban is written first, so a rejoin racing the SFU call is already refused; if the SFU does
 * not answer, the ban (and a block this made) is taken back and nothing has changed.
 */
async function expel(ctx: ActionContext, action: 'remove' | 'block', target: Pick<Member, 'id' | 'subject' | 'name' | 'sessions'>): Promise<void> {
  const { room, actor, deps, space } = ctx;
  const owner = deps.moderation.owner(space.id);
  const wasBanned = deps.moderation.isBanned(space.id, target.subject);
  const blockedBefore = deps.moderation.blockAuthor(owner, target.subject);
  deps.moderation.ban(space.id, { subject: target.subject, identity: target.id, name: target.name }, ctx.now());
  if (action === 'block') deps.moderation.block(owner, target.subject, target.name, ctx.now(), actor.role === 'host' ? 'host' : 'cohost');
  try {
    await onSfu(ctx, `removing ${target.name}`, () => deps.admin.removeParticipant(space.id, target.id));
  } catch (error) {
    if (!wasBanned) deps.moderation.unban(space.id, target.subject);
    if (action === 'block') {
      if (blockedBefore === null) deps.moderation.unblock(owner, target.subject);
      else deps.moderation.block(owner, target.subject, target.name, ctx.now(), blockedBefore);
    }
    throw error;
  }
  if (action === 'block') room.toModerators(blocksMessage(deps.moderation, owner));
  // Whoever holds this id now — the member acted on, or one who rejoined during the SFU call — is closed.
  const sessions = new Set([...target.sessions, ...(room.members.get(target.id)?.sessions ?? [])]);
  // Forgotten (their kept standing too), and kept as recently left: a host's Block right after a co-host's Remove
  // still finds them (and makes it the host's). A co-host offer to them is withdrawn.
  room.putOut(target, sessions, { type: 'removed', message: `${actor.name} removed you from this space.` }, 4403, 'removed');
  ctx.audit(actor.name, MOD_ACTIONS[action].done, target.name, null);
}

export async function handleAction(ctx: ActionContext, message: ActionMessage): Promise<void> {
  const { room, actor, deps, space } = ctx;
  switch (message.type) {
    case 'hand': {
      if (!message.raised) {
        if (actor.handRaisedAt === null) return;
        actor.handRaisedAt = null;
      } else {
        if (actor.role !== 'listener') throw new PodiumError('invalid_state', 'you are already on stage');
        if (actor.handRaisedAt !== null) return;
        const policy = deps.moderation.settings(space.id).requestPolicy;
        if (policy === 'nobody') throw new PodiumError('forbidden', 'the host has turned off requests to speak');
        if (policy === 'invited' && !actor.invited) throw new PodiumError('forbidden', 'only people the host invited can ask to speak');
        actor.handRaisedAt = ctx.now();
        room.tally?.hand();
      }
      room.touched(actor);
      room.schedule('stage');
      return;
    }
    case 'rename':
      if (actor.role === 'host') throw new PodiumError('invalid_state', "the host's name is set in the studio");
      if (actor.name === message.name) return;
      actor.name = message.name;
      room.touched(actor);
      room.schedule('stage');
      return;
    case 'unmuted':
      if (actor.mutedBy === null) return;
      actor.mutedBy = null;
      room.touched(actor);
      return;
    case 'react':
      if (!actor.reactions.take(ctx.now())) throw new PodiumError('rate_limited', 'easy there — one reaction a second');
      // Someone on stage is named with their reaction (it floats from their avatar); a listener stays anonymous.
      if (!room.react(message.emoji, ctx.now(), onStage(actor.role) ? actor.id : undefined)) {
        throw new PodiumError('rate_limited', 'so many people are reacting that yours did not go out — try again in a moment');
      }
      return;
    case 'mod':
      return moderate(ctx, message.action, message.target);
    case 'muteAll': {
      requireModerator(actor);
      const speakers = [...room.members.values()].filter((m) => m.role === 'speaker');
      // Nobody to mute: nothing happens, and nothing is logged.
      if (speakers.length === 0) return;
      // Each speaker is muted on the SFU, then marked: the result is reported per person, never all-or-error.
      const outcomes = await Promise.allSettled(speakers.map((m) => deps.admin.muteMicrophone(space.id, m.id)));
      const failed: string[] = [];
      outcomes.forEach((outcome, i) => {
        const m = speakers[i]!;
        if (outcome.status === 'rejected') {
          failed.push(m.name);
          deps.log(`SFU call failed (mute ${m.id}): ${String(outcome.reason)}`);
          return;
        }
        m.mutedBy = actor.name;
        room.toMember(m, { type: 'notice', text: `${actor.name} muted all speakers. You can unmute yourself.` });
        room.touched(m);
      });
      const muted = speakers.length - failed.length;
      const all = countOf(speakers.length, 'speaker');
      ctx.audit(actor.name, 'muted all speakers', null, failed.length ? `${muted} of ${all}; not muted: ${listNames(failed, 5)}` : all);
      if (failed.length) {
        throw new PodiumError('unavailable', `Muted ${muted} of ${all}. The audio server did not answer for ${listNames(failed, 5)} — try again.`);
      }
      return;
    }
    case 'pin': {
      requireModerator(actor);
      // Both checks before anything changes: a bad caption refuses the whole pin.
      const parsed = parsePinUrl(message.url);
      if (!parsed.ok) throw new PodiumError('bad_request', parsed.message);
      const checked = message.caption === undefined ? null : checkPinCaption(message.caption);
      if (checked && !checked.ok) throw new PodiumError('bad_request', checked.message);
      const caption = checked?.ok ? checked.caption : '';
      const pins = deps.moderation.pins(space.id);
      // The parsed URL is what is stored and compared: "x.com/a/status/1" and "https://x.com/a/status/1" are one pin.
      const existing = pins.find((p) => p.url === parsed.pin.url);
      if (existing) {
        // Pinned already: the same result, unless this brings a new caption for it.
        if (checked === null || (existing.caption ?? '') === caption) return;
        deps.moderation.setPinCaption(space.id, existing.id, caption);
        ctx.audit(actor.name, caption ? `changed the caption of ${pinPhrase(existing)}` : `removed the caption of ${pinPhrase(existing)}`, null, caption ? `“${caption}”` : null);
        room.schedule('stage');
        return;
      }
      if (pins.length >= MAX_PINS) throw new PodiumError('invalid_state', `at most ${countOf(MAX_PINS, 'post')} can be pinned; unpin one first`);
      deps.moderation.addPin(space.id, parsed.pin, actor.name, ctx.now(), caption);
      ctx.audit(actor.name, `pinned ${pinPhrase(parsed.pin)}`, null, caption ? `${parsed.pin.url} — “${caption}”` : parsed.pin.url);
      room.schedule('stage');
      return;
    }
    case 'unpin': {
      requireModerator(actor);
      const pin = deps.moderation.pins(space.id).find((p) => p.id === message.pinId);
      if (!pin) return; // unpinned already
      deps.moderation.removePin(space.id, pin.id);
      ctx.audit(actor.name, `unpinned ${pinPhrase(pin)}`, null, pin.url);
      room.schedule('stage');
      return;
    }
    case 'details': {
      requireModerator(actor);
      if (message.title === undefined && message.description === undefined) throw new PodiumError('bad_request', 'send a title or a description');
      // The schemas trimmed and measured both; a value equal to the current one is no change.
      const title = message.title !== undefined && message.title !== space.title ? message.title : undefined;
      const description = message.description !== undefined && message.description !== space.description ? message.description : undefined;
      if (title === undefined && description === undefined) return;
      actor.detailEdits ??= createRateLimiter(...DETAIL_EDITS);
      if (!actor.detailEdits.take(ctx.now())) throw new PodiumError('rate_limited', 'you changed the details many times just now — wait a few seconds and try again');
      deps.store.setDetails(space.id, { title, description });
      let action: string;
      if (title === undefined) action = description === '' ? 'removed the description' : 'changed the description';
      else {
        action = `changed the title to “${literal(title)}”`;
        if (description !== undefined) action += description === '' ? ' and removed the description' : ' and the description';
      }
      const shown = description ? cutGraphemes(description, 140) : null;
      ctx.audit(actor.name, action, null, shown ? `${shown.text}${shown.cut ? '…' : ''}` : null);
      room.schedule('space');
      return;
    }
    case 'cohostDecline': {
      const declined = room.offers.endFor(actor.id, 'declined');
      // No offer (any more): it ran out or was withdrawn meanwhile. Said so, since the person meant to answer one.
      if (declined.length === 0) throw new PodiumError('invalid_state', 'there is no co-host invitation to answer (it may have run out)');
      ctx.audit(actor.name, 'said no to co-hosting', null, null);
      room.toMember(actor, { type: 'you', you: { ...room.you(actor), cohostOffer: null } });
      return;
    }
    case 'settings': {
      requireModerator(actor);
      if (message.settings.cohostLimit !== undefined && actor.role !== 'host') {
        throw new PodiumError('forbidden', 'only the host can change the number of co-hosts');
      }
      const seated = deps.moderation.activeSeats(space.id).length;
      if (message.settings.cohostLimit !== undefined && message.settings.cohostLimit < seated) {
        const holding = seated === 1 ? '1 co-host holds a seat' : `${countOf(seated, 'co-host')} hold seats`;
        throw new PodiumError('invalid_state', `${holding}; remove one before lowering the limit to ${message.settings.cohostLimit}`);
      }
      deps.moderation.updateSettings(space.id, message.settings);
      ctx.audit(actor.name, 'changed settings', null, JSON.stringify(message.settings));
      room.schedule('stage');
      return;
    }
    case 'cohostInvite': {
      if (actor.role !== 'host') throw new PodiumError('forbidden', 'only the host can invite co-hosts');
      const key = deps.moderation.rotateCohostKey(space.id);
      ctx.audit(actor.name, 'made a new co-host invite', null, 'earlier invite links stop working');
      ctx.session.ws.send(JSON.stringify({ type: 'invite', ...(message.ref ? { ref: message.ref } : {}), url: `${deps.shareUrl(space.id)}#cohost=${key}` }));
      return;
    }
    case 'cohostRemove': {
      if (actor.role !== 'host') throw new PodiumError('forbidden', 'only the host can change co-hosts');
      const target = room.members.get(message.target);
      if (!target || target.role !== 'cohost') return; // not a co-host (any more)
      await onSfu(ctx, `removing ${target.name} as co-host`, () => deps.admin.setCanPublish(space.id, target.id, false));
      // Their seat credential stops working: the invite link, or their old key, cannot bring them back as co-host.
      if (target.seatId) deps.moderation.revokeSeat(space.id, target.seatId, ctx.now());
      // The invite they came in with would seat them again: it is replaced too (the host makes a new one for others).
      deps.moderation.rotateCohostKey(space.id);
      target.role = 'listener';
      target.seatId = undefined;
      room.toMember(target, { type: 'notice', text: `${actor.name} removed you as co-host; you are a listener now.` });
      ctx.audit(actor.name, 'removed {target} as co-host', target.name, 'their seat and the invite link no longer work');
      // Only moderators are shown as recording: a listener's word for it would be anyone's.
      dropRecorder(room, target, 'demoted', ctx.audit);
      room.touched(target);
      room.schedule('stage');
      return;
    }
    case 'recording':
      return setRecording(ctx, message.on);
    case 'report':
      return fileReport(ctx, message);
    case 'reportTake':
      return takeReport(ctx, message);
    case 'reportsExport':
      return exportReports(ctx, message);
    case 'reportDecide':
      return decideReport(ctx, message, (action, targetId) =>
        action === 'unpin' ? handleAction(ctx, { type: 'unpin', pinId: targetId }) : moderate(ctx, action, targetId),
      );
    case 'unblock': {
      requireModerator(actor);
      const owner = deps.moderation.owner(space.id);
      const entry = deps.moderation.blockEntry(owner, message.subject);
      if (!entry) return; // unblocked already
      if (entry.byHost && actor.role !== 'host') throw new PodiumError('forbidden', `only the host can lift the host's block of ${entry.name}`);
      if (!deps.moderation.unblock(owner, message.subject)) return;
      ctx.audit(actor.name, 'unblocked {target}', entry.name, null);
      room.toModerators(blocksMessage(deps.moderation, owner));
      return;
    }
    default: {
      const unreachable: never = message;
      throw new Error(`unhandled ${JSON.stringify(unreachable)}`);
    }
  }
}
