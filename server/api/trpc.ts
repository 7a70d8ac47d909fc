import { initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { ZodError, z } from "zod";
import { isAppError, type AppErrorCode } from "@/server/errors";
import type { Services } from "@/server/services";

export type Context = { services: Services };

const CODE_MAP: Record<AppErrorCode, TRPC_ERROR_CODE_KEY> = {
  BAD_INPUT: "BAD_REQUEST",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  COMFYUI_UNREACHABLE: "SERVICE_UNAVAILABLE",
  COMFYUI_TIMEOUT: "TIMEOUT",
  COMFYUI_REJECTED: "UNPROCESSABLE_CONTENT",
  COMFYUI_PROTOCOL: "BAD_GATEWAY",
  STORAGE: "INTERNAL_SERVER_ERROR",
  UNAUTHORIZED: "UNAUTHORIZED",
  INTERNAL: "INTERNAL_SERVER_ERROR",
};

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      // zod's own message is a JSON dump; a person wants "name: A workflow needs a name".
      message: cause instanceof ZodError ? summarizeZodError(cause) : shape.message,
      data: {
        ...shape.data,
        // Field-level messages so a form can mark the exact input that is wrong.
        zodError: cause instanceof ZodError ? z.flattenError(cause) : null,
        appCode: isAppError(cause) ? cause.code : null,
        appDetails: isAppError(cause) ? (cause.details ?? null) : null,
        // Stack traces never leave the server.
        stack: undefined,
      },
    };
  },
});

function summarizeZodError(error: ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
}

/** The one place where domain errors become tRPC errors. */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isAppError(result.error.cause)) {
    const cause = result.error.cause;
    throw new TRPCError({ code: CODE_MAP[cause.code], message: cause.message, cause });
  }
  return result;
});

export const router = t.router;
export const publicProcedure = t.procedure.use(appErrors);
export const createCallerFactory = t.createCallerFactory;
