// A notice about the host's devices (a microphone or headphones unplugged, back again), shown in the microphone
// card and under the monitor's output chooser.
import type { ReactNode } from 'react';
import type { DeviceNotice } from '../audio/devices';
import './devices.css';

/** A device notice: warnings stay while they are true (the host may still hide them), news fades by itself. */
export function DeviceNoticeBanner({ notice, testId, onDismiss }: { notice: DeviceNotice; testId: string; onDismiss(): void }): ReactNode {
  return (
    <div className={`device-notice device-notice-${notice.tone}`} role={notice.tone === 'warning' ? 'alert' : 'status'} data-testid={testId}>
      <span className="device-notice-icon" aria-hidden>
        {notice.tone === 'warning' ? '⚠' : '✓'}
      </span>
      <span className="spacer">{notice.text}</span>
      <button className="device-notice-close" aria-label="Hide this message" title="Hide" onClick={onDismiss}>
        ×
      </button>
    </div>
  );
}
