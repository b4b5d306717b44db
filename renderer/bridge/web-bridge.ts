// The web studio's side of the contract: the same PodiumApi as Electron's preload, carried over a WebSocket to the
// Node process that runs the main services. The per-run secret arrives in the URL fragment once and is kept in
// sessionStorage (this tab only) so a reload still works; the fragment is then removed from the address bar. The host
// also pushes the services process's status (running, restarting, given up) on the same socket.
import type { BridgeReply } from '../../common/bridge';
import { IPC_CHANNELS, WEB_BRIDGE_PATH, type PodiumApi } from '../../common/ipc';
import { err, type Result } from '../../common/result';

const SECRET_KEY = 'podium.bridgeSecret';

/** The studio key in a URL fragment ("#k=…"), or null when it carries none. */
export function keyInHash(hash: string): string | null {
  return /[#&]k=([A-Za-z0-9_-]+)/.exec(hash)?.[1] ?? null;
}

export type HashAction =
  /** The fragment has no key: leave it alone. */
  | { type: 'ignore' }
  /** The key this tab already uses: just tidy the address bar. */
  | { type: 'same' }
  /** A new key (Podium restarted and printed a new link): keep it and start the studio again with it. */
  | { type: 'rekey'; key: string };

/**
 * What to do when the address bar's fragment changes in a studio tab. Pasting the new studio link into an old tab
 * changes only the fragment, which reloads nothing by itself: a new key must restart the page with it.
 */
export function hashAction(currentKey: string | null, hash: string): HashAction {
  const key = keyInHash(hash);
  if (key === null) return { type: 'ignore' };
  return key === currentKey ? { type: 'same' } : { type: 'rekey', key };
}

function clearHash(): void {
  history.replaceState(null, '', location.pathname + location.search);
}

function takeSecret(): string | null {
  const key = keyInHash(location.hash);
  if (key) {
    sessionStorage.setItem(SECRET_KEY, key);
    clearHash();
  }
  return sessionStorage.getItem(SECRET_KEY);
}

let watchingHash = false;

/** A new studio link pasted into this tab (only its #k= differs): keep the new key and reload with it. */
function watchHash(): void {
  if (watchingHash) return;
  watchingHash = true;
  window.addEventListener('hashchange', () => {
    const action = hashAction(sessionStorage.getItem(SECRET_KEY), location.hash);
    if (action.type === 'ignore') return;
    if (action.type === 'rekey') sessionStorage.setItem(SECRET_KEY, action.key);
    clearHash();
    // Everything the page holds came from the old services (or failed to): starting afresh is the honest way.
    if (action.type === 'rekey') location.reload();
  });
}

/** How a recording frame fared: sent, dropped because the link is backed up, or no link at all. */
export type AudioSend = 'sent' | 'busy' | 'closed';
export type AudioSink = (frame: ArrayBuffer) => AudioSend;

/** Above this much unsent data the link is behind: frames are dropped (and counted) rather than queued. */
const MAX_BUFFERED_AUDIO = 2 * 1024 * 1024;

export function createWebBridge(
  onLost: (reason: string) => void,
  /** The services' status as the host pushed it; checked by the caller. */
  onServices: (status: unknown) => void = () => {},
): PodiumApi & { sendAudio: AudioSink } {
  const secret = takeSecret();
  watchHash();
  const pending = new Map<number, (result: Result<unknown>) => void>();
  let nextId = 1;
  let ready: Promise<WebSocket> | null = null;
  let open: WebSocket | null = null;

  function connect(): Promise<WebSocket> {
    if (!secret) return Promise.reject(new Error('This studio link has no key. Open the studio link Podium printed when it started.'));
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}${WEB_BRIDGE_PATH}`);
      ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', secret }));
      ws.onmessage = (event) => {
        const reply = JSON.parse(String(event.data)) as BridgeReply;
        if (reply.type === 'welcome') {
          open = ws;
          resolve(ws);
        }
        else if (reply.type === 'result') pending.get(reply.id)?.(reply.result);
        else if (reply.type === 'services') onServices(reply.status);
        else if (reply.type === 'error') {
          // Before the welcome: the key was refused. After it: a call the host could not even read; fail them all.
          reject(new Error(reply.message));
          for (const settle of pending.values()) settle(err('bad_request', reply.message));
        }
      };
      ws.onclose = (event) => {
        ready = null;
        if (open === ws) open = null;
        for (const [id, settle] of pending) {
          settle(err('unavailable', "The studio's services stopped. Start Podium again, then paste the studio link it prints into this tab."));
          pending.delete(id);
        }
        reject(new Error(event.code === 4401 ? 'This studio link is out of date. Paste the studio link Podium printed when it started into this tab.' : "Can't reach the studio's services. Start Podium again, then paste the studio link it prints into this tab."));
        onLost(event.code === 4401 ? 'key' : 'closed');
      };
    });
  }

  async function call(channel: string, request: unknown): Promise<Result<unknown>> {
    let ws: WebSocket;
    try {
      ws = await (ready ??= connect());
    } catch (error) {
      ready = null;
      return err('unavailable', (error as Error).message);
    }
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, (result) => {
        pending.delete(id);
        resolve(result);
      });
      ws.send(JSON.stringify({ type: 'call', id, channel, request }));
    });
  }

  const api = Object.fromEntries(IPC_CHANNELS.map((c) => [c, (request?: unknown) => call(c, request)])) as unknown as PodiumApi;
  const sendAudio: AudioSink = (frame) => {
    if (!open || open.readyState !== WebSocket.OPEN) return 'closed';
    if (open.bufferedAmount > MAX_BUFFERED_AUDIO) return 'busy';
    open.send(frame);
    return 'sent';
  };
  return Object.assign(api, { sendAudio });
}
