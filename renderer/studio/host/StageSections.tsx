// Who is on stage and who asks to be: the speakers (speaking, muted, role, actions) and the hand queue in arrival
// order with how long each person has waited.
import { useMemo, type MouseEvent, type ReactNode } from 'react';
import type { Participant } from '../../../common/protocol';
import type { SfuSnapshot } from '../../sfu/adapter';
import { handQueue } from '../../state/space-view';
import type { SessionView } from '../../state/space-session';
import { sendToSpace } from '../controller';
import { actionTitle, actionsFor, personOf } from './actions';
import { formatWait, useListNav, useNow } from './hooks';
import { Icon } from './icons';
import { Face, ParticipantRow, type MicState } from './ParticipantRow';
import { openStudioReport } from './StudioReport';
import { memoOnView, Section, type PanelProps } from './Section';
import { countOf } from '../../../common/text';

/** What a stage member's microphone is doing, as far as the SFU tells us. */
export function micStateOf(id: string, view: Pick<SessionView, 'participantId'>, sfu: SfuSnapshot): MicState {
  if (sfu.connection !== 'connected') return null;
  const self = id === view.participantId;
  if (self) {
    if (!sfu.publishing) return 'off';
    if (sfu.micMuted) return 'muted';
    return sfu.activeSpeakers.includes(id) ? 'speaking' : 'open';
  }
  const remote = sfu.remote.find((r) => r.identity === id);
  if (!remote) return 'off';
  if (remote.muted) return 'muted';
  if (!remote.hasAudio) return 'off';
  return sfu.activeSpeakers.includes(id) ? 'speaking' : 'open';
}

/** Speakers the Mute all button (and Shift+M) would mute: the host and co-hosts are never muted by it. */
export function speakersToMute(view: Pick<SessionView, 'members'>): number {
  return view.members.filter((m) => m.role === 'speaker').length;
}

type SpeakersView = Pick<SessionView, 'members' | 'roster' | 'role' | 'participantId' | 'settings'>;

export const SpeakersSection = memoOnView(function SpeakersSection(
  props: Omit<PanelProps, 'view'> & { view: SpeakersView; onMuteAll: () => void; plain?: boolean },
): ReactNode {
  const { view, sfu, selected, select } = props;
  const ids = useMemo(() => view.members.map((m) => m.id), [view.members]);
  const onKeyDown = useListNav(ids, selected, select);
  const speakers = speakersToMute(view);
  const limit = view.settings?.speakerLimit;
  const muteTitle = speakers === 0 ? 'No speakers to mute' : `Mute ${speakers === 1 ? 'the speaker' : `all ${countOf(speakers, 'speaker')}`} (Shift+M)`;
  return (
    <Section
      title="Speakers"
      count={view.members.length}
      testId="speakers"
      plain={props.plain}
      aside={
        <>
          {limit !== undefined && <span className="faint" title="Speakers besides the host and co-hosts">{speakers}/{countOf(limit, 'seat')}</span>}
          {/* The tooltip sits on a wrapper: a disabled button gets no pointer events, so it would show none. */}
          <span title={muteTitle} data-testid="mute-all-tip">
            <button className="btn btn-sm" data-testid="mute-all" aria-label="Mute all speakers" onClick={props.onMuteAll} disabled={speakers === 0}>
              <Icon name="micOff" /> Mute all <kbd>⇧M</kbd>
            </button>
          </span>
        </>
      }
    >
      <div className="plist" role="listbox" aria-label="Speakers" tabIndex={0} onKeyDown={onKeyDown}>
        {view.members.map((member) => {
          const person = personOf(member.id, view.roster, view.members) ?? { ...member, handRaisedAt: null, invited: false };
          const canRemoveCohost = props.mode === 'host' && view.role === 'host' && member.role === 'cohost';
          return (
            <ParticipantRow
              key={member.id}
              person={person}
              self={member.id === view.participantId}
              selected={selected === member.id}
              mic={micStateOf(member.id, view, sfu)}
              actions={actionsFor(view.role, view.participantId, person)}
              onSelect={select}
              onAction={props.act}
              onReport={view.role === 'cohost' && member.id !== view.participantId ? () => openStudioReport({ kind: 'person', id: member.id }, member.name) : undefined}
              extra={
                canRemoveCohost && (
                  <button
                    type="button"
                    className="btn btn-sm btn-quiet"
                    data-action="cohost-remove"
                    title="Make them a listener again"
                    onClick={(e) => {
                      e.stopPropagation();
                      sendToSpace({ type: 'cohostRemove', target: member.id });
                    }}
                  >
                    <Icon name="cohostRemove" /> Remove co-host
                  </button>
                )
              }
            />
          );
        })}
      </div>
    </Section>
  );
}, ['members', 'roster', 'role', 'participantId', 'settings']);

