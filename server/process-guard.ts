// The last line of "handlers never throw out": an exception or rejection that escaped every handler is logged and
// the process keeps serving, instead of one bad request ending every live space on this machine.

type Log = (line: string) => void;

const logs = new Set<Log>();

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function report(kind: string, error: unknown): void {
  const line = `${kind} (kept running): ${describe(error)}`;
  for (const log of logs) {
    try {
      log(line);
    } catch {
      // A logger that fails must not throw from inside the guard: that would end the process after all.
    }
  }
}

function onException(error: unknown): void {
  report('uncaught exception', error);
}

function onRejection(reason: unknown): void {
  report('unhandled promise rejection', reason);
}

/**
 * Logs uncaught exceptions and unhandled rejections through `log` and keeps the process alive. Installing again (with
 * the same or another log) adds no second pair of process listeners; the returned function removes this install,
 * and the process listeners go with the last one. Calling it twice is harmless.
 */
export function installProcessGuard(log: Log): () => void {
  if (logs.size === 0) {
    process.on('uncaughtException', onException);
    process.on('unhandledRejection', onRejection);
  }
  logs.add(log);
  let installed = true;
  return () => {
    if (!installed) return;
    installed = false;
    logs.delete(log);
    if (logs.size === 0) {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
    }
  };
}
