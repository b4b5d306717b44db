// Reports in a live or scheduled space: anyone files one about a person or a pinned post; the host and co-hosts see
// every open report about one target as one case, take it (so two moderators do not handle it twice) and decide it.
// A decision is the moderation action of the same name, then one audit line that names the case, then the case is
// closed in SQLite in one transaction: only then are the studios told it is done. Reports about a host or co-host go
// to the server's admin, never to the moderators they are about.
import { REPORT_DECISION_LABELS, REPORT_REASON_LABELS, reportDecisionPhrase, reportKey, type ReportCase, type ReportDecision, type ReportRecordOut, type ReportTarget } from '../common/reports';
import type { ClientMessage, ServerMessage } from '../common/protocol';
import { PodiumError } from '../common/result';
import { countOf } from '../common/text';
import { addressKey, createKeyedRateLimiter, createRateLimiter, type RateLimiter } from './rate-limit';
import { isModerator, send, type SpaceRoom } from './room';
import type { ReportStore } from './store/reports';
import type { ActionContext } from './actions';

/**
 * Limits, in each space: a person files at most 5 reports in a row, then one every 20 s; an address 10, then one every
 * 6 s (client keys are free); the whole space 30, then one a second, so a flood from many clients cannot bury the
 * queue or fill the disk.
 */
export const REPORT_LIMITS = { perPerson: [1 / 20, 5], perAddress: [1 / 6, 10], perRoom: [1, 30], perServer: [5, 100] } as const;
/** Open reports a space's queue holds at most: past it, a new report is refused (and the reporter told) until cases are decided. */
export const MAX_OPEN_REPORTS = 500;
/** Cases a moderator is sent: the open ones with the newest activity, and the latest decided. */
export const CASES_SHOWN = { open: 100, decided: 20 } as const;
type Keyed = ReturnType<typeof createKeyedRateLimiter>;
const roomLimits = new WeakMap<SpaceRoom, { room: RateLimiter; byAddress: Keyed; byPerson: Keyed }>();
const serverLimits = new WeakMap<ReportStore, RateLimiter>();

/** Who has a case open in their studio right now, per room (key → moderator), and which cases are being decided. */
const taken = new WeakMap<SpaceRoom, Map<string, { id: string; name: string }>>();
const deciding = new WeakMap<SpaceRoom, Map<string, string>>();
const takenIn = (room: SpaceRoom) => taken.get(room) ?? (taken.set(room, new Map()), taken.get(room)!);
const decidingIn = (room: SpaceRoom) => deciding.get(room) ?? (deciding.set(room, new Map()), deciding.get(room)!);

/** What the host and co-hosts are sent: the cases, with who has each open now (only while they are connected). */
/**
 * Whether reports about this participant are for the server's admin: a host or co-host now, or a listener who took a
 * co-host seat with a one-tap offer (they moderate from a studio under another id, and would see their own case).
 */
function protectedTarget(room: SpaceRoom, id: string): boolean {
  const m = room.members.get(id);
  return (m !== undefined && isModerator(m.role)) || room.offers.took(id);
}

/** The open cases the queue holds (none about a protected person), newest activity first, and the latest decided. */
function visibleCases(store: ReportStore, room: SpaceRoom, decided: number = CASES_SHOWN.decided): ReportCase[] {
  return store.cases(room.spaceId, decided).filter((c) => c.decision !== null || c.target.kind !== 'person' || !protectedTarget(room, c.target.id));
}

export function reportsMessage(store: ReportStore, room: SpaceRoom): Extract<ServerMessage, { type: 'reports' }> {
  const holders = takenIn(room);
  const all = visibleCases(store, room);
  const open = all.filter((c) => c.decision === null);
  const shown = [...open.slice(0, CASES_SHOWN.open), ...all.filter((c) => c.decision !== null)];
  const cases: ReportCase[] = shown.map((c) => {
    const holder = c.decision === null ? holders.get(c.key) : undefined;
    const present = holder && room.members.get(holder.id)?.sessions.size ? holder : null;
    return { ...c, takenBy: present?.name ?? null, takenById: present?.id ?? null };
  });
  return { type: 'reports', cases, open: open.length };
}

type Reported = { name: string; role: string | null; subject: string | null; joinedAt: number | null; forAdmin: boolean };

