// Binds the IPC contract to handlers. Every call is checked here, whichever shell carried it (Electron IPC or the
// web studio's WebSocket): unknown channel → error, request parsed by the contract's schema, thrown errors turned
// into codes, and the response checked against its schema so the renderer never sees a shape it did not expect.
import { describeIssues } from '../../common/protocol';
import { ipcContract, type IpcChannel, type IpcParsedRequest, type IpcResponse } from '../../common/ipc';
import { err, ok, toAppError, type Result } from '../../common/result';

export type IpcHandlers = {
  [C in IpcChannel]: (request: IpcParsedRequest<C>) => Promise<IpcResponse<C>> | IpcResponse<C>;
};

export function isIpcChannel(name: unknown): name is IpcChannel {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(ipcContract, name);
}

export async function dispatch(
  handlers: IpcHandlers,
  channel: unknown,
  request: unknown,
  log: (line: string) => void = () => {},
): Promise<Result<unknown>> {
  if (!isIpcChannel(channel)) return err('unknown_type', `unknown call ${JSON.stringify(String(channel)).slice(0, 60)}`);
  const entry = ipcContract[channel];
  const parsed = entry.request.safeParse(request);
  if (!parsed.success) return err('bad_request', `${channel}: ${describeIssues(parsed.error)}`);
  try {
    const handler = handlers[channel] as (req: unknown) => Promise<unknown> | unknown;
    const value = await handler(parsed.data);
    const checked = entry.response.safeParse(value);
    if (!checked.success) {
      log(`${channel} produced a response outside the contract: ${describeIssues(checked.error)}`);
      return err('internal', 'Podium produced an unexpected answer; this is a bug — details are in the log.');
    }
    return ok(checked.data);
  } catch (thrown) {
    const error = toAppError(thrown);
    if (error.code === 'internal') log(`${channel} failed: ${thrown instanceof Error ? thrown.stack : String(thrown)}`);
    return { ok: false, error };
  }
}
