// Queries for reports: filing one (once per reporter and target while its case is open), the cases a space's
// moderators see (open ones grouped by target, and the latest decided), closing a case with a decision (one
// transaction: the decision is durable before anyone is told it is done), an export of everything, and the reports
// about hosts and co-hosts that only the server's admin sees.
import type { ReportCase, ReportDecision, ReportReason, ReportRecordOut } from '../../common/reports';
import type { Db } from './db';

export interface NewReport {
  spaceId: string;
  targetKey: string;
  targetName: string;
  targetRole: string | null;
  targetSubject: string | null;
  targetJoinedAt: number | null;
  reporterSubject: string;
  reporterName: string;
  reason: ReportReason;
  note: string;
  at: number;
  /** About a host or co-host: kept for the server's admin, never in the space's queue. */
  forAdmin: boolean;
}

/** A report as the admin sees it: what the moderators' export holds, and who (by key hash) reported whom. */
export interface ReportRecord extends ReportRecordOut {
  targetSubject: string | null;
  reporterSubject: string;
  forAdmin: boolean;
}

export interface ReportStore {
  /** False when this reporter already has an open report about this target (nothing is written). */
  add(report: NewReport): boolean;
  /** Open cases (newest activity first), then the latest `decided` decided ones (newest decision first). */
  cases(spaceId: string, decided?: number): ReportCase[];
  /** Whether this target has an open case in the space's queue. */
  isOpen(spaceId: string, targetKey: string): boolean;
  /**
   * Closes the target's open case — the reports up to `upTo` (the newest the moderator saw: a report filed while the
   * decision's SFU call ran opens a new case) — and returns how many it closed (0: nothing open, nothing written).
   */
  decide(spaceId: string, targetKey: string, decision: { action: ReportDecision; by: string; at: number; auditId: number | null }, upTo?: number): number;
  /** The id of the newest open report about the target (0 if none). */
  newestOpen(spaceId: string, targetKey: string): number;
  /** The target became a co-host: its open reports go to the server's admin, out of the moderators' queue. */
  toAdmin(spaceId: string, targetKey: string): number;
  /** Every report of the space with its decision, oldest first. */
  all(spaceId: string): ReportRecord[];
  /** Reports about hosts and co-hosts across every space, newest first. */
  forAdmin(limit: number): ReportRecord[];
  /** The latest reports of every space (about anyone), newest first. */
  latest(limit: number): ReportRecord[];
  /** How many open reports the space's queue holds. */
  openCount(spaceId: string): number;
}

interface Row {
  id: number;
  space_id: string;
  target_key: string;
  target_name: string;
  target_role: string | null;
  target_subject: string | null;
  target_joined_at: number | null;
  reporter_subject: string;
  reporter_name: string;
  reason: ReportReason;
  note: string;
  at: number;
  for_admin: number;
  decision_id: number | null;
  action: ReportDecision | null;
  by_name: string | null;
  decided_at: number | null;
  audit_id: number | null;
}

const toRecord = (r: Row): ReportRecord => ({
  id: r.id,
  spaceId: r.space_id,
  targetKey: r.target_key,
  targetName: r.target_name,
  targetRole: r.target_role,
  targetSubject: r.target_subject,
  reporterSubject: r.reporter_subject,
  reporterName: r.reporter_name,
  reason: r.reason,
  note: r.note,
  at: r.at,
  forAdmin: r.for_admin === 1,
  decision:
    r.decision_id === null || r.action === null
      ? null
      : { id: r.decision_id, action: r.action, by: r.by_name ?? '', at: r.decided_at ?? 0, auditId: r.audit_id },
});

/** Reports of one case (same target, same decision or all open) → what a moderator sees. Rows are oldest first. */
function toCase(rows: Row[]): ReportCase {
  const first = rows[0]!;
  const last = rows.at(-1)!;
  const [kind, ...rest] = first.target_key.split(':');
  const reasons = new Map<ReportReason, number>();
  const names: string[] = [];
  for (const r of rows) {
    reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
    if (!names.includes(r.target_name)) names.push(r.target_name);
  }
  return {
    key: first.target_key,
    target: {
      kind: kind === 'pin' ? 'pin' : 'person',
      id: rest.join(':'),
      name: last.target_name,
      role: last.target_role,
      names,
      joinedAt: rows.find((r) => r.target_joined_at !== null)?.target_joined_at ?? null,
    },
    reasons: [...reasons].sort((a, b) => b[1] - a[1]).map(([reason, count]) => ({ reason, count })),
    reporters: new Set(rows.map((r) => r.reporter_subject)).size,
    firstAt: first.at,
    lastAt: last.at,
    // The latest notes (the export has them all): a case's message stays small however many write one.
    notes: rows
      .filter((r) => r.note !== '')
      .slice(-NOTES_SHOWN)
      .map((r) => ({ text: r.note, at: r.at })),
    takenBy: null,
    takenById: null,
    decision:
      first.decision_id === null || first.action === null
        ? null
        : { action: first.action, by: first.by_name ?? '', at: first.decided_at ?? 0, auditId: first.audit_id },
  };
}

