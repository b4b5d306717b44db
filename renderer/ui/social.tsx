// Social pieces shared by the listener page and the studio: the reaction bar, the floating reactions layer and
// pinned-post cards. They read props only; the caller owns the state (the space view's reactions and pins).
import { memo, useCallback, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, type ReactNode, type RefObject } from 'react';
import { REACTIONS, type Pin, type Reaction } from '../../common/moderation';
import './social.css';

const REACTION_NAMES: Record<Reaction, string> = {
  '👏': 'Clap',
  '🔥': 'Fire',
  '❤️': 'Love',
  '😂': 'Laugh',
  '💯': 'Hundred',
  '🙌': 'Raised hands',
  '👀': 'Eyes',
  '🎉': 'Celebrate',
};

export function ReactionBar({ onReact, disabled }: { onReact: (emoji: Reaction) => void; disabled?: boolean }): ReactNode {
  return (
    <div className="reaction-bar" role="group" aria-label="Reactions">
      {REACTIONS.map((emoji) => (
        <button
          key={emoji}
          type="button"
          className="reaction-btn"
          data-testid="react"
          data-emoji={emoji}
          aria-label={`React with ${REACTION_NAMES[emoji]}`}
          title={REACTION_NAMES[emoji]}
          disabled={disabled}
          onClick={() => onReact(emoji)}
        >
          <span aria-hidden>{emoji}</span>
        </button>
      ))}
    </div>
  );
}

export interface Burst {
  id: number;
  emoji: Reaction;
  /** The participant (on stage) who sent it: it floats from the element marked data-reaction-anchor="<id>". */
  from?: string;
}

/**
 * Where a burst from `from` starts, in the layer's own coordinates: the centre of that person's avatar (an element
 * with data-reaction-anchor="<id>", the convention of the studio's and the listener page's stages), when one is
 * shown inside the layer's box. Null: float as anyone's reaction does.
 */
export function anchorPoint(layer: DOMRect, anchor: DOMRect | null): { left: number; bottom: number } | null {
  if (!anchor || anchor.width === 0 || anchor.height === 0) return null;
  const x = anchor.left + anchor.width / 2;
  const y = anchor.top + anchor.height / 2;
  if (x < layer.left || x > layer.right || y < layer.top || y > layer.bottom) return null;
  return { left: x - layer.left, bottom: layer.bottom - y };
}

function findAnchor(id: string, layer: DOMRect): { left: number; bottom: number } | null {
  const vw = window.innerWidth;
  const vh = window.innerHeight;
  for (const el of document.querySelectorAll(`[data-reaction-anchor="${CSS.escape(id)}"]`)) {
    const rect = el.getBoundingClientRect();
    // On screen: at least its centre is in the window.
    const cx = rect.left + rect.width / 2;
    const cy = rect.top + rect.height / 2;
    if (cx < 0 || cy < 0 || cx > vw || cy > vh) continue;
    const point = anchorPoint(layer, rect);
    if (point) return point;
  }
  return null;
}

/** A cheap, stable pseudo-random number in [0, 1) from a burst id, so a re-render does not move a floating emoji. */
function jitter(id: number, salt: number): number {
  const x = Math.sin(id * 12.9898 + salt * 78.233) * 43758.5453;
  return x - Math.floor(x);
}

const Float = memo(function Float({ burst, onDone, layer }: { burst: Burst; onDone: (id: number) => void; layer: RefObject<HTMLDivElement | null> }): ReactNode {
  // Measured once, before the first paint: the float starts at its sender's avatar and keeps that start.
  const [anchor, setAnchor] = useState<{ left: number; bottom: number } | null>(null);
  useLayoutEffect(() => {
    if (!burst.from || !layer.current) return;
    setAnchor(findAnchor(burst.from, layer.current.getBoundingClientRect()));
  }, [burst.from, layer]);
  const style = useMemo(
    () =>
      ({
        ...(anchor ? { left: `${anchor.left}px`, bottom: `${anchor.bottom}px` } : { left: `${8 + jitter(burst.id, 1) * 84}%` }),
        '--drift': `${(jitter(burst.id, 2) - 0.5) * (anchor ? 30 : 60)}px`,
        '--scale': `${0.85 + jitter(burst.id, 3) * 0.5}`,
        animationDelay: `${jitter(burst.id, 4) * (anchor ? 0.15 : 0.35)}s`,
      }) as unknown as CSSProperties,
    [burst.id, anchor],
  );
  return (
    <span
      className={`reaction-float${anchor ? ' reaction-from' : ''}`}
      data-testid="reaction-float"
      data-emoji={burst.emoji}
      data-from={burst.from}
      data-anchored={anchor ? 'true' : 'false'}
      style={style}
      onAnimationEnd={() => onDone(burst.id)}
    >
      {burst.emoji}
    </span>
  );
});

