// Who is recording a space right now, as everyone in it is shown (the stage message's `recording`). The recording
// itself happens in a host's or co-host's studio, out of the server's sight, so the server keeps what moderators
// announce and stops showing a recorder it can no longer hear from: one who left (no connection of theirs is left —
// their studio says `recording on` again when it reconnects), lost their co-host seat, or whose space ended. Every
// start and stop goes to the audit log, and toggling is limited per person so nobody can flood that log.
import { PodiumError } from '../common/result';
import type { ActionContext } from './actions';
import { createRateLimiter } from './rate-limit';
import { isModerator, onStage, type Member, type SpaceRoom } from './room';

/** Starts and stops per person: six in a row, then one every 10 s — more than anyone clicks, less than a flood. */
const TOGGLES = [0.1, 6] as const;

/** Why the server stopped showing someone as recording, as the audit log's detail says it. */
const DROPPED = { left: 'left the space', ended: 'the space ended', demoted: 'no longer a co-host' } as const;
export type RecorderDropped = keyof typeof DROPPED;

type Audit = ActionContext['audit'];

/** `recording on/off` from a moderator's studio. Repeating the current state changes nothing and is not logged. */
export function setRecording(ctx: ActionContext, on: boolean): void {
  const { room, actor, space } = ctx;
  if (!isModerator(actor.role)) throw new PodiumError('forbidden', 'only the host and co-hosts can record this space');
  if (on && space.status !== 'live') throw new PodiumError('invalid_state', 'recording can start once the space is live');
  if (on === room.recorders.has(actor.id)) return;
  actor.recordingToggles ??= createRateLimiter(...TOGGLES);
  if (!actor.recordingToggles.take(ctx.now())) {
    throw new PodiumError('rate_limited', 'you started and stopped recording many times just now — wait a few seconds and try again');
  }
  const wasRecorded = room.recorders.size > 0;
  if (on) room.recorders.set(actor.id, ctx.now());
  else room.recorders.delete(actor.id);
  ctx.audit(actor.name, on ? 'started recording' : 'stopped recording', null, null);
  room.toMember(actor, { type: 'you', you: room.you(actor) });
  room.schedule('stage');
  if (on && !wasRecorded) {
    // Everyone sees the badge; those on stage are also told, since it is their voice that is being kept.
    const text = `${actor.name} started recording this space. What you say on stage is in the recording.`;
    for (const m of room.members.values()) if (m !== actor && onStage(m.role)) room.toMember(m, { type: 'notice', text });
  }
}

/** The server stops showing `member` as recording (if it did), and logs why. */
export function dropRecorder(room: SpaceRoom, member: Pick<Member, 'id' | 'name'>, why: RecorderDropped, audit: Audit): void {
  if (!room.recorders.delete(member.id)) return;
  audit(member.name, 'is no longer shown as recording', null, DROPPED[why]);
  const m = room.members.get(member.id);
  if (m) room.toMember(m, { type: 'you', you: room.you(m) });
  room.schedule('stage');
}

export function dropAllRecorders(room: SpaceRoom, why: RecorderDropped, audit: Audit): void {
  for (const id of [...room.recorders.keys()]) dropRecorder(room, room.members.get(id) ?? { id, name: 'A moderator' }, why, audit);
}
