// What a space came to, on its card once it has ended (host and co-hosts): how long it ran, the most listeners at
// once and in all, who was on stage and how long each SPOKE (measured by this studio, renderer/state/speaking-time.ts),
// reactions, hands, pins and blocks, and the activity log, read-only. "Start another like this" opens the lobby
// with this space's title and description.
import { useMemo, type ReactNode } from 'react';
import { auditParts } from '../../common/moderation';
import type { AuditEntry } from '../../common/protocol';
import type { PublicSpace } from '../../common/space';
import { countOf } from '../../common/text';
import { speakingTotals } from '../state/speaking-time';
import { spanText, summaryModel } from '../state/space-summary';
import { PinCard } from '../ui/social';
import { startAnotherLike, type StudioState } from './controller';
import { clockTime } from './host/hooks';
import { Face, ROLE_LABEL } from './host/ParticipantRow';
import './space.css';

/** "Max, Ann" — or, for a long block list, the latest dozen names and how many more (the studio holds only the latest). */
export function blockedNames(blocks: readonly { name: string }[], total: number): string {
  const shown = blocks.slice(0, 12).map((b) => b.name);
  const more = total - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${countOf(more, 'other')}` : shown.join(', ');
}

function ActivityLine({ entry }: { entry: AuditEntry }): ReactNode {
  const [before, after] = auditParts(entry.action);
  // Settings changes carry their figures as data; the words before them say enough here.
  const detail = entry.detail && !entry.detail.startsWith('{') ? entry.detail : null;
  return (
    <li className="sp-log-row" data-testid="summary-activity-row">
      <time className="sp-log-time" dateTime={new Date(entry.at).toISOString()}>
        {clockTime(entry.at)}
      </time>
      <span className="sp-log-text">
        <strong>{entry.actor}</strong> {entry.target ? before : before.trimEnd()}
        {entry.target && <strong>{entry.target}</strong>}
        {entry.target && after}
        {detail && <span className="faint"> — {detail}</span>}
      </span>
    </li>
  );
}

export function EndSummary({ state, space }: { state: StudioState; space: PublicSpace }): ReactNode {
  const view = state.view;
  const summary = view?.summary ?? null;
  const clock = state.speaking;
  const model = useMemo(() => (summary ? summaryModel(summary, speakingTotals(clock, clock.since ?? 0), clock.counted) : null), [summary, clock]);
  const audit = view?.audit ?? [];
  const pins = view?.pins ?? [];
  const blocks = view?.blocks ?? [];
  const blockTotal = Math.max(view?.blockTotal ?? 0, blocks.length);
  const fallbackDuration = space.startedAt && space.endedAt ? `Ended after ${spanText(space.endedAt - space.startedAt)}` : 'Ended before it went live';

  return (
    <section className="sp-summary stack" data-testid="end-summary" aria-label="How the space went">
      <div className="sp-summary-head">
        <div>
          <h2 className="sp-summary-title" data-testid="ended-note">
            {model?.headline ?? fallbackDuration}
          </h2>
          <p className="faint tight">Listeners see that it is over.{state.micResting ? ' Your microphone is off.' : ''}</p>
        </div>
        <button type="button" className="btn btn-primary" data-testid="start-another" onClick={() => void startAnotherLike(space)}>
          Start another like this
        </button>
      </div>

      {model ? (
        <>
          <div className="sp-figures" data-testid="summary-figures">
            {model.figures.map((f) => (
              <div key={f.key} className="sp-figure" data-testid={`summary-${f.key}`} data-value={f.value}>
                <strong>{f.value}</strong>
                <span className="faint">{f.label}</span>
              </div>
            ))}
          </div>

          <div className="sp-block">
            <h3 className="sp-h3">On stage</h3>
            {model.speakers.length === 0 ? (
              <div className="faint">{model.speakersEmpty}</div>
            ) : (
              <ul className="sp-speakers">
                {model.speakers.map((p) => (
                  <li key={p.id} className="sp-speaker" data-testid="summary-speaker" data-id={p.id} data-spoke-ms={p.spokeMs}>
                    <Face name={p.name} size={34} />
                    <span className="sp-speaker-name">
                      <strong className="ellipsis">{p.name}</strong>
                      <span className="faint">{ROLE_LABEL[p.role]}</span>
                    </span>
                    <span className="sp-speaker-times">
                      <span data-testid="summary-spoke">
                        {p.spoke === null ? <span className="faint" title="This studio was not on the call to hear it">spoke —</span> : <>spoke <strong>{p.spoke}</strong></>}
                      </span>
                      <span className="faint" data-testid="summary-stage">
                        on stage {p.stage}
                      </span>
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </div>

          <div className="sp-block">
            <h3 className="sp-h3">Reactions</h3>
            {model.reactions.length === 0 ? (
              <div className="faint">{model.reactionsLine}.</div>
            ) : (
              <div className="sp-reactions" data-testid="summary-reaction-list">
                {model.reactions.map((r) => (
                  <span key={r.emoji} className="sp-reaction" data-testid="summary-reaction" data-emoji={r.emoji} data-count={r.count}>
                    <span className="sp-emoji" aria-hidden>
                      {r.emoji}
                    </span>
                    <strong>{r.count.toLocaleString('en')}</strong>
                  </span>
                ))}
              </div>
            )}
          </div>
        </>
      ) : (
        <div className="faint" data-testid="summary-waiting">
          The space server has not sent this space's figures (an older server keeps none).
        </div>
      )}

      {pins.length > 0 && (
        <div className="sp-block">
          <h3 className="sp-h3">Pinned</h3>
          <div className="stack sp-pins">
            {pins.map((pin) => (
              <PinCard key={pin.id} pin={pin} />
            ))}
          </div>
        </div>
      )}

      {blocks.length > 0 && (
        <div className="sp-block" data-testid="summary-blocked">
          <h3 className="sp-h3">Blocked</h3>
          <div className="muted">
            {countOf(blockTotal, 'person', 'people')} kept out of {view?.role === 'host' ? 'your' : "the host's"} spaces: {blockedNames(blocks, blockTotal)}
          </div>
        </div>
      )}

      <div className="sp-block">
        <h3 className="sp-h3">
          Activity <span className="faint">· {countOf(audit.length, 'entry', 'entries', 'nothing yet')}</span>
        </h3>
        {audit.length === 0 ? (
          <div className="faint">Nothing was logged.</div>
        ) : (
          <ol className="sp-log" data-testid="summary-activity" tabIndex={0} aria-label="Activity log, oldest first">
            {audit.map((e) => (
              <ActivityLine key={e.id} entry={e} />
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}