/** Who or what a report is about, as it stands now; refused with a reason a person understands. */
function resolveTarget(ctx: ActionContext, target: ReportTarget): Reported {
  const { room, actor, deps, space } = ctx;
  if (target.kind === 'pin') {
    const pin = deps.moderation.pins(space.id).find((p) => p.id === target.id);
    if (!pin) throw new PodiumError('not_found', 'that post is no longer pinned');
    return { name: pin.url, role: null, subject: null, joinedAt: null, forAdmin: false };
  }
  if (target.id === actor.id) throw new PodiumError('invalid_state', 'you cannot report yourself');
  const m = room.members.get(target.id);
  if (m) return { name: m.name, role: m.role, subject: m.subject, joinedAt: m.joinedAt, forAdmin: protectedTarget(room, m.id) };
  // Someone who left (or was removed) a moment ago can still be reported: what they did stays worth telling.
  const gone = room.recentlyLeft.get(target.id);
  if (gone) return { name: gone.name, role: null, subject: gone.subject, joinedAt: null, forAdmin: false };
  throw new PodiumError('not_found', 'that person is not in this space');
}

export function fileReport(ctx: ActionContext, message: Extract<ClientMessage, { type: 'report' }>): void {
  const { room, actor, session, now } = ctx;
  const store = ctx.deps.reports;
  const target = resolveTarget(ctx, message.target);
  const key = reportKey(message.target);
  let limits = roomLimits.get(room);
  if (!limits) {
    limits = { room: createRateLimiter(...REPORT_LIMITS.perRoom), byAddress: createKeyedRateLimiter(...REPORT_LIMITS.perAddress), byPerson: createKeyedRateLimiter(...REPORT_LIMITS.perPerson) };
    roomLimits.set(room, limits);
  }
  // By the person's key, not their connection: leaving and rejoining does not refill it.
  if (!limits.byPerson.take(actor.subject, now())) throw new PodiumError('rate_limited', 'you have sent several reports just now — wait a little before the next');
  if (!limits.byAddress.take(addressKey(session.address), now())) throw new PodiumError('rate_limited', 'many reports are coming from your network right now — try again in a minute');
  if (!limits.room.take(now())) throw new PodiumError('rate_limited', 'the hosts are receiving many reports right now — try again in a minute');
  const server = serverLimits.get(store) ?? (serverLimits.set(store, createRateLimiter(...REPORT_LIMITS.perServer)), serverLimits.get(store)!);
  if (!server.take(now())) throw new PodiumError('rate_limited', 'this server is receiving many reports right now — try again in a minute');
  if (!target.forAdmin && store.openCount(room.spaceId) >= MAX_OPEN_REPORTS) {
    throw new PodiumError('rate_limited', `the hosts have ${MAX_OPEN_REPORTS} reports to look at already; try again once they have caught up`);
  }
  const added = store.add({
    spaceId: room.spaceId,
    targetKey: key,
    targetName: target.name,
    targetRole: target.role,
    targetSubject: target.subject,
    targetJoinedAt: target.joinedAt,
    reporterSubject: actor.subject,
    reporterName: actor.name,
    reason: message.reason,
    note: message.note ?? '',
    at: now(),
    forAdmin: target.forAdmin,
  });
  const what = message.target.kind === 'pin' ? 'this post' : target.name;
  if (!added) throw new PodiumError('invalid_state', `you have already reported ${what}; the hosts have your report`);
  const to = target.forAdmin ? 'the people who run this Podium server (hosts do not see reports about hosts)' : 'the hosts';
  for (const s of actor.sessions) {
    send(s, { type: 'reported', ...(s === session && message.ref ? { ref: message.ref } : {}), key, name: target.name, text: `Thanks — ${to} have your report about ${what}.` });
  }
  if (!target.forAdmin) room.schedule('reports');
}

/** The space's reports for an export: everything in the queue's history (reports about hosts stay the admin's). */
export function exportReports(ctx: ActionContext, message: Extract<ClientMessage, { type: 'reportsExport' }>): void {
  const { actor, session, space, deps } = ctx;
  if (!isModerator(actor.role)) throw new PodiumError('forbidden', 'only the host and co-hosts can export reports');
  const reports: ReportRecordOut[] = deps.reports
    .all(space.id)
    .filter((r) => !r.forAdmin)
    .map(({ targetSubject: _t, reporterSubject: _r, forAdmin: _f, ...shown }) => shown);
  send(session, { type: 'reportsExport', ...(message.ref ? { ref: message.ref } : {}), space: { id: space.id, title: space.title }, exportedAt: ctx.now(), reports });
}

