// Reports: anyone in a space tells its host and co-hosts that someone (or a pinned post) is out of line. Shared by
// the space server (which checks, stores and groups them), the listener page (which sends them) and the studio (which
// shows the queue and decides). A "case" is every open report about one target, grouped; a decision closes it.
import { z } from 'zod';
import { csvCell } from './csv';
import { graphemeLength } from './text';

export const REPORT_REASONS = ['harassment', 'spam', 'sexual', 'violence', 'impersonation', 'other'] as const;
export const reportReasonSchema = z.enum(REPORT_REASONS);
export type ReportReason = z.infer<typeof reportReasonSchema>;

/** The words a person picks from, in this order. */
export const REPORT_REASON_LABELS: Record<ReportReason, string> = {
  harassment: 'Harassment or hate',
  spam: 'Spam or scam',
  sexual: 'Sexual content',
  violence: 'Violence or threats',
  impersonation: 'Impersonation',
  other: 'Something else',
};

/** A reporter's own words, optional; counted in characters as a person sees them. */
export const REPORT_NOTE_MAX = 300;
export const reportNoteSchema = z
  .string()
  .trim()
  // Code units too: 300 characters stacked with combining marks could otherwise be kilobytes each.
  .max(REPORT_NOTE_MAX * 8, `a note is at most ${REPORT_NOTE_MAX} characters`)
  .refine((t) => graphemeLength(t) <= REPORT_NOTE_MAX, `a note is at most ${REPORT_NOTE_MAX} characters`);

/** What is reported: a person in the space (by participant id), or a pinned post (by pin id). */
export const reportTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('person'), id: z.string().regex(/^p[a-f0-9]{16}$/, 'a participant id is p followed by 16 hex digits') }).strict(),
  z.object({ kind: z.literal('pin'), id: z.string().regex(/^[a-f0-9]{1,40}$/, 'a pin id is hex digits') }).strict(),
]);
export type ReportTarget = z.infer<typeof reportTargetSchema>;

/** One string per target: the key a case, a "taken by" and a decision are filed under. */
export function reportKey(target: ReportTarget): string {
  return `${target.kind}:${target.id}`;
}
export const reportKeySchema = z.string().regex(/^(person:p[a-f0-9]{16}|pin:[a-f0-9]{1,40})$/, 'a report key is person:<participant id> or pin:<pin id>');

/**
 * What a moderator can do from a case. Dismiss closes it and changes nothing else; the others are the moderation
 * action of the same name on the person (unpin: on the post), and close it once that has happened.
 */
export const REPORT_DECISIONS = ['dismiss', 'mute', 'demote', 'remove', 'block', 'unpin'] as const;
export const reportDecisionSchema = z.enum(REPORT_DECISIONS);
export type ReportDecision = z.infer<typeof reportDecisionSchema>;

export const REPORT_DECISION_LABELS: Record<ReportDecision, string> = {
  dismiss: 'Dismiss',
  mute: 'Mute',
  demote: 'Move to listeners',
  remove: 'Remove',
  block: 'Block',
  unpin: 'Unpin',
};

/** The audit log's phrase for a decision ({target}: the person's name, or "a pinned post"); a recording marks it. */
export function reportDecisionPhrase(action: ReportDecision): string {
  return action === 'dismiss' ? 'dismissed the report about {target}' : `decided the report about {target}: ${REPORT_DECISION_LABELS[action].toLowerCase()}`;
}

/** Which decisions fit a target: people are moderated, posts are unpinned. */
export function decisionsFor(kind: ReportTarget['kind']): ReportDecision[] {
  return kind === 'pin' ? ['dismiss', 'unpin'] : ['dismiss', 'mute', 'demote', 'remove', 'block'];
}

/** A case as the host and co-hosts see it. Reporters are counted, not named: the queue is about what happened. */
export const reportCaseSchema = z.object({
  key: reportKeySchema,
  target: z.object({
    kind: z.enum(['person', 'pin']),
    id: z.string(),
    /** The person's name when reported (for a pin: its link). */
    name: z.string(),
    /** A person's role when last reported. */
    role: z.string().nullable(),
    /** For a person: every name they were reported under, oldest first; for a pin, its link. */
    names: z.array(z.string()),
    /** For a person: when they joined the space (server clock), if known. */
    joinedAt: z.number().int().nullable(),
  }),
  reasons: z.array(z.object({ reason: reportReasonSchema, count: z.number().int().positive() })),
  reporters: z.number().int().positive(),
  firstAt: z.number().int(),
  lastAt: z.number().int(),
  notes: z.array(z.object({ text: z.string(), at: z.number().int() })),
  /** The moderator handling it now (opened it in their studio), if any. */
  takenBy: z.string().nullable(),
  /** Their participant id (a studio tells its own take from another moderator's of the same name). */
  takenById: z.string().nullable().optional(),
  /** Set once decided: the case is closed. */
  decision: z
    .object({ action: reportDecisionSchema, by: z.string(), at: z.number().int(), auditId: z.number().int().nullable() })
    .nullable(),
});
export type ReportCase = z.infer<typeof reportCaseSchema>;

/** A report as exported for a trust and safety follow-up (CSV and JSON), with the decision that closed it. */
export const reportRecordSchema = z.object({
  id: z.number().int(),
  spaceId: z.string(),
  targetKey: z.string(),
  targetName: z.string(),
  targetRole: z.string().nullable(),
  reporterName: z.string(),
  reason: reportReasonSchema,
  note: z.string(),
  at: z.number().int(),
  decision: z
    .object({ id: z.number().int(), action: reportDecisionSchema, by: z.string(), at: z.number().int(), auditId: z.number().int().nullable() })
    .nullable(),
});
export type ReportRecordOut = z.infer<typeof reportRecordSchema>;

const CSV_COLUMNS = ['report', 'reported at', 'about', 'name', 'role', 'reason', 'note', 'reporter', 'decision', 'decided by', 'decided at', 'audit entry'] as const;

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** The CSV export: a header row, then one row per report (CRLF line ends, as RFC 4180 says). */
export function reportsToCsv(records: readonly ReportRecordOut[]): string {
  const rows = records.map((r) =>
    [
      r.id,
      iso(r.at),
      r.targetKey,
      r.targetName,
      r.targetRole,
      REPORT_REASON_LABELS[r.reason],
      r.note,
      r.reporterName,
      r.decision ? REPORT_DECISION_LABELS[r.decision.action] : 'open',
      r.decision?.by ?? null,
      iso(r.decision?.at),
      r.decision?.auditId ?? null,
    ]
      .map(csvCell)
      .join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}
