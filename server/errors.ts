/**
 * Domain errors of the server. One place (the tRPC middleware) turns an
 * AppError into a transport error; everything else throws these with a
 * message a person can act on.
 */

export const appErrorCodes = [
  /** ComfyUI could not be reached (refused, reset, DNS, circuit breaker open). */
  "COMFYUI_UNREACHABLE",
  /** ComfyUI was reached but did not answer in time. */
  "COMFYUI_TIMEOUT",
  /** ComfyUI answered, but refused the request (4xx) or failed (5xx). */
  "COMFYUI_REJECTED",
  /** ComfyUI answered something that does not match its protocol. */
  "COMFYUI_PROTOCOL",
  "NOT_FOUND",
  "CONFLICT",
  "BAD_INPUT",
  /** The local store (SQLite, files) failed. */
  "STORAGE",
  "UNAUTHORIZED",
  "INTERNAL",
] as const;

export type AppErrorCode = (typeof appErrorCodes)[number];

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: AppErrorCode, message: string, options: { details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options.details ?? {};
  }
}

/** True when `error` is an AppError, optionally with the given code. */
export function isAppError(error: unknown, code?: AppErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}

export function assertNever(value: never, what = "value"): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
