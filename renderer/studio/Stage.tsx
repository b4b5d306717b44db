// The stage inside the space card: everyone on it as a face that rings while they speak, with their mic state;
// clicking one selects them for the keyboard. Before the roster arrives, the host alone.
import type { ReactNode } from 'react';
import type { StageMember } from '../../common/protocol';
import { Icon } from './host/icons';
import { Face, ROLE_LABEL } from './host/ParticipantRow';
import { micStateOf } from './host/StageSections';
import type { StudioState } from './studio-store';

export function Stage(props: { state: StudioState; hostName: string; selected: string | null; onSelect: (id: string) => void }): ReactNode {
  const { view, sfu } = props.state;
  const members: StageMember[] = view && view.members.length > 0 ? view.members : [{ id: view?.participantId ?? 'self', name: props.hostName, role: 'host' }];
  const big = members.length <= 3;
  return (
    <div className={`stage${big ? ' stage-few' : ''}`}>
      <div className="stage-tiles" data-testid="stage">
        {members.map((m) => {
          const mic = view ? micStateOf(m.id, view, sfu) : null;
          const self = m.id === view?.participantId;
          return (
            <button
              key={m.id}
              type="button"
              className={`stage-tile${props.selected === m.id ? ' selected' : ''}`}
              data-testid="stage-tile"
              data-id={m.id}
              data-role={m.role}
              onClick={() => props.onSelect(m.id)}
              title={self ? 'You' : `Select ${m.name}`}
            >
              <span className="stage-face" data-reaction-anchor={m.id}>
                <Face name={m.name} speaking={mic === 'speaking'} size={big ? 72 : 52} />
                {(mic === 'muted' || mic === 'off') && (
                  <span className="stage-mic" title={mic === 'off' ? 'No microphone on air' : 'Muted'}>
                    <Icon name="micOff" size={12} />
                  </span>
                )}
              </span>
              <span className="stage-name ellipsis">{m.name}</span>
              <span className={`stage-role role-${m.role}`}>{self ? `${ROLE_LABEL[m.role]} · you` : ROLE_LABEL[m.role]}</span>
            </button>
          );
        })}
      </div>
    </div>
  );
}
