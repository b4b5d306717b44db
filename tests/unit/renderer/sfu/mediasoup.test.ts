// @vitest-environment happy-dom
// The mediasoup adapter end to end on the client side: mediasoup-client's own FakeHandler stands in for the
// browser's WebRTC, and a stand-in server speaks common/sfu-signal.ts. What is checked is what the studio and the
// listener page rely on: the handshake, voices appearing as <audio> elements in the sink, peers, speakers, rights,
// the microphone's publish/mute/unpublish (its track never stopped), and every kind of end of the call.
import { WebSocket as WsSocket } from 'ws';
import { FakeMediaStreamTrack } from 'fake-mediastreamtrack';
import { FakeHandler } from 'mediasoup-client/handlers/FakeHandler';
import * as fakeParameters from 'mediasoup-client/fakeParameters';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MediaGrant } from '../../../../common/protocol';
import { SFU_CLOSE, type SfuRequest } from '../../../../common/sfu-signal';
import type { SfuAdapter } from '../../../../renderer/sfu/adapter';
import { createMediasoupAdapter } from '../../../../renderer/sfu/mediasoup';
import type { SignalSocket } from '../../../../renderer/sfu/mediasoup-signal';
import { startStandIn, type StandIn } from './signal-stand-in';

let server: StandIn;
let sink: HTMLElement;
let adapter: SfuAdapter;
let canPublish = true;

function serve(s: StandIn): void {
  s.answers.hello = () => ({ value: { identity: 'me', routerRtpCapabilities: fakeParameters.generateRouterRtpCapabilities(), canPublish } });
  s.answers.createTransport = () => ({ value: fakeParameters.generateTransportRemoteParameters() });
  s.answers.produce = () => ({ value: { id: 'producer-1' } });
}

function makeAdapter(): SfuAdapter {
  return createMediasoupAdapter(sink, {
    handlerFactory: FakeHandler.createFactory(fakeParameters),
    createSocket: (url) => new WsSocket(url) as unknown as SignalSocket,
    requestTimeoutMs: 2_000,
  });
}

const grantFor = (s: StandIn, token = 'grant-token'): MediaGrant => ({ sfu: 'mediasoup', url: s.url, token, identity: 'me', canPublish: true });
const audioTrack = () => new FakeMediaStreamTrack({ kind: 'audio' }) as unknown as MediaStreamTrack;
const elements = () => [...sink.querySelectorAll<HTMLAudioElement>('audio[data-podium-remote-audio]')];
const types = (requests: SfuRequest[]) => requests.map((r) => r.type);

function voice(identity: string, consumerId: string) {
  const p = fakeParameters.generateConsumerRemoteParameters({ id: consumerId, codecMimeType: 'audio/opus' });
  return { type: 'consumer', consumerId, producerId: p.producerId, identity, kind: 'audio', rtpParameters: p.rtpParameters };
}

beforeEach(async () => {
  canPublish = true;
  server = await startStandIn();
  serve(server);
  sink = document.createElement('div');
  document.body.appendChild(sink);
  vi.spyOn(HTMLMediaElement.prototype, 'play').mockResolvedValue(undefined);
  adapter = makeAdapter();
});
afterEach(async () => {
  await adapter.disconnect();
  vi.restoreAllMocks();
  sink.remove();
  expect(server.invalid).toEqual([]);
  await server.stop();
});

describe('createMediasoupAdapter: connecting', () => {
  it('says hello with the grant token, opens a receive transport, then says ready with the device capabilities', async () => {
    const seen: string[] = [];
    adapter.subscribe((s) => seen.push(s.connection));
    await adapter.connect(grantFor(server));
    expect(types(server.received)).toEqual(['hello', 'createTransport', 'ready']);
    expect(server.received[0]).toMatchObject({ type: 'hello', token: 'grant-token' });
    expect(server.received[1]).toMatchObject({ direction: 'recv' });
    const ready = server.received[2];
    expect(ready?.type === 'ready' && Array.isArray(ready.rtpCapabilities.codecs)).toBe(true);
    expect(seen[0]).toBe('connecting');
    expect(seen.at(-1)).toBe('connected');
    expect(adapter.snapshot()).toMatchObject({ connection: 'connected', canPublish: true, publishing: false, error: null });
  });

  it('a refused hello fails the connect and says why', async () => {
    server.answers.hello = () => ({ error: { code: 'forbidden', message: 'grant expired' } });
    await expect(adapter.connect(grantFor(server))).rejects.toThrow('grant expired');
    expect(adapter.snapshot()).toMatchObject({ connection: 'disconnected', error: 'Could not reach the audio server: grant expired' });
  });

  it('a server that never answers fails the connect by the deadline', async () => {
    server.answers.ready = () => 'silence';
    await expect(adapter.connect(grantFor(server))).rejects.toThrow(/did not answer "ready"/);
    expect(adapter.snapshot().connection).toBe('disconnected');
  });

  it('a connect replaced by another one gives way: the old socket closes and its outcome changes nothing', async () => {
    const other = await startStandIn();
    serve(other);
    server.answers.hello = () => 'silence';
    try {
      const first = adapter.connect(grantFor(server, 'old'));
      await server.next('hello');
      await adapter.connect(grantFor(other, 'new'));
      await expect(first).resolves.toBeUndefined();
      await expect.poll(() => server.connections()).toBe(0);
      expect(adapter.snapshot()).toMatchObject({ connection: 'connected', error: null });
      expect(other.received[0]).toMatchObject({ type: 'hello', token: 'new' });
    } finally {
      await adapter.disconnect();
      await other.stop();
    }
  });
});

