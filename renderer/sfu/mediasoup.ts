// The mediasoup implementation of SfuAdapter: the only renderer module that imports mediasoup-client. It speaks
// common/sfu-signal.ts to the space server (renderer/sfu/mediasoup-signal.ts holds the socket and the pure mapping)
// and behaves as renderer/sfu/livekit.ts does for its callers: same snapshot transitions, same <audio> elements in
// the sink, the pipeline's track never stopped, events of a replaced connection ignored.
import { Device } from 'mediasoup-client';
import type { Consumer, DtlsParameters, HandlerFactory, Producer, RtpCapabilities, RtpParameters, Transport, TransportOptions } from 'mediasoup-client/types';
import type { MediaGrant } from '../../common/protocol';
import { sfuHelloSchema, sfuTransportSchema, type SfuPeer } from '../../common/sfu-signal';
import { INITIAL_SFU_SNAPSHOT, type SfuAdapter, type SfuSnapshot } from './adapter';
import { AUDIO_PROTECTION } from './audio-protection';
import {
  localProducerPatch,
  openSignal,
  remoteSpeakers,
  type CloseOutcome,
  type SfuEvent,
  type SignalClient,
  type SignalSocket,
} from './mediasoup-signal';

export interface MediasoupAdapterOptions {
  /** mediasoup-client's handler; tests pass its FakeHandler, browsers detect their own. */
  handlerFactory?: HandlerFactory;
  createSocket?: (url: string) => SignalSocket;
  requestTimeoutMs?: number;
}

interface Voice {
  consumer: Consumer;
  identity: string;
  element: HTMLAudioElement;
}

/** One connection (one grant): replaced whole by the next connect, so nothing of it leaks into the next. */
interface Session {
  /** Set by connect/disconnect when another call takes over: this one's work and events stop mattering. */
  replaced: boolean;
  closed: boolean;
  signal: SignalClient | null;
  device: Device | null;
  recv: Transport | null;
  send: Promise<Transport> | null;
  sendTransport: Transport | null;
  producer: Producer | null;
  voices: Map<string, Voice>;
  /** Consumers closed by the server before their consume() finished. */
  gone: Set<string>;
  peers: SfuPeer[];
  canPublish: boolean;
  /** Microphone operations run one at a time (the studio may swap the microphone while a reconnect publishes). */
  mic: Promise<unknown>;
}

/** Whether the page has had a user gesture (then Chromium lets it play audio). */
function pageActivated(): boolean {
  return typeof navigator !== 'undefined' && (navigator.userActivation?.hasBeenActive ?? false);
}

