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

/**
 * The studio's choice: RED on, Opus FEC left negotiated, DTX off. Measured by `npm run bench:network` (speech
 * published through this adapter by Chromium, heard by a Chromium listener whose link — or the speaker's uplink — drops
 * and delays packets both ways; 2 runs x 15 s per cell, on a 2-core machine shared with other test runs at load
 * average 20-30, so single figures swing). r = envelope correlation with the source (20 ms blocks), silent = share of
 * speech blocks heard below -55 dBFS, concealed = share of played audio the listener's jitter buffer had to invent:
 *
 *   link                        none              FEC only          RED only          RED+FEC           RED+FEC+DTX
 *   clean                       .920 2.6% 1.6%    .948 2.9% 1.4%    .960 1.6% 0.3%    .972 0.9% 0.3%    .964 0.8% 0.1%
 *   listener 5 %, 40±20 ms      .738 3.1% 3.9%    .899 2.0% 3.4%    .957 1.0% 0.1%    .978 0.8% 0.1%    .943 1.5% 0.5%
 *   listener 15 %, 40±20 ms     .767 3.3% 10.5%   .882 2.0% 11.4%   .942 1.9% 3.2%    .924 1.6% 2.1%    .918 2.6% 4.3%
 *   speaker up 5 %, 40±20 ms    .881 1.4% 3.8%    .970 0.9% 0.6%    .968 0.8% 0.1%    .954 2.2% 0.1%    .831 4.6% 1.1%
 *
 * - RED is what repairs a listener's lossy downlink: concealment falls from about the loss rate to a few tenths of a
 *   percent at 5 % loss, and from ~11 % to 2-3 % at 15 %. On. (Giving up the SFU's audio NACK for it costs nothing:
 *   Chromium sent no audio NACKs in any cell.)
 * - FEC repairs the speaker's uplink (540-1459 packets recovered by FEC per cell, concealment 3.8 % -> 0.6 %), but
 *   does nothing for a listener's downlink: the SFU reports only uplink loss to the publisher, so the encoder never
 *   adds FEC for it (0 recovered, also with livekit's audio.enable_loss_proxying on). It costs bits only while loss is
 *   reported, so it stays negotiated: on.
 * - DTX brought no gain in any cell and more concealment at 15 % loss (4.3 % vs 2.1 %); our own stage decides what
 *   silence is. Off.
 */
export const AUDIO_PROTECTION: AudioProtection = { red: true, fec: true, dtx: false };

/** livekit-client publish options for a protection set. FEC has no publish option: it rides on the negotiated fmtp. */
export function publishOptionsFor(protection: AudioProtection): { red: boolean; dtx: boolean } {
  return { red: protection.red, dtx: protection.dtx };
}
