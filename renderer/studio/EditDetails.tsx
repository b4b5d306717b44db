// Text fields counted as a reader counts (grapheme clusters: seven emoji are "7/120", never "28/120"), cut without
// breaking an emoji and saying so when a paste was too long; and the space card's inline editor for the title and
// description, live or before (host and co-hosts). Enter saves, Esc cancels; the server's refusal shows here.
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { DESCRIPTION_MAX, TITLE_MAX } from '../../common/space';
import { counterText, cutNotice, limitText } from '../state/text-field';
import { clearDetailsError, saveDetails, type StudioState } from './controller';
import './space.css';

export function LimitedField(props: {
  testId: string;
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  max: number;
  /** What the limit is of, for "Cut to 120 characters — the title's limit." */
  what: string;
  multiline?: boolean;
  placeholder?: string;
  autoFocus?: boolean;
  big?: boolean;
  invalid?: boolean;
  describedBy?: string;
  onKeyDown?: (e: KeyboardEvent<HTMLInputElement | HTMLTextAreaElement>) => void;
}): ReactNode {
  const id = useId();
  const [cut, setCut] = useState(false);
  const change = (raw: string) => {
    const next = limitText(raw, props.max);
    setCut(next.cut);
    props.onChange(next.value);
  };
  const noteId = `${id}-note`;
  const described = [cut ? noteId : null, props.describedBy ?? null].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    'data-testid': props.testId,
    value: props.value,
    placeholder: props.placeholder,
    autoFocus: props.autoFocus,
    'aria-invalid': props.invalid || undefined,
    'aria-describedby': described,
    onKeyDown: props.onKeyDown,
  };
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.multiline ? (
        <textarea {...common} className="textarea" onChange={(e) => change(e.target.value)} />
      ) : (
        <input {...common} className={`input${props.big ? ' input-big' : ''}`} onChange={(e) => change(e.target.value)} />
      )}
      <div className="sp-field-foot">
        <span className="sp-cut" id={noteId} role="status" data-testid={`${props.testId}-cut`}>
          {cut ? cutNotice(props.max, props.what) : ''}
        </span>
        <span className="faint sp-count" data-testid={`${props.testId}-count`}>
          {counterText(props.value, props.max)}
        </span>
      </div>
    </div>
  );
}

/** The inline editor on the space card. `onClose` runs on Cancel, Esc, and once the server has taken the change. */
export function EditDetails({ state, onClose }: { state: StudioState; onClose: () => void }): ReactNode {
  const space = state.view?.space ?? state.target?.space;
  const [title, setTitle] = useState(space?.title ?? '');
  const [description, setDescription] = useState(space?.description ?? '');
  const [sent, setSent] = useState(false);
  const { saving, error } = state.details;
  const errorId = useId();
  const closed = useRef(false);

  // Sent, and the server has answered with the new space: done.
  useEffect(() => {
    if (sent && !saving && !error && !closed.current) {
      closed.current = true;
      onClose();
    }
  }, [sent, saving, error, onClose]);
  // A refusal stays on screen until the next try; leaving the editor forgets it.
  useEffect(() => () => clearDetailsError(), []);

  const trimmed = title.trim();
  const canSave = trimmed !== '' && saving === null;
  const save = () => {
    if (!canSave || !space) return;
    if (saveDetails({ title: trimmed, description: description.trim() })) setSent(true);
    else onClose(); // nothing changed
  };
  const cancel = () => {
    closed.current = true;
    onClose();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement | HTMLTextAreaElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      cancel();
    } else if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      save();
    }
  };
  return (
    <form
      className="sp-edit stack"
      data-testid="edit-details-form"
      aria-label="Edit the title and description"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <LimitedField
        testId="edit-title"
        label="Title"
        value={title}
        onChange={setTitle}
        max={TITLE_MAX}
        what="title"
        autoFocus
        big
        invalid={error !== null}
        describedBy={error ? errorId : undefined}
        onKeyDown={onKeyDown}
      />
      <LimitedField
        testId="edit-description"
        label={
          <>
            Description <span className="faint">(optional · Shift+Enter for a new line)</span>
          </>
        }
        value={description}
        onChange={setDescription}
        max={DESCRIPTION_MAX}
        what="description"
        multiline
        onKeyDown={onKeyDown}
      />
      {error && (
        <div className="field-error" id={errorId} role="alert" data-testid="edit-details-error">
          The space server did not take the change: {error}.
        </div>
      )}
      <div className="row sp-edit-actions">
        <span className="faint spacer">{space?.status === 'live' ? 'Listeners see the change at once.' : 'Listeners waiting for the space see the change at once.'}</span>
        <button type="button" className="btn btn-quiet" data-testid="edit-details-cancel" onClick={cancel}>
          Cancel <kbd>Esc</kbd>
        </button>
        <button type="submit" className="btn btn-primary" data-testid="edit-details-save" disabled={!canSave}>
          {saving ? 'Saving…' : 'Save'} <kbd>↵</kbd>
        </button>
      </div>
    </form>
  );
}
