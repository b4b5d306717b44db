// The keys of the studio's "are you sure?" dialogs, as one rule for all of them (pure, so it is tested in Node):
// Esc cancels every dialog. Enter confirms Remove and Block (the button shows ↵) — unless the focus is on Cancel,
// where Enter means Cancel as on any button. Ending a space for everyone takes a stronger key, Ctrl+Enter (⌘+Enter on
// a Mac), shown on its button; a plain Enter there neither ends nor cancels: it says which key ends the space. A held Enter (auto-repeat
// from whatever opened the dialog) never answers a question the person has not read yet.

import { countOf } from '../../../common/text';

export type DialogKind = 'confirm' | 'end';
/** confirm / cancel: do it. remind: do nothing but show which key confirms. swallow: do nothing. null: not ours. */
export type DialogKeyResult = 'confirm' | 'cancel' | 'remind' | 'swallow' | null;

export interface DialogKeyInput {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  repeat: boolean;
  /** The focus is on the dialog's Cancel button. */
  onCancel: boolean;
}

export function dialogKey(kind: DialogKind, e: DialogKeyInput): DialogKeyResult {
  if (e.key === 'Escape') return 'cancel';
  if (e.key !== 'Enter') return null;
  if (e.repeat) return 'swallow';
  if (e.altKey || e.shiftKey) return 'swallow';
  if (kind === 'confirm') {
    if (e.onCancel) return 'cancel';
    return e.ctrlKey || e.metaKey ? 'swallow' : 'confirm';
  }
  // Ending: a plain Enter never closes this dialog either way (a host who expects Enter to confirm, as in Remove, must
  // not believe the space ended, nor end it by habit): it says which key does. Space still presses the focused button.
  return e.ctrlKey || e.metaKey ? 'confirm' : 'remind';
}

export function isMacPlatform(platform: string): boolean {
  return /mac|iphone|ipad/i.test(platform);
}

/** The stronger key, as drawn on the End button ("Ctrl ↵", "⌘ ↵") and as said in words ("Ctrl+Enter"). */
export function endKey(mac: boolean): { label: string; words: string } {
  return mac ? { label: '⌘ ↵', words: '⌘+Enter' } : { label: 'Ctrl ↵', words: 'Ctrl+Enter' };
}

/** What ending does to the audience, counted: "No listeners are connected.", "The 1 listener…", "All 5 listeners…". */
export function endDialogBody(listenerCount: number): string {
  const who =
    listenerCount <= 0
      ? 'No listeners are connected.'
      : listenerCount === 1
        ? 'The 1 listener will be disconnected.'
        : `All ${countOf(listenerCount, 'listener')} will be disconnected.`;
  return `${who} An ended space can't be restarted.`;
}
