// The listener page: what a person sees after opening a share link, from "not started yet" to "ended" — and, if a
// host brings them up, their speaker controls. Reads the controller's store only.
import { useEffect, useState, type ReactNode } from 'react';
import { Brand } from '../ui/components';
import { ConnectionBanner, useHealthBanner } from '../ui/ConnectionBanner';
import { ReactionLayer } from '../ui/social';
import { useStore } from '../state/store';
import { CohostOfferCard, InviteScreen } from './CohostOffer';
import { copyInvite, declineCohost, joinAsListener, listener, type ListenerState } from './controller';
import { inviteLinks } from './invite';
import { LiveDock } from './LiveDock';
import { NameField } from './NameField';
import { listenerHealthInput } from './health';
import { ErrorBanner, Toasts } from './Notices';
import { phaseOf, type Phase } from './phase';
import { ShareButton } from './ShareButton';
import { SpaceHeader } from './SpaceHeader';
import { ReportSlot } from './Report';
import { Pins, Stage } from './Stage';
import { Ended, Loading, NotFound, Refused, Removed, Waiting } from './States';
import { Cancelled, Countdown, FollowCard, HostLiveBanner } from './Schedule';
import { TicketPrompt } from './TicketPrompt';

function useDocumentTitle(title: string | null, phase: Phase): void {
  useEffect(() => {
    const prefix = phase === 'live' ? '🔴 ' : '';
    document.title = phase === 'invite' ? 'Co-host invite · Podium' : phase === 'ticket' ? 'Ticket needed · Podium' : title ? `${prefix}${title} · Podium` : 'Podium — live space';
  }, [title, phase]);
}

/** The clock, ticking every `ms` while `active`. */
function useNow(active: boolean, ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [active, ms]);
  return now;
}

/** A host's one-tap co-host offer, while it stands (the server withdraws it: `you.cohostOffer` goes null). */
function CohostOfferSlot({ s }: { s: ListenerState }): ReactNode {
  const offer = s.view.you?.cohostOffer ?? null;
  const now = useNow(offer !== null, 15_000);
  if (!offer) return null;
  const links = inviteLinks(location.origin, location.pathname, offer.key);
  if (!links) return null;
  return (
    <CohostOfferCard
      from={offer.from}
      expiresAt={offer.expiresAt - s.view.clockOffset}
      now={now}
      links={links}
      copied={s.inviteCopy}
      onCopy={() => void copyInvite(links.webLink)}
      onDecline={declineCohost}
    />
  );
}

function SpaceBody({ s, phase }: { s: ListenerState; phase: 'waiting' | 'live' | 'ended' | 'cancelled' }): ReactNode {
  const space = s.view.space!;
  const over = phase === 'ended' || phase === 'cancelled';
  const scheduledAt = space.scheduledAt ?? null;
  return (
    <>
      <HostLiveBanner view={s.view} />
      <SpaceHeader space={space} phase={phase} listenerCount={s.view.listenerCount} recording={s.view.recording} />
      {phase === 'waiting' && scheduledAt !== null && <Countdown space={{ ...space, scheduledAt }} />}
      {phase === 'cancelled' && <Cancelled space={space} />}
      {!over && <CohostOfferSlot s={s} />}
      {!over && (
        <Stage members={s.view.members} you={s.view.participantId} sfu={s.sfu} live={phase === 'live'} publishing={s.mic === 'open'} view={s.view} />
      )}
      {phase === 'waiting' && scheduledAt === null && <Waiting />}
      {phase === 'ended' && <Ended space={space} />}
      <FollowCard view={s.view} />
      {phase !== 'cancelled' && <Pins pins={s.view.pins} view={over ? undefined : s.view} />}
      {!over && <ReportSlot view={s.view} />}
      {phase === 'live' && <LiveDock s={s} />}
      {/* In the flow, under the controls: a notice covers nothing (on wide screens it sits beside the sheet). */}
      <Toasts notices={s.view.notices} />
      {!over && <NameField />}
    </>
  );
}

export function App(): ReactNode {
  const s = useStore(listener);
  const phase = phaseOf(s);
  useDocumentTitle(s.view.space?.title ?? null, phase);
  const hasSpace = phase === 'waiting' || phase === 'live' || phase === 'ended' || phase === 'cancelled';
  // One banner for every link (the space, the audio server, this page's audio), in listener words.
  const health = useHealthBanner((now) => listenerHealthInput(s, now));
  const showHealth = health !== null && phase !== 'removed' && phase !== 'ended' && phase !== 'cancelled' && phase !== 'ticket';
  return (
    <div className="listener">
      <header className="topbar">
        <Brand />
        <div className="spacer" />
        {hasSpace ? <ShareButton shared={s.shared} /> : <span className="faint">Live audio spaces</span>}
      </header>
      {showHealth && (
        // "offline" names the space-server-lost state as it did before this banner (tests and scripts look for it).
        <ConnectionBanner banner={health} legacyTestId={health.kind === 'space-retrying' ? 'offline' : undefined} />
      )}
      <main className="card sheet" data-phase={phase} aria-busy={phase === 'loading'}>
        {phase !== 'live' && hasSpace && <ErrorBanner />}
        {phase === 'loading' && <Loading />}
        {phase === 'invite' && (
          <InviteScreen
            links={s.invite?.links ?? null}
            space={s.invite?.space}
            copied={s.inviteCopy}
            onCopy={() => s.invite?.links && void copyInvite(s.invite.links.webLink)}
            onJoin={joinAsListener}
          />
        )}
        {phase === 'not_found' && <NotFound />}
        {phase === 'refused' && <Refused message={s.view.error?.message ?? ''} />}
        {phase === 'removed' && <Removed message={s.view.removed ?? ''} />}
        {phase === 'ticket' && <TicketPrompt s={s} />}
        {hasSpace && <SpaceBody s={s} phase={phase} />}
        {phase === 'live' && <ReactionLayer bursts={s.view.reactions} />}
      </main>
    </div>
  );
}
