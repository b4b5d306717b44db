// One mediasoup signalling socket (common/sfu-signal.ts): `hello` with a grant token first, then requests, each
// judged against who the peer is entitled to be *now* (the session hub's rule) before it touches mediasoup. Every
// frame is size-checked, rate-limited and zod-parsed; requests run one at a time per socket; nothing a client sends
// throws out of here — mediasoup's own refusals come back as `failed` replies — so one bad client hurts nobody else.
import type { types } from 'mediasoup';
import type { RawData, WebSocket } from 'ws';
import { z } from 'zod';
import { SFU_CLOSE, SFU_SIGNAL_MAX_BYTES, sfuRequestSchema, type SfuRequest, type SfuServerMessage } from '../../../common/sfu-signal';
import { judge, type Entitlement } from '../../enforcer';
import { createRateLimiter } from '../../rate-limit';
import type { EntitlementOf } from '../types';
import { addProducer, broadcastPeers, closeProducer, consumeAll, describe, dropPeer, toRecord, type MsRoom, type Peer, type PeerLink } from './rooms';
import type { GrantTokens } from './token';

type ErrorCode = 'forbidden' | 'bad_request' | 'invalid_state' | 'failed';

/** A refusal meant for the client; anything else thrown while handling is reported as `failed`. */
class SignalError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Also close the socket (refused): the peer has no business here any more. */
    readonly closing = false,
  ) {
    super(message);
  }
}

export interface SignalContext {
  tokens: GrantTokens;
  entitlement(): EntitlementOf | null;
  /** The room's live state, created on first use; throws while the worker is down. */
  room(id: string): Promise<MsRoom>;
  transportOptions(): types.WebRtcTransportOptions;
  /** Puts a peer in its room, closing an older connection of the same identity there. */
  register(peer: Peer): void;
  /** Every open signalling link, so a worker restart or shutdown can close them all. */
  links: Set<PeerLink>;
  log: (line: string) => void;
  helloDeadlineMs: number;
  /** REFUSAL_RATE unless given (tests raise it to reach the slow-reader cut with a flood). */
  refusalRate?: readonly [number, number];
}

/** Requests per second (and burst) one socket may send: a client sets up in a handful, then sends almost nothing. */
const REQUEST_RATE = [10, 30] as const;
/**
 * Refusals a socket gets answered (per second, and burst) before it is closed: each frame over the request rate is
 * answered, so a client that burst once learns why, but a sender that goes on regardless is no client, and answering
 * it forever spends the server's upload at ~40 times its own. Closed with 1008, not SFU_CLOSE.refused: the grant is
 * still good.
 */
export const REFUSAL_RATE = [20, 200] as const;

/**
 * Bytes of replies and events a socket may have waiting unsent before it is cut (as server/room.ts `deliver` cuts a
 * slow reader of the space protocol): a client that floods while never reading would otherwise make the server hold
 * every reply, `peers` and `speakers` event for it without bound. One MB is hundreds of full `peers` events of a big
 * room; a client that reads keeps nowhere near it. Cut without SFU_CLOSE.refused, so a real client that only stalled
 * connects again with its grant.
 */
export const MAX_BEHIND_BYTES = 1024 * 1024;

/** The least a device's RTP capabilities must be before they are kept for every consumer made for it. */
const capabilitiesShape = z.looseObject({
  codecs: z.array(z.looseObject({ kind: z.enum(['audio', 'video']), mimeType: z.string().max(64), clockRate: z.number().int().positive() })).min(1).max(64),
  headerExtensions: z.array(z.record(z.string(), z.unknown())).max(64).optional(),
});

/** A resumeConsumer request is well under this; a bigger frame never rides on a resume credit. */
const RESUME_FRAME_MAX = 256;

function frameText(raw: RawData): string {
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return Buffer.isBuffer(raw) ? raw.toString('utf8') : Buffer.from(raw).toString('utf8');
}

/** May this peer publish at this moment: entitled to (judge), and not revoked on this connection by a moderator. */
export function mayPublishNow(peer: Peer, e: Entitlement): boolean {
  return !peer.revoked && judge({ canPublish: true, micTracks: [] }, e).action === 'ok';
}

