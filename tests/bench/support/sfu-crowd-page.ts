// Runs in a Chromium page (bundled by sfu-crowd.ts with esbuild): many receive-only subscribers of one space's SFU,
// each with the SDK Podium's own listener page uses for that SFU — livekit-client for LiveKit, mediasoup-client over
// the space server's signalling socket (common/sfu-signal.ts) for mediasoup. Each holds its own connection (LiveKit:
// a Room, its signalling socket and peer connections; mediasoup: a Device, its signalling socket and one receive
// transport), as separate listeners would. Nothing is played: what each received is read from its receiver's stats.
import { Room, RoomEvent, type RemoteTrack } from 'livekit-client';
import { Device } from 'mediasoup-client';
import type { types } from 'mediasoup-client';
import type { MediaGrant } from '../../../common/protocol';

export interface Received {
  /** inbound-rtp audio of everything this subscriber receives. */
  packets: number;
  bytes: number;
  tracks: number;
}

export interface CrowdApi {
  /** Joins one subscriber per grant (a few at a time); resolves with an error message per failed one. */
  join(grants: MediaGrant[]): Promise<string[]>;
  received(): Promise<Received[]>;
  close(): Promise<void>;
}

interface Subscriber {
  receivers(): RTCRtpReceiver[];
  close(): void;
}

async function sumInbound(receivers: RTCRtpReceiver[]): Promise<Received> {
  const out: Received = { packets: 0, bytes: 0, tracks: receivers.length };
  for (const receiver of receivers) {
    const report = await receiver.getStats();
    report.forEach((s: { type: string; kind?: string; packetsReceived?: number; bytesReceived?: number }) => {
      if (s.type !== 'inbound-rtp' || s.kind !== 'audio') return;
      out.packets += s.packetsReceived ?? 0;
      out.bytes += s.bytesReceived ?? 0;
    });
  }
  return out;
}

async function livekitSubscriber(grant: MediaGrant): Promise<Subscriber> {
  const room = new Room({ adaptiveStream: false, dynacast: false });
  const tracks = new Set<RemoteTrack>();
  room.on(RoomEvent.TrackSubscribed, (track) => void tracks.add(track));
  room.on(RoomEvent.TrackUnsubscribed, (track) => void tracks.delete(track));
  await room.connect(grant.url, grant.token, { autoSubscribe: true });
  return {
    receivers: () => [...tracks].flatMap((t) => (t.receiver ? [t.receiver] : [])),
    close: () => void room.disconnect(),
  };
}

/** The contract's requests and events over one socket (only what a listener needs). */
function signal(url: string): Promise<{ request(type: string, body?: object): Promise<unknown>; onEvent(f: (m: Record<string, unknown>) => void): void; ws: WebSocket }> {
  const ws = new WebSocket(url);
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let handler: (m: Record<string, unknown>) => void = () => {};
  let nextId = 1;
  ws.onmessage = (e: MessageEvent<string>) => {
    const m = JSON.parse(e.data) as Record<string, unknown>;
    if (m.type === 'reply' && typeof m.id === 'number') {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.ok === true) p?.resolve(m.value);
      else p?.reject(new Error(JSON.stringify(m.error)));
    } else handler(m);
  };
  ws.onclose = (e) => {
    for (const p of pending.values()) p.reject(new Error(`signalling closed (${e.code})`));
    pending.clear();
  };
  return new Promise((resolve, reject) => {
    ws.onerror = () => reject(new Error(`cannot open ${url}`));
    ws.onopen = () =>
      resolve({
        ws,
        onEvent: (f) => void (handler = f),
        request: (type, body = {}) =>
          new Promise((res, rej) => {
            const id = nextId++;
            pending.set(id, { resolve: res, reject: rej });
            ws.send(JSON.stringify({ type, id, ...body }));
          }),
      });
  });
}

async function mediasoupSubscriber(grant: MediaGrant): Promise<Subscriber> {
  const sig = await signal(grant.url);
  const consumers = new Map<string, types.Consumer>();
  const hello = (await sig.request('hello', { token: grant.token })) as { routerRtpCapabilities: types.RtpCapabilities };
  const device = await Device.factory();
  await device.load({ routerRtpCapabilities: hello.routerRtpCapabilities });
  const t = (await sig.request('createTransport', { direction: 'recv' })) as types.TransportOptions;
  const transport = device.createRecvTransport({ id: t.id, iceParameters: t.iceParameters, iceCandidates: t.iceCandidates, dtlsParameters: t.dtlsParameters });
  transport.on('connect', ({ dtlsParameters }, done, fail) => {
    sig.request('connectTransport', { transportId: transport.id, dtlsParameters }).then(() => done(), fail);
  });
  sig.onEvent((m) => {
    if (m.type === 'consumer') {
      void (async () => {
        const consumer = await transport.consume({
          id: String(m.consumerId),
          producerId: String(m.producerId),
          kind: 'audio',
          rtpParameters: m.rtpParameters as types.RtpParameters,
        });
        consumers.set(consumer.id, consumer);
        await sig.request('resumeConsumer', { consumerId: consumer.id });
      })().catch((e: unknown) => console.error('consume failed', e));
    } else if (m.type === 'consumerClosed') {
      consumers.get(String(m.consumerId))?.close();
      consumers.delete(String(m.consumerId));
    }
  });
  await sig.request('ready', { rtpCapabilities: device.rtpCapabilities });
  return {
    receivers: () => [...consumers.values()].flatMap((c) => (c.rtpReceiver ? [c.rtpReceiver] : [])),
    close: () => {
      transport.close();
      sig.ws.close();
    },
  };
}

const subscribers: Subscriber[] = [];

const api: CrowdApi = {
  async join(grants) {
    const errors: string[] = [];
    const queue = [...grants];
    const worker = async (): Promise<void> => {
      for (let g = queue.shift(); g; g = queue.shift()) {
        try {
          subscribers.push(g.sfu === 'mediasoup' ? await mediasoupSubscriber(g) : await livekitSubscriber(g));
        } catch (e) {
          errors.push(String(e instanceof Error ? e.message : e));
        }
      }
    };
    await Promise.all(Array.from({ length: 5 }, worker));
    return errors;
  },
  received: () => Promise.all(subscribers.map((s) => sumInbound(s.receivers()))),
  async close() {
    for (const s of subscribers.splice(0)) s.close();
  },
};

(globalThis as unknown as { podiumCrowd: CrowdApi }).podiumCrowd = api;
