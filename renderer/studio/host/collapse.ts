// Which of the studio's audio cards (microphone, noise suppression, audio server) the host folded to a one-line
// summary: remembered in this browser's storage, and only honoured once the microphone is set — before that, the
// cards are how the host sets it. Pure functions (tested in Node) and the small hook the cards use.
import { useCallback, useState } from 'react';

export type AudioCardId = 'microphone' | 'noise' | 'server';
export const COLLAPSE_KEY = 'podium.studio.collapsed';

type Choices = Partial<Record<AudioCardId, boolean>>;
type Storage = { getItem(key: string): string | null; setItem(key: string, value: string): void };

/** The remembered choices; anything unreadable counts as "never chosen". */
export function readCollapsed(storage: Pick<Storage, 'getItem'> | null): Choices {
  try {
    const raw = storage?.getItem(COLLAPSE_KEY);
    if (!raw) return {};
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    const out: Choices = {};
    for (const id of ['microphone', 'noise', 'server'] as const) {
      const v = (parsed as Record<string, unknown>)[id];
      if (typeof v === 'boolean') out[id] = v;
    }
    return out;
  } catch {
    return {};
  }
}

/** Remembers one card's choice next to the others'. A full or refused storage only forgets it. */
export function writeCollapsed(storage: Storage | null, id: AudioCardId, collapsed: boolean): Choices {
  const next = { ...readCollapsed(storage), [id]: collapsed };
  try {
    storage?.setItem(COLLAPSE_KEY, JSON.stringify(next));
  } catch {
    // Private mode or a full quota: the choice holds for this page only.
  }
  return next;
}

/** Folded only when the host chose it and the card has nothing to ask for (the mic is set, no warning is up). */
export function isFolded(choice: boolean | undefined, ready: boolean): boolean {
  return ready && choice === true;
}

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

/** [folded, toggle] for one card; `ready` says whether folding is offered at all. */
export function useFolded(id: AudioCardId, ready: boolean): [boolean, () => void] {
  const [choice, setChoice] = useState<boolean | undefined>(() => readCollapsed(storage())[id]);
  const folded = isFolded(choice, ready);
  const toggle = useCallback(() => {
    setChoice(writeCollapsed(storage(), id, !folded)[id]);
  }, [id, folded]);
  return [folded, toggle];
}