describe('createMediasoupAdapter: voices and the room', () => {
  beforeEach(async () => {
    await adapter.connect(grantFor(server));
  });

  it('a consumer becomes a playing <audio> in the sink, resumed on the server, and a track for the recorder', async () => {
    server.push(voice('ana', 'c-ana'));
    const resume = await server.next('resumeConsumer');
    expect(resume).toMatchObject({ consumerId: 'c-ana' });
    await expect.poll(() => elements().length).toBe(1);
    const el = elements()[0];
    expect(el?.dataset.identity).toBe('ana');
    expect(el?.autoplay).toBe(true);
    expect((el?.srcObject as MediaStream | null)?.getAudioTracks()).toHaveLength(1);
    expect([...adapter.remoteAudioTracks().keys()]).toEqual(['ana']);
    await expect.poll(() => adapter.snapshot().audioBlocked).toBe(false);

    server.push({ type: 'consumerClosed', consumerId: 'c-ana' });
    await expect.poll(() => elements().length).toBe(0);
    expect(adapter.remoteAudioTracks().size).toBe(0);
  });

  it('peers are audible only while we consume their voice and they are not muted', async () => {
    server.push({ type: 'peers', peers: [{ identity: 'ana', name: 'Ana', publishing: true, muted: false }, { identity: 'bo', name: 'Bo', publishing: false, muted: false }] });
    await expect.poll(() => adapter.snapshot().remote.length).toBe(2);
    expect(adapter.snapshot().remote.map((r) => r.hasAudio)).toEqual([false, false]);
    server.push(voice('ana', 'c-ana'));
    await expect.poll(() => adapter.snapshot().remote[0]?.hasAudio).toBe(true);
    server.push({ type: 'peers', peers: [{ identity: 'ana', name: 'Ana', publishing: true, muted: true }] });
    await expect.poll(() => adapter.snapshot().remote).toEqual([{ identity: 'ana', name: 'Ana', hasAudio: false, muted: true }]);
  });

  it('speakers and rights reach the snapshot as told', async () => {
    server.push({ type: 'speakers', identities: ['bo', 'me'] });
    server.push({ type: 'rights', canPublish: false });
    await expect.poll(() => adapter.snapshot().canPublish).toBe(false);
    expect(adapter.snapshot().activeSpeakers).toEqual(['bo', 'me']);
  });

  it('a voice that autoplay blocks sets audioBlocked until startAudio plays it', async () => {
    const play = vi.spyOn(HTMLMediaElement.prototype, 'play').mockRejectedValue(new DOMException('no gesture', 'NotAllowedError'));
    server.push(voice('ana', 'c-ana'));
    await expect.poll(() => elements().length).toBe(1);
    await expect.poll(() => adapter.snapshot().audioBlocked).toBe(true);
    play.mockResolvedValue(undefined);
    const calls = play.mock.calls.length;
    await adapter.startAudio();
    expect(play.mock.calls.length).toBe(calls + 1);
    expect(adapter.snapshot().audioBlocked).toBe(false);
  });
});

