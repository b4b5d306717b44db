// The services process in the desktop app is an Electron utility process; this adapts one (structurally, so this
// module stays free of Electron) to the transport main/services/process/parent.ts speaks. Messages posted before the
// process has spawned are held and sent once it has: the start message must not depend on Electron queueing them.
import type { FromServices, ToServices } from '../services/process/protocol';
import type { ServicesTransport } from '../services/process/parent';

/** The part of Electron's UtilityProcess this needs. */
export interface UtilityProcessLike {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  on(event: 'spawn', listener: () => void): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export function utilityTransport(child: UtilityProcessLike): ServicesTransport & { readonly pid: number | undefined } {
  let spawned = false;
  let exited = false;
  const held: ToServices[] = [];
  child.on('spawn', () => {
    spawned = true;
    for (const message of held.splice(0)) child.postMessage(message);
  });
  child.on('exit', () => {
    exited = true;
    held.length = 0;
  });
  return {
    get pid() {
      return child.pid;
    },
    send(message) {
      if (exited) return;
      if (!spawned) return void held.push(message);
      try {
        child.postMessage(message);
      } catch {
        // It died a moment ago and its exit is on the way: that answers what was waiting (as the Node launcher's
        // EPIPE does; a send must never throw into the call that made it).
      }
    },
    onMessage: (listener) => void child.on('message', (message) => listener(message as FromServices)),
    onExit: (listener) => void child.on('exit', (code) => listener(code)),
    kill: () => void child.kill(),
  };
}
