// One person in a host-panel list: a face (ringed while speaking), name, standing, and the moderation actions this
// moderator may take on them — generated from MOD_ACTIONS, each with its shortcut in the tooltip.
import type { ReactNode } from 'react';
import { MOD_ACTIONS, type ModAction } from '../../../common/moderation';
import type { Role } from '../../../common/space';
import { initials } from '../../ui/components';
import { actionTitle, type Person } from './actions';
import { Icon } from './icons';

export const ROLE_LABEL: Record<Role, string> = { host: 'Host', cohost: 'Co-host', speaker: 'Speaker', listener: 'Listener' };

function hue(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) % 360;
  return h;
}

/** A small avatar with a colour of its own per name, so a long list is easy to scan. */
export function Face({ name, speaking = false, size = 32 }: { name: string; speaking?: boolean; size?: number }): ReactNode {
  const h = hue(name);
  return (
    <span
      className={`face${speaking ? ' speaking' : ''}`}
      data-speaking={speaking ? 'true' : 'false'}
      style={{ width: size, height: size, fontSize: size * 0.38, background: `linear-gradient(135deg, hsl(${h} 45% 38%), hsl(${(h + 40) % 360} 40% 26%))` }}
      aria-hidden
    >
      {initials(name)}
    </span>
  );
}

export type MicState = 'speaking' | 'open' | 'muted' | 'off' | null;

export function ParticipantRow(props: {
  person: Person;
  selected: boolean;
  self?: boolean;
  mic?: MicState;
  actions: readonly ModAction[];
  onSelect: (id: string) => void;
  onAction: (action: ModAction, person: Person) => void;
  /** Extra controls after the generated ones (the host's "Remove co-host"). */
  extra?: ReactNode;
  /** Set for a co-host looking at someone else: a flag that reports them (renderer/studio/host/StudioReport.tsx). */
  onReport?: () => void;
  testId?: string;
}): ReactNode {
  const { person, mic } = props;
  return (
    <div
      className={`prow${props.selected ? ' selected' : ''}`}
      data-testid={props.testId ?? 'participant-row'}
      data-id={person.id}
      data-role={person.role}
      role="option"
      aria-selected={props.selected}
      onClick={() => props.onSelect(person.id)}
    >
      <Face name={person.name} speaking={mic === 'speaking'} />
      <div className="prow-main">
        <div className="prow-name">
          <span className="ellipsis">{person.name}</span>
          {props.self && <span className="faint">you</span>}
        </div>
        <div className="prow-sub">
          {person.role !== 'listener' && <span className={`role role-${person.role}`}>{ROLE_LABEL[person.role]}</span>}
          {(mic === 'muted' || mic === 'off') && (
            <span className={`badge ${mic === 'off' ? 'badge-off' : 'badge-muted'}`} data-testid="muted-badge" title={mic === 'off' ? 'No microphone on air' : 'Muted'}>
              <Icon name="micOff" size={12} /> {mic === 'off' ? 'Mic off' : 'Muted'}
            </span>
          )}
          {mic === 'speaking' && <span className="badge badge-speaking">Speaking</span>}
          {person.handRaisedAt !== null && (
            <span className="badge badge-hand">
              <Icon name="hand" size={12} /> Hand up
            </span>
          )}
          {person.invited && person.role === 'listener' && <span className="badge">Invited</span>}
          {person.connected === false && (
            <span className="badge badge-off" data-testid="away-badge" title="Not connected to the space right now. Past a minute away they can no longer speak.">
              Away
            </span>
          )}
        </div>
      </div>
      <div className="prow-actions">
        {props.actions.map((action) => (
          <button
            key={action}
            type="button"
            className={`iconbtn${MOD_ACTIONS[action].confirm ? ' iconbtn-danger' : ''}`}
            data-action={action}
            title={actionTitle(action)}
            aria-label={`${MOD_ACTIONS[action].label} ${person.name}`}
            onClick={(e) => {
              e.stopPropagation();
              props.onSelect(person.id);
              props.onAction(action, person);
            }}
          >
            <Icon name={action} />
          </button>
        ))}
        {props.extra}
        {props.onReport && (
          <button
            type="button"
            className="iconbtn"
            data-action="report"
            title={`Report ${person.name}`}
            aria-label={`Report ${person.name}`}
            onClick={(e) => {
              e.stopPropagation();
              props.onReport?.();
            }}
          >
            <Icon name="flag" />
          </button>
        )}
      </div>
    </div>
  );
}
