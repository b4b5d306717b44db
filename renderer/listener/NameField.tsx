// "Your name": what the host and the stage show for this person. Remembered on this device.
import type { ReactNode } from 'react';
import { useStore } from '../state/store';
import { commitName, editName, listener } from './controller';

export function NameField(): ReactNode {
  const name = useStore(listener).name;
  return (
    <form
      className="name-field"
      onSubmit={(event) => {
        event.preventDefault();
        commitName();
        (event.currentTarget.elements.namedItem('listener-name') as HTMLInputElement | null)?.blur();
      }}
    >
      <label htmlFor="listener-name">Your name</label>
      <input
        id="listener-name"
        name="listener-name"
        className="input"
        data-testid="listener-name"
        value={name}
        maxLength={60}
        autoComplete="nickname"
        spellCheck={false}
        placeholder="How should the host call you?"
        onChange={(event) => editName(event.target.value)}
        onBlur={commitName}
      />
    </form>
  );
}
