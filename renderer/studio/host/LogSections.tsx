// What happened (the audit log, newest first, names in bold inside the phrase: "Host moved Lena to the listeners"),
// scrollable with a cue for what is out of sight; and who is kept out (blocks, with unblock).
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { countOf } from '../../../common/text';
import { sendToSpace } from '../controller';
import { auditLine, describeDetail } from './audit-line';
import { clockTime } from './hooks';
import { Face } from './ParticipantRow';
import { memoOnView, Section, type PanelProps } from './Section';
import type { SessionView } from '../../state/space-session';

/** How many rows of a scrolled list lie (even partly) past its top and bottom edges. */
function hiddenRows(list: HTMLElement): { above: number; below: number } {
  const top = list.scrollTop;
  const bottom = top + list.clientHeight;
  let above = 0;
  let below = 0;
  for (const row of Array.from(list.children) as HTMLElement[]) {
    if (row.offsetTop + row.offsetHeight > bottom + 2) below++;
    else if (row.offsetTop < top - 2) above++;
  }
  return { above, below };
}

export const ActivitySection = memoOnView(function ActivitySection({ view }: { view: Pick<SessionView, 'audit'> }): ReactNode {
  const entries = useMemo(() => [...view.audit].reverse(), [view.audit]);
  const list = useRef<HTMLOListElement>(null);
  const [hidden, setHidden] = useState({ above: 0, below: 0 });
  const measure = useCallback(() => {
    const el = list.current;
    if (!el) return setHidden({ above: 0, below: 0 });
    const next = hiddenRows(el);
    setHidden((prev) => (prev.above === next.above && prev.below === next.below ? prev : next));
  }, []);
  useLayoutEffect(measure, [entries, measure]);
  useEffect(() => {
    const el = list.current;
    if (!el) return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [measure, entries.length > 0]);
  const page = (direction: 1 | -1) => {
    const el = list.current;
    if (el) el.scrollBy({ top: direction * Math.max(60, el.clientHeight - 48) });
  };
  return (
    <Section title="Activity" count={entries.length} testId="activity" className="activity-section" aside={entries.length > 0 ? <span className="faint">Newest first</span> : null}>
      {entries.length === 0 ? (
        <div className="faint">Moderation shows up here: approvals, mutes, removals, pins.</div>
      ) : (
        <div className={`audit-wrap${hidden.below > 0 ? ' more-below' : ''}${hidden.above > 0 ? ' more-above' : ''}`}>
          {hidden.above > 0 && (
            <button type="button" className="audit-cue audit-cue-top" data-testid="activity-newer" onClick={() => page(-1)}>
              ↑ {countOf(hidden.above, 'newer entry', 'newer entries')}
            </button>
          )}
          <ol className="audit scroll-themed" ref={list} data-testid="activity-list" tabIndex={0} aria-label="Activity, newest first" onScroll={measure}>
            {entries.map((e) => {
              const detail = describeDetail(e);
              const line = auditLine(e);
              return (
                <li key={e.id} className="audit-row" data-testid="audit-row">
                  <time className="audit-time" dateTime={new Date(e.at).toISOString()}>{clockTime(e.at)}</time>
                  <span className="audit-text">
                    <strong>{line.actor}</strong> {line.before}
                    {line.target !== null && <strong>{line.target}</strong>}
                    {line.after}
                    {detail && <span className="audit-detail"> — {detail}</span>}
                  </span>
                </li>
              );
            })}
          </ol>
          {hidden.below > 0 && (
            <button type="button" className="audit-cue audit-cue-bottom" data-testid="activity-earlier" onClick={() => page(1)}>
              ↓ {countOf(hidden.below, 'earlier entry', 'earlier entries')}
            </button>
          )}
        </div>
      )}
    </Section>
  );
}, ['audit']);

export function BlockedSection({ view, plain }: Pick<PanelProps, 'view'> & { plain?: boolean }): ReactNode {
  const whose = view.role === 'host' ? 'your' : "the host's";
  return (
    <Section title="Blocked" count={view.blockTotal} testId="blocked" plain={plain} hideTitle={plain}>
      {view.blocks.length === 0 ? (
        <div className="faint" data-testid="blocked-empty">Nobody is blocked. Blocked people can't join any of {whose} spaces.</div>
      ) : (
        <ul className="blocks">
          {view.blocks.map((b) => (
            <li key={b.subject} className="block-row" data-testid="block-row" data-subject={b.subject}>
              <Face name={b.name} size={28} />
              <div className="prow-main">
                <div className="prow-name"><span className="ellipsis">{b.name}</span></div>
                <div className="faint">
                  Blocked {new Date(b.at).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}
                  {b.byHost === false ? ' by a co-host' : ''}
                </div>
              </div>
              {/* The server refuses it too: only the host lifts a block the host made. */}
              {b.byHost && view.role !== 'host' ? (
                <span className="faint" data-testid="unblock-host-only" title="Only the host can lift a block the host made">
                  Blocked by the host
                </span>
              ) : (
                <button className="btn btn-sm btn-quiet" data-testid="unblock" onClick={() => sendToSpace({ type: 'unblock', subject: b.subject })}>
                  Unblock
                </button>
              )}
            </li>
          ))}
          {view.blockTotal > view.blocks.length && (
            <li className="faint" data-testid="blocked-more">
              and {countOf(view.blockTotal - view.blocks.length, 'earlier block')} — the latest {view.blocks.length} are listed
            </li>
          )}
        </ul>
      )}
    </Section>
  );
}
