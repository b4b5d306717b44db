// Quitting waits for the studio's services: a recording in progress is finished (its headers written, its folder
// indexed), the space server closes its sockets and SQLite, the embedded LiveKit stops. Electron's will-quit does
// not wait for a promise, so the guard holds the quit (preventDefault), closes, then exits for real.
export interface QuitEvent {
  preventDefault(): void;
}

export interface QuitGuard {
  /** The app's will-quit listener. */
  onWillQuit(event: QuitEvent): void;
  /** Set once quitting has begun: resolves when the services are closed (or given up on) and exit was called. */
  readonly done: Promise<void> | null;
}

/** Long enough to finish a recording and stop LiveKit on a busy machine; a hung close must not keep the app alive. */
export const QUIT_TIMEOUT_MS = 20_000;

export function createQuitGuard(opts: {
  close: () => Promise<void>;
  /** app.exit: ends the process without emitting will-quit again. */
  exit: (code: number) => void;
  log?: (line: string) => void;
  timeoutMs?: number;
}): QuitGuard {
  const log = opts.log ?? (() => {});
  let done: Promise<void> | null = null;
  let exited = false;

  async function closeThenExit(): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), opts.timeoutMs ?? QUIT_TIMEOUT_MS);
    });
    let code = 0;
    try {
      const outcome = await Promise.race([opts.close().then(() => 'closed' as const), timedOut]);
      if (outcome === 'timeout') {
        log('quitting: the services did not close in time; exiting anyway');
        code = 1;
      }
    } catch (error) {
      log(`quitting: closing the services failed: ${error instanceof Error ? error.message : String(error)}`);
      code = 1;
    } finally {
      clearTimeout(timer);
    }
    exited = true;
    opts.exit(code);
  }

  return {
    onWillQuit(event) {
      // After exit was called the process is going; nothing is left to wait for.
      if (exited) return;
      // Every will-quit until then is held, also a second Cmd+Q while closing: the close is already under way.
      event.preventDefault();
      done ??= closeThenExit();
    },
    get done() {
      return done;
    },
  };
}
