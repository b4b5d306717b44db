// Builds window.podium from the contract: exactly one function per contract entry, each a single ipcRenderer.invoke
// on its own channel. Nothing generic (no "invoke any channel") crosses the bridge.
import { contextBridge, ipcRenderer } from 'electron';
import type { PodiumApi } from '../common/ipc';
import { IPC_CHANNELS } from '../common/ipc-channels';

const api = Object.fromEntries(
  IPC_CHANNELS.map((channel) => [channel, (request?: unknown) => ipcRenderer.invoke(channel, request)]),
) as unknown as PodiumApi;

contextBridge.exposeInMainWorld('podium', Object.freeze(api));
