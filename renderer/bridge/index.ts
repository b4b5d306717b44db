// window.podium in Electron (from the preload), or the WebSocket bridge in the web studio. Components never care which.
// Recording audio has its own path: window.podiumAudio (a MessagePort to main) in Electron, binary frames on the
// bridge's WebSocket in the web studio. The studio's services status (running, restarting, given up) comes from the
// preload's podiumServices in Electron and from the bridge's socket in the web studio; onServicesStatus hears both.
import type { PodiumApi } from '../../common/ipc';
import { isServicesStatus } from '../../common/services-channel';
import type { ServicesStatus } from '../../common/services-status';
import { createWebBridge, type AudioSink } from './web-bridge';

export type { AudioSend, AudioSink } from './web-bridge';

declare global {
  interface Window {
    podium?: PodiumApi;
    podiumAudio?: { send(frame: ArrayBuffer): boolean };
    podiumServices?: { onStatus(callback: (status: unknown) => void): () => void };
  }
}

let audioSink: AudioSink = () => 'closed';
const statusListeners = new Set<(status: ServicesStatus) => void>();
let lastStatus: ServicesStatus | null = null;
let stopElectronStatus: (() => void) | null = null;

/** One status from either shell: checked, remembered for late listeners, passed on. */
function takeStatus(value: unknown): void {
  if (!isServicesStatus(value)) return;
  lastStatus = value;
  for (const listener of [...statusListeners]) listener(value);
}

/** The services process's status from now on (the last one known at once, if any); returns the unsubscribe. */
export function onServicesStatus(listener: (status: ServicesStatus) => void): () => void {
  statusListeners.add(listener);
  if (lastStatus) listener(lastStatus);
  return () => void statusListeners.delete(listener);
}

export function getPodium(onLost: (reason: string) => void): PodiumApi {
  if (window.podium) {
    const electronAudio = window.podiumAudio;
    audioSink = (frame) => (electronAudio?.send(frame) ? 'sent' : 'closed');
    stopElectronStatus?.();
    stopElectronStatus = window.podiumServices?.onStatus(takeStatus) ?? null;
    return window.podium;
  }
  const bridge = createWebBridge(onLost, takeStatus);
  audioSink = bridge.sendAudio;
  return bridge;
}

/** Where the recorder's binary frames go (valid once getPodium has run). */
export function sendAudio(frame: ArrayBuffer): ReturnType<AudioSink> {
  return audioSink(frame);
}
