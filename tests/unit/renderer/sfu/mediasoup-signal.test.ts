// The mediasoup adapter's signalling against a stand-in server speaking common/sfu-signal.ts: replies matched to
// their requests, errors and silence turned into clear failures, close codes into what the user is told, and the
// server's peer list into the remote speakers the studio shows.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SFU_CLOSE } from '../../../../common/sfu-signal';
import {
  closeOutcome,
  localProducerPatch,
  openSignal,
  remoteSpeakers,
  SfuRequestError,
  type CloseOutcome,
  type SfuEvent,
} from '../../../../renderer/sfu/mediasoup-signal';
import { startStandIn, type StandIn } from './signal-stand-in';

let server: StandIn;
beforeEach(async () => {
  server = await startStandIn();
});
afterEach(async () => {
  await server.stop();
});

function recorder() {
  const events: SfuEvent[] = [];
  const closes: CloseOutcome[] = [];
  return { events, closes, handlers: { onEvent: (e: SfuEvent) => events.push(e), onClose: (c: CloseOutcome) => closes.push(c) } };
}

describe('openSignal', () => {
  it('matches replies to requests by id, even when they come back out of order', async () => {
    server.answers.createTransport = (r) => ({ value: { direction: r.type === 'createTransport' ? r.direction : null } });
    const { handlers } = recorder();
    const client = await openSignal(server.url, handlers);
    const a = client.request({ type: 'createTransport', direction: 'recv' }, (v) => v);
    const b = client.request({ type: 'createTransport', direction: 'send' }, (v) => v);
    await expect(a).resolves.toEqual({ direction: 'recv' });
    await expect(b).resolves.toEqual({ direction: 'send' });
    const ids = server.received.map((r) => r.id);
    expect(new Set(ids).size).toBe(2);
    expect(server.invalid).toEqual([]);
    client.close();
  });

  it('an error reply rejects with the server code and message', async () => {
    server.answers.produce = () => ({ error: { code: 'forbidden', message: 'listeners cannot speak' } });
    const client = await openSignal(server.url, recorder().handlers);
    const failure = client.request({ type: 'produce', transportId: 't', kind: 'audio', rtpParameters: {}, paused: false }, (v) => v);
    await expect(failure).rejects.toBeInstanceOf(SfuRequestError);
    await expect(failure).rejects.toMatchObject({ code: 'forbidden', message: 'listeners cannot speak' });
    client.close();
  });

  it('a request the server never answers fails by its deadline, naming the request', async () => {
    server.answers.hello = () => 'silence';
    const client = await openSignal(server.url, recorder().handlers, { timeoutMs: 150 });
    const started = Date.now();
    await expect(client.request({ type: 'hello', token: 'x' }, (v) => v)).rejects.toThrow(/did not answer "hello"/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    client.close();
  });

  it('a reply that does not parse rejects instead of resolving with junk', async () => {
    server.answers.hello = () => ({ value: { nothing: true } });
    const client = await openSignal(server.url, recorder().handlers);
    await expect(
      client.request({ type: 'hello', token: 'x' }, (v) => {
        if (!(v as { identity?: unknown }).identity) throw new Error('no identity');
        return v;
      }),
    ).rejects.toThrow(/not understood: no identity/);
    client.close();
  });

  it('passes events through, and skips frames outside the contract', async () => {
    const rec = recorder();
    const client = await openSignal(server.url, rec.handlers);
    server.push({ type: 'mystery', x: 1 });
    server.push({ type: 'speakers', identities: ['a', 'b'] });
    await expect.poll(() => rec.events.length).toBe(1);
    expect(rec.events[0]).toEqual({ type: 'speakers', identities: ['a', 'b'] });
    client.close();
  });

  it('a refusal close is told to the user and fails what is pending with the same words', async () => {
    server.answers.hello = () => 'silence';
    const rec = recorder();
    const client = await openSignal(server.url, rec.handlers);
    const pending = client.request({ type: 'hello', token: 'x' }, (v) => v);
    await server.next('hello');
    server.closeClients(SFU_CLOSE.refused);
    await expect(pending).rejects.toThrow(/refused/);
    expect(rec.closes).toEqual([expect.objectContaining({ kind: 'refused', code: SFU_CLOSE.refused })]);
    await expect(client.request({ type: 'hello', token: 'x' }, (v) => v)).rejects.toThrow(/closed/);
  });

  it('our own close does not report a server close', async () => {
    const rec = recorder();
    const client = await openSignal(server.url, rec.handlers);
    client.close();
    await expect.poll(() => server.connections()).toBe(0);
    expect(rec.closes).toEqual([]);
  });

  it('a server that is not there fails the open', async () => {
    const url = server.url;
    await server.stop();
    await expect(openSignal(url, recorder().handlers, { timeoutMs: 5_000 })).rejects.toThrow(/^could not open ws:\/\/127\.0\.0\.1:\d+\/sfu$/);
    server = await startStandIn();
  });
});

describe('closeOutcome', () => {
  it('only a refusal carries an error; a restart and any other close reconnect quietly', () => {
    expect(closeOutcome(SFU_CLOSE.refused)).toMatchObject({ kind: 'refused', error: expect.stringMatching(/refused/) });
    expect(closeOutcome(SFU_CLOSE.restarted)).toEqual({ kind: 'restarted', code: SFU_CLOSE.restarted, error: null });
    expect(closeOutcome(1006)).toEqual({ kind: 'lost', code: 1006, error: null });
  });
});

describe('remoteSpeakers', () => {
  const peers = [
    { identity: 'ana', name: 'Ana', publishing: true, muted: false },
    { identity: 'bo', name: '', publishing: true, muted: true },
    { identity: 'cy', name: 'Cy', publishing: false, muted: false },
    { identity: 'di', name: 'Di', publishing: true, muted: false },
  ];
  it('is audible only when publishing, unmuted and consumed here; muted and names as told', () => {
    expect(remoteSpeakers(peers, new Set(['ana', 'bo', 'cy']))).toEqual([
      { identity: 'ana', name: 'Ana', hasAudio: true, muted: false },
      { identity: 'bo', name: 'bo', hasAudio: false, muted: true },
      { identity: 'cy', name: 'Cy', hasAudio: false, muted: false },
      { identity: 'di', name: 'Di', hasAudio: false, muted: false },
    ]);
  });
});

describe('localProducerPatch', () => {
  it('a pause is a mute, a close ends publishing', () => {
    expect(localProducerPatch('paused')).toEqual({ micMuted: true });
    expect(localProducerPatch('live')).toEqual({ micMuted: false });
    expect(localProducerPatch('closed')).toEqual({ publishing: false, micMuted: false });
  });
});
