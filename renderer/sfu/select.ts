// Picks the SFU SDK by the media grant: the studio and the listener page hold one SfuAdapter for their whole life and
// never learn which SFU a space uses. Each connect(grant) goes to the LiveKit or the mediasoup adapter by `grant.sfu`
// (absent: LiveKit), replacing the other one when the kind changes; subscribers see one stream of snapshots.
import type { MediaGrant } from '../../common/protocol';
import type { SfuAdapter, SfuSnapshot } from './adapter';
import { createLivekitAdapter, LEAVE_WAIT_MS, within } from './livekit';
import { createMediasoupAdapter } from './mediasoup';

export type SfuKind = NonNullable<MediaGrant['sfu']>;
export type SfuFactories = Record<SfuKind, (audioSink: HTMLElement) => SfuAdapter>;

const DEFAULT_FACTORIES: SfuFactories = { livekit: createLivekitAdapter, mediasoup: createMediasoupAdapter };
export function sfuKindOf(grant: MediaGrant): SfuKind {
  return grant.sfu ?? 'livekit';
}

export function createSfuAdapter(audioSink: HTMLElement, factories: SfuFactories = DEFAULT_FACTORIES): SfuAdapter {
  const listeners = new Set<(s: SfuSnapshot) => void>();
  // LiveKit until a grant says otherwise, so everything before the first connect behaves exactly as it always did.
  let kind: SfuKind = 'livekit';
  let inner = factories.livekit(audioSink);
  let last = inner.snapshot();
  const forward = (s: SfuSnapshot) => {
    last = s;
    for (const l of listeners) l(s);
  };
  let unforward = inner.subscribe(forward);
  /** Every adapter still saying goodbye: a connect after two quick switches waits for both. */
  let farewells: Promise<unknown> = Promise.resolve();

  return {
    async connect(grant: MediaGrant) {
      const next = sfuKindOf(grant);
      if (next !== kind) {
        const old = inner;
        // The old adapter's farewell snapshots no longer describe this connection.
        unforward();
        kind = next;
        inner = factories[next](audioSink);
        unforward = inner.subscribe(forward);
        const target = inner;
        forward({ ...inner.snapshot(), connection: 'connecting', error: null });
        // Both adapters clear the shared sink's <audio> elements on disconnect: the old one finishes first.
        farewells = Promise.all([farewells, old.disconnect().catch(() => {})]);
        await within(farewells, LEAVE_WAIT_MS);
        // Overtaken by a newer connect while waiting: that one speaks for the connection now (as the adapters do).
        if (inner !== target) return;
      }
      await inner.connect(grant);
    },
    publishMicrophone: (track, options) => inner.publishMicrophone(track, options),
    unpublishMicrophone: () => inner.unpublishMicrophone(),
    setMicrophoneMuted: (muted) => inner.setMicrophoneMuted(muted),
    startAudio: () => inner.startAudio(),
    disconnect: () => inner.disconnect(),
    snapshot: () => last,
    remoteAudioTracks: () => inner.remoteAudioTracks(),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
