/**
 * Domain errors of the server. Everything under server/ throws an AppError
 * with a code; server/api/trpc.ts is the one place that turns it into a tRPC
 * error, so every message reaching a person says what happened and what to do.
 */
export const APP_ERROR_CODES = [
  "BAD_INPUT",
  "NOT_FOUND",
  "CONFLICT",
  "COMFYUI_UNREACHABLE",
  "COMFYUI_TIMEOUT",
  "COMFYUI_REJECTED",
  "COMFYUI_PROTOCOL",
  "STORAGE",
  "UNAUTHORIZED",
  "INTERNAL",
] as const;
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly details: unknown;

  constructor(code: AppErrorCode, message: string, options?: { details?: unknown; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.details = options?.details;
  }
}

/** True when `e` is an AppError (also across module copies, which `instanceof` misses). */
export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError || (e instanceof Error && e.name === "AppError" && "code" in e);
}
