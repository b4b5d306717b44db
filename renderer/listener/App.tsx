// The listener page: what a person sees after opening a share link, from "not started yet" to "ended" — and, if a
// host brings them up, their speaker controls. Reads the controller's store only.
import { useEffect, type ReactNode } from 'react';
import { Brand } from '../ui/components';
import { ConnectionBanner, useHealthBanner } from '../ui/ConnectionBanner';
import { ReactionLayer } from '../ui/social';
import { useStore } from '../state/store';
import { listener, reactionDone, type ListenerState } from './controller';
import { LiveDock } from './LiveDock';
import { NameField } from './NameField';
import { listenerHealthInput } from './health';
import { ErrorBanner, Toasts } from './Notices';
import { phaseOf, type Phase } from './phase';
import { ShareButton } from './ShareButton';
import { SpaceHeader } from './SpaceHeader';
import { Pins, Stage } from './Stage';
import { Ended, Loading, NotFound, Refused, Removed, Waiting } from './States';

function useDocumentTitle(title: string | null, phase: Phase): void {
  useEffect(() => {
    const prefix = phase === 'live' ? '🔴 ' : '';
    document.title = title ? `${prefix}${title} · Podium` : 'Podium — live space';
  }, [title, phase]);
}

function SpaceBody({ s, phase }: { s: ListenerState; phase: 'waiting' | 'live' | 'ended' }): ReactNode {
  const space = s.view.space!;
  return (
    <>
      <SpaceHeader space={space} phase={phase} listenerCount={s.view.listenerCount} recording={s.view.recording} />
      {phase !== 'ended' && (
        <Stage members={s.view.members} you={s.view.participantId} sfu={s.sfu} live={phase === 'live'} publishing={s.mic === 'open'} />
      )}
      {phase === 'waiting' && <Waiting />}
      {phase === 'ended' && <Ended space={space} />}
      <Pins pins={s.view.pins} />
      {phase === 'live' && <LiveDock s={s} />}
      {phase !== 'ended' && <NameField />}
    </>
  );
}

export function App(): ReactNode {
  const s = useStore(listener);
  const phase = phaseOf(s);
  useDocumentTitle(s.view.space?.title ?? null, phase);
  const hasSpace = phase === 'waiting' || phase === 'live' || phase === 'ended';
  // One banner for every link (the space, the audio server, this page's audio), in listener words.
  const health = useHealthBanner((now) => listenerHealthInput(s, now));
  const showHealth = health !== null && phase !== 'removed' && phase !== 'ended';
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
        {phase === 'not_found' && <NotFound />}
        {phase === 'refused' && <Refused message={s.view.error?.message ?? ''} />}
        {phase === 'removed' && <Removed message={s.view.removed ?? ''} />}
        {hasSpace && <SpaceBody s={s} phase={phase} />}
        {phase === 'live' && <ReactionLayer bursts={s.view.reactions} onDone={reactionDone} />}
      </main>
      <Toasts notices={s.view.notices} />
    </div>
  );
}
