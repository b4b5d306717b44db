// Everyone listening, searchable by name and windowed: thousands of rows, only the visible ones rendered.
import { useDeferredValue, useMemo, useState, type CSSProperties, type ReactNode } from 'react';
import type { ModAction } from '../../../common/moderation';
import type { Participant } from '../../../common/protocol';
import { actionsFor } from './actions';
import { useListNav } from './hooks';
import { Icon } from './icons';
import { ParticipantRow } from './ParticipantRow';
import { openStudioReport } from './StudioReport';
import { memoOnView, Section, type PanelProps } from './Section';
import type { SessionView } from '../../state/space-session';
import { VirtualList } from './VirtualList';

export const LISTENER_ROW_HEIGHT = 52;

/** Approve and deny live in Requests, right beside this list (and on the A/D keys); rows keep the rest. */
function listenerActions(...args: Parameters<typeof actionsFor>): ModAction[] {
  return actionsFor(...args).filter((a) => a !== 'approve' && a !== 'deny');
}

type ListenersProps = Omit<PanelProps, 'view' | 'sfu' | 'mode'> & { view: Pick<SessionView, 'roster' | 'role' | 'participantId'> };

export const ListenersSection = memoOnView(function ListenersSection(props: ListenersProps): ReactNode {
  const { view, selected, select } = props;
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query);
  // Join order, so the list does not reshuffle while people arrive; new listeners appear at the end.
  const listeners = useMemo(
    () => [...view.roster.values()].filter((p) => p.role === 'listener').sort((a, b) => a.joinedAt - b.joinedAt || a.id.localeCompare(b.id)),
    [view.roster],
  );
  const shown = useMemo(() => {
    const q = deferred.trim().toLocaleLowerCase();
    return q ? listeners.filter((p) => p.name.toLocaleLowerCase().includes(q)) : listeners;
  }, [listeners, deferred]);
  const ids = useMemo(() => shown.map((p) => p.id), [shown]);
  const onKeyDown = useListNav(ids, selected, select);
  const activeIndex = selected ? ids.indexOf(selected) : -1;

  return (
    <Section
      title="Listeners"
      count={listeners.length}
      testId="listeners"
      className="listeners-section"
      // How tall the list wants to be (all listeners, so a search does not resize the rail): the rail gives it that
      // much, and the rest to the activity log.
      style={{ '--rows-h': `${Math.max(1, listeners.length) * LISTENER_ROW_HEIGHT}px` } as CSSProperties}
    >
      <label className="search">
        <Icon name="search" />
        <input
          className="search-input"
          data-testid="listener-search"
          type="search"
          placeholder="Search listeners by name"
          aria-label="Search listeners by name"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setQuery('');
            else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') onKeyDown(e);
          }}
        />
        {query && deferred === query && <span className="faint search-count">{shown.length.toLocaleString()}</span>}
      </label>
      <VirtualList<Participant>
        items={shown}
        rowHeight={LISTENER_ROW_HEIGHT}
        label="Listeners"
        testId="listener-list"
        className="listener-list"
        activeIndex={activeIndex}
        onKeyDown={onKeyDown}
        getKey={(p) => p.id}
        empty={
          <div className="empty empty-sm">
            {listeners.length === 0 ? 'No listeners yet. Share the link — people who join appear here.' : `No listener matches “${deferred.trim()}”.`}
          </div>
        }
        renderRow={(p) => (
          <ParticipantRow
            person={p}
            selected={selected === p.id}
            actions={listenerActions(view.role, view.participantId, p)}
            onSelect={select}
            onAction={props.act}
            onReport={view.role === 'cohost' && p.id !== view.participantId ? () => openStudioReport({ kind: 'person', id: p.id }, p.name) : undefined}
          />
        )}
      />
    </Section>
  );
}, ['roster', 'role', 'participantId']);
