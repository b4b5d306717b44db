// Small stroke icons for the host panel (16 px, currentColor), one per moderation action plus a few states.
import type { ReactNode } from 'react';
import type { ModAction } from '../../../common/moderation';

const PATHS: Record<ModAction | 'micOff' | 'mic' | 'hand' | 'search' | 'cohostRemove' | 'star' | 'shield' | 'chevron' | 'flag', string> = {
  approve: 'M3.5 8.5l3 3 6-7',
  deny: 'M4 4l8 8M12 4l-8 8',
  invite: 'M6 2.5a2 2 0 0 1 2 2v3a2 2 0 0 1-4 0v-3a2 2 0 0 1 2-2zM2.5 7.5a3.5 3.5 0 0 0 7 0M6 11v2.5M11 5h4M13 3v4',
  mute: 'M8 2.5a2 2 0 0 1 2 2v3a2 2 0 0 1-4 0v-3a2 2 0 0 1 2-2zM4.5 7.5a3.5 3.5 0 0 0 7 0M8 11v2.5M2.5 2.5l11 11',
  demote: 'M8 2.5v9M4 8l4 4 4-4M3 14h10',
  // A person with a small star: "make co-host".
  cohost: 'M6 6.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM1.5 14a4.5 4.5 0 0 1 7.6-3.3M12.5 8.75l.9 1.8 2 .3-1.45 1.4.35 2-1.8-.95-1.8.95.35-2-1.45-1.4 2-.3z',
  remove: 'M6 3H3.5v10H6M10 5l3 3-3 3M13 8H6.5',
  block: 'M8 2.25a5.75 5.75 0 1 0 0 11.5 5.75 5.75 0 0 0 0-11.5zM4 4l8 8',
  micOff: 'M8 2.5a2 2 0 0 1 2 2v3a2 2 0 0 1-4 0v-3a2 2 0 0 1 2-2zM4.5 7.5a3.5 3.5 0 0 0 7 0M8 11v2.5M2.5 2.5l11 11',
  mic: 'M8 2.5a2 2 0 0 1 2 2v3a2 2 0 0 1-4 0v-3a2 2 0 0 1 2-2zM4.5 7.5a3.5 3.5 0 0 0 7 0M8 11v2.5',
  hand: 'M5 8V3.75a1 1 0 0 1 2 0V7.5M7 7V2.75a1 1 0 0 1 2 0V7M9 7V3.5a1 1 0 0 1 2 0V8.5M11 6a1 1 0 0 1 2 0v3.5A4.5 4.5 0 0 1 8.5 14h-.7a4 4 0 0 1-3.2-1.6L2.6 9.7a1 1 0 0 1 1.6-1.2L5 9.5',
  search: 'M7 2.5a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9zM10.5 10.5L14 14',
  cohostRemove: 'M6 6.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM1.5 14a4.5 4.5 0 0 1 9 0M11 9.5h4',
  star: 'M8 1.75l1.9 3.9 4.3.6-3.1 3 .7 4.25L8 11.5l-3.8 2 .7-4.25-3.1-3 4.3-.6z',
  shield: 'M8 1.75l5 2v4c0 3-2.2 5.3-5 6.5-2.8-1.2-5-3.5-5-6.5v-4z',
  chevron: 'M4.5 6.25L8 9.75l3.5-3.5',
  flag: 'M3.5 14V2.5M3.5 2.75h8.5l-1.75 3 1.75 3H3.5',
};

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 16 }: { name: IconName; size?: number }): ReactNode {
  return (
    <svg className="icon" width={size} height={size} viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d={PATHS[name]} />
    </svg>
  );
}
