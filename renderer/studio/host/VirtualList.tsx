// A tiny windowing list: fixed row height, only the rows in view (plus a few) are in the DOM, so a roster of
// thousands scrolls as smoothly as one of ten. The scroller measures itself, so it fits whatever height CSS gives it.
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

const OVERSCAN = 6;

export function VirtualList<T>(props: {
  items: readonly T[];
  rowHeight: number;
  getKey: (item: T) => string;
  renderRow: (item: T, index: number) => ReactNode;
  /** Scrolled into view whenever it changes (keyboard selection). */
  activeIndex?: number;
  className?: string;
  label: string;
  onKeyDown?: (e: KeyboardEvent<HTMLDivElement>) => void;
  empty?: ReactNode;
  testId?: string;
}): ReactNode {
  const { items, rowHeight, activeIndex } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(400);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    setViewport(el.clientHeight);
    const observer = new ResizeObserver(() => setViewport(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const el = scroller.current;
    if (!el || activeIndex === undefined || activeIndex < 0) return;
    const top = activeIndex * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
  }, [activeIndex, rowHeight]);

  // A shrinking list (a search) can leave the scroll position past the end: clamp what we render from.
  const maxTop = Math.max(0, items.length * rowHeight - viewport);
  const top = Math.min(scrollTop, maxTop);
  const first = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN);
  const last = Math.min(items.length, Math.ceil((top + viewport) / rowHeight) + OVERSCAN);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const item = items[i]!;
    rows.push(
      <div key={props.getKey(item)} className="vrow" style={{ transform: `translateY(${i * rowHeight}px)`, height: rowHeight }}>
        {props.renderRow(item, i)}
      </div>,
    );
  }

  return (
    <div
      ref={scroller}
      className={`vlist ${props.className ?? ''}`}
      role="listbox"
      aria-label={props.label}
      tabIndex={0}
      data-testid={props.testId}
      data-count={items.length}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      onKeyDown={props.onKeyDown}
    >
      {items.length === 0 ? props.empty : <div className="vlist-inner" style={{ height: items.length * rowHeight }}>{rows}</div>}
    </div>
  );
}
