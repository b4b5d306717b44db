// Line icons of the listener page (24×24, currentColor), decorative: the buttons carry the words.
import type { ReactNode } from 'react';

function Icon({ children, className }: { children: ReactNode; className?: string }): ReactNode {
  return (
    <svg className={`icon ${className ?? ''}`} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      {children}
    </svg>
  );
}

export const MicIcon = ({ className }: { className?: string }): ReactNode => (
  <Icon className={className}>
    <rect x="9" y="2.5" width="6" height="12" rx="3" />
    <path d="M5 11a7 7 0 0 0 14 0M12 18v3.5" />
  </Icon>
);

export const MicOffIcon = ({ className }: { className?: string }): ReactNode => (
  <Icon className={className}>
    <path d="M15 9.5V5.5a3 3 0 0 0-5.7-1.3M9 9v2.5a3 3 0 0 0 4.9 2.3M5 11a7 7 0 0 0 11.2 5.6M19 11a7 7 0 0 1-.6 2.8M12 18v3.5M3 3l18 18" />
  </Icon>
);

export const HandIcon = (): ReactNode => (
  <Icon>
    <path d="M18 11V6.5a1.5 1.5 0 0 0-3 0V11M15 10.5V4.5a1.5 1.5 0 0 0-3 0v6M12 10.5V5.5a1.5 1.5 0 0 0-3 0V13" />
    <path d="M18 8.5a1.5 1.5 0 0 1 3 0V14a8 8 0 0 1-8 8h-1a7 7 0 0 1-5.6-2.8L3.2 15a1.6 1.6 0 0 1 2.4-2.1L9 15.5" />
  </Icon>
);

export const ShareIcon = (): ReactNode => (
  <Icon>
    <path d="M12 15V3M7.5 7.5 12 3l4.5 4.5M5 12v7a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-7" />
  </Icon>
);

export const PlayIcon = (): ReactNode => (
  <svg className="icon" viewBox="0 0 24 24" aria-hidden>
    <path fill="currentColor" d="M8 5.5v13a1 1 0 0 0 1.5.9l10.2-6.5a1 1 0 0 0 0-1.7L9.5 4.6A1 1 0 0 0 8 5.5z" />
  </svg>
);

export const CloseIcon = (): ReactNode => (
  <Icon>
    <path d="M6 6l12 12M18 6 6 18" />
  </Icon>
);
