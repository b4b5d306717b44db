// The host panel: everything a host or co-host does while a space is scheduled or live, around the space card.
// Keyboard-first: select someone (click, or ↑/↓ in a focused list), then the MOD_ACTIONS keys act on them;
// Shift+M mutes every speaker (and does nothing at all when there is nobody to mute). Actions that cannot be undone
// ask first. The key bar is docked below the page (App gives it its own strip), so it never covers a row.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { MOD_ACTIONS, mayPerform, type ModAction } from '../../../common/moderation';
import { moderate, sendToSpace, type StudioState } from '../controller';
import { actionForKey, actionsFor, notApplicableHint, personOf, sentHint, targetOf, type Person } from './actions';
import { ConfirmAction } from './ConfirmAction';
import { isTyping } from './hooks';
import { KeyBar } from './KeyBar';
import { ListenersSection } from './ListenersSection';
import { ActivitySection } from './LogSections';
import { PinsSection } from './PinsSection';
import { RoomPanel } from './RoomPanel';
import { StudioReportSlot } from './StudioReport';
import type { PanelProps } from './Section';
import { speakersToMute } from './StageSections';

export function HostPanel({
  state,
  card,
  selected,
  onSelect,
  dock,
}: {
  state: StudioState;
  card: ReactNode;
  selected: string | null;
  onSelect: (id: string | null) => void;
  /** Where the key bar goes: a strip of its own below the scrolling page (null: not mounted yet). */
  dock: HTMLElement | null;
}): ReactNode {
  const view = state.view!;
  const mode = state.target!.mode;
  const [pending, setPending] = useState<{ action: ModAction; person: Person } | null>(null);
  const [hint, setHint] = useState<string | null>(null);
  const person = selected ? personOf(selected, view.roster, view.members) : null;
  const toMute = speakersToMute(view);

  useEffect(() => {
    if (!hint) return;
    const id = setTimeout(() => setHint(null), 3500);
    return () => clearTimeout(id);
  }, [hint]);

  const send = useCallback((action: ModAction, who: Person) => {
    moderate(action, who.id);
    const said = sentHint(action, who.name);
    if (said) setHint(said);
  }, []);

  const act = useCallback(
    (action: ModAction, who: Person) => {
      const self = who.id === view.participantId;
      if (!view.role || self || !mayPerform(view.role, action, targetOf(who))) {
        setHint(notApplicableHint(action, who, view.role, self));
        return;
      }
      if (MOD_ACTIONS[action].confirm) setPending({ action, person: who });
      else send(action, who);
    },
    [view.role, view.participantId, send],
  );
  const select = useCallback((id: string) => onSelect(id), [onSelect]);

  // Nobody to mute: no message, no hint, nothing in the activity log (the button says so while disabled).
  const muteAll = useCallback(() => {
    if (toMute === 0) return;
    sendToSpace({ type: 'muteAll' });
  }, [toMute]);

  // One window listener for the shortcut keys; it reads the latest state through a ref instead of re-binding.
  const latest = useRef({ person, act, pending, muteAll });
  latest.current = { person, act, pending, muteAll };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.repeat || isTyping(e.target)) return;
      const { person: who, act: run, pending: open, muteAll: muteEveryone } = latest.current;
      if (open || document.querySelector('[aria-modal="true"]')) return;
      if (e.shiftKey && e.key.toLowerCase() === 'm') {
        e.preventDefault();
        muteEveryone();
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

  // The selected person stays in sight: when neither their row nor their stage tile is wholly visible in the page's
  // scrolling part (never under the docked key bar, which is outside it), their row is scrolled into view — when
  // chosen, and whenever the bar changes height (a hint, another person).
  useEffect(() => {
    if (!selected) return;
    const frame = requestAnimationFrame(() => {
      const scroller = document.querySelector('.studio-scroll');
      const view = scroller?.getBoundingClientRect() ?? { top: 0, bottom: window.innerHeight };
      const all = Array.from(document.querySelectorAll<HTMLElement>(`.workspace [data-id="${CSS.escape(selected)}"]`));
      const seen = all.some((el) => {
        const r = el.getBoundingClientRect();
        return r.height > 0 && r.top >= view.top + 4 && r.bottom <= view.bottom - 4;
      });
      if (!seen) all.find((el) => el.getAttribute('aria-selected') === 'true')?.scrollIntoView({ block: 'nearest' });
    });
    return () => cancelAnimationFrame(frame);
  }, [selected, hint]);

  const panel: PanelProps = { view, sfu: state.sfu, mode, selected, select, act };
  const rateLimited = view.error?.code === 'rate_limited' ? view.error : null;
  const keybar = (
    <KeyBar
      person={person}
      actions={person ? actionsFor(view.role, view.participantId, person) : []}
      hint={hint}
      rateLimited={rateLimited}
      canMuteAll={toMute > 0}
    />
  );
  return (
    <div className="workspace">
      <div className="ws-main">
        {card}
        <RoomPanel {...panel} onMuteAll={muteAll} />
        <PinsSection view={view} />
      </div>
      <div className="ws-rail">
        <ListenersSection view={view} selected={selected} select={select} act={act} />
        <ActivitySection view={view} />
      </div>
      {dock && createPortal(keybar, dock)}
      {mode === 'cohost' && <StudioReportSlot view={view} />}
      {pending && (
        <ConfirmAction
          action={pending.action}
          person={pending.person}
          mode={mode}
          onCancel={() => setPending(null)}
          onConfirm={() => {
            send(pending.action, pending.person);
            setPending(null);
          }}
        />
      )}
    </div>
  );
}
