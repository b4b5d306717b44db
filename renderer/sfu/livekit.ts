// The LiveKit implementation of SfuAdapter: the only renderer module that imports livekit-client.
import {
  AudioPresets,
  ConnectionState,
  Room,
  RoomEvent,
  Track,
  type LocalTrackPublication,
  type Participant,
  type RemoteTrack,
} from 'livekit-client';
import type { MediaGrant } from '../../common/protocol';
import { INITIAL_SFU_SNAPSHOT, type SfuAdapter, type SfuConnection, type SfuSnapshot } from './adapter';
import { AUDIO_PROTECTION, publishOptionsFor } from './audio-protection';

function mapState(state: ConnectionState): SfuConnection {
  switch (state) {
    case ConnectionState.Connecting:
      return 'connecting';
    case ConnectionState.Connected:
      return 'connected';
    case ConnectionState.Reconnecting:
    case ConnectionState.SignalReconnecting:
      return 'reconnecting';
    case ConnectionState.Disconnected:
      return 'disconnected';
    default:
      return 'disconnected';
  }
}

/** How long saying goodbye to an SFU may hold up the next connection (it may have died). */
export const LEAVE_WAIT_MS = 2_000;

/** Waits for `work` (its failure ignored) at most `ms`. */
export async function within(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  try {
    await Promise.race([work.then(() => {}, () => {}), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `audioSink` holds the <audio> elements of remote tracks (they must be in the DOM to play). */
export function createLivekitAdapter(audioSink: HTMLElement): SfuAdapter {
  let room: Room | null = null;
  let micPublication: LocalTrackPublication | null = null;
  let snap: SfuSnapshot = { ...INITIAL_SFU_SNAPSHOT };
  const listeners = new Set<(s: SfuSnapshot) => void>();
  const emit = (patch: Partial<SfuSnapshot>) => {
    snap = { ...snap, ...patch };
    for (const l of listeners) l(snap);
  };
  /** Elements of a call that is gone (the SFU died: no unsubscribe events came) would play silence forever. */
  const dropRemoteElements = () => {
    for (const el of audioSink.querySelectorAll('audio[data-podium-remote-audio]')) el.remove();
  };
  /** Leaves a room without stopping our microphone track: the audio pipeline owns it and publishes it again. */
  const leave = async (r: Room) => {
    r.removeAllListeners();
    await r.disconnect(false);
  };
  const remoteList = (r: Room) =>
    [...r.remoteParticipants.values()].map((p) => ({
      identity: p.identity,
      name: p.name || p.identity,
      hasAudio: [...p.audioTrackPublications.values()].some((pub) => pub.isSubscribed && !pub.isMuted),
      muted: [...p.audioTrackPublications.values()].some((pub) => pub.isMuted),
    }));
  const localState = (r: Room) => ({
    canPublish: r.localParticipant.permissions?.canPublish ?? false,
    micMuted: micPublication?.isMuted ?? false,
    publishing: !!micPublication,
  });

  function wire(r: Room): void {
    // A room replaced by a fresh connect may still fire events while it winds down: they no longer describe us.
    const ours = (patch: Partial<SfuSnapshot>) => {
      if (room === r) emit(patch);
    };
    const refresh = () => ours({ remote: remoteList(r) });
    r.on(RoomEvent.ConnectionStateChanged, (state) => ours({ connection: mapState(state) }))
      .on(RoomEvent.ActiveSpeakersChanged, (speakers: Participant[]) => ours({ activeSpeakers: speakers.map((p) => p.identity) }))
      .on(RoomEvent.ParticipantConnected, refresh)
      .on(RoomEvent.ParticipantDisconnected, refresh)
      // Mutes of our own track come from here too: a host's server-side mute arrives as TrackMuted.
      .on(RoomEvent.TrackMuted, () => ours({ ...localState(r), remote: remoteList(r) }))
      .on(RoomEvent.TrackUnmuted, () => ours({ ...localState(r), remote: remoteList(r) }))
      .on(RoomEvent.ParticipantPermissionsChanged, (_prev, participant) => {
        if (participant === r.localParticipant) ours(localState(r));
      })
      .on(RoomEvent.LocalTrackUnpublished, (publication) => {
        // A demotion revokes publishing and the SFU unpublishes us: reflect it instead of pretending to be on air.
        if (publication === micPublication) micPublication = null;
        ours(localState(r));
      })
      .on(RoomEvent.TrackSubscribed, (track: RemoteTrack, _pub, participant) => {
        if (track.kind === Track.Kind.Audio) {
          const el = track.attach();
          el.dataset.podiumRemoteAudio = '1';
          el.dataset.identity = participant.identity;
          audioSink.appendChild(el);
        }
        refresh();
      })
      .on(RoomEvent.TrackUnsubscribed, (track: RemoteTrack) => {
        track.detach().forEach((el) => el.remove());
        refresh();
      })
      .on(RoomEvent.AudioPlaybackStatusChanged, () => ours({ audioBlocked: !r.canPlaybackAudio }))
      .on(RoomEvent.Disconnected, () => {
        // The SDK gave up (or the room was closed): nothing of ours is published any more.
        if (room === r) micPublication = null;
        ours({ connection: 'disconnected', remote: [], activeSpeakers: [], publishing: false });
      });
  }

  return {
    async connect(grant: MediaGrant) {
      const old = room;
      room = null;
      micPublication = null;
      // Bounded: saying goodbye to an SFU that died must not hold up the new connection.
      if (old) await within(leave(old), LEAVE_WAIT_MS);
      dropRemoteElements();
      // stopLocalTrackOnUnpublish: false — when the SDK gives up on a dead SFU it must not end the pipeline's track,
      // which the next connection publishes again.
      const r = new Room({ adaptiveStream: false, dynacast: false, disconnectOnPageLeave: true, stopLocalTrackOnUnpublish: false });
      room = r;
      wire(r);
      emit({ connection: 'connecting', error: null });
      try {
        await r.connect(grant.url, grant.token, { autoSubscribe: true });
        if (room !== r) return;
        emit({ connection: 'connected', audioBlocked: !r.canPlaybackAudio, remote: remoteList(r), ...localState(r) });
      } catch (error) {
        // Replaced by a fresh connect while it was under way: that one speaks for the connection now.
        if (room !== r) return;
        emit({ connection: 'disconnected', error: `Could not reach the audio server: ${(error as Error).message}` });
        throw error;
      }
    },
    async publishMicrophone(track: MediaStreamTrack, options?: { muted?: boolean }) {
      if (!room) throw new Error('not connected');
      if (micPublication?.track) await room.localParticipant.unpublishTrack(micPublication.track, false);
      micPublication = null;
      micPublication = await room.localParticipant.publishTrack(track, {
        source: Track.Source.Microphone,
        name: 'microphone',
        audioPreset: AudioPresets.music,
        // RED and DTX as measured over lossy, jittery links (renderer/sfu/audio-protection.ts).
        ...publishOptionsFor(AUDIO_PROTECTION),
      });
      if (options?.muted) await micPublication.track?.mute();
      emit(localState(room));
    },
    async unpublishMicrophone() {
      const pub = micPublication;
      micPublication = null;
      if (room && pub?.track) await room.localParticipant.unpublishTrack(pub.track, false);
      if (room) emit(localState(room));
    },
    async setMicrophoneMuted(muted: boolean) {
      const track = micPublication?.track;
      if (!track) return;
      if (muted) await track.mute();
      else await track.unmute();
      if (room) emit(localState(room));
    },
    async startAudio() {
      await room?.startAudio();
      for (const el of audioSink.querySelectorAll('audio')) void el.play().catch(() => {});
      emit({ audioBlocked: room ? !room.canPlaybackAudio : false });
    },
    async disconnect() {
      const r = room;
      room = null;
      micPublication = null;
      if (r) await leave(r);
      // Elements of tracks that never got an unsubscribe event (the room went away at once) go too.
      dropRemoteElements();
      emit({ ...INITIAL_SFU_SNAPSHOT, connection: 'disconnected' });
    },
    snapshot: () => snap,
    remoteAudioTracks() {
      const tracks = new Map<string, MediaStreamTrack>();
      for (const p of room?.remoteParticipants.values() ?? []) {
        for (const pub of p.audioTrackPublications.values()) {
          if (pub.isSubscribed && pub.track) tracks.set(p.identity, pub.track.mediaStreamTrack);
        }
      }
      return tracks;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
