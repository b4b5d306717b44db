// A scheduled space before its start: the countdown (from the UTC start, in this viewer's own time zone), "Add to
// calendar" and "Remind me"; a cancelled space; following the host (with their calendar feed); and a follower's
// "the host is live elsewhere" banner.
import { useEffect, useState, type ReactNode } from 'react';
import { formatCountdown, formatLocalStart } from '../../common/schedule';
import type { PublicSpace } from '../../common/space';
import { countOf } from '../../common/text';
import { useStore } from '../state/store';
import type { SpaceView } from '../state/space-view';
import { askToRemind, reminder } from './alerts';
import { setFollowing } from './controller';

function useClock(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

const REMIND_TEXT = {
  off: null,
  asking: 'Allow notifications in the box your browser shows.',
  on: "We'll notify you when it starts — keep this page open (a tab in the background is fine).",
  denied: 'Notifications are blocked for this site. Add it to your calendar instead, or allow notifications in the site settings.',
  unsupported: "This browser can't show notifications. Add it to your calendar instead.",
} as const;

export function Countdown({ space }: { space: PublicSpace & { scheduledAt: number } }): ReactNode {
  const now = useClock(1000);
  const remind = useStore(reminder).state;
  const left = space.scheduledAt - now;
  const local = formatLocalStart(space.scheduledAt);
  return (
    <section className="countdown" data-testid="countdown" aria-live="off">
      <div className="countdown-label">{left > 0 ? 'Starts in' : 'Starting'}</div>
      <div className="countdown-value" data-testid="countdown-value">
        {formatCountdown(left)}
      </div>
      <time className="countdown-when" dateTime={new Date(space.scheduledAt).toISOString()} data-testid="countdown-local">
        {local}
      </time>
      <div className="countdown-actions">
        <a className="btn" href={`/s/${space.id}/calendar.ics`} download={`podium-${space.id}.ics`} data-testid="add-to-calendar">
          📅 Add to calendar
        </a>
        <button
          type="button"
          className={remind === 'on' ? 'btn' : 'btn btn-primary'}
          data-testid="remind-me"
          aria-pressed={remind === 'on'}
          disabled={remind === 'asking' || remind === 'on'}
          onClick={() => void askToRemind(space.id)}
        >
          {remind === 'on' ? '🔔 Reminder set' : '🔔 Remind me'}
        </button>
      </div>
      {REMIND_TEXT[remind] && (
        <p className="faint countdown-note" data-testid="remind-status" role="status">
          {REMIND_TEXT[remind]}
        </p>
      )}
      <p className="faint countdown-note">
        {left > 0 ? `Keep this page open and it goes live by itself when ${space.hostName} starts.` : `${space.hostName} hasn't started yet — this page goes live by itself when they do.`}
      </p>
    </section>
  );
}

export function Cancelled({ space }: { space: PublicSpace }): ReactNode {
  return (
    <div className="note note-cancelled" data-testid="state-cancelled" role="status">
      <strong>This space was cancelled.</strong>
      <p className="muted">
        {space.hostName} called off “{space.title}”{space.scheduledAt ? `, planned for ${formatLocalStart(space.scheduledAt)}` : ''}. Nothing will happen at this link.
        Follow {space.hostName} to hear about their next one.
      </p>
    </div>
  );
}

export function FollowCard({ view }: { view: SpaceView }): ReactNode {
  const follow = view.follow;
  const space = view.space;
  if (!follow || !space || view.role === 'host') return null;
  const feedUrl = new URL(follow.feed, location.origin).href;
  const webcal = feedUrl.replace(/^https?:/, 'webcal:');
  return (
    <section className="follow-card" data-testid="follow-card">
      <div className="follow-text">
        <strong>{follow.following ? `You follow ${space.hostName}` : `Follow ${space.hostName}`}</strong>
        <span className="faint" data-testid="follower-count">
          {countOf(follow.followers, 'follower')}
          {follow.following ? ' · you hear when they go live while one of their pages is open' : ''}
        </span>
        <span className="follow-links faint">
          Their spaces in your calendar:{' '}
          <a href={webcal} data-testid="feed-webcal">
            subscribe
          </a>{' '}
          ·{' '}
          <a href={feedUrl} data-testid="feed-link">
            .ics link
          </a>
        </span>
      </div>
      <button
        type="button"
        className={follow.following ? 'btn btn-small' : 'btn btn-small btn-primary'}
        aria-pressed={follow.following}
        data-testid="follow-button"
        onClick={() => setFollowing(!follow.following)}
      >
        {follow.following ? 'Following ✓' : 'Follow'}
      </button>
    </section>
  );
}

export function HostLiveBanner({ view }: { view: SpaceView }): ReactNode {
  const live = view.hostLive;
  if (!live || live.spaceId === view.space?.id) return null;
  return (
    <a className="host-live-banner" href={`/s/${live.spaceId}`} data-testid="host-live-banner">
      <span className="pill pill-live">Live</span>
      <span>
        <strong>{live.hostName}</strong> is live now: {live.title}
      </span>
      <span className="host-live-go">Listen →</span>
    </a>
  );
}