/** A moderator opened a case in their studio (`taken`), or closed it without deciding. */
export function takeReport(ctx: ActionContext, message: Extract<ClientMessage, { type: 'reportTake' }>): void {
  const { room, actor, deps } = ctx;
  if (!isModerator(actor.role)) throw new PodiumError('forbidden', 'only the host and co-hosts can handle reports');
  const holders = takenIn(room);
  const holder = holders.get(message.key);
  if (!message.taken) {
    if (holder?.id !== actor.id) return;
    holders.delete(message.key);
  } else {
    if (!visibleCases(deps.reports, room, 0).some((c) => c.key === message.key)) throw new PodiumError('invalid_state', 'that report has been handled already');
    if (holder && holder.id !== actor.id && room.members.get(holder.id)?.sessions.size) {
      throw new PodiumError('invalid_state', `${holder.name} is handling that report`);
    }
    // One case at a time per moderator: opening another lets go of the last.
    for (const [k, h] of holders) if (h.id === actor.id) holders.delete(k);
    holders.set(message.key, { id: actor.id, name: actor.name });
  }
  room.schedule('reports');
}

/** Closes a case: the action first (it may fail: then nothing is decided), then its audit line, then the decision. */
export async function decideReport(
  ctx: ActionContext,
  message: Extract<ClientMessage, { type: 'reportDecide' }>,
  perform: (action: Exclude<ReportDecision, 'dismiss'>, targetId: string) => Promise<void>,
): Promise<void> {
  const { room, actor, deps } = ctx;
  if (!isModerator(actor.role)) throw new PodiumError('forbidden', 'only the host and co-hosts can handle reports');
  const key = message.key;
  const open = visibleCases(deps.reports, room, 0).find((c) => c.key === key);
  if (!open) {
    const done = deps.reports.cases(room.spaceId, 50).find((c) => c.key === key && c.decision);
    throw new PodiumError('invalid_state', done?.decision ? `${done.decision.by} handled that report already (${REPORT_DECISION_LABELS[done.decision.action].toLowerCase()})` : 'there is no open report about that');
  }
  const holder = takenIn(room).get(key);
  if (holder && holder.id !== actor.id && room.members.get(holder.id)?.sessions.size) throw new PodiumError('invalid_state', `${holder.name} is handling that report`);
  const busy = decidingIn(room);
  const other = busy.get(key);
  if (other) throw new PodiumError('invalid_state', `${other} is deciding that report right now`);
  const action = message.action;
  if (open.target.kind === 'pin' ? action !== 'dismiss' && action !== 'unpin' : action === 'unpin') {
    throw new PodiumError('bad_request', open.target.kind === 'pin' ? 'a reported post can be unpinned or the report dismissed' : 'only a pinned post can be unpinned');
  }
  if (action === 'demote' && room.members.get(open.target.id)?.role === 'listener') {
    throw new PodiumError('invalid_state', `${open.target.name} is a listener already; dismiss the report, or mute, remove or block`);
  }
  // What the moderator decided on: a report filed while the action runs is a new case, not silently closed with it.
  const upTo = deps.reports.newestOpen(room.spaceId, key);
  busy.set(key, actor.name);
  try {
    if (action !== 'dismiss') await perform(action, open.target.id);
    const reasons = open.reasons.map((r) => `${REPORT_REASON_LABELS[r.reason].toLowerCase()}${r.count > 1 ? ` ×${r.count}` : ''}`).join(', ');
    const entry = ctx.audit(
      actor.name,
      reportDecisionPhrase(action),
      open.target.kind === 'pin' ? 'a pinned post' : open.target.name,
      `${countOf(open.reporters, 'reporter')}: ${reasons}`,
    );
    deps.reports.decide(room.spaceId, key, { action, by: actor.name, at: ctx.now(), auditId: entry.id }, upTo);
    takenIn(room).delete(key);
    room.schedule('reports');
  } finally {
    busy.delete(key);
  }
}
