// The host panel's keys and words: the one rule for the studio's dialogs (Remove/Block take Enter, End takes
// Ctrl/⌘+Enter, Esc cancels all), the End dialog's counts, and what the key bar says about actions.
import { describe, expect, it } from 'vitest';
import { MOD_ACTIONS } from '../../../../common/moderation';
import { actionForKey, actionsFor, confirmCopy, notApplicableHint, sentHint, type Person } from '../../../../renderer/studio/host/actions';
import { dialogKey, endDialogBody, endKey, isMacPlatform, type DialogKeyInput } from '../../../../renderer/studio/host/dialog-keys';

const key = (k: string, extra: Partial<DialogKeyInput> = {}): DialogKeyInput => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  repeat: false,
  onCancel: false,
  ...extra,
});

describe('dialog keys', () => {
  it('Remove and Block: Enter confirms, Esc cancels, Enter on a focused Cancel cancels', () => {
    expect(dialogKey('confirm', key('Enter'))).toBe('confirm');
    expect(dialogKey('confirm', key('Escape'))).toBe('cancel');
    expect(dialogKey('confirm', key('Enter', { onCancel: true }))).toBe('cancel');
    expect(dialogKey('confirm', key('Escape', { onCancel: true }))).toBe('cancel');
  });

  it('End: a plain Enter neither ends nor cancels but reminds; Ctrl+Enter or ⌘+Enter ends; Esc cancels', () => {
    expect(dialogKey('end', key('Enter'))).toBe('remind');
    // Focus starts on "Keep going": Enter there must not close the question either (a host may think it ended).
    expect(dialogKey('end', key('Enter', { onCancel: true }))).toBe('remind');
    expect(dialogKey('end', key('Enter', { ctrlKey: true }))).toBe('confirm');
    expect(dialogKey('end', key('Enter', { metaKey: true }))).toBe('confirm');
    expect(dialogKey('end', key('Enter', { ctrlKey: true, onCancel: true }))).toBe('confirm');
    expect(dialogKey('end', key('Escape'))).toBe('cancel');
  });

  it('a held Enter never answers, and other keys are not the dialog’s', () => {
    expect(dialogKey('confirm', key('Enter', { repeat: true }))).toBe('swallow');
    expect(dialogKey('end', key('Enter', { ctrlKey: true, repeat: true }))).toBe('swallow');
    expect(dialogKey('end', key('Enter', { ctrlKey: true, shiftKey: true }))).toBe('swallow');
    expect(dialogKey('confirm', key('Enter', { ctrlKey: true }))).toBe('swallow');
    expect(dialogKey('confirm', key('Tab'))).toBeNull();
    expect(dialogKey('end', key(' '))).toBeNull();
    expect(dialogKey('end', key('e'))).toBeNull();
  });

  it('draws the stronger key for the platform', () => {
    expect(isMacPlatform('MacIntel')).toBe(true);
    expect(isMacPlatform('Linux x86_64')).toBe(false);
    expect(isMacPlatform('Win32')).toBe(false);
    expect(endKey(false)).toEqual({ label: 'Ctrl ↵', words: 'Ctrl+Enter' });
    expect(endKey(true)).toEqual({ label: '⌘ ↵', words: '⌘+Enter' });
  });

  it('counts the listeners an End disconnects: none, one, many', () => {
    expect(endDialogBody(0)).toBe("No listeners are connected. An ended space can't be restarted.");
    expect(endDialogBody(1)).toBe("The 1 listener will be disconnected. An ended space can't be restarted.");
    expect(endDialogBody(2)).toBe("All 2 listeners will be disconnected. An ended space can't be restarted.");
    expect(endDialogBody(1204)).toBe("All 1,204 listeners will be disconnected. An ended space can't be restarted.");
  });
});

const lena = (role: Person['role'], extra: Partial<Person> = {}): Person => ({ id: 'p1', name: 'Lena', role, handRaisedAt: null, invited: false, ...extra });

describe('action words and keys', () => {
  it('C makes a co-host, for the host only, on listeners and speakers', () => {
    expect(actionForKey('c')).toBe('cohost');
    expect(actionForKey('C')).toBe('cohost');
    expect(actionsFor('host', 'me', lena('listener'))).toContain('cohost');
    expect(actionsFor('host', 'me', lena('speaker'))).toContain('cohost');
    expect(actionsFor('cohost', 'me', lena('speaker'))).not.toContain('cohost');
    expect(actionsFor('host', 'me', lena('cohost'))).not.toContain('cohost');
    expect(actionsFor('host', 'p1', lena('listener'))).toEqual([]);
  });

  it('says what a co-host offer does, and why a key did nothing', () => {
    expect(sentHint('cohost', 'Lena')).toBe('Lena was asked to co-host — they accept on their page.');
    expect(sentHint('mute', 'Lena')).toBeNull();
    expect(notApplicableHint('cohost', lena('speaker'), 'cohost', false)).toBe('Only the host can use Make co-host.');
    expect(notApplicableHint('cohost', lena('cohost'), 'host', false)).toBe('Lena is a co-host already.');
    expect(notApplicableHint('mute', lena('listener'), 'host', false)).toBe("Mute doesn't apply to Lena right now.");
    expect(notApplicableHint('remove', lena('host'), 'host', true)).toBe("Remove doesn't apply to yourself.");
  });

  it('a confirmation reads as a sentence, never with a {target} placeholder', () => {
    for (const action of Object.keys(MOD_ACTIONS) as (keyof typeof MOD_ACTIONS)[]) {
      const copy = confirmCopy(action, 'Lena', 'host');
      expect(copy.title + copy.body).not.toMatch(/[{}`]/);
    }
    expect(confirmCopy('demote', 'Lena', 'host').body).toBe('Lena will be moved to the listeners.');
    expect(confirmCopy('block', 'Lena', 'cohost').body).toContain("can't join the host's future spaces");
    expect(confirmCopy('block', 'Lena', 'host').body).toContain("can't join your future spaces");
  });
});
