// The studio's audio protection reaches livekit-client's publish options as measured and chosen.
import { describe, expect, it } from 'vitest';
import { AUDIO_PROTECTION, publishOptionsFor } from '../../../../renderer/sfu/audio-protection';

describe('audio protection', () => {
  it('maps a protection set onto publish options (FEC has none: it rides on the negotiated fmtp)', () => {
    expect(publishOptionsFor({ red: true, fec: true, dtx: false })).toEqual({ red: true, dtx: false });
    expect(publishOptionsFor({ red: false, fec: false, dtx: true })).toEqual({ red: false, dtx: true });
  });

  it('the studio publishes with RED and without DTX, keeping Opus FEC negotiated', () => {
    expect(AUDIO_PROTECTION).toEqual({ red: true, fec: true, dtx: false });
  });
});