/** `audioSink` holds the <audio> elements of remote voices (they must be in the DOM to play). */
export function createMediasoupAdapter(audioSink: HTMLElement, options: MediasoupAdapterOptions = {}): SfuAdapter {
  let session: Session | null = null;
  let snap: SfuSnapshot = { ...INITIAL_SFU_SNAPSHOT };
  const listeners = new Set<(s: SfuSnapshot) => void>();
  const emit = (patch: Partial<SfuSnapshot>) => {
    snap = { ...snap, ...patch };
    for (const l of listeners) l(snap);
  };
  const ours = (s: Session, patch: Partial<SfuSnapshot>) => {
    if (session === s && !s.closed) emit(patch);
  };
  const dropRemoteElements = () => {
    for (const el of audioSink.querySelectorAll('audio[data-podium-remote-audio]')) el.remove();
  };
  const remoteOf = (s: Session) => remoteSpeakers(s.peers, new Set([...s.voices.values()].map((v) => v.identity)));

  /** Ends a session's media without stopping our microphone track: the audio pipeline owns it. */
  const teardown = (s: Session) => {
    if (s.closed) return;
    s.closed = true;
    s.signal?.close();
    s.producer?.close();
    s.producer = null;
    for (const v of s.voices.values()) {
      v.consumer.close();
      v.element.remove();
    }
    s.voices.clear();
    for (const t of [s.sendTransport, s.recv]) {
      t?.removeAllListeners();
      t?.close();
    }
  };
  /** The call is gone (socket closed, ICE failed): as LiveKit's Disconnected, so recovery asks for a fresh grant. */
  const lose = (s: Session, error: string | null) => {
    if (session !== s || s.closed) return;
    teardown(s);
    emit({ connection: 'disconnected', remote: [], activeSpeakers: [], publishing: false, ...(error ? { error } : {}) });
  };

  const tryPlay = (s: Session, el: HTMLAudioElement) => {
    el.play().then(
      () => ours(s, { audioBlocked: false }),
      (error: unknown) => {
        // Autoplay policy: wait for startAudio() from a click. Other failures (element removed) say nothing.
        if ((error as Error | null)?.name === 'NotAllowedError') ours(s, { audioBlocked: true });
      },
    );
  };

  async function addVoice(s: Session, e: Extract<SfuEvent, { type: 'consumer' }>): Promise<void> {
    if (!s.recv) return;
    const consumer = await s.recv.consume({ id: e.consumerId, producerId: e.producerId, kind: 'audio', rtpParameters: e.rtpParameters as RtpParameters });
    if (session !== s || s.closed || s.gone.delete(e.consumerId)) {
      consumer.close();
      return;
    }
    const element = document.createElement('audio');
    element.autoplay = true;
    element.dataset.podiumRemoteAudio = '1';
    element.dataset.identity = e.identity;
    element.srcObject = new MediaStream([consumer.track]);
    audioSink.appendChild(element);
    s.voices.set(e.consumerId, { consumer, identity: e.identity, element });
    ours(s, { remote: remoteOf(s) });
    // The server created it paused so nothing is lost before we listen.
    await s.signal?.request({ type: 'resumeConsumer', consumerId: e.consumerId }, () => undefined);
    tryPlay(s, element);
  }

  function onEvent(s: Session, e: SfuEvent): void {
    if (session !== s || s.closed) return;
    switch (e.type) {
      case 'consumer':
        void addVoice(s, e).catch(() => {
          // A voice that could not be set up is missing from `remote` (hasAudio false); the call goes on.
        });
        return;
      case 'consumerClosed': {
        const v = s.voices.get(e.consumerId);
        if (!v) {
          s.gone.add(e.consumerId);
          return;
        }
        s.voices.delete(e.consumerId);
        v.consumer.close();
        v.element.remove();
        ours(s, { remote: remoteOf(s) });
        return;
      }
      case 'peers':
        s.peers = e.peers;
        ours(s, { remote: remoteOf(s) });
        return;
      case 'speakers':
        ours(s, { activeSpeakers: e.identities });
        return;
      case 'rights':
        s.canPublish = e.canPublish;
        ours(s, { canPublish: e.canPublish });
        return;
      case 'producer': {
        const p = s.producer;
        // A moderator's mute pauses us on the server; pausing here too stops sending what nobody hears.
        if (e.state === 'paused') p?.pause();
        if (e.state === 'live') p?.resume();
        if (e.state === 'closed') {
          // A demotion closed it on the server: reflect it instead of pretending to be on air.
          s.producer = null;
          p?.close();
        }
        ours(s, localProducerPatch(e.state));
        return;
      }
      default: {
        const never: never = e;
        return never;
      }
    }
  }

  function onConnectionState(s: Session, state: string): void {
    if (session !== s || s.closed) return;
    if (state === 'failed' || state === 'closed') lose(s, null);
    else if (state === 'disconnected' && snap.connection === 'connected') ours(s, { connection: 'reconnecting' });
    else if (state === 'connected' && snap.connection === 'reconnecting') ours(s, { connection: 'connected' });
  }

  /** Wires a transport's DTLS handshake to connectTransport, so mediasoup-client can finish connecting it. */
  function wireTransport(s: Session, t: Transport): void {
    t.on('connect', ({ dtlsParameters }: { dtlsParameters: DtlsParameters }, done: () => void, fail: (error: Error) => void) => {
      const signal = s.signal;
      if (!signal) return fail(new Error('not connected'));
      signal.request({ type: 'connectTransport', transportId: t.id, dtlsParameters }, () => undefined).then(done, fail);
    });
    t.on('connectionstatechange', (state: string) => onConnectionState(s, state));
  }

  async function createTransport(s: Session, direction: 'send' | 'recv'): Promise<Transport> {
    const signal = s.signal;
    const device = s.device;
    if (!signal || !device) throw new Error('not connected');
    const params = await signal.request({ type: 'createTransport', direction }, (v) => sfuTransportSchema.parse(v));
    if (s.closed) throw new Error('The audio connection was closed.');
    const transportOptions = params as unknown as TransportOptions;
    const t = direction === 'send' ? device.createSendTransport(transportOptions) : device.createRecvTransport(transportOptions);
    wireTransport(s, t);
    if (direction === 'send') {
      t.on('produce', ({ rtpParameters, appData }, done: (info: { id: string }) => void, fail: (error: Error) => void) => {
        const request = { type: 'produce', transportId: t.id, kind: 'audio', rtpParameters, paused: appData.muted === true } as const;
        signal.request(request, producedId).then((id) => done({ id }), fail);
      });
      s.sendTransport = t;
    }
    return t;
  }

  /** Runs `work` after the session's earlier microphone operations, whatever became of them. */
  function serial<T>(s: Session, work: () => Promise<T>): Promise<T> {
    const run = s.mic.then(work, work);
    s.mic = run.catch(() => {});
    return run;
  }

  async function setMuted(s: Session, muted: boolean): Promise<void> {
    const producer = s.producer;
    if (!producer) return;
    if (muted) producer.pause();
    else producer.resume();
    try {
      await s.signal?.request({ type: 'pauseProducer', paused: muted }, () => undefined);
    } catch (error) {
      // The server kept its state (a refusal, a lost connection): so do we.
      if (s.producer === producer) {
        if (muted) producer.resume();
        else producer.pause();
      }
      throw error;
    }
    if (s.producer === producer) ours(s, { micMuted: muted });
  }

  async function publish(s: Session, track: MediaStreamTrack, muted: boolean): Promise<void> {
    if (s.closed) throw new Error('not connected');
    if (!s.canPublish) throw new Error('This seat may not speak now.');
    if (s.producer && !s.producer.closed) {
      // A new microphone for the same seat: swap the track, no new producer for listeners to resubscribe to.
      await s.producer.replaceTrack({ track });
      await setMuted(s, muted);
      return;
    }
    // A failed attempt is forgotten, so the next publish tries a fresh send transport.
    s.send ??= createTransport(s, 'send').catch((error: unknown) => {
      s.send = null;
      throw error;
    });
    const send = await s.send;
    const producer = await send.produce({
      track,
      // Mono speech; FEC and DTX as chosen by measurement for both SFUs (renderer/sfu/audio-protection.ts).
      codecOptions: { opusStereo: false, opusDtx: AUDIO_PROTECTION.dtx, opusFec: AUDIO_PROTECTION.fec },
      // The audio pipeline owns the track and publishes it again after a reconnect.
      stopTracks: false,
      zeroRtpOnPause: true,
      appData: { muted },
    });
    if (session !== s || s.closed) {
      producer.close();
      throw new Error('not connected');
    }
    // The server created it paused if muted; pause here too so nothing is sent.
    if (muted) producer.pause();
    s.producer = producer;
    ours(s, { publishing: true, micMuted: muted });
  }

  async function unpublish(s: Session): Promise<void> {
    const producer = s.producer;
    if (!producer) return;
    s.producer = null;
    producer.close();
    ours(s, { publishing: false, micMuted: false });
    await s.signal?.request({ type: 'closeProducer' }, () => undefined);
  }

  function connectedSession(): Session {
    const s = session;
    if (!s || s.closed || !s.recv) throw new Error('not connected');
    return s;
  }

  return {
    async connect(grant: MediaGrant) {
      const old = session;
      if (old) {
        old.replaced = true;
        teardown(old);
      }
      dropRemoteElements();
      const s: Session = {
        replaced: false,
        closed: false,
        signal: null,
        device: null,
        recv: null,
        send: null,
        sendTransport: null,
        producer: null,
        voices: new Map(),
        gone: new Set(),
        peers: [],
        canPublish: false,
        mic: Promise.resolve(),
      };
      session = s;
      emit({ connection: 'connecting', error: null, remote: [], activeSpeakers: [], publishing: false, micMuted: false });
      try {
        const signal = await openSignal(
          grant.url,
          { onEvent: (e) => onEvent(s, e), onClose: (outcome: CloseOutcome) => lose(s, outcome.error) },
          { timeoutMs: options.requestTimeoutMs, createSocket: options.createSocket },
        );
        if (s.replaced) return signal.close();
        s.signal = signal;
        const hello = await signal.request({ type: 'hello', token: grant.token }, (v) => sfuHelloSchema.parse(v));
        if (s.replaced) return;
        s.canPublish = hello.canPublish;
        const device = options.handlerFactory ? await Device.factory({ handlerFactory: options.handlerFactory }) : await Device.factory();
        await device.load({ routerRtpCapabilities: hello.routerRtpCapabilities as unknown as RtpCapabilities });
        if (s.replaced) return;
        s.device = device;
        s.recv = await createTransport(s, 'recv');
        if (s.replaced) return;
        // From here on the server sends every voice as a consumer event.
        await signal.request({ type: 'ready', rtpCapabilities: device.recvRtpCapabilities as unknown as Record<string, unknown> }, () => undefined);
        if (s.replaced || s.closed) throw new Error('The audio connection was closed.');
        emit({ connection: 'connected', canPublish: s.canPublish, remote: remoteOf(s), audioBlocked: snap.audioBlocked && !pageActivated() });
      } catch (error) {
        // Replaced by a fresh connect (or a disconnect) while under way: that one speaks for the connection now.
        if (s.replaced) return;
        if (session === s) {
          // A refusal while connecting was already told (lose); anything else is a failure to reach the server.
          const told = s.closed ? snap.error : null;
          teardown(s);
          emit({ connection: 'disconnected', remote: [], activeSpeakers: [], publishing: false, error: told ?? `Could not reach the audio server: ${(error as Error).message}` });
        }
        throw error;
      }
    },
    async publishMicrophone(track: MediaStreamTrack, publishOptions?: { muted?: boolean }) {
      const s = connectedSession();
      try {
        await serial(s, () => publish(s, track, publishOptions?.muted ?? false));
      } catch (error) {
        // mediasoup-client's own words for a transport closed under it ("queue stopped") mean nothing to a user.
        if (s.closed) throw new Error('not connected: the audio connection ended while publishing');
        throw error;
      }
    },
    async unpublishMicrophone() {
      const s = session;
      if (s) await serial(s, () => unpublish(s));
    },
    async setMicrophoneMuted(muted: boolean) {
      const s = session;
      if (s) await serial(s, () => setMuted(s, muted));
    },
    async startAudio() {
      for (const el of audioSink.querySelectorAll('audio')) void el.play().catch(() => {});
      emit({ audioBlocked: false });
    },
    async disconnect() {
      const s = session;
      session = null;
      if (s) {
        s.replaced = true;
        teardown(s);
      }
      dropRemoteElements();
      emit({ ...INITIAL_SFU_SNAPSHOT, connection: 'disconnected' });
    },
    snapshot: () => snap,
    remoteAudioTracks() {
      const tracks = new Map<string, MediaStreamTrack>();
      for (const v of session?.voices.values() ?? []) tracks.set(v.identity, v.consumer.track);
      return tracks;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The produce reply's producer id (the server's; only used locally, requests name no producer). */
function producedId(value: unknown): string {
  const id = (value as { id?: unknown } | null)?.id;
  if (typeof id !== 'string' || id.length === 0) throw new Error('no producer id');
  return id;
}
