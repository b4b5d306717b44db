// Co-hosting, on the listener page: the card for a host's one-tap offer (you.cohostOffer), and the screen a co-host
// invite link shows in a browser. Both send the person to the Podium studio, where co-hosts moderate; neither ever
// joins this page with the key. Props in, markup out (the callbacks come from the controller), so they render in tests.
import type { ReactNode } from 'react';
import type { InviteLinks } from './invite';
import { offerLapseText } from './invite';

export type CopyState = 'copied' | 'failed' | null;

function CopyInvite({ webLink, copied, onCopy, label }: { webLink: string; copied: CopyState; onCopy: () => void; label: string }): ReactNode {
  return (
    <div className="copy-invite">
      <button type="button" className="btn-link" data-testid="copy-invite" data-invite-url={webLink} onClick={onCopy}>
        {label}
      </button>
      <span className="copy-status" role="status" data-testid="copy-invite-status">
        {copied === 'copied' ? 'Copied. Paste it into “Join as co-host” in the web studio.' : ''}
      </span>
      {copied === 'failed' && (
        // No clipboard here (a plain-http page, a refused permission): the link itself, ready to select.
        <input className="input copy-fallback" data-testid="copy-invite-fallback" readOnly value={webLink} aria-label="Co-host invite link" onFocus={(e) => e.currentTarget.select()} />
      )}
    </div>
  );
}

export function CohostOfferCard(props: {
  from: string;
  expiresAt: number;
  now: number;
  links: InviteLinks;
  copied: CopyState;
  onCopy: () => void;
  onDecline: () => void;
}): ReactNode {
  const { from, expiresAt, now, links, copied, onCopy, onDecline } = props;
  return (
    <section className="cohost-offer" data-testid="cohost-offer" aria-labelledby="cohost-offer-title">
      <p id="cohost-offer-title" className="cohost-offer-title">
        <strong>{from}</strong> asked you to co-host.
      </p>
      <p className="muted">Co-hosts moderate from the Podium studio.</p>
      <div className="cohost-offer-actions">
        {links.appLink && (
          <a className="btn btn-primary btn-small" data-testid="open-in-podium" href={links.appLink}>
            Open in Podium
          </a>
        )}
        <button type="button" className="btn btn-small" data-testid="decline-cohost" onClick={onDecline}>
          Not now
        </button>
      </div>
      <CopyInvite webLink={links.webLink} copied={copied} onCopy={onCopy} label="Using the web studio? Copy the invite" />
      <p className="faint cohost-offer-lapse" data-testid="cohost-offer-lapse">
        {offerLapseText(expiresAt, now)}
      </p>
    </section>
  );
}

export function InviteScreen(props: {
  links: InviteLinks | null;
  /** The space the invite is for, when the server has said (its public description). */
  space?: { title: string; hostName: string } | undefined;
  copied: CopyState;
  onCopy: () => void;
  onJoin: () => void;
}): ReactNode {
  const { links, space, copied, onCopy, onJoin } = props;
  return (
    <div className="full-state invite-state" data-testid="state-invite">
      <div className="full-emoji emoji" aria-hidden>
        🎙️
      </div>
      <h1>This is a co-host invite</h1>
      {space && (
        <p className="invite-space" data-testid="invite-space">
          to <strong>{space.title}</strong>, hosted by {space.hostName}
        </p>
      )}
      <p className="muted">Co-hosts moderate from the Podium studio.</p>
      {links ? (
        <>
          {links.appLink && (
            <a className="btn btn-primary" data-testid="open-in-podium" href={links.appLink}>
              Open in Podium
            </a>
          )}
          <CopyInvite webLink={links.webLink} copied={copied} onCopy={onCopy} label="Using the web studio? Copy the invite" />
        </>
      ) : (
        <p className="muted" data-testid="invite-damaged">
          The invite key in this link is damaged. Ask the host to send it again.
        </p>
      )}
      <button type="button" className="btn" data-testid="join-as-listener" onClick={onJoin}>
        Join as a listener instead
      </button>
    </div>
  );
}
