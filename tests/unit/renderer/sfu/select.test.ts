// The SFU selector: each grant goes to the adapter of its SFU (LiveKit when the grant does not say), subscribers see
// one stream of snapshots across a switch, and the adapter of the SFU left behind is disconnected first.
import { describe, expect, it } from 'vitest';
import type { MediaGrant } from '../../../../common/protocol';
import { INITIAL_SFU_SNAPSHOT, type SfuAdapter, type SfuSnapshot } from '../../../../renderer/sfu/adapter';
import { createSfuAdapter, type SfuKind } from '../../../../renderer/sfu/select';

interface FakeAdapter extends SfuAdapter {
  kind: SfuKind;
  calls: string[];
  push(patch: Partial<SfuSnapshot>): void;
  listenerCount(): number;
}

function fakeAdapter(kind: SfuKind, log: string[], options: { slowDisconnect?: Partial<Record<SfuKind, number>> } = {}): FakeAdapter {
  let snap: SfuSnapshot = { ...INITIAL_SFU_SNAPSHOT };
  const listeners = new Set<(s: SfuSnapshot) => void>();
  const calls: string[] = [];
  const record = (call: string) => {
    calls.push(call);
    log.push(`${kind}.${call}`);
  };
  const push = (patch: Partial<SfuSnapshot>) => {
    snap = { ...snap, ...patch };
    for (const l of listeners) l(snap);
  };
  return {
    kind,
    calls,
    push,
    listenerCount: () => listeners.size,
    async connect(grant: MediaGrant) {
      record(`connect:${grant.token}`);
      push({ connection: 'connected' });
    },
    async publishMicrophone() {
      record('publish');
    },
    async unpublishMicrophone() {
      record('unpublish');
    },
    async setMicrophoneMuted(muted) {
      record(`mute:${muted}`);
    },
    async startAudio() {
      record('startAudio');
    },
    async disconnect() {
      record('disconnect');
      const wait = options.slowDisconnect?.[kind];
      if (wait) await new Promise((r) => setTimeout(r, wait));
      log.push(`${kind}.disconnected`);
      push({ ...INITIAL_SFU_SNAPSHOT, connection: 'disconnected' });
    },
    snapshot: () => snap,
    remoteAudioTracks: () => new Map([[kind, {} as MediaStreamTrack]]),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const sink = {} as HTMLElement;
const livekitGrant: MediaGrant = { url: 'ws://127.0.0.1:7880', token: 'lk1', identity: 'p1', canPublish: true };
const mediasoupGrant: MediaGrant = { sfu: 'mediasoup', url: 'ws://127.0.0.1:4000/sfu', token: 'ms1', identity: 'p1', canPublish: true };

function setup(options: { slowDisconnect?: Partial<Record<SfuKind, number>> } = {}) {
  const log: string[] = [];
  const made: FakeAdapter[] = [];
  const make = (kind: SfuKind) => () => {
    const a = fakeAdapter(kind, log, options);
    made.push(a);
    return a;
  };
  const adapter = createSfuAdapter(sink, { livekit: make('livekit'), mediasoup: make('mediasoup') });
  const seen: SfuSnapshot[] = [];
  adapter.subscribe((s) => seen.push(s));
  return { adapter, made, log, seen };
}

describe('createSfuAdapter', () => {
  it('a grant without `sfu` goes to LiveKit, one with sfu: mediasoup to mediasoup', async () => {
    const { adapter, made } = setup();
    await adapter.connect(livekitGrant);
    expect(made.map((a) => a.kind)).toEqual(['livekit']);
    expect(made[0]?.calls).toEqual(['connect:lk1']);
    await adapter.connect({ ...livekitGrant, sfu: 'livekit', token: 'lk2' });
    expect(made.map((a) => a.kind)).toEqual(['livekit']);
    await adapter.connect(mediasoupGrant);
    expect(made.map((a) => a.kind)).toEqual(['livekit', 'mediasoup']);
    expect(made[1]?.calls).toEqual(['connect:ms1']);
  });

  it('forwards snapshots to subscribers that came before the first connect, across a switch', async () => {
    const { adapter, made, seen } = setup();
    await adapter.connect(mediasoupGrant);
    expect(seen.at(-1)?.connection).toBe('connected');
    expect(adapter.snapshot().connection).toBe('connected');
    made[1]?.push({ activeSpeakers: ['ana'] });
    expect(seen.at(-1)?.activeSpeakers).toEqual(['ana']);
    expect(adapter.snapshot().activeSpeakers).toEqual(['ana']);
  });

  it('disconnects the old adapter before the new one connects, and its farewell does not reach subscribers', async () => {
    const { adapter, made, log, seen } = setup({ slowDisconnect: { livekit: 50 } });
    await adapter.connect(livekitGrant);
    const before = seen.length;
    await adapter.connect(mediasoupGrant);
    expect(log).toEqual(['livekit.connect:lk1', 'livekit.disconnect', 'livekit.disconnected', 'mediasoup.connect:ms1']);
    expect(seen.slice(before).map((s) => s.connection)).toEqual(['connecting', 'connected']);
    // The old adapter is no longer listened to: late events from it change nothing.
    expect(made[0]?.listenerCount()).toBe(0);
    made[0]?.push({ connection: 'disconnected', activeSpeakers: ['ghost'] });
    expect(adapter.snapshot()).toMatchObject({ connection: 'connected', activeSpeakers: [] });
  });

  it('actions go to the adapter of the current grant', async () => {
    const { adapter, made } = setup();
    await adapter.connect(mediasoupGrant);
    await adapter.publishMicrophone({} as MediaStreamTrack, { muted: true });
    await adapter.setMicrophoneMuted(false);
    await adapter.startAudio();
    await adapter.unpublishMicrophone();
    expect([...adapter.remoteAudioTracks().keys()]).toEqual(['mediasoup']);
    await adapter.disconnect();
    expect(made[1]?.calls).toEqual(['connect:ms1', 'publish', 'mute:false', 'startAudio', 'unpublish', 'disconnect']);
    expect(made[0]?.calls).toEqual(['disconnect']);
    expect(adapter.snapshot().connection).toBe('disconnected');
  });

  it('a connect overtaken while the old adapter says goodbye leaves the connection to the newer one', async () => {
    // The first LiveKit adapter takes longer to leave than the mediasoup one the second switch leaves.
    const { adapter, made, log } = setup({ slowDisconnect: { livekit: 120, mediasoup: 10 } });
    await adapter.connect(livekitGrant);
    const first = adapter.connect(mediasoupGrant);
    const second = adapter.connect({ ...livekitGrant, token: 'lk2' });
    await Promise.all([first, second]);
    expect(made.map((a) => a.kind)).toEqual(['livekit', 'mediasoup', 'livekit']);
    expect(made[1]?.calls).toEqual(['disconnect']);
    expect(made[2]?.calls).toEqual(['connect:lk2']);
    expect(adapter.snapshot().connection).toBe('connected');
    // The first LiveKit adapter finished leaving (and clearing the shared sink) before the new one connected.
    expect(log.indexOf('livekit.disconnected')).toBeLessThan(log.indexOf('livekit.connect:lk2'));
  });
});