describe('createMediasoupAdapter: the microphone', () => {
  beforeEach(async () => {
    await adapter.connect(grantFor(server));
  });

  it('publishes muted on a send transport, unmutes, and unpublishes without stopping the pipeline track', async () => {
    const track = audioTrack();
    await adapter.publishMicrophone(track, { muted: true });
    const sent = types(server.received).slice(3);
    expect(sent).toEqual(['createTransport', 'connectTransport', 'produce']);
    const send = server.received[3];
    const connect = server.received[4];
    const produce = server.received[5];
    expect(send).toMatchObject({ direction: 'send' });
    expect(produce).toMatchObject({ kind: 'audio', paused: true });
    expect(connect?.type === 'connectTransport' && produce?.type === 'produce' && connect.transportId === produce.transportId).toBe(true);
    expect(adapter.snapshot()).toMatchObject({ publishing: true, micMuted: true });

    await adapter.setMicrophoneMuted(false);
    expect(server.received.at(-1)).toMatchObject({ type: 'pauseProducer', paused: false });
    expect(adapter.snapshot().micMuted).toBe(false);

    await adapter.unpublishMicrophone();
    expect(server.received.at(-1)).toMatchObject({ type: 'closeProducer' });
    expect(adapter.snapshot()).toMatchObject({ publishing: false, micMuted: false });
    expect(track.readyState).toBe('live');
  });

  it("a moderator's pause mutes us; a demotion's close ends publishing", async () => {
    await adapter.publishMicrophone(audioTrack());
    expect(adapter.snapshot()).toMatchObject({ publishing: true, micMuted: false });
    server.push({ type: 'producer', state: 'paused' });
    await expect.poll(() => adapter.snapshot().micMuted).toBe(true);
    server.push({ type: 'producer', state: 'closed' });
    await expect.poll(() => adapter.snapshot().publishing).toBe(false);
  });

  it('a refused unmute leaves the microphone muted', async () => {
    await adapter.publishMicrophone(audioTrack(), { muted: true });
    server.answers.pauseProducer = () => ({ error: { code: 'forbidden', message: 'muted by a host' } });
    await expect(adapter.setMicrophoneMuted(false)).rejects.toThrow('muted by a host');
    expect(adapter.snapshot().micMuted).toBe(true);
  });

  it('two publishes at once (a new microphone during a reconnect) make one producer, the later track on it', async () => {
    const second = audioTrack();
    await Promise.all([adapter.publishMicrophone(audioTrack(), { muted: true }), adapter.publishMicrophone(second, { muted: false })]);
    expect(types(server.received).filter((t) => t === 'produce')).toHaveLength(1);
    expect(server.received.at(-1)).toMatchObject({ type: 'pauseProducer', paused: false });
    expect(adapter.snapshot()).toMatchObject({ publishing: true, micMuted: false });
  });

  it('a send transport the server could not make is tried again by the next publish', async () => {
    server.answers.createTransport = () => ({ error: { code: 'failed', message: 'no port' } });
    await expect(adapter.publishMicrophone(audioTrack())).rejects.toThrow('no port');
    serve(server);
    await adapter.publishMicrophone(audioTrack());
    expect(adapter.snapshot().publishing).toBe(true);
  });

  it('a call that ends while publishing fails the publish as "not connected", and nothing claims to be on air', async () => {
    server.answers.produce = () => 'silence';
    const publishing = adapter.publishMicrophone(audioTrack());
    await server.next('produce');
    server.closeClients(SFU_CLOSE.restarted);
    await expect(publishing).rejects.toThrow(/^not connected/);
    expect(adapter.snapshot()).toMatchObject({ connection: 'disconnected', publishing: false });
  });

  it('a seat without the right to speak does not produce', async () => {
    server.push({ type: 'rights', canPublish: false });
    await expect.poll(() => adapter.snapshot().canPublish).toBe(false);
    await expect(adapter.publishMicrophone(audioTrack())).rejects.toThrow(/may not speak/);
    expect(types(server.received)).not.toContain('produce');
  });
});

describe('createMediasoupAdapter: the end of a call', () => {
  beforeEach(async () => {
    await adapter.connect(grantFor(server));
    server.push(voice('ana', 'c-ana'));
    await expect.poll(() => elements().length).toBe(1);
  });

  it('a refusal close disconnects, drops the voices and says why', async () => {
    const track = audioTrack();
    await adapter.publishMicrophone(track);
    server.closeClients(SFU_CLOSE.refused);
    await expect.poll(() => adapter.snapshot().connection).toBe('disconnected');
    expect(adapter.snapshot()).toMatchObject({ publishing: false, remote: [], error: expect.stringMatching(/refused/) });
    expect(elements()).toHaveLength(0);
    expect(track.readyState).toBe('live');
    await expect(adapter.publishMicrophone(track)).rejects.toThrow('not connected');
  });

  it('a restart close disconnects quietly, so recovery asks for a fresh grant', async () => {
    server.closeClients(SFU_CLOSE.restarted);
    await expect.poll(() => adapter.snapshot().connection).toBe('disconnected');
    expect(adapter.snapshot().error).toBeNull();
    expect(elements()).toHaveLength(0);
  });

  it('disconnect closes the socket and drops the voices', async () => {
    await adapter.disconnect();
    expect(adapter.snapshot()).toMatchObject({ connection: 'disconnected', remote: [], publishing: false });
    expect(elements()).toHaveLength(0);
    await expect.poll(() => server.connections()).toBe(0);
  });
});
