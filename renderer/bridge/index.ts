// window.podium in Electron (from the preload), or the WebSocket bridge in the web studio. Components never care which.
// Recording audio has its own path: window.podiumAudio (a MessagePort to main) in Electron, binary frames on the
// bridge's WebSocket in the web studio.
import type { PodiumApi } from '../../common/ipc';
import { createWebBridge, type AudioSink } from './web-bridge';

export type { AudioSend, AudioSink } from './web-bridge';

declare global {
  interface Window {
    podium?: PodiumApi;
    podiumAudio?: { send(frame: ArrayBuffer): boolean };
  }
}

let audioSink: AudioSink = () => 'closed';

export function getPodium(onLost: (reason: string) => void): PodiumApi {
  if (window.podium) {
    const electronAudio = window.podiumAudio;
    audioSink = (frame) => (electronAudio?.send(frame) ? 'sent' : 'closed');
    return window.podium;
  }
  const bridge = createWebBridge(onLost);
  audioSink = bridge.sendAudio;
  return bridge;
}

/** Where the recorder's binary frames go (valid once getPodium has run). */
export function sendAudio(frame: ArrayBuffer): ReturnType<AudioSink> {
  return audioSink(frame);
}
