// Who is on stage (host, co-hosts, speakers) as avatar tiles, and the posts the hosts pinned (with the host's caption).
// Each avatar is a reaction anchor: a reaction sent from the stage floats up from its sender (renderer/ui/social.tsx).
import type { ReactNode } from 'react';
import type { Pin } from '../../common/moderation';
import type { StageMember } from '../../common/protocol';
import type { SfuSnapshot } from '../sfu/adapter';
import { Avatar } from '../ui/components';
import { PinCard } from '../ui/social';
import { MicOffIcon } from './icons';
import { ROLE_LABEL } from './phase';
import { ReportLink } from './Report';
import type { SessionView } from '../state/space-session';

/** Muted: a published-but-muted mic, or (live) someone on the audio call who is not sending sound yet. */
function isMuted(member: StageMember, you: boolean, sfu: SfuSnapshot, live: boolean, publishing: boolean): boolean {
  if (!live) return false;
  if (you) return !publishing || !sfu.publishing || sfu.micMuted;
  const remote = sfu.remote.find((r) => r.identity === member.id);
  return remote ? remote.muted || !remote.hasAudio : false;
}

function StageTile({ member, you, speaking, muted, view }: { member: StageMember; you: boolean; speaking: boolean; muted: boolean; view?: SessionView }): ReactNode {
  const label = ROLE_LABEL[member.role];
  return (
    <li
      className={`tile${speaking ? ' is-speaking' : ''}`}
      data-testid="stage-member"
      data-id={member.id}
      data-role={member.role}
      data-speaking={speaking ? 'true' : 'false'}
      data-muted={muted ? 'true' : 'false'}
    >
      <div className="tile-avatar" data-reaction-anchor={member.id}>
        <Avatar name={member.name} speaking={speaking} size={64} />
        {muted && (
          <span className="mute-badge" title="Muted">
            <MicOffIcon />
            <span className="sr-only">Muted</span>
          </span>
        )}
      </div>
      <div className="tile-name" title={member.name}>
        {member.name}
        {you && <span className="tile-you"> (you)</span>}
      </div>
      <div className={`tile-role role-${member.role}`}>
        {label}
        {speaking && <span className="sr-only">, speaking</span>}
      </div>
      {view && !you && <ReportLink target={{ kind: 'person', id: member.id }} name={member.name} view={view} />}
    </li>
  );
}

/** `view`: when given, each person but oneself can be reported from their tile. */
export function Stage(props: { members: StageMember[]; you: string | null; sfu: SfuSnapshot; live: boolean; publishing: boolean; view?: SessionView }): ReactNode {
  const { members, you, sfu, live, publishing, view } = props;
  if (members.length === 0) return null;
  return (
    <section className="stage" aria-label="On stage">
      <h2 className="section-title">On stage</h2>
      <ul className="tiles">
        {members.map((m) => {
          const mine = m.id === you;
          const muted = isMuted(m, mine, sfu, live, publishing);
          const speaking = live && !muted && sfu.activeSpeakers.includes(m.id);
          return <StageTile key={m.id} member={m} you={mine} speaking={speaking} muted={muted} view={view} />;
        })}
      </ul>
    </section>
  );
}

export function Pins({ pins, view }: { pins: Pin[]; view?: SessionView }): ReactNode {
  if (pins.length === 0) return null;
  return (
    <section className="pins" aria-label="Pinned posts">
      <h2 className="section-title">Pinned</h2>
      <ul className="pin-list">
        {pins.map((pin) => (
          <li key={pin.id} className="pin-item" data-testid="pin-item">
            {pin.caption && (
              // The host's words, as plain text (React escapes it; never HTML).
              <p className="pin-caption" data-testid="pin-caption">
                {pin.caption}
              </p>
            )}
            <PinCard pin={pin} />
            {view && (
              <div className="pin-report">
                <ReportLink target={{ kind: 'pin', id: pin.id }} name={pin.url} view={view} />
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
