// The one interface between Podium and an SFU SDK. LiveKit (livekit.ts) and mediasoup (mediasoup.ts) implement it, and
// select.ts picks one per media grant, without any component noticing. State is plain data pushed to subscribers.
import type { MediaGrant } from '../../common/protocol';

export type SfuConnection = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export interface RemoteSpeaker {
  identity: string;
  name: string;
  hasAudio: boolean;
  /** Their microphone is published but muted. */
  muted: boolean;
}

export interface SfuSnapshot {
  connection: SfuConnection;
  /** Identities speaking now, loudest first (includes the local participant). */
  activeSpeakers: string[];
  remote: RemoteSpeaker[];
  /** True until a user gesture lets the page play audio. */
  audioBlocked: boolean;
  /** What the SFU lets this participant do now (changes live when a host approves or demotes). */
  canPublish: boolean;
  publishing: boolean;
  /** Muted by themselves or by a host (server-side mute). */
  micMuted: boolean;
  error: string | null;
}

export interface SfuAdapter {
  connect(grant: MediaGrant): Promise<void>;
  /** Publishes a track (from the audio pipeline); `muted` publishes it silent until setMicrophoneMuted(false). */
  publishMicrophone(track: MediaStreamTrack, options?: { muted?: boolean }): Promise<void>;
  unpublishMicrophone(): Promise<void>;
  setMicrophoneMuted(muted: boolean): Promise<void>;
  /** Call from a click: starts playback of remote audio. */
  startAudio(): Promise<void>;
  disconnect(): Promise<void>;
  snapshot(): SfuSnapshot;
  /** Each remote participant's subscribed audio, by identity, as it plays here (the recorder's taps read these). */
  remoteAudioTracks(): Map<string, MediaStreamTrack>;
  subscribe(listener: (snapshot: SfuSnapshot) => void): () => void;
}

export const INITIAL_SFU_SNAPSHOT: SfuSnapshot = {
  connection: 'idle',
  activeSpeakers: [],
  remote: [],
  audioBlocked: true,
  canPublish: false,
  publishing: false,
  micMuted: false,
  error: null,
};
