// Signalling between a client's mediasoup adapter (renderer/sfu/mediasoup.ts) and the space server's mediasoup SFU
// (server/sfu/mediasoup/). JSON over a WebSocket of its own at SFU_SIGNAL_PATH on the space server, opened with the
// token of a media grant, so the adapter needs nothing but the grant, as with LiveKit. With mediasoup the space
// server *is* the SFU's controller: every request is checked against who the peer is entitled to be *now* before
// it touches a transport, so a kept token buys nothing the space server would not grant today.
//
// Requests carry an `id` and get exactly one reply with that id (`ok` with a value, or an error). Events from the
// server have no id. RTP and DTLS descriptions are mediasoup's own objects: checked here for shape and size, then
// by mediasoup itself, whose refusals come back as error replies.
import { z } from 'zod';

export const SFU_SIGNAL_PATH = '/sfu';
/** Frames over this size are refused: an Opus producer's RTP parameters are well under 4 KB. */
export const SFU_SIGNAL_MAX_BYTES = 32 * 1024;

const requestId = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** mediasoup's objects (RTP capabilities, parameters, DTLS parameters): plain JSON objects, validated by mediasoup. */
const sdpObject = z.record(z.string().max(64), z.unknown());
const objectId = z.string().min(1).max(64);

export const sfuRequestSchema = z.discriminatedUnion('type', [
  /** First message on the socket: the grant's token. Answered with the router's RTP capabilities and our rights. */
  z.object({ type: z.literal('hello'), id: requestId, token: z.string().min(1).max(2048) }).strict(),
  /** One send transport (publishers only) and one receive transport per peer. */
  z.object({ type: z.literal('createTransport'), id: requestId, direction: z.enum(['send', 'recv']) }).strict(),
  z.object({ type: z.literal('connectTransport'), id: requestId, transportId: objectId, dtlsParameters: sdpObject }).strict(),
  /** Publishes the microphone (audio only, on our send transport). */
  z.object({ type: z.literal('produce'), id: requestId, transportId: objectId, kind: z.literal('audio'), rtpParameters: sdpObject, paused: z.boolean() }).strict(),
  z.object({ type: z.literal('closeProducer'), id: requestId }).strict(),
  /** Mute (`paused: true`) or unmute our own microphone. */
  z.object({ type: z.literal('pauseProducer'), id: requestId, paused: z.boolean() }).strict(),
  /** Our device's RTP capabilities, once the receive transport exists: from then on every voice is sent to us. */
  z.object({ type: z.literal('ready'), id: requestId, rtpCapabilities: sdpObject }).strict(),
  /** Consumers start paused (so no packet is lost before the client listens); the client resumes each one. */
  z.object({ type: z.literal('resumeConsumer'), id: requestId, consumerId: objectId }).strict(),
]);
export type SfuRequest = z.infer<typeof sfuRequestSchema>;
export type SfuRequestType = SfuRequest['type'];

export const sfuPeerSchema = z.object({
  identity: z.string(),
  name: z.string(),
  /** Whether they have a microphone on air, and whether it is muted. */
  publishing: z.boolean(),
  muted: z.boolean(),
});
export type SfuPeer = z.infer<typeof sfuPeerSchema>;

export const sfuHelloSchema = z.object({
  identity: z.string(),
  routerRtpCapabilities: sdpObject,
  canPublish: z.boolean(),
});
export type SfuHello = z.infer<typeof sfuHelloSchema>;

export const sfuTransportSchema = z.object({
  id: objectId,
  iceParameters: sdpObject,
  iceCandidates: z.array(sdpObject),
  dtlsParameters: sdpObject,
});
export type SfuTransport = z.infer<typeof sfuTransportSchema>;

/** The reply to `produce`: the producer's id (mediasoup-client's `produce` event hands it back to the transport). */
export const sfuProducedSchema = z.object({ id: objectId });
export type SfuProduced = z.infer<typeof sfuProducedSchema>;

export const sfuErrorSchema = z.object({
  /** forbidden: not allowed now (a listener producing, a removed person); bad_request: malformed; failed: the SFU refused. */
  code: z.enum(['forbidden', 'bad_request', 'invalid_state', 'failed']),
  message: z.string(),
});

// The two replies share `type`, which a discriminated union on `type` refuses ("Duplicate discriminator value"
// thrown at the first parse): they are told apart by `ok` instead.
export const sfuServerMessageSchema = z.discriminatedUnion('ok', [
  z.object({ type: z.literal('reply'), id: requestId, ok: z.literal(true), value: z.unknown() }).strict(),
  z.object({ type: z.literal('reply'), id: requestId.or(z.null()), ok: z.literal(false), error: sfuErrorSchema }).strict(),
]).or(
  z.discriminatedUnion('type', [
    /** A voice to receive: create the consumer on the receive transport, then send resumeConsumer. */
    z.object({ type: z.literal('consumer'), consumerId: objectId, producerId: objectId, identity: z.string(), kind: z.literal('audio'), rtpParameters: sdpObject }).strict(),
    z.object({ type: z.literal('consumerClosed'), consumerId: objectId }).strict(),
    /** Everyone else in the room, on every change. */
    z.object({ type: z.literal('peers'), peers: z.array(sfuPeerSchema) }).strict(),
    /** Identities speaking now, loudest first. */
    z.object({ type: z.literal('speakers'), identities: z.array(z.string()) }).strict(),
    /** What we may do now: a host approved us, or demoted us (our microphone is then closed by the server). */
    z.object({ type: z.literal('rights'), canPublish: z.boolean() }).strict(),
    /** Our microphone's state as the server holds it: a moderator's mute pauses it, a demotion closes it. */
    z.object({ type: z.literal('producer'), state: z.enum(['live', 'paused', 'closed']) }).strict(),
  ]),
);
export type SfuServerMessage = z.infer<typeof sfuServerMessageSchema>;

/** Close codes of the signalling socket that mean "do not come back with this grant". */
export const SFU_CLOSE = {
  /** Removed, blocked, the space ended, or the token is not good now. */
  refused: 4403,
  /** The SFU restarted (a worker died): everything must be set up again, with a fresh grant. */
  restarted: 4503,
} as const;