/** Notes shown per case. */
export const NOTES_SHOWN = 10;

const SELECT = `SELECT r.*, d.action, d.by_name, d.at AS decided_at, d.audit_id FROM reports r LEFT JOIN report_decisions d ON d.id = r.decision_id`;

export function createReportStore(db: Db): ReportStore {
  const q = {
    add: db.prepare(
      `INSERT INTO reports (space_id, target_key, target_name, target_role, target_subject, target_joined_at, reporter_subject,
         reporter_name, reason, note, at, for_admin)
       VALUES (@spaceId, @targetKey, @targetName, @targetRole, @targetSubject, @targetJoinedAt, @reporterSubject, @reporterName,
         @reason, @note, @at, @forAdmin)
       ON CONFLICT DO NOTHING`,
    ),
    open: db.prepare<[string], Row>(`${SELECT} WHERE r.space_id = ? AND r.decision_id IS NULL AND r.for_admin = 0 ORDER BY r.id`),
    decided: db.prepare<[string, string, number], Row>(
      `${SELECT} WHERE r.space_id = ? AND r.for_admin = 0 AND r.decision_id IN
         (SELECT id FROM report_decisions WHERE space_id = ? ORDER BY id DESC LIMIT ?) ORDER BY r.id`,
    ),
    isOpen: db.prepare<[string, string], { n: number }>(
      'SELECT COUNT(*) AS n FROM reports WHERE space_id = ? AND target_key = ? AND decision_id IS NULL AND for_admin = 0',
    ),
    openCount: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM reports WHERE space_id = ? AND decision_id IS NULL AND for_admin = 0'),
    addDecision: db.prepare('INSERT INTO report_decisions (space_id, target_key, action, by_name, at, audit_id) VALUES (?, ?, ?, ?, ?, ?)'),
    close: db.prepare('UPDATE reports SET decision_id = ? WHERE space_id = ? AND target_key = ? AND decision_id IS NULL AND for_admin = 0 AND id <= ?'),
    newestOpen: db.prepare<[string, string], { n: number | null }>(
      'SELECT MAX(id) AS n FROM reports WHERE space_id = ? AND target_key = ? AND decision_id IS NULL AND for_admin = 0',
    ),
    toAdmin: db.prepare('UPDATE reports SET for_admin = 1 WHERE space_id = ? AND target_key = ? AND decision_id IS NULL AND for_admin = 0'),
    all: db.prepare<[string], Row>(`${SELECT} WHERE r.space_id = ? ORDER BY r.id`),
    forAdmin: db.prepare<[number], Row>(`${SELECT} WHERE r.for_admin = 1 ORDER BY r.id DESC LIMIT ?`),
    latest: db.prepare<[number], Row>(`${SELECT} ORDER BY r.id DESC LIMIT ?`),
  };
  const decide = db.transaction((spaceId: string, targetKey: string, d: { action: ReportDecision; by: string; at: number; auditId: number | null }, upTo: number): number => {
    if (q.isOpen.get(spaceId, targetKey)!.n === 0) return 0;
    const id = Number(q.addDecision.run(spaceId, targetKey, d.action, d.by, d.at, d.auditId).lastInsertRowid);
    return q.close.run(id, spaceId, targetKey, upTo).changes;
  });
  return {
    add(report) {
      return q.add.run({ ...report, forAdmin: report.forAdmin ? 1 : 0 }).changes === 1;
    },
    cases(spaceId, decided = 20) {
      const groups = new Map<string, Row[]>();
      const rows = [...q.open.all(spaceId), ...(decided > 0 ? q.decided.all(spaceId, spaceId, decided) : [])];
      for (const r of rows) {
        const key = r.decision_id === null ? `open ${r.target_key}` : `decided ${r.decision_id}`;
        let group = groups.get(key);
        if (!group) groups.set(key, (group = []));
        group.push(r);
      }
      const cases = [...groups.values()].map(toCase);
      const open = cases.filter((c) => c.decision === null).sort((a, b) => b.lastAt - a.lastAt);
      const closed = cases.filter((c) => c.decision !== null).sort((a, b) => b.decision!.at - a.decision!.at);
      return [...open, ...closed];
    },
    isOpen: (spaceId, targetKey) => q.isOpen.get(spaceId, targetKey)!.n > 0,
    decide: (spaceId, targetKey, decision, upTo = Number.MAX_SAFE_INTEGER) => decide(spaceId, targetKey, decision, upTo),
    newestOpen: (spaceId, targetKey) => q.newestOpen.get(spaceId, targetKey)!.n ?? 0,
    toAdmin: (spaceId, targetKey) => q.toAdmin.run(spaceId, targetKey).changes,
    all: (spaceId) => q.all.all(spaceId).map(toRecord),
    forAdmin: (limit) => q.forAdmin.all(limit).map(toRecord),
    latest: (limit) => q.latest.all(limit).map(toRecord),
    openCount: (spaceId) => q.openCount.get(spaceId)!.n,
  };
}
