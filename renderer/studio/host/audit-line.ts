// An activity-log line in words (pure: tested in Node). The server writes each moderation action as a phrase with the
// person's place in it ("moved {target} to the listeners", see MOD_ACTIONS[a].done) and the name apart; the studio
// puts them back together with the names in bold: "Host moved Lena to the listeners". Old entries ("muted", "Lena")
// still read "Host muted Lena".
import { auditParts } from '../../../common/moderation';
import type { AuditEntry } from '../../../common/protocol';

const SETTING_NAMES: Record<string, string> = { requestPolicy: 'requests', speakerLimit: 'speaker seats', cohostLimit: 'co-host seats' };
const POLICY_NAMES: Record<string, string> = { everyone: 'everyone', invited: 'people invited', nobody: 'nobody' };

/** The faint second half of a line: which link was pinned, what the settings became. */
export function describeDetail(entry: AuditEntry): string | null {
  if (!entry.detail) return null;
  if (entry.action !== 'changed settings') return entry.detail;
  try {
    const changes = JSON.parse(entry.detail) as Record<string, unknown>;
    return Object.entries(changes)
      .map(([k, v]) => `${SETTING_NAMES[k] ?? k}: ${typeof v === 'string' ? (POLICY_NAMES[v] ?? v) : String(v)}`)
      .join(', ');
  } catch {
    return entry.detail;
  }
}

/** One audit line's words around the bold names: "Host" + "moved " + "Lena" + " to the listeners". */
export function auditLine(entry: Pick<AuditEntry, 'actor' | 'action' | 'target'>): { actor: string; before: string; target: string | null; after: string } {
  if (entry.target === null || entry.target === '') {
    return { actor: entry.actor, before: entry.action.replace('{target}', 'someone'), target: null, after: '' };
  }
  const [before, after] = auditParts(entry.action);
  return { actor: entry.actor, before, target: entry.target, after };
}