/**
 * Emoji floating up from the bottom of the nearest positioned ancestor — or, for a burst with `from`, from that
 * person's avatar when it is on screen; each is taken out when it has faded. The caller caps how many there are.
 */
export function ReactionLayer({ bursts }: { bursts: readonly Burst[] }): ReactNode {
  const layer = useRef<HTMLDivElement | null>(null);
  // Which floats have faded is this layer's own business: a float ending re-renders the layer alone, never the page
  // around it (in a busy room dozens end every second). Ids that have left `bursts` are forgotten.
  const [done, setDone] = useState<ReadonlySet<number>>(() => new Set());
  const latest = useRef(bursts);
  latest.current = bursts;
  const finish = useCallback((id: number) => {
    setDone((prev) => {
      const current = new Set(latest.current.map((b) => b.id));
      const next = new Set([...prev].filter((x) => current.has(x)));
      next.add(id);
      return next;
    });
  }, []);
  return (
    <div className="reaction-layer" aria-hidden ref={layer}>
      {bursts.map((burst) => (done.has(burst.id) ? null : <Float key={burst.id} burst={burst} onDone={finish} layer={layer} />))}
    </div>
  );
}

function XLogo(): ReactNode {
  return (
    <svg className="pin-x-logo" viewBox="0 0 24 24" aria-hidden>
      <path
        fill="currentColor"
        d="M18.244 2.25h3.308l-7.227 8.26 8.502 11.24H16.17l-5.214-6.817L4.99 21.75H1.68l7.73-8.835L1.254 2.25H8.08l4.713 6.231zm-1.161 17.52h1.833L7.084 4.126H5.117z"
      />
    </svg>
  );
}

function LinkGlyph(): ReactNode {
  return (
    <svg className="pin-link-glyph" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d="M10 13a5 5 0 0 0 7.07 0l3-3a5 5 0 0 0-7.07-7.07l-1.5 1.5" />
      <path d="M14 11a5 5 0 0 0-7.07 0l-3 3a5 5 0 0 0 7.07 7.07l1.5-1.5" />
    </svg>
  );
}

function shortId(postId: string): string {
  return postId.length > 4 ? `${postId.slice(0, 4)}…` : postId;
}

export function PinCard({ pin }: { pin: Pin }): ReactNode {
  if (pin.kind === 'x') {
    const handle = pin.handle ?? 'x';
    return (
      <a className="pin-card pin-x" data-testid="pin" data-kind="x" href={pin.url} target="_blank" rel="noopener noreferrer" aria-label={`Post by @${handle} on X (opens in a new tab)`}>
        <span className="pin-icon">
          <XLogo />
        </span>
        <span className="pin-body">
          <span className="pin-title">@{handle}</span>
          <span className="pin-sub">Post {shortId(pin.postId ?? '')}</span>
        </span>
        <span className="pin-open" aria-hidden>
          ↗
        </span>
      </a>
    );
  }
  return (
    <a className="pin-card pin-link" data-testid="pin" data-kind="link" href={pin.url} target="_blank" rel="noopener noreferrer" aria-label={`${pin.site} (opens in a new tab)`}>
      <span className="pin-icon">
        <LinkGlyph />
      </span>
      <span className="pin-body">
        <span className="pin-title">{pin.site}</span>
        <span className="pin-sub pin-url">{pin.url}</span>
      </span>
      <span className="pin-open" aria-hidden>
        ↗
      </span>
    </a>
  );
}
