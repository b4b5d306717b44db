// The one connection banner of the studio and the listener page: it shows what renderer/state/connection-health.ts
// says and nothing else, re-read every second while it counts (the "12 s") or while "Back on air" is due to go.
import { useEffect, useState, type ReactNode } from 'react';
import { INITIAL_HEALTH_MEMORY, stepHealth, type HealthBanner, type HealthInput, type HealthMemory } from '../state/connection-health';

/**
 * The banner for the inputs `read` gives at a time, with the memory ("Back on air") kept here. Re-renders every
 * second while a banner is up, so counts move and "Back on air" goes away by itself.
 */
export function useHealthBanner(read: (now: number) => HealthInput): HealthBanner | null {
  const [memory, setMemory] = useState<HealthMemory>(INITIAL_HEALTH_MEMORY);
  const [, setTick] = useState(0);
  const step = stepHealth(memory, read(Date.now()));
  const showing = step.banner !== null;
  useEffect(() => {
    if (step.memory !== memory) setMemory(step.memory);
  });
  useEffect(() => {
    if (!showing) return;
    const id = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(id);
  }, [showing]);
  return step.banner;
}

const ICON: Record<HealthBanner['tone'], string> = { ok: '✓', info: '…', warn: '!', error: '×' };

export function ConnectionBanner({ banner, className = '', legacyTestId }: { banner: HealthBanner; className?: string; legacyTestId?: string }): ReactNode {
  return (
    <div
      className={`banner conn-banner conn-${banner.tone} ${className}`.trim()}
      role={banner.tone === 'error' ? 'alert' : 'status'}
      aria-live={banner.tone === 'error' ? 'assertive' : 'polite'}
      data-testid="connection-banner"
      data-kind={banner.kind}
      data-tone={banner.tone}
    >
      <span className={`conn-icon${banner.tone === 'warn' || banner.tone === 'info' ? ' is-busy' : ''}`} aria-hidden>
        {ICON[banner.tone]}
      </span>
      <span className="conn-text">
        <strong className="conn-title" data-testid={legacyTestId}>
          {banner.title}
        </strong>
        {banner.detail && <span className="conn-detail">{banner.detail}</span>}
      </span>
    </div>
  );
}
