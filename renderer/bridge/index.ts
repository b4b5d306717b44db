// window.podium in Electron (from the preload), or the WebSocket bridge in the web studio. Components never care which.
import type { PodiumApi } from '../../common/ipc';
import { createWebBridge } from './web-bridge';

declare global {
  interface Window {
    podium?: PodiumApi;
  }
}

export function getPodium(onLost: (reason: string) => void): PodiumApi {
  return window.podium ?? createWebBridge(onLost);
}
