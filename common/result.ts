// Result and error codes shared by every boundary (IPC, space protocol, HTTP): an error that crosses a
// boundary always carries a machine-readable code and a message a person can act on.

export const ERROR_CODES = [
  'bad_request', // the message or call did not match its schema
  'too_large', // the message was over the size limit
  'unknown_type', // a message type the server does not know
  'not_found', // the space (or other object) does not exist
  'forbidden', // the caller's role does not allow this
  'invalid_state', // e.g. going live in a space that has ended
  'rate_limited',
  'unavailable', // a dependency (LiveKit, disk) is not reachable
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppError {
  code: ErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function err<T = never>(code: ErrorCode, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}

/** An Error subclass for service code: thrown inside a service, turned into `err()` at the boundary. */
export class PodiumError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PodiumError';
  }
}

/** Turns anything thrown into an AppError without leaking internals (stack, paths) across a boundary. */
export function toAppError(thrown: unknown): AppError {
  if (thrown instanceof PodiumError) return { code: thrown.code, message: thrown.message };
  return { code: 'internal', message: 'Something went wrong inside Podium. Details are in the log.' };
}
