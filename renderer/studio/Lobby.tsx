// Before a space exists: create one (title, description), re-open a recent one, or join someone else's as co-host
// (asking first when the invite is for a server this studio has not used before).
import { useState, type ReactNode } from 'react';
import { DESCRIPTION_MAX, TITLE_MAX } from '../../common/space';
import { cancelTrust, confirmTrust, createSpace, joinAsCohost, openSpace, studio, type StudioState } from './controller';
import { TrustDialog } from './Overlays';
import { RecordingsCard } from './recording';

function JoinCohostCard({ state }: { state: StudioState }): ReactNode {
  const [link, setLink] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const message = problem ?? state.joinError;
  return (
    <form
      className="card stack"
      onSubmit={(e) => {
        e.preventDefault();
        setProblem(joinAsCohost(link));
      }}
    >
      <h2>Join as co-host</h2>
      <p className="muted tight">Got an invite link from a host? Paste it here to moderate their space with them from this studio.</p>
      <div className="row">
        <input
          className="input mono"
          data-testid="join-cohost-url"
          aria-label="Co-host invite link"
          aria-invalid={message !== null}
          aria-describedby="join-cohost-error"
          placeholder="https://…/s/abc123defg#cohost=…"
          value={link}
          onChange={(e) => {
            setLink(e.target.value);
            setProblem(null);
            if (state.joinError) studio.set({ joinError: null });
          }}
        />
        <button className="btn btn-primary" type="submit" data-testid="join-cohost" disabled={link.trim() === '' || state.busy === 'join'}>
          {state.busy === 'join' ? 'Joining…' : 'Join'}
        </button>
      </div>
      {message && (
        <div id="join-cohost-error" className="field-error" data-testid="join-cohost-error" role="alert">
          {message}
        </div>
      )}
    </form>
  );
}

const STATUS_LABEL = { scheduled: 'Not started', live: 'Live', ended: 'Ended' } as const;

export function Lobby({ state }: { state: StudioState }): ReactNode {
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const canCreate = title.trim().length > 0 && state.busy !== 'create';
  const submit = () => canCreate && void createSpace(title.trim(), description.trim());
  return (
    <>
      <form
        className="card stack hero"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        onKeyDown={(e) => {
          if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
            e.preventDefault();
            submit();
          }
        }}
      >
        <div>
          <h1>Start a space</h1>
          <p className="muted">Talk live to anyone with the link. You can check your microphone first — listeners hear nothing until you go live.</p>
        </div>
        <div className="field">
          <label htmlFor="space-title">Title</label>
          <input
            id="space-title"
            data-testid="space-title"
            className="input input-big"
            placeholder="What are we talking about?"
            maxLength={TITLE_MAX}
            value={title}
            autoFocus
            onChange={(e) => setTitle(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="space-description">Description <span className="faint">(optional)</span></label>
          <textarea
            id="space-description"
            className="textarea"
            maxLength={DESCRIPTION_MAX}
            placeholder="A line or two so people know what they are joining"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </div>
        <div className="row">
          <span className="faint">{title.length}/{TITLE_MAX}</span>
          <div className="spacer" />
          <button className="btn btn-primary btn-big" type="submit" data-testid="create-space" disabled={!canCreate}>
            {state.busy === 'create' ? 'Creating…' : 'Create space'} <kbd>Ctrl ↵</kbd>
          </button>
        </div>
      </form>

      <JoinCohostCard state={state} />
      {state.trustPrompt && <TrustDialog server={state.trustPrompt.server} onCancel={cancelTrust} onConfirm={confirmTrust} />}

      <div className="card stack">
        <h2>Recent spaces</h2>
        {state.recent.length === 0 ? (
          <div className="empty">No spaces yet. The ones you create appear here, so you can get back to them after a restart.</div>
        ) : (
          <ul className="recent">
            {state.recent.map((space) => (
              <li key={space.id} className="row">
                <span className={`pill${space.status === 'live' ? ' pill-live' : ''}`}>{STATUS_LABEL[space.status]}</span>
                <span className="spacer recent-title">{space.title}</span>
                <span className="faint">{new Date(space.createdAt).toLocaleString()}</span>
                <button className="btn" onClick={() => void openSpace(space.id)}>
                  {space.status === 'ended' ? 'View' : 'Open'}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <RecordingsCard />
    </>
  );
}
