// What the bad-network test page offers to the test driving it (window.podiumNetworkPage), shared by both sides.
import type { AudioProtection } from '../../../renderer/sfu/audio-protection';

export interface ReceiveStats {
  codec: string;
  packetsReceived: number;
  packetsLost: number;
  concealedSamples: number;
  silentConcealedSamples: number;
  totalSamplesReceived: number;
  insertedSamplesForDeceleration: number;
  removedSamplesForAcceleration: number;
  fecPacketsReceived: number;
  nackCount: number;
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
}

export interface NetworkPageApi {
  /** Connects through the studio's adapter and publishes the fake microphone with `protection`. Returns the send codec line. */
  speak(args: { url: string; token: string; identity: string; protection: AudioProtection | 'chosen' }): Promise<{ codec: string; protection: AudioProtection }>;
  /** Connects through the studio's adapter as a listener; resolves once a remote audio element is attached. */
  listen(args: { url: string; token: string; identity: string }): Promise<void>;
  /** RMS per 20 ms block of the remote audio: until `seconds` are recorded, or (sound) until one block is above `db`. */
  record(args: { seconds: number; untilSoundDb?: number; timeoutMs: number }): Promise<{ env: number[]; met: boolean }>;
  /** The listener's audio receive statistics (summed over its inbound audio streams). */
  receiveStats(): Promise<ReceiveStats>;
  leave(): Promise<void>;
}

declare global {
  interface Window {
    podiumNetworkPage: NetworkPageApi;
  }
}
