// The strip docked at the bottom of the studio while moderating: who is selected and which keys act on them, plus
// quiet hints (a shortcut that does not apply, "slow down" from the server) that fade on their own. It has a strip of
// its own below the scrolling page (see App), so it never covers the rows it is about; on a narrow screen its keys
// wrap onto more lines instead of running off the edge.
import { useEffect, useState, type ReactNode } from 'react';
import { MOD_ACTIONS, type ModAction } from '../../../common/moderation';
import type { Person } from './actions';
import { Face, ROLE_LABEL } from './ParticipantRow';

export function KeyBar(props: {
  person: Person | null;
  actions: readonly ModAction[];
  hint: string | null;
  rateLimited: { message: string; at: number } | null;
  canMuteAll: boolean;
}): ReactNode {
  const { person, rateLimited } = props;
  const [slowDown, setSlowDown] = useState<string | null>(null);
  useEffect(() => {
    if (!rateLimited) return;
    setSlowDown(rateLimited.message);
    const id = setTimeout(() => setSlowDown(null), 3000);
    return () => clearTimeout(id);
  }, [rateLimited]);
  const quiet = props.hint ?? (slowDown ? `${slowDown.charAt(0).toUpperCase()}${slowDown.slice(1)}.` : null);
  return (
    <div className="keybar" data-testid="keybar" role="status" aria-live="polite">
      {quiet && (
        <div className="keybar-hint" data-testid="quiet-hint">
          {quiet}
        </div>
      )}
      {person ? (
        <div className="keybar-main" data-testid="selection" data-id={person.id}>
          <span className="keybar-who">
            <Face name={person.name} size={22} />
            <strong className="ellipsis">{person.name}</strong>
            <span className="faint">{ROLE_LABEL[person.role]}</span>
          </span>
          {props.actions.length === 0 && <span className="faint">No actions apply</span>}
          {props.actions.map((a) => (
            <span key={a} className="keybar-key" data-key={a}>
              <kbd>{MOD_ACTIONS[a].shortcut.toUpperCase()}</kbd> {MOD_ACTIONS[a].label}
            </span>
          ))}
          <span className="keybar-key">
            <kbd>Esc</kbd> Clear
          </span>
        </div>
      ) : (
        <div className="keybar-main keybar-idle" data-testid="keybar-idle">
          <span className="faint">
            Select someone with a click or <kbd>↑</kbd> <kbd>↓</kbd> to see the keys that act on them.
          </span>
          {props.canMuteAll && (
            <span className="keybar-key">
              <kbd>⇧M</kbd> Mute all speakers
            </span>
          )}
        </div>
      )}
    </div>
  );
}
