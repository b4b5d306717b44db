// Builds window.podium from the contract: exactly one function per contract entry, each a single ipcRenderer.invoke
// on its own channel. Nothing generic (no "invoke any channel") crosses the bridge.
import { contextBridge, ipcRenderer } from 'electron';
import type { PodiumApi } from '../common/ipc';
import { DESKTOP_COMMAND_CHANNEL, isDesktopCommand } from '../common/desktop';
import { createLinkInbox } from '../common/link-inbox';
import { IPC_CHANNELS } from '../common/ipc-channels';
import { isServicesStatus, SERVICES_STATUS_CHANNEL } from '../common/services-channel';

const api = Object.fromEntries(
  IPC_CHANNELS.map((channel) => [channel, (request?: unknown) => ipcRenderer.invoke(channel, request)]),
) as unknown as PodiumApi;

contextBridge.exposeInMainWorld('podium', Object.freeze(api));

// The one push from main: a podium:// link the user clicked, already turned into a space's web link by main. Heard
// from the moment the page exists and kept until the studio listens (it does once started): the link that launched
// Podium arrives before that.
const links = createLinkInbox();
ipcRenderer.on('podium:open-link', (_event: unknown, url: unknown) => typeof url === 'string' && links.deliver(url));
contextBridge.exposeInMainWorld(
  'podiumLinks',
  Object.freeze({
    onOpen(callback: (webUrl: string) => void): () => void {
      return links.listen(callback);
    },
  }),
);

// Recording audio: binary PCM frames (common/recording.ts) over a MessagePort to main, never JSON over IPC. The port is
// made on the first frame and handed to main once; main accepts it only from the app's own page.
let audioPort: MessagePort | null = null;
contextBridge.exposeInMainWorld(
  'podiumAudio',
  Object.freeze({
    send(frame: ArrayBuffer): boolean {
      if (!(frame instanceof ArrayBuffer)) return false;
      if (!audioPort) {
        const channel = new MessageChannel();
        audioPort = channel.port1;
        ipcRenderer.postMessage('podium:audio-port', null, [channel.port2]);
      }
      audioPort.postMessage(frame, [frame]);
      return true;
    },
  }),
);

// Tray items and the global mute key, carried out by the studio window: only the commands main may send pass.
contextBridge.exposeInMainWorld(
  'podiumDesktop',
  Object.freeze({
    onCommand(callback: (command: string) => void): () => void {
      const listener = (_event: unknown, command: unknown) => isDesktopCommand(command) && callback(command);
      ipcRenderer.on(DESKTOP_COMMAND_CHANNEL, listener);
      return () => ipcRenderer.removeListener(DESKTOP_COMMAND_CHANNEL, listener);
    },
  }),
);

// The studio's services process (running, restarting, given up), pushed by main when it changes: only a well-formed
// status passes.
contextBridge.exposeInMainWorld(
  'podiumServices',
  Object.freeze({
    onStatus(callback: (status: unknown) => void): () => void {
      const listener = (_event: unknown, status: unknown) => isServicesStatus(status) && callback(status);
      ipcRenderer.on(SERVICES_STATUS_CHANNEL, listener);
      return () => ipcRenderer.removeListener(SERVICES_STATUS_CHANNEL, listener);
    },
  }),
);
