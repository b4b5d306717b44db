// Scheduling in the lobby: announce a space for later (title, description, start in the host's own time zone,
// stored as UTC), the upcoming list (edit, reschedule, cancel, open to go live), followers and the calendar feed,
// and the 10-minute reminder banner.
import { useState, type ReactNode } from 'react';
import { formatCountdown, formatLocalStart, utcToWallTime, wallTimeToUtc } from '../../common/schedule';
import { DESCRIPTION_MAX, TITLE_MAX, type PublicSpace } from '../../common/space';
import { countOf } from '../../common/text';
import { useStore } from '../state/store';
import { LimitedField } from './EditDetails';
import { cancelScheduled, clearScheduleError, dismissReminder, rescheduleSpace, schedule, scheduleSpace } from './schedule';

const zone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

/** "Europe/Berlin (CET)": the zone the form's times are in. */
function zoneLabel(at: number): string {
  const short = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' }).formatToParts(new Date(at)).find((p) => p.type === 'timeZoneName')?.value;
  return short ? `${zone()} (${short})` : zone();
}

function SpaceForm(props: {
  initial?: PublicSpace;
  submitLabel: string;
  testPrefix: string;
  onSubmit: (v: { title: string; description: string; scheduledAt: number }) => Promise<boolean>;
  onCancel?: () => void;
}): ReactNode {
  const { error, busy } = useStore(schedule);
  const [title, setTitle] = useState(props.initial?.title ?? '');
  const [description, setDescription] = useState(props.initial?.description ?? '');
  const [when, setWhen] = useState(props.initial?.scheduledAt ? utcToWallTime(props.initial.scheduledAt, zone()) : '');
  const [problem, setProblem] = useState<string | null>(null);
  const at = when ? wallTimeToUtc(when, zone()) : null;
  const shown = problem ?? error;
  const submit = async () => {
    if (title.trim() === '') return setProblem('Give the space a title.');
    if (at === null) return setProblem('Pick a date and a start time.');
    // The server checks too (its clock decides); this only spares a round trip.
    if (at <= Date.now()) return setProblem('That start time has already passed — pick a time in the future.');
    setProblem(null);
    if (await props.onSubmit({ title: title.trim(), description: description.trim(), scheduledAt: at })) {
      if (!props.initial) {
        setTitle('');
        setDescription('');
        setWhen('');
      }
    }
  };
  return (
    <form
      className="stack"
      data-testid={`${props.testPrefix}-form`}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <LimitedField testId={`${props.testPrefix}-title`} label="Name of the space" value={title} onChange={(v) => (setTitle(v), setProblem(null), clearScheduleError())} max={TITLE_MAX} what="title" placeholder="Friday AMA" />
      <LimitedField
        testId={`${props.testPrefix}-description`}
        // Not "Description": the Start a space form above has that label, and one page should not have two.
        label={
          <>
            What it&apos;s about <span className="faint">(optional)</span>
          </>
        }
        multiline
        value={description}
        onChange={setDescription}
        max={DESCRIPTION_MAX}
        what="description"
      />
      <div className="field">
        <label htmlFor={`${props.testPrefix}-when`}>Starts at</label>
        <input
          id={`${props.testPrefix}-when`}
          className="input"
          type="datetime-local"
          data-testid={`${props.testPrefix}-when`}
          value={when}
          aria-invalid={shown !== null}
          aria-describedby={`${props.testPrefix}-when-note`}
          onChange={(e) => {
            setWhen(e.target.value);
            setProblem(null);
            clearScheduleError();
          }}
        />
        <span className="faint sched-zone" id={`${props.testPrefix}-when-note`} data-testid={`${props.testPrefix}-zone`}>
          Your time zone: {zoneLabel(at ?? Date.now())}
          {at !== null && at > Date.now() ? ` · starts in ${formatCountdown(at - Date.now())}` : ''}
        </span>
      </div>
      {shown && (
        <div className="field-error" role="alert" data-testid={`${props.testPrefix}-error`}>
          {shown}
        </div>
      )}
      <div className="row">
        <div className="spacer" />
        {props.onCancel && (
          <button type="button" className="btn" onClick={props.onCancel}>
            Keep as it was
          </button>
        )}
        <button className="btn btn-primary" type="submit" data-testid={`${props.testPrefix}-submit`} disabled={busy}>
          {props.submitLabel}
        </button>
      </div>
    </form>
  );
}

