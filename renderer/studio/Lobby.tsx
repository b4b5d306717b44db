// Before a space exists: create one (title, description), re-open a recent one, or join someone else's as co-host
// (asking first when the invite is for a server this studio has not used before).
import { useEffect, useState, type ReactNode } from 'react';
import { NAME_MAX, normalizeDisplayName } from '../../common/names';
import { DESCRIPTION_MAX, TITLE_MAX } from '../../common/space';
import { hostNameNeeded } from '../state/host-name';
import { cancelTrust, confirmTrust, createSpace, joinAsCohost, openSpace, studio, turnMicrophoneOn, type StudioState } from './controller';
import { LimitedField } from './EditDetails';
import { TrustDialog } from './Overlays';
import { RecordingsCard } from './recording';
import { ReminderBanner, ScheduleCard } from './ScheduleCard';

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

/** Between spaces the microphone is closed (nothing needs it); it opens again with the next space, or now for a check. */
function MicNote({ state }: { state: StudioState }): ReactNode {
  if (!state.micResting || state.mic.status !== 'off') return null;
  return (
    <span className="faint" data-testid="mic-off-note">
      Your microphone is off between spaces.{' '}
      <button type="button" className="link-btn" data-testid="mic-on" onClick={turnMicrophoneOn}>
        Turn it on to check it
      </button>
    </span>
  );
}

const STATUS_LABEL = { scheduled: 'Not started', live: 'Live', ended: 'Ended' } as const;

/** The name listeners read ("Hosted by Lena"): asked before the first space, then shown with a way to change it. */
function HostNameField(props: { state: StudioState; value: string | null; onChange: (value: string | null) => void; problem: string | null }): ReactNode {
  const saved = props.state.settings?.hostName ?? '';
  const asking = hostNameNeeded(props.state.settings);
  if (!asking && props.value === null) {
    return (
      <div className="sp-hosting-as faint" data-testid="hosting-as">
        Hosting as <strong className="sp-hosting-name">{saved}</strong> ·{' '}
        <button type="button" className="link-btn" data-testid="change-host-name" onClick={() => props.onChange(saved)}>
          change
        </button>
      </div>
    );
  }
  return (
    <>
      <LimitedField
        testId="lobby-host-name"
        label="Your name (listeners see it)"
        value={props.value ?? ''}
        onChange={props.onChange}
        max={NAME_MAX}
        what="name"
        placeholder="Lena"
        autoFocus={asking}
        invalid={props.problem !== null}
        describedBy={props.problem ? 'lobby-host-name-error' : undefined}
      />
      {props.problem && (
        <div className="field-error" id="lobby-host-name-error" role="alert" data-testid="lobby-host-name-error">
          {props.problem}
        </div>
      )}
    </>
  );
}

export function Lobby({ state }: { state: StudioState }): ReactNode {
  const prefill = state.lobbyPrefill;
  const [title, setTitle] = useState(prefill?.title ?? '');
  const [description, setDescription] = useState(prefill?.description ?? '');
  // null: not editing the name (it is chosen and shown as "Hosting as …"); a string: the name field's text.
  const [name, setName] = useState<string | null>(null);
  const [nameProblem, setNameProblem] = useState<string | null>(null);
  // "Start another like this" while the lobby is already showing: take the new prefill.
  useEffect(() => {
    if (!prefill) return;
    setTitle(prefill.title);
    setDescription(prefill.description);
  }, [prefill]);
  const asking = hostNameNeeded(state.settings);
  const nameText = name ?? (asking ? '' : null);
  const canCreate = title.trim().length > 0 && state.busy !== 'create' && (nameText === null || nameText.trim() !== '');
  const submit = () => {
    if (!canCreate) return;
    let hostName: string | undefined;
    if (nameText !== null) {
      const checked = normalizeDisplayName(nameText);
      if (!checked.ok) {
        setNameProblem(`That name won't do: ${checked.message}.`);
        return;
      }
      hostName = checked.name;
    }
    // On success the lobby goes away; on failure everything typed stays for another try.
    void createSpace(title.trim(), description.trim(), hostName);
  };
  return (
    <>
      <ReminderBanner onOpen={(id) => void openSpace(id)} />
      <form
        className="card stack hero"
        data-testid="start-space"
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
        <HostNameField
          state={state}
          value={nameText}
          onChange={(v) => {
            setName(v);
            setNameProblem(null);
          }}
          problem={nameProblem}
        />
        <LimitedField
          testId="space-title"
          label="Title"
          big
          placeholder="What are we talking about?"
          value={title}
          onChange={setTitle}
          max={TITLE_MAX}
          what="title"
          autoFocus={!asking}
        />
        <LimitedField
          testId="space-description"
          label={
            <>
              Description <span className="faint">(optional)</span>
            </>
          }
          multiline
          placeholder="A line or two so people know what they are joining"
          value={description}
          onChange={setDescription}
          max={DESCRIPTION_MAX}
          what="description"
        />
        <div className="row">
          <MicNote state={state} />
          <div className="spacer" />
          <button className="btn btn-primary btn-big" type="submit" data-testid="create-space" disabled={!canCreate}>
            {state.busy === 'create' ? 'Creating…' : 'Create space'} <kbd>Ctrl ↵</kbd>
          </button>
        </div>
      </form>

      <ScheduleCard onOpen={(id) => void openSpace(id)} />
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
