// Small presentational pieces shared by the studio and the listener page. They read props only.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { meterFraction } from '../audio/levels';
import { initials } from '../../common/text';

export function BrandMark(): ReactNode {
  return (
    <span className="brand-mark" aria-hidden>
      <svg viewBox="0 0 16 16" fill="none" stroke="#fff" strokeWidth="1.8" strokeLinecap="round">
        <path d="M2 9v-2M5 11V5M8 13V3M11 11V5M14 9V7" />
      </svg>
    </span>
  );
}

export function Brand({ children }: { children?: ReactNode }): ReactNode {
  return (
    <div className="brand">
      <BrandMark />
      <span>Podium</span>
      {children}
    </div>
  );
}

/** A level meter polled once per animation frame from `read` (dBFS), with a falling peak marker. */
export function LevelMeter({ read, label }: { read: () => { rmsDb: number; peakDb: number } | null; label: string }): ReactNode {
  const fill = useRef<HTMLDivElement>(null);
  const peak = useRef<HTMLDivElement>(null);
  const text = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    let frame = 0;
    let held = -100;
    const tick = () => {
      const level = read();
      const rms = level?.rmsDb ?? -100;
      held = Math.max(rms, held - 0.6);
      if (fill.current) fill.current.style.width = `${meterFraction(rms) * 100}%`;
      if (peak.current) peak.current.style.left = `calc(${meterFraction(held) * 100}% - 2px)`;
      if (text.current) text.current.textContent = rms <= -99 ? '−∞ dB' : `${rms.toFixed(0)} dB`;
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [read]);
  return (
    <div>
      <div className="meter" role="meter" aria-label={label} aria-valuemin={-60} aria-valuemax={0}>
        <div className="meter-fill" ref={fill} style={{ width: 0 }} />
        <div className="meter-peak" ref={peak} style={{ left: 0 }} />
      </div>
      <div className="meter-scale">
        <span>−60</span>
        <span>−40</span>
        <span>−20</span>
        <span ref={text} data-testid="meter-db">−∞ dB</span>
        <span>0 dBFS</span>
      </div>
    </div>
  );
}

/** Avatar initials, grapheme-safe ("Max 🚀" → "M🚀"): see common/text.ts. */
export { initials };

export function Avatar({ name, speaking, size = 72 }: { name: string; speaking: boolean; size?: number }): ReactNode {
  return (
    <div
      className={`avatar${speaking ? ' speaking' : ''}`}
      style={{ width: size, height: size, fontSize: size / 3 }}
      data-speaking={speaking ? 'true' : 'false'}
      aria-label={`${name}${speaking ? ', speaking' : ''}`}
    >
      {initials(name)}
    </div>
  );
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(h ? 2 : 1, '0');
  return `${h ? `${h}:` : ''}${mm}:${String(sec).padStart(2, '0')}`;
}

export function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** A flag that switches itself off again after `ms` — "✓ Copied" and the like. */
export function useTransientFlag(ms = 1800): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(false);
  useEffect(() => {
    if (!on) return;
    const id = setTimeout(() => setOn(false), ms);
    return () => clearTimeout(id);
  }, [on, ms]);
  return [on, setOn];
}

/**
 * A question that must be answered before anything else (end, stop, delete, join): the backdrop cancels, a click
 * inside does not, and the title and body are what a screen reader announces. The actions come as children.
 */
export function AlertDialog(props: {
  id: string;
  testId: string;
  title: ReactNode;
  titleClass?: string;
  body: ReactNode;
  bodyClass?: string;
  /** data-testid of the body paragraph, for tests that read what it says. */
  bodyTestId?: string;
  /** data-action on the dialog: which action it asks about (the moderation confirm). */
  action?: string;
  backdropClass?: string;
  onCancel: () => void;
  children: ReactNode;
}): ReactNode {
  return (
    <div className={`modal-backdrop${props.backdropClass ? ` ${props.backdropClass}` : ''}`} onClick={props.onCancel}>
      <div
        className="card modal"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={`${props.id}-title`}
        aria-describedby={`${props.id}-body`}
        data-testid={props.testId}
        data-action={props.action}
        onClick={(e) => e.stopPropagation()}
      >
        <h3 id={`${props.id}-title`} className={props.titleClass}>
          {props.title}
        </h3>
        <p id={`${props.id}-body`} className={props.bodyClass ?? 'muted'} data-testid={props.bodyTestId}>
          {props.body}
        </p>
        {props.children}
      </div>
    </div>
  );
}
