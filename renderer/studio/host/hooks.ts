// Small hooks for the host panel and studio dialogs: a ticking clock, arrow-key navigation within a list, Esc to cancel.
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { dialogKey, type DialogKind } from './dialog-keys';

/** The current time, re-read every `everyMs` while `active`. */
export function useNow(active: boolean, everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [active, everyMs]);
  return now;
}

/** ↑/↓ (and Home/End) move the selection within one list, the list that has focus. */
export function useListNav(ids: readonly string[], selected: string | null, select: (id: string) => void): (e: KeyboardEvent<HTMLElement>) => void {
  return useCallback(
    (e: KeyboardEvent<HTMLElement>) => {
      if (e.altKey || e.ctrlKey || e.metaKey || ids.length === 0) return;
      const at = selected ? ids.indexOf(selected) : -1;
      let next: number;
      if (e.key === 'ArrowDown') next = at < 0 ? 0 : Math.min(ids.length - 1, at + 1);
      else if (e.key === 'ArrowUp') next = at < 0 ? ids.length - 1 : Math.max(0, at - 1);
      else if (e.key === 'Home') next = 0;
      else if (e.key === 'End') next = ids.length - 1;
      else return;
      e.preventDefault();
      select(ids[next]!);
    },
    [ids, selected, select],
  );
}

/** "2:05" for a wait of two minutes and five seconds; hours when it comes to that. */
export function formatWait(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export function clockTime(at: number): string {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** Shortcuts stay out of the way while someone types. */
export function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

/**
 * Esc cancels a dialog, caught before anything else on the page sees it. With `ignoreHeldEnter`, a held Enter (the
 * one that opened the dialog) cannot answer a question the person has not read yet.
 */
export function useEscapeToCancel(onCancel: () => void, ignoreHeldEnter = false): void {
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (ignoreHeldEnter && e.key === 'Enter' && e.repeat) e.preventDefault();
      if (e.key !== 'Escape') return;
      e.preventDefault();
      e.stopPropagation();
      onCancel();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onCancel, ignoreHeldEnter]);
}

/**
 * A dialog's keys (see dialog-keys.ts), caught before anything else on the page sees them: the studio's own shortcuts
 * (M, Ctrl+Enter for Go live, the host panel's letters) stay quiet while a dialog asks something.
 */
export function useDialogKeys(kind: DialogKind, handlers: { onConfirm: () => void; onCancel: () => void; onRemind?: () => void }): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const focus = document.activeElement;
      const onCancel = focus instanceof HTMLElement && focus.closest('[data-dialog-cancel]') !== null;
      const result = dialogKey(kind, { key: e.key, ctrlKey: e.ctrlKey, metaKey: e.metaKey, altKey: e.altKey, shiftKey: e.shiftKey, repeat: e.repeat, onCancel });
      if (result === null) return;
      e.preventDefault();
      e.stopPropagation();
      if (result === 'confirm') latest.current.onConfirm();
      else if (result === 'cancel') latest.current.onCancel();
      else if (result === 'remind') latest.current.onRemind?.();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [kind]);
}
