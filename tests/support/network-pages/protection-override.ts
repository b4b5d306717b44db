// Stands in for renderer/sfu/audio-protection.ts inside the bad-network test page's bundle only (see
// tests/support/network-page.ts): the studio's LiveKit adapter reads its protection set from here, so the bench can
// publish through the studio's own code with each protection set in turn. Until a set is given it is the studio's.
import { AUDIO_PROTECTION as CHOSEN, publishOptionsFor, type AudioProtection } from '../../../renderer/sfu/audio-protection';

export { publishOptionsFor, type AudioProtection };

export const AUDIO_PROTECTION: AudioProtection = { ...CHOSEN };

export function setProtection(protection: AudioProtection | 'chosen'): AudioProtection {
  return Object.assign(AUDIO_PROTECTION, protection === 'chosen' ? CHOSEN : protection);
}
