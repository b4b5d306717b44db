// The host panel: everything a host or co-host does while a space is scheduled or live, beside the space card.
// Keyboard-first: select someone (click, or ↑/↓ in a focused list), then the MOD_ACTIONS keys act on them;
// Shift+M mutes every speaker. Actions that cannot be undone ask first.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { MOD_ACTIONS, mayPerform, type ModAction } from '../../../common/moderation';
import { moderate, sendToSpace, type StudioState } from '../controller';
import { actionForKey, actionsFor, personOf, targetOf, type Person } from './actions';
import { ConfirmAction } from './ConfirmAction';
import { isTyping } from './hooks';
import { KeyBar } from './KeyBar';
import { ListenersSection } from './ListenersSection';
import { ActivitySection } from './LogSections';
import { PinsSection } from './PinsSection';
import type { PanelProps } from './Section';
import { RequestsSection, SpeakersSection } from './StageSections';

function muteAll(): void {
  sendToSpace({ type: 'muteAll' });
}

export function HostPanel({ state, card, selected, onSelect }: { state: StudioState; card: ReactNode; selected: string | null; onSelect: (id: string | null) => void }): ReactNode {
  const view = state.view!;
  const mode = state.target!.mode;
  const [pending, setPending] = useState<{ action: ModAction; person: Person } | null>(null);
  const [hint, setHint] = useState<string | null>(null);
  const person = selected ? personOf(selected, view.roster, view.members) : null;

  useEffect(() => {
    if (!hint) return;
    const id = setTimeout(() => setHint(null), 3500);
    return () => clearTimeout(id);
  }, [hint]);

  const act = useCallback(
    (action: ModAction, who: Person) => {
      if (!view.role || who.id === view.participantId || !mayPerform(view.role, action, targetOf(who))) {
        setHint(`${MOD_ACTIONS[action].label} doesn't apply to ${who.name} right now.`);
        return;
      }
      if (MOD_ACTIONS[action].confirm) setPending({ action, person: who });
      else moderate(action, who.id);
    },
    [view.role, view.participantId],
  );
  const select = useCallback((id: string) => onSelect(id), [onSelect]);

  // One window listener for the shortcut keys; it reads the latest state through a ref instead of re-binding.
  const latest = useRef({ person, act, pending });
  latest.current = { person, act, pending };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.repeat || isTyping(e.target)) return;
      const { person: who, act: run, pending: open } = latest.current;
      if (open || document.querySelector('[aria-modal="true"]')) return;
      if (e.shiftKey && e.key.toLowerCase() === 'm') {
        e.preventDefault();
        muteAll();
        return;
      }
      if (e.shiftKey) return;
      if (e.key === 'Escape') return onSelect(null);
      const action = actionForKey(e.key);
      if (!action) return;
      e.preventDefault();
      if (!who) return setHint('Select someone first: click a row, or use ↑/↓ in a list.');
      run(action, who);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onSelect]);

  const panel: PanelProps = { view, sfu: state.sfu, mode, selected, select, act };
  const rateLimited = view.error?.code === 'rate_limited' ? view.error : null;
  return (
    <div className="workspace">
      <div className="ws-main">
        {card}
        <div className="stage-sections">
          <RequestsSection {...panel} />
          <SpeakersSection {...panel} onMuteAll={muteAll} />
        </div>
        <PinsSection view={view} />
      </div>
      <div className="ws-rail">
        <ListenersSection {...panel} />
        <ActivitySection view={view} />
      </div>
      <KeyBar
        person={person}
        actions={person ? actionsFor(view.role, view.participantId, person) : []}
        hint={hint}
        rateLimited={rateLimited}
      />
      {pending && (
        <ConfirmAction
          action={pending.action}
          person={pending.person}
          mode={mode}
          onCancel={() => setPending(null)}
          onConfirm={() => {
            moderate(pending.action, pending.person.id);
            setPending(null);
          }}
        />
      )}
    </div>
  );
}
