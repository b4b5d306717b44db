// The strip at the bottom of the host panel: who is selected and which keys act on them, plus quiet hints
// (a shortcut that does not apply, "slow down" from the server) that fade on their own. It never takes a click:
// whatever is under it stays clickable.
import { useEffect, useState, type ReactNode } from 'react';
import { MOD_ACTIONS, type ModAction } from '../../../common/moderation';
import type { Person } from './actions';
import { Face, ROLE_LABEL } from './ParticipantRow';

export function KeyBar(props: {
  person: Person | null;
  actions: readonly ModAction[];
  hint: string | null;
  rateLimited: { message: string; at: number } | null;
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
    <div className="keybar" role="status" aria-live="polite">
      {quiet && (
        <div className="keybar-hint" data-testid="quiet-hint">
          {quiet}
        </div>
      )}
      {person && (
        <div className="keybar-main" data-testid="selection" data-id={person.id}>
          <Face name={person.name} size={22} />
          <strong className="ellipsis">{person.name}</strong>
          <span className="faint">{ROLE_LABEL[person.role]}</span>
          <span className="keybar-sep" />
          {props.actions.length === 0 && <span className="faint">No actions apply</span>}
          {props.actions.map((a) => (
            <span key={a} className="keybar-key">
              <kbd>{MOD_ACTIONS[a].shortcut.toUpperCase()}</kbd> {MOD_ACTIONS[a].label}
            </span>
          ))}
          <span className="keybar-sep" />
          <span className="keybar-key">
            <kbd>Esc</kbd> Clear
          </span>
        </div>
      )}
    </div>
  );
}