const EMPTY_REQUESTS = {
  everyone: 'No requests yet. Listeners can raise a hand to ask to speak.',
  invited: 'No requests. Only people you invite can ask to speak.',
  nobody: 'Requests are off. Turn them on under Settings.',
} as const;

type RequestsView = Pick<SessionView, 'roster' | 'members' | 'settings' | 'clockOffset'>;

export const RequestsSection = memoOnView(function RequestsSection(props: Omit<PanelProps, 'view'> & { view: RequestsView; plain?: boolean }): ReactNode {
  const { view, selected, select } = props;
  const queue = handQueue(view);
  const ids = useMemo(() => queue.map((p) => p.id), [queue]);
  const onKeyDown = useListNav(ids, selected, select);
  const now = useNow(queue.length > 0);
  const speakers = view.members.filter((m) => m.role === 'speaker').length;
  const full = view.settings !== null && speakers >= view.settings.speakerLimit;
  const pick = (e: MouseEvent, action: 'approve' | 'deny', p: Participant) => {
    e.stopPropagation();
    select(p.id);
    props.act(action, p);
  };
  return (
    <Section
      title="Requests"
      count={queue.length}
      alert
      testId="requests"
      plain={props.plain}
      aside={full && queue.length > 0 ? <span className="hint-warn">The stage is full: move someone to the listeners first</span> : null}
    >
      {queue.length === 0 ? (
        <div className="empty empty-sm" data-testid="requests-empty">{EMPTY_REQUESTS[view.settings?.requestPolicy ?? 'everyone']}</div>
      ) : (
        <div className="plist" role="listbox" aria-label="Requests to speak" tabIndex={0} onKeyDown={onKeyDown}>
          {queue.map((p, i) => (
            <div
              key={p.id}
              className={`prow hand-row${selected === p.id ? ' selected' : ''}`}
              data-testid="hand-row"
              data-id={p.id}
              role="option"
              aria-selected={selected === p.id}
              onClick={() => select(p.id)}
            >
              <span className="queue-pos">{i + 1}</span>
              <Face name={p.name} />
              <div className="prow-main">
                <div className="prow-name"><span className="ellipsis">{p.name}</span></div>
                <div className="prow-sub">
                  <span className="wait" title="Waiting since they raised their hand">
                    <Icon name="hand" size={12} />
                    <span data-testid="hand-wait">{formatWait(now + view.clockOffset - p.handRaisedAt!)}</span>
                  </span>
                  {p.invited && <span className="badge">Invited</span>}
                </div>
              </div>
              <div className="prow-actions">
                <button type="button" className="btn btn-sm" data-action="deny" title={actionTitle('deny')} onClick={(e) => pick(e, 'deny', p)}>
                  Deny <kbd>D</kbd>
                </button>
                <button type="button" className="btn btn-sm btn-primary" data-action="approve" title={actionTitle('approve')} onClick={(e) => pick(e, 'approve', p)}>
                  <Icon name="approve" /> Approve <kbd>A</kbd>
                </button>
              </div>
            </div>
          ))}
        </div>
      )}
    </Section>
  );
}, ['roster', 'members', 'settings', 'clockOffset']);
