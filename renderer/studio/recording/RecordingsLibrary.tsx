// The recordings library: a small card (in the lobby, and beside a space) with how many recordings this computer
// holds, and the library itself, a dialog listing them newest first with what to do with each. Deleting asks first,
// naming the recording. Esc closes the question, then the library; Enter answers the question.
import { AlertDialog } from '../../ui/components';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { RecordingEntry } from '../../../common/recording';
import { useStore } from '../../state/store';
import { formatDate, formatDuration } from './format';
import { closeLibrary, deleteRecording, library, loadRecordings, openLibrary, type LibraryState } from './library';
import { LibraryEntry, type Playing } from './LibraryEntry';
import './recording.css';

const EMPTY = 'No recordings yet. Press Record while a space is live.';

/** The card that leads to the library. `finishedId` changes when a recording is saved, so the count follows. */
export function RecordingsCard({ finishedId = null }: { finishedId?: string | null }): ReactNode {
  const lib = useStore(library);
  useEffect(() => {
    void loadRecordings();
  }, [finishedId]);
  const latest = lib.entries[0];
  return (
    <section className="card stack rec-lib-card" aria-label="Recordings" data-testid="recordings-card">
      <header className="rec-head">
        <h2>Recordings</h2>
        {lib.status === 'ready' && <span className="count" data-testid="recordings-count">{lib.entries.length.toLocaleString()}</span>}
        <div className="spacer" />
        <button className="btn btn-sm" data-testid="open-library" onClick={() => openLibrary()}>
          Open
        </button>
      </header>
      {lib.status === 'loading' || lib.status === 'idle' ? (
        <div className="faint row-tight"><span className="spinner" aria-hidden /> Loading your recordings…</div>
      ) : lib.status === 'error' ? (
        <div className="row-tight">
          <span className="field-error spacer">Couldn't list your recordings: {lib.error}</span>
          <button className="btn btn-sm" onClick={() => void loadRecordings()}>Try again</button>
        </div>
      ) : latest ? (
        <div className="stack-tight rec-lib-latest">
          <span className="faint">Latest</span>
          <span className="ellipsis rec-lib-latest-title" title={latest.title}>{latest.title}</span>
          <span className="faint">
            {formatDate(latest.startedAt)} · {formatDuration(latest.durationMs)}
          </span>
        </div>
      ) : (
        <div className="faint">{EMPTY}</div>
      )}
      {lib.open && <RecordingsLibrary state={lib} />}
    </section>
  );
}

function DeleteDialog(props: { entry: RecordingEntry; deleting: boolean; error: string | null; onCancel: () => void; onConfirm: () => void }): ReactNode {
  const { entry } = props;
  return (
    <AlertDialog
      id="lib-delete"
      testId="library-delete-dialog"
      title={<>Delete “{entry.title}”?</>}
      titleClass="lib-delete-title"
      bodyClass="muted tight"
      body={
        <>
          The recording from {formatDate(entry.startedAt)} (<span className="rec-nowrap">{formatDuration(entry.durationMs)}</span>) is deleted from this computer: the mix, every
          track and the markers{entry.normalizedFile ? ', and the podcast version' : ''}. This can't be undone.
        </>
      }
      backdropClass="rec-stacked"
      onCancel={props.onCancel}
    >
      {props.error && <div className="field-error" role="alert">Couldn't delete it: {props.error}</div>}
      <div className="row modal-actions">
        <button className="btn" onClick={props.onCancel}>
          Cancel <kbd>Esc</kbd>
        </button>
        <button className="btn btn-danger" data-testid="library-delete-confirm" autoFocus disabled={props.deleting} onClick={props.onConfirm}>
          {props.deleting ? 'Deleting…' : 'Delete'} <kbd>↵</kbd>
        </button>
      </div>
    </AlertDialog>
  );
}

/** The library dialog; it reads `state` (the library store) and calls the library's functions. */
export function RecordingsLibrary({ state }: { state: LibraryState }): ReactNode {
  const [playing, setPlaying] = useState<Playing | null>(null);
  const [pending, setPending] = useState<RecordingEntry | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const list = useRef<HTMLUListElement>(null);
  const dialog = useRef<HTMLDivElement>(null);
  // Focus starts on the dialog itself, so Tab leads into the list and Esc works at once.
  useEffect(() => dialog.current?.focus(), []);

  // One capture listener for both layers, so Esc closes the question first and the library only after it.
  const latest = useRef({ pending });
  latest.current = { pending };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // A held Enter (the one that pressed Delete) must not answer a question the person has not read yet.
      if (e.key === 'Enter' && e.repeat) e.preventDefault();
      if (e.key !== 'Escape') return;
      e.preventDefault();
      e.stopPropagation();
      if (latest.current.pending) {
        setPending(null);
        setDeleteError(null);
      } else closeLibrary();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  // "Show in library" points at one recording: bring it into view once it is listed.
  const found = state.highlight !== null && state.entries.some((e) => e.id === state.highlight);
  useEffect(() => {
    if (!found) return;
    list.current?.querySelector(`[data-id="${state.highlight}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [found, state.highlight]);

  const confirmDelete = async () => {
    if (!pending) return;
    setDeleting(true);
    const result = await deleteRecording(pending.id);
    setDeleting(false);
    if (!result.ok) return setDeleteError(result.message);
    if (playing?.id === pending.id) setPlaying(null);
    setPending(null);
    setDeleteError(null);
  };

  return (
    <>
      <div className="modal-backdrop" onClick={closeLibrary}>
        <div
          className="card lib-dialog"
          ref={dialog}
          tabIndex={-1}
          role="dialog"
          aria-modal="true"
          aria-labelledby="lib-title"
          data-testid="recordings-library"
          onClick={(e) => e.stopPropagation()}
        >
          <header className="lib-head">
            <h2 id="lib-title">Recordings</h2>
            {state.status === 'ready' && <span className="count">{state.entries.length.toLocaleString()}</span>}
            <div className="spacer" />
            <button className="btn btn-sm btn-quiet" onClick={closeLibrary}>
              Close <kbd>Esc</kbd>
            </button>
          </header>

          {state.status === 'error' && (
            <div className="banner banner-error" role="alert" data-testid="library-error">
              <span className="spacer">Couldn't list your recordings: {state.error}</span>
              <button className="btn btn-sm" onClick={() => void loadRecordings()}>Try again</button>
            </div>
          )}
          {(state.status === 'loading' || state.status === 'idle') && (
            <div className="empty row-tight lib-loading" data-testid="library-loading">
              <span className="spinner" aria-hidden /> Loading your recordings…
            </div>
          )}
          {state.status === 'ready' && state.entries.length === 0 && (
            <div className="empty" data-testid="library-empty">{EMPTY}</div>
          )}
          {state.entries.length > 0 && (
            <ul className="lib-list" ref={list}>
              {state.entries.map((entry) => (
                <LibraryEntry
                  key={entry.id}
                  entry={entry}
                  highlighted={entry.id === state.highlight}
                  playing={playing}
                  onPlay={setPlaying}
                  onDelete={(e) => {
                    setDeleteError(null);
                    setPending(e);
                  }}
                />
              ))}
            </ul>
          )}
        </div>
      </div>
      {pending && (
        <DeleteDialog
          entry={pending}
          deleting={deleting}
          error={deleteError}
          onCancel={() => {
            setPending(null);
            setDeleteError(null);
          }}
          onConfirm={() => void confirmDelete()}
        />
      )}
    </>
  );
}