function UpcomingRow({ space, onOpen }: { space: PublicSpace; onOpen: (id: string) => void }): ReactNode {
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const at = space.scheduledAt ?? 0;
  if (editing) {
    return (
      <li className="sched-item sched-editing" data-testid="upcoming-item">
        <SpaceForm
          initial={space}
          submitLabel="Save changes"
          testPrefix="reschedule"
          onCancel={() => (setEditing(false), clearScheduleError())}
          onSubmit={async (v) => {
            const done = await rescheduleSpace({ spaceId: space.id, ...v, ...(v.scheduledAt === at ? { scheduledAt: undefined } : {}) });
            if (done) setEditing(false);
            return done !== null;
          }}
        />
      </li>
    );
  }
  return (
    <li className="sched-item" data-testid="upcoming-item">
      <div className="sched-when">
        <strong data-testid="upcoming-title">{space.title}</strong>
        <span className="faint" data-testid="upcoming-time">
          {formatLocalStart(at)} · <span className="sched-in">in {formatCountdown(at - Date.now())}</span>
        </span>
      </div>
      {confirming ? (
        <div className="row-tight">
          <span className="faint">Cancel it for everyone?</span>
          <button type="button" className="btn btn-danger" data-testid="upcoming-cancel-confirm" onClick={() => void cancelScheduled(space.id).then(() => setConfirming(false))}>
            Cancel space
          </button>
          <button type="button" className="btn" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </div>
      ) : (
        <div className="row-tight">
          <button type="button" className="btn" data-testid="upcoming-edit" onClick={() => setEditing(true)}>
            Edit
          </button>
          <button type="button" className="btn" data-testid="upcoming-cancel" onClick={() => setConfirming(true)}>
            Cancel…
          </button>
          <button type="button" className="btn btn-primary" data-testid="upcoming-open" onClick={() => onOpen(space.id)}>
            Open
          </button>
        </div>
      )}
    </li>
  );
}

export function ReminderBanner({ onOpen }: { onOpen: (id: string) => void }): ReactNode {
  const { reminders } = useStore(schedule);
  if (reminders.length === 0) return null;
  return (
    <>
      {reminders.map((space) => (
        <div key={space.id} className="card sched-reminder row" role="alert" data-testid="host-reminder">
          <span className="pill pill-accent">Soon</span>
          <span className="spacer">
            <strong>{space.title}</strong> starts in {formatCountdown((space.scheduledAt ?? 0) - Date.now())}.
          </span>
          <button type="button" className="btn" onClick={() => dismissReminder(space.id)}>
            Later
          </button>
          <button type="button" className="btn btn-primary" data-testid="host-reminder-open" onClick={() => onOpen(space.id)}>
            Open and go live
          </button>
        </div>
      ))}
    </>
  );
}

export function ScheduleCard({ onOpen }: { onOpen: (id: string) => void }): ReactNode {
  const { overview } = useStore(schedule);
  return (
    <div className="card stack" data-testid="schedule-card">
      <div className="row">
        <h2 className="spacer">Schedule a space</h2>
        {overview && (
          <span className="pill" data-testid="studio-followers">
            {countOf(overview.followers, 'follower')}
          </span>
        )}
      </div>
      <p className="muted tight">Announce it now, start it later: listeners get a countdown page, can add it to their calendar, and are reminded.</p>
      <SpaceForm submitLabel="Schedule" testPrefix="schedule" onSubmit={async (v) => (await scheduleSpace(v)) !== null} />
      <h3 className="sched-heading">Upcoming</h3>
      {!overview || overview.upcoming.length === 0 ? (
        <div className="empty" data-testid="upcoming-empty">
          Nothing scheduled. Spaces you schedule appear here, with their share links ready before they start.
        </div>
      ) : (
        <ul className="sched-list" data-testid="upcoming-list">
          {overview.upcoming.map((space) => (
            <UpcomingRow key={`${space.id}:${space.scheduledAt}:${space.title}`} space={space} onOpen={onOpen} />
          ))}
        </ul>
      )}
      {overview && (
        <p className="faint tight sched-feed">
          Your calendar feed, for listeners and your own calendar:{' '}
          <a href={overview.webcalUrl} data-testid="studio-feed-webcal">
            subscribe
          </a>{' '}
          · <span className="mono" data-testid="studio-feed-url">{overview.feedUrl}</span>
        </p>
      )}
    </div>
  );
}
