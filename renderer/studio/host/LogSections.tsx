// What happened (the audit log, newest first) and who is kept out (blocks, with unblock).
import { useMemo, type ReactNode } from 'react';
import type { AuditEntry } from '../../../common/protocol';
import { sendToSpace } from '../controller';
import { clockTime } from './hooks';
import { Face } from './ParticipantRow';
import { Section, type PanelProps } from './Section';

const SETTING_NAMES: Record<string, string> = { requestPolicy: 'requests', speakerLimit: 'speaker seats', cohostLimit: 'co-host seats' };
const POLICY_NAMES: Record<string, string> = { everyone: 'everyone', invited: 'people invited', nobody: 'nobody' };

/** The faint second half of a line: which link was pinned, what the settings became. */
function describeDetail(entry: AuditEntry): string | null {
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

export function ActivitySection({ view }: Pick<PanelProps, 'view'>): ReactNode {
  const entries = useMemo(() => [...view.audit].reverse(), [view.audit]);
  return (
    <Section title="Activity" testId="activity" className="activity-section">
      {entries.length === 0 ? (
        <div className="faint">Moderation shows up here: approvals, mutes, removals, pins.</div>
      ) : (
        <ol className="audit">
          {entries.map((e) => {
            const detail = describeDetail(e);
            return (
              <li key={e.id} className="audit-row" data-testid="audit-row">
                <time className="audit-time" dateTime={new Date(e.at).toISOString()}>{clockTime(e.at)}</time>
                <span className="audit-sep" aria-hidden> · </span>
                <span className="audit-text">
                  <strong>{e.actor}</strong> {e.action}
                  {e.target ? <> <strong>{e.target}</strong></> : null}
                  {detail && <span className="audit-detail"> — {detail}</span>}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </Section>
  );
}

export function BlockedSection({ view }: Pick<PanelProps, 'view'>): ReactNode {
  return (
    <Section title="Blocked" count={view.blocks.length} testId="blocked">
      {view.blocks.length === 0 ? (
        <div className="faint">Nobody is blocked. Blocked people can't join any of the host's spaces.</div>
      ) : (
        <ul className="blocks">
          {view.blocks.map((b) => (
            <li key={b.subject} className="block-row" data-testid="block-row" data-subject={b.subject}>
              <Face name={b.name} size={28} />
              <div className="prow-main">
                <div className="prow-name"><span className="ellipsis">{b.name}</span></div>
                <div className="faint">
                  Blocked {b.byHost === false ? 'by a co-host ' : ''}
                  {new Date(b.at).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}
                </div>
              </div>
              {/* The server refuses it too: only the host lifts a block the host made. */}
              {b.byHost && view.role !== 'host' ? (
                <span className="faint" data-testid="unblock-host-only" title="Only the host can lift a block the host made">
                  Host's block
                </span>
              ) : (
                <button className="btn btn-sm btn-quiet" data-testid="unblock" onClick={() => sendToSpace({ type: 'unblock', subject: b.subject })}>
                  Unblock
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
