// The space's rules (who may ask to speak, how many speakers, how many co-hosts) and, for the host, co-host invites.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTransientFlag } from '../../ui/components';
import { REQUEST_POLICIES, type RequestPolicy, type SpaceSettings } from '../../../common/moderation';
import { sendToSpace } from '../controller';
import { Section, type PanelProps } from './Section';
import { Icon } from './icons';
import { Face } from './ParticipantRow';
import { countOf } from '../../../common/text';

const POLICY_LABEL: Record<RequestPolicy, string> = { everyone: 'Everyone', invited: 'People you invited', nobody: 'Nobody' };

function changeSettings(settings: Partial<SpaceSettings>): void {
  sendToSpace({ type: 'settings', settings });
}

/** A number that saves itself a moment after typing stops (or on Enter / leaving the field). */
export function LimitInput(props: { id: string; testId: string; value: number; min: number; max: number; onCommit: (n: number) => void }): ReactNode {
  const [draft, setDraft] = useState<string | null>(null);
  const sent = useRef<number | null>(null);
  const parsed = draft === null ? props.value : Number(draft);
  const valid = draft === null || (draft.trim() !== '' && Number.isInteger(parsed) && parsed >= props.min && parsed <= props.max);
  const commit = () => {
    if (draft === null || !valid || parsed === props.value || parsed === sent.current) return;
    sent.current = parsed;
    props.onCommit(parsed);
  };
  const commitRef = useRef(commit);
  commitRef.current = commit;
  useEffect(() => {
    if (draft === null) return;
    const id = setTimeout(() => commitRef.current(), 700);
    return () => clearTimeout(id);
  }, [draft]);
  useEffect(() => {
    sent.current = null;
  }, [props.value]);
  return (
    <>
      <input
        id={props.id}
        className="input input-num"
        data-testid={props.testId}
        type="number"
        min={props.min}
        max={props.max}
        value={draft ?? String(props.value)}
        aria-invalid={!valid}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') setDraft(null);
        }}
        onBlur={() => {
          commit();
          setDraft(null);
        }}
      />
      {!valid && <span className="field-error">A whole number from {props.min} to {props.max}</span>}
    </>
  );
}

export function SettingsSection({ view, mode, plain }: Pick<PanelProps, 'view' | 'mode'> & { plain?: boolean }): ReactNode {
  const settings = view.settings;
  if (!settings) return <div className="faint">Loading the room's settings…</div>;
  return (
    <Section title="Settings" testId="settings" plain={plain} hideTitle={plain}>
      <div className="field">
        <label htmlFor="request-policy">Who can request to speak</label>
        <select
          id="request-policy"
          className="select"
          data-testid="request-policy"
          value={settings.requestPolicy}
          onChange={(e) => changeSettings({ requestPolicy: e.target.value as RequestPolicy })}
        >
          {REQUEST_POLICIES.map((p) => (
            <option key={p} value={p}>{POLICY_LABEL[p]}</option>
          ))}
        </select>
      </div>
      <div className="limits">
        <div className="field">
          <label htmlFor="speaker-limit" title="Speakers besides the host and co-hosts">Speaker seats</label>
          <LimitInput id="speaker-limit" testId="speaker-limit" value={settings.speakerLimit} min={0} max={50} onCommit={(n) => changeSettings({ speakerLimit: n })} />
        </div>
        {mode === 'host' && view.role === 'host' && (
          <div className="field">
            <label htmlFor="cohost-limit">Co-host seats</label>
            <LimitInput id="cohost-limit" testId="cohost-limit" value={settings.cohostLimit} min={0} max={10} onCommit={(n) => changeSettings({ cohostLimit: n })} />
          </div>
        )}
      </div>
    </Section>
  );
}

export function CohostSection({ view, plain }: Pick<PanelProps, 'view'> & { plain?: boolean }): ReactNode {
  const [copied, setCopied] = useTransientFlag();
  const cohosts = view.members.filter((m) => m.role === 'cohost');
  const limit = view.settings?.cohostLimit ?? 0;
  const url = view.inviteUrl;
  return (
    <Section title="Co-hosts" count={cohosts.length} testId="cohosts" plain={plain} hideTitle={plain} aside={<span className="faint">{cohosts.length}/{countOf(limit, 'seat')}</span>}>
      {cohosts.length > 0 && (
        <div className="cohost-faces">
          {cohosts.map((c) => (
            <span key={c.id} className="chip">
              <Face name={c.name} size={22} /> {c.name}
            </span>
          ))}
        </div>
      )}
      {cohosts.length === 0 && <div className="faint" data-testid="cohosts-empty">No co-hosts yet.</div>}
      <div className="faint">
        Co-hosts moderate with you from their own Podium: they approve, mute, remove and pin, but can't end the space. To ask
        someone who is here, select them and press <kbd>C</kbd> (Make co-host): they accept on their page. Or send an invite link.
      </div>
      <div>
        <button className="btn btn-sm" data-testid="cohost-invite" onClick={() => sendToSpace({ type: 'cohostInvite' })}>
          <Icon name="star" /> {url ? 'Make a new link' : 'Invite a co-host'}
        </button>
      </div>
      {url && (
        <div className="stack-tight">
          <div className="row-tight">
            <input className="input mono" data-testid="cohost-invite-url" aria-label="Co-host invite link" readOnly value={url} onFocus={(e) => e.target.select()} />
            <button className="btn btn-sm" onClick={() => void navigator.clipboard.writeText(url).then(() => setCopied(true), () => setCopied(false))}>
              {copied ? '✓ Copied' : 'Copy'}
            </button>
          </div>
          <div className="faint">Send it privately: anyone with it can moderate. Making a new link stops this one from working.</div>
        </div>
      )}
    </Section>
  );
}