export function attachSignal(ws: WebSocket, ctx: SignalContext): void {
  let peer: Peer | null = null;
  let closed = false;
  let queue = Promise.resolve();
  const limiter = createRateLimiter(...REQUEST_RATE);
  const refusals = createRateLimiter(...(ctx.refusalRate ?? REFUSAL_RATE));
  /**
   * One resumeConsumer outside the request rate for each voice handed to this socket: a listener joining a stage of
   * 40 voices resumes 40 consumers at once, which the rate would refuse past its burst (those voices then stayed
   * silent). The server gives the credits, so a client cannot mint more than the voices it was sent.
   */
  let resumeCredits = 0;
  const send = (message: SfuServerMessage): void => {
    if (closed || ws.readyState !== ws.OPEN) return;
    if (message.type === 'consumer') resumeCredits += 1;
    if (ws.bufferedAmount > MAX_BEHIND_BYTES) {
      closed = true;
      ctx.log(`mediasoup signalling: cut a socket ${MAX_BEHIND_BYTES} bytes behind (it does not read)`);
      ws.terminate(); // its close event drops the peer
      return;
    }
    ws.send(JSON.stringify(message));
  };
  const link: PeerLink = {
    send,
    close(code, reason) {
      if (closed) return;
      closed = true;
      ws.close(code, reason);
    },
  };
  ctx.links.add(link);
  const helloTimer = setTimeout(() => {
    if (!peer) link.close(SFU_CLOSE.refused, 'say hello with a grant within a few seconds of connecting');
  }, ctx.helloDeadlineMs);
  helloTimer.unref();
  const replyError = (id: number | null, code: ErrorCode, message: string): void => send({ type: 'reply', id, ok: false, error: { code, message } });

  ws.on('message', (raw: RawData, isBinary: boolean) => {
    if (closed) return;
    const size = Array.isArray(raw) ? raw.reduce((n, b) => n + b.length, 0) : raw instanceof ArrayBuffer ? raw.byteLength : raw.length;
    const credited = resumeCredits > 0 && !isBinary && size <= RESUME_FRAME_MAX && frameText(raw).includes('"resumeConsumer"');
    if (credited) resumeCredits -= 1;
    else if (!limiter.take()) {
      if (!refusals.take()) return link.close(1008, 'too many requests');
      return replyError(null, 'bad_request', 'too many requests; slow down');
    }
    if (size > SFU_SIGNAL_MAX_BYTES) return replyError(null, 'bad_request', `messages are at most ${SFU_SIGNAL_MAX_BYTES} bytes`);
    if (isBinary) return replyError(null, 'bad_request', 'messages are JSON text, not binary');
    let data: unknown;
    try {
      data = JSON.parse(frameText(raw));
    } catch {
      return replyError(null, 'bad_request', 'not JSON');
    }
    const parsed = sfuRequestSchema.safeParse(data);
    if (!parsed.success) {
      const id = typeof data === 'object' && data !== null && Number.isSafeInteger((data as { id?: unknown }).id) ? ((data as { id: number }).id >= 0 ? (data as { id: number }).id : null) : null;
      return replyError(id, 'bad_request', `not a request this server knows: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    }
    const request = parsed.data;
    queue = queue.then(() => run(request));
  });
  ws.on('close', () => {
    closed = true;
    clearTimeout(helloTimer);
    ctx.links.delete(link);
    if (peer) dropPeer(peer);
  });
  ws.on('error', (error) => ctx.log(`mediasoup signalling socket: ${error.message}`));

  async function run(request: SfuRequest): Promise<void> {
    if (closed) return;
    try {
      const value = request.type === 'hello' ? await hello(request) : await handle(request);
      send({ type: 'reply', id: request.id, ok: true, value });
    } catch (error) {
      if (error instanceof SignalError) {
        replyError(request.id, error.code, error.message);
        if (error.closing) {
          if (peer) dropPeer(peer);
          link.close(SFU_CLOSE.refused, error.message.slice(0, 120));
        }
      } else {
        replyError(request.id, 'failed', `the audio server refused that: ${describe(error)}`);
      }
    }
  }

  function entitled(room: string, identity: string): Entitlement {
    const rule = ctx.entitlement();
    const e = rule ? rule(room, identity) : null;
    if (!e) throw new SignalError('forbidden', 'this is not a space of this server', true);
    const verdict = judge({ canPublish: false, micTracks: [] }, e);
    if (verdict.action === 'remove') throw new SignalError('forbidden', `you may not be here: ${verdict.reason}`, true);
    return e;
  }

  async function hello(request: Extract<SfuRequest, { type: 'hello' }>): Promise<unknown> {
    if (peer) throw new SignalError('invalid_state', 'hello was said already on this connection');
    const claims = ctx.tokens.verify(request.token);
    if (!claims) throw new SignalError('forbidden', 'this grant is not valid (expired, or not from this server); ask the space for a fresh one', true);
    entitled(claims.room, claims.identity);
    const room = await ctx.room(claims.room);
    // A router made for nobody is closed again, or it would live as long as the space does.
    const leftEmpty = (): void => {
      if (room.peers.size === 0 && !room.router.closed) room.onEmpty(room);
    };
    if (closed) {
      leftEmpty();
      return null;
    }
    if (room.router.closed) throw new SignalError('failed', 'the audio server closed this room meanwhile; try again');
    // Judged again: a removal or the space's end that landed while the router was being made found no peer of
    // theirs on the SFU to act on, so it is this check that keeps them out.
    let e: Entitlement;
    try {
      e = entitled(claims.room, claims.identity);
    } catch (error) {
      leftEmpty();
      throw error;
    }
    peer = {
      identity: claims.identity,
      name: claims.name,
      room,
      link,
      transports: new Map(),
      producer: null,
      rtpCapabilities: null,
      consumers: new Map(),
      revoked: false,
      closed: false,
    };
    clearTimeout(helloTimer);
    ctx.register(peer);
    broadcastPeers(room);
    return { identity: peer.identity, routerRtpCapabilities: toRecord(room.router.rtpCapabilities), canPublish: mayPublishNow(peer, e) };
  }

  async function handle(request: Exclude<SfuRequest, { type: 'hello' }>): Promise<unknown> {
    const p = peer;
    if (!p) throw new SignalError('invalid_state', 'say hello with your grant first');
    if (p.closed) throw new SignalError('invalid_state', 'this connection was closed by the server', true);
    const e = entitled(p.room.id, p.identity);
    // Someone who may not publish now loses what they had on air, whatever they ask for next.
    if (!mayPublishNow(p, e) && p.producer) closeProducer(p);
    switch (request.type) {
      case 'createTransport': {
        if (request.direction === 'send' && !mayPublishNow(p, e)) throw new SignalError('forbidden', 'you may not speak in this space right now');
        if ([...p.transports.values()].some((t) => t.direction === request.direction)) {
          throw new SignalError('invalid_state', `you have a ${request.direction} transport already`);
        }
        const transport = await p.room.router.createWebRtcTransport({ ...ctx.transportOptions(), appData: { identity: p.identity, direction: request.direction } });
        if (p.closed) {
          transport.close();
          throw new SignalError('invalid_state', 'this connection was closed by the server');
        }
        // A demotion that landed while mediasoup worked found no send transport to close: this check closes it.
        const now = ctx.entitlement()?.(p.room.id, p.identity) ?? null;
        if (request.direction === 'send' && (!now || !mayPublishNow(p, now))) {
          transport.close();
          throw new SignalError('forbidden', 'you may not speak in this space right now');
        }
        p.transports.set(transport.id, { transport, direction: request.direction });
        return {
          id: transport.id,
          iceParameters: toRecord(transport.iceParameters),
          iceCandidates: transport.iceCandidates.map(toRecord),
          dtlsParameters: toRecord(transport.dtlsParameters),
        };
      }
      case 'connectTransport': {
        const own = p.transports.get(request.transportId);
        if (!own) throw new SignalError('forbidden', 'that is not one of your transports');
        await own.transport.connect({ dtlsParameters: request.dtlsParameters as unknown as types.DtlsParameters });
        return {};
      }
      case 'produce': {
        const own = p.transports.get(request.transportId);
        if (!own || own.direction !== 'send') throw new SignalError('forbidden', 'that is not your send transport');
        if (!mayPublishNow(p, e)) throw new SignalError('forbidden', 'you may not speak in this space right now');
        closeProducer(p); // a second microphone replaces the first
        // A moderator's mute outlives a republish (as with LiveKit): the new microphone starts paused.
        const paused = request.paused || e.muted === true;
        const producer = await own.transport.produce({
          kind: 'audio',
          rtpParameters: request.rtpParameters as unknown as types.RtpParameters,
          paused,
          appData: { identity: p.identity },
        });
        // Rights may have changed while mediasoup worked (a demotion, a removal): judge again before it goes on air.
        const now = ctx.entitlement()?.(p.room.id, p.identity) ?? null;
        if (p.closed || !now || !mayPublishNow(p, now) || own.transport.closed) {
          producer.close();
          throw new SignalError('forbidden', 'you may not speak in this space right now');
        }
        await addProducer(p, producer, ctx.log);
        if (paused && !request.paused) send({ type: 'producer', state: 'paused' });
        return { id: producer.id };
      }
      case 'closeProducer':
        closeProducer(p);
        return {};
      case 'pauseProducer': {
        if (!p.producer) throw new SignalError('invalid_state', 'you have no microphone on air');
        // Unmuting after a moderator's mute is allowed, as with LiveKit: a mute is a pause its owner may lift.
        if (request.paused) await p.producer.pause();
        else await p.producer.resume();
        broadcastPeers(p.room);
        return {};
      }
      case 'ready': {
        if (![...p.transports.values()].some((t) => t.direction === 'recv')) throw new SignalError('invalid_state', 'create your receive transport first');
        if (p.rtpCapabilities) throw new SignalError('invalid_state', 'ready was said already');
        if (!capabilitiesShape.safeParse(request.rtpCapabilities).success) throw new SignalError('bad_request', 'those are not RTP capabilities');
        p.rtpCapabilities = request.rtpCapabilities as unknown as types.RtpCapabilities;
        await consumeAll(p, ctx.log);
        return {};
      }
      case 'resumeConsumer': {
        const consumer = p.consumers.get(request.consumerId);
        if (!consumer) throw new SignalError('forbidden', 'that is not one of your consumers');
        await consumer.resume();
        return {};
      }
      default: {
        const unreachable: never = request;
        throw new SignalError('bad_request', `unknown request ${String(unreachable)}`);
      }
    }
  }
}
