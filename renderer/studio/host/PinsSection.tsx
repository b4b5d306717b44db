// Pinned posts: paste a link (checked with the same parsePinUrl the server uses), see them in order, unpin.
import { useState, type ReactNode } from 'react';
import { MAX_PINS, parsePinUrl } from '../../../common/moderation';
import { PinCard } from '../../ui/social';
import { sendToSpace } from '../controller';
import { Section, type PanelProps } from './Section';

export function PinsSection({ view }: Pick<PanelProps, 'view'>): ReactNode {
  const [url, setUrl] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const full = view.pins.length >= MAX_PINS;
  const add = () => {
    const parsed = parsePinUrl(url);
    if (!parsed.ok) return setProblem(parsed.message);
    if (view.pins.some((p) => p.url === parsed.pin.url)) return setProblem('that post is pinned already');
    sendToSpace({ type: 'pin', url: parsed.pin.url });
    setUrl('');
    setProblem(null);
  };
  return (
    <Section title="Pinned posts" count={view.pins.length} testId="pins" aside={<span className="faint">{view.pins.length}/{MAX_PINS}</span>}>
      <form
        className="pin-form"
        onSubmit={(e) => {
          e.preventDefault();
          add();
        }}
      >
        <input
          className="input"
          data-testid="pin-url"
          placeholder={full ? `At most ${MAX_PINS} pins — unpin one first` : 'Paste a post or link: https://x.com/…/status/…'}
          aria-label="Link to pin"
          aria-invalid={problem !== null}
          aria-describedby="pin-problem"
          value={url}
          disabled={full}
          onChange={(e) => {
            setUrl(e.target.value);
            setProblem(null);
          }}
        />
        <button className="btn" type="submit" data-testid="pin-add" disabled={full || url.trim() === ''}>
          Pin
        </button>
      </form>
      <div id="pin-problem" className="field-error" data-testid="pin-error" role="status" hidden={problem === null}>
        {problem ? problem.charAt(0).toUpperCase() + problem.slice(1) + '.' : ''}
      </div>
      {view.pins.length === 0 ? (
        <div className="faint">Pinned posts show at the top of every listener's screen.</div>
      ) : (
        <ol className="pin-list">
          {view.pins.map((pin) => (
            <li key={pin.id} className="pin-row" data-testid="pin-row" data-id={pin.id}>
              <PinCard pin={pin} />
              <button className="btn btn-sm btn-quiet" data-testid="unpin" title={`Unpin (pinned by ${pin.pinnedBy})`} onClick={() => sendToSpace({ type: 'unpin', pinId: pin.id })}>
                Unpin
              </button>
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}
