// The room's controls, together with the room: who is on stage and who asks to be, the space's rules, co-hosts and
// blocked people, as tabs of one panel under the space card (before, the rules sat under the audio knobs).
// Tabs follow the WAI-ARIA tabs pattern: ←/→ (Home/End) move between them, each panel is labelled by its tab.
import { useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { handQueue } from '../../state/space-view';
import { BlockedSection } from './LogSections';
import type { PanelProps } from './Section';
import { CohostSection, SettingsSection } from './SettingsSections';
import { ReportsSection } from './ReportsSection';
import { RequestsSection, SpeakersSection } from './StageSections';
import { TicketsSection } from './TicketsSection';
import { roomTabs, type RoomTab } from './room-tabs';

export function RoomPanel(props: PanelProps & { onMuteAll: () => void }): ReactNode {
  const { view, mode } = props;
  const [chosen, setChosen] = useState<RoomTab>('stage');
  const requests = useMemo(() => handQueue(view).length, [view]);
  const tabs = roomTabs({
    isHost: mode === 'host' && view.role === 'host',
    requests,
    cohosts: view.members.filter((m) => m.role === 'cohost').length,
    blocked: view.blockTotal,
    reports: view.openReports,
  });
  // A co-host who is no longer offered a tab (it is the host's alone) falls back to the stage.
  const tab = tabs.some((t) => t.id === chosen) ? chosen : 'stage';
  const buttons = useRef(new Map<RoomTab, HTMLButtonElement>());

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const at = tabs.findIndex((t) => t.id === tab);
    let next: number;
    if (e.key === 'ArrowRight') next = (at + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') next = (at - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = tabs.length - 1;
    else return;
    e.preventDefault();
    const id = tabs[next]!.id;
    setChosen(id);
    buttons.current.get(id)?.focus();
  };

  return (
    <section className="card room-panel" data-testid="room-panel" data-tab={tab} aria-label="Room">
      <div className="room-tabs" role="tablist" aria-label="Room" onKeyDown={onKeyDown}>
        {tabs.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              if (el) buttons.current.set(t.id, el);
              else buttons.current.delete(t.id);
            }}
            type="button"
            role="tab"
            id={`room-tab-${t.id}`}
            className="room-tab"
            data-testid={`room-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`room-panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            title={t.title}
            onClick={() => setChosen(t.id)}
          >
            {t.label}
            {t.count !== undefined && (
              <span className={`count${t.alert ? ' count-alert' : ''}`} data-testid={`room-tab-${t.id}-count`}>
                {t.count.toLocaleString()}
              </span>
            )}
          </button>
        ))}
      </div>
      <div className="room-body" role="tabpanel" id={`room-panel-${tab}`} aria-labelledby={`room-tab-${tab}`} data-testid={`room-body-${tab}`}>
        {tab === 'stage' && (
          <div className="stage-sections">
            <RequestsSection {...props} plain />
            <SpeakersSection {...props} plain onMuteAll={props.onMuteAll} />
          </div>
        )}
        {tab === 'reports' && <ReportsSection view={view} plain />}
        {tab === 'settings' && <SettingsSection view={view} mode={mode} plain />}
        {tab === 'cohosts' && <CohostSection view={view} plain />}
        {tab === 'tickets' && <TicketsSection view={view} plain />}
        {tab === 'blocked' && <BlockedSection view={view} plain />}
      </div>
    </section>
  );
}
