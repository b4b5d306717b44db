// "Your name": what the host and the stage show for this person. Remembered on this device. Counted and cut by
// characters as a reader sees them (an emoji is one), and a paste that was too long says it was cut.
import type { ReactNode } from 'react';
import { NAME_MAX } from '../../common/names';
import { graphemeLength } from '../../common/text';
import { useStore } from '../state/store';
import { commitName, editName, listener } from './controller';

/** The counter shows once a name gets near the limit. */
const COUNT_FROM = NAME_MAX - 10;

export function NameFieldView({ name, cut, onEdit, onCommit }: { name: string; cut: boolean; onEdit: (value: string) => void; onCommit: () => void }): ReactNode {
  const length = graphemeLength(name);
  return (
    <form
      className="name-field"
      onSubmit={(event) => {
        event.preventDefault();
        onCommit();
        (event.currentTarget.elements.namedItem('listener-name') as HTMLInputElement | null)?.blur();
      }}
    >
      <label htmlFor="listener-name">Your name</label>
      <div className="name-input">
        <input
          id="listener-name"
          name="listener-name"
          className="input"
          data-testid="listener-name"
          value={name}
          autoComplete="nickname"
          spellCheck={false}
          placeholder="How should the host call you?"
          aria-describedby="listener-name-note"
          onChange={(event) => onEdit(event.target.value)}
          onBlur={onCommit}
        />
        <p id="listener-name-note" className={`name-note${cut ? ' is-cut' : ''}`} data-testid="listener-name-note" aria-live="polite">
          {cut ? `Names are at most ${NAME_MAX} characters, so the end was cut.` : length >= COUNT_FROM ? `${length}/${NAME_MAX}` : ''}
        </p>
      </div>
    </form>
  );
}

export function NameField(): ReactNode {
  const s = useStore(listener);
  return <NameFieldView name={s.name} cut={s.nameCut} onEdit={editName} onCommit={commitName} />;
}
