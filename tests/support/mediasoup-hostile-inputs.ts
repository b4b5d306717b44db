// Inputs a hostile mediasoup client might send (tests/integration/mediasoup-attacks.test.ts): RTP parameters for
// produce, DTLS parameters for connectTransport, RTP capabilities for ready. Each must be refused or accepted by the
// space server's SFU — never crash its worker. Every one fits the contract's frame size (SFU_SIGNAL_MAX_BYTES).
import { CLIENT_DTLS, OPUS_RECV_CAPABILITIES, opusRtpParameters } from './mediasoup';

const opus = (over: Record<string, unknown> = {}): Record<string, unknown> => ({ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: {}, rtcpFeedback: [], ...over });
const rtp = (over: Record<string, unknown>): Record<string, unknown> => ({ ...opusRtpParameters(4242), ...over });

/** RTP parameters an attacker might produce with: every one must be refused or accepted, never crash anything. */
export const HOSTILE_RTP: [string, Record<string, unknown>][] = [
  ['no codecs', rtp({ codecs: [] })],
  ['payload type 300', rtp({ codecs: [opus({ payloadType: 300 })] })],
  ['payload type -1', rtp({ codecs: [opus({ payloadType: -1 })] })],
  ['payload type 2^53', rtp({ codecs: [opus({ payloadType: 2 ** 53 })] })],
  ['clock rate 0', rtp({ codecs: [opus({ clockRate: 0 })] })],
  ['clock rate 1e15', rtp({ codecs: [opus({ clockRate: 1e15 })] })],
  ['channels 1e9', rtp({ codecs: [opus({ channels: 1e9 })] })],
  ['channels -3', rtp({ codecs: [opus({ channels: -3 })] })],
  ['a video codec', rtp({ codecs: [opus({ mimeType: 'video/VP8', clockRate: 90000, channels: undefined })] })],
  ['rtx alone', rtp({ codecs: [opus({ mimeType: 'audio/rtx', parameters: { apt: 111 } })] })],
  ['an odd mime type', rtp({ codecs: [opus({ mimeType: '/' })] })],
  ['odd codec parameters', rtp({ codecs: [opus({ parameters: { useinbandfec: 'x'.repeat(4000), 'sprop-stereo': -1, [''.padEnd(60, 'k')]: { deep: [1, 2] } } })] })],
  ['rtcp feedback junk', rtp({ codecs: [opus({ rtcpFeedback: Array.from({ length: 200 }, (_, i) => ({ type: `t${i}`, parameter: 'p' })) })] })],
  ['200 codecs', rtp({ codecs: Array.from({ length: 200 }, (_, i) => opus({ payloadType: 96 + (i % 30) })) })],
  ['no encodings', rtp({ encodings: [] })],
  ['ssrc 0', rtp({ encodings: [{ ssrc: 0 }] })],
  ['ssrc 2^32', rtp({ encodings: [{ ssrc: 2 ** 32 }] })],
  ['ssrc -1', rtp({ encodings: [{ ssrc: -1 }] })],
  ['duplicate ssrcs', rtp({ encodings: [{ ssrc: 7 }, { ssrc: 7 }] })],
  ['500 encodings', rtp({ encodings: Array.from({ length: 500 }, (_, i) => ({ ssrc: 10_000 + i })) })],
  ['rid and ssrc', rtp({ encodings: [{ ssrc: 9, rid: 'r0' }, { rid: 'r1' }] })],
  ['rids only', rtp({ encodings: [{ rid: 'a' }, { rid: 'a' }] })],
  ['rtx ssrc without rtx', rtp({ encodings: [{ ssrc: 11, rtx: { ssrc: 11 } }] })],
  ['odd scalability mode', rtp({ encodings: [{ ssrc: 12, scalabilityMode: 'L99T99_KEY_SHIFT' }] })],
  ['negative bitrate', rtp({ encodings: [{ ssrc: 13, maxBitrate: -5, dtx: 'yes' }] })],
  ['an unknown codecPayloadType', rtp({ encodings: [{ ssrc: 14, codecPayloadType: 77 }] })],
  ['header extension id 0', rtp({ headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: 0 }] })],
  ['header extension id 4000', rtp({ headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: 4000 }] })],
  ['header extension id 255', rtp({ headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 255 }] })],
  ['200 header extensions', rtp({ headerExtensions: Array.from({ length: 200 }, (_, i) => ({ uri: `urn:x:${i}`, id: 1 + (i % 14) })) })],
  ['duplicate header extension ids', rtp({ headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 1 }, { uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: 1 }] })],
  ['a huge cname', rtp({ rtcp: { cname: 'c'.repeat(28_000), reducedSize: 'maybe' } })],
  ['a mid', rtp({ mid: 'm'.repeat(2000) })],
  ['codecs as an object', rtp({ codecs: { 0: opus() } })],
];

export const HOSTILE_DTLS: [string, Record<string, unknown>][] = [
  ['no fingerprints', { role: 'client', fingerprints: [] }],
  ['an unknown algorithm', { role: 'client', fingerprints: [{ algorithm: 'md5', value: 'AB' }] }],
  ['an empty value', { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: '' }] }],
  ['a huge value', { role: 'client', fingerprints: [{ algorithm: 'sha-512', value: 'F'.repeat(28_000) }] }],
  ['role server', { role: 'server', fingerprints: CLIENT_DTLS.fingerprints }],
  ['role auto', { role: 'auto', fingerprints: CLIENT_DTLS.fingerprints }],
  ['a numeric role', { role: 7, fingerprints: CLIENT_DTLS.fingerprints }],
  ['200 fingerprints', { role: 'client', fingerprints: Array.from({ length: 200 }, () => CLIENT_DTLS.fingerprints[0]) }],
];

export const HOSTILE_CAPS: [string, Record<string, unknown>][] = [
  ['absurd clock rate and channels', { codecs: [{ kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 100, clockRate: 48000, channels: 1e9 }] }],
  ['payload type 1000', { codecs: [{ kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 1000, clockRate: 48000, channels: 2 }] }],
  ['no payload type', { codecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }] }],
  ['64 codecs, one payload type', { codecs: Array.from({ length: 64 }, () => ({ kind: 'audio', mimeType: 'audio/opus', preferredPayloadType: 100, clockRate: 48000, channels: 2 })) }],
  ['header extension ids 0 and 1000', { codecs: OPUS_RECV_CAPABILITIES.codecs, headerExtensions: [{ kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', preferredId: 0 }, { kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1000, direction: 'sideways' }] }],
  ['rtcp feedback junk', { codecs: [{ ...OPUS_RECV_CAPABILITIES.codecs[0], rtcpFeedback: [{ type: 'nack', parameter: 'x'.repeat(3000) }, { type: 7 }] }] }],
];

