// Pinned posts: paste a link (checked with the same parsePinUrl the server uses; "x.com/user/status/123" without
// https:// is fine, and the field shows the link it will pin), add a caption if you like, see them in order, unpin.
import { useState, type ReactNode } from 'react';
import { checkPinCaption, MAX_PINS, parsePinUrl, PIN_CAPTION_MAX } from '../../../common/moderation';
import { PinCard } from '../../ui/social';
import { sendToSpace } from '../controller';
import { captionInput, pinPreview } from './pin-form';
import { memoOnView, Section } from './Section';
import type { SessionView } from '../../state/space-session';

export const PinsSection = memoOnView(function PinsSection({ view }: { view: Pick<SessionView, 'pins'> }): ReactNode {
  const [url, setUrl] = useState('');
  const [caption, setCaption] = useState('');
  const [cutNote, setCutNote] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const full = view.pins.length >= MAX_PINS;
  const preview = pinPreview(url);
  const captionLength = captionInput(caption).length;
  const add = () => {
    const parsed = parsePinUrl(url);
    if (!parsed.ok) return setProblem(parsed.message);
    if (view.pins.some((p) => p.url === parsed.pin.url)) return setProblem('that post is pinned already');
    const checked = checkPinCaption(caption);
    if (!checked.ok) return setProblem(checked.message);
    sendToSpace(checked.caption ? { type: 'pin', url: parsed.pin.url, caption: checked.caption } : { type: 'pin', url: parsed.pin.url });
    setUrl('');
    setCaption('');
    setCutNote(null);
    setProblem(null);
  };
  return (
    <Section title="Pinned posts" testId="pins" aside={<span className="faint">{view.pins.length}/{MAX_PINS}</span>}>
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
          placeholder={full ? `At most ${MAX_PINS} pins: unpin one first` : 'Paste a link: x.com/name/status/123'}
          aria-label="Link to pin"
          aria-invalid={problem !== null}
          aria-describedby="pin-problem pin-preview"
          value={url}
          disabled={full}
          onChange={(e) => {
            setUrl(e.target.value);
            setProblem(null);
          }}
        />
        <div className="pin-caption-row">
          <input
            className="input"
            data-testid="pin-caption"
            placeholder="Caption (optional)"
            aria-label="Caption for the pin (optional)"
            aria-describedby="pin-caption-count pin-caption-cut"
            value={caption}
            disabled={full}
            onChange={(e) => {
              const next = captionInput(e.target.value);
              setCaption(next.text);
              setCutNote(next.cut ? `Cut to ${PIN_CAPTION_MAX} characters: a caption can't be longer.` : null);
              setProblem(null);
            }}
          />
          <span id="pin-caption-count" className={`faint pin-caption-count${captionLength >= PIN_CAPTION_MAX ? ' at-limit' : ''}`} data-testid="pin-caption-count">
            {captionLength}/{PIN_CAPTION_MAX}
          </span>
          <button className="btn" type="submit" data-testid="pin-add" disabled={full || url.trim() === ''}>
            Pin
          </button>
        </div>
      </form>
      {preview && !problem && (
        <div id="pin-preview" className="faint pin-preview" data-testid="pin-preview">
          {preview}
        </div>
      )}
      <div id="pin-caption-cut" className="hint-warn" data-testid="pin-caption-cut" role="status" hidden={cutNote === null}>
        {cutNote ?? ''}
      </div>
      <div id="pin-problem" className="field-error" data-testid="pin-error" role="status" hidden={problem === null}>
        {problem ? problem.charAt(0).toUpperCase() + problem.slice(1) + '.' : ''}
      </div>
      {view.pins.length === 0 ? (
        <div className="faint">Pinned posts show under the stage on every listener's screen.</div>
      ) : (
        <ol className="pin-list">
          {view.pins.map((pin) => (
            <li key={pin.id} className="pin-row" data-testid="pin-row" data-id={pin.id}>
              {/* As listeners see it: the host's words above the card. */}
              <div className="pin-item">
                {pin.caption && (
                  <div className="pin-caption" data-testid="pin-row-caption">
                    {pin.caption}
                  </div>
                )}
                <PinCard pin={pin} />
              </div>
              <button className="btn btn-sm btn-quiet" data-testid="unpin" title={`Unpin (pinned by ${pin.pinnedBy})`} onClick={() => sendToSpace({ type: 'unpin', pinId: pin.id })}>
                Unpin
              </button>
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}, ['pins']);
