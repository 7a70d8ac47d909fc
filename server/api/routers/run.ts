import { z } from "zod";
import { zWorkflowDocument } from "@/lib/graph/model";
import type { RunStatus } from "@/lib/runs";
import { publicProcedure, router } from "@/server/api/trpc";

const zRunId = z.string().min(1).max(64);
/** A configured ComfyUI server's URL; absent means the default server. */
const zServerUrl = z.string().min(1).max(2000).optional();
const zRunStatus = z.enum(["pending", "queued", "running", "success", "error", "interrupted", "cancelled", "rejected", "lost", "unknown", "failed"] satisfies [RunStatus, ...RunStatus[]]);

export const runRouter = router({
  /** Runs a workflow's head, an exact version, or a draft document; answers once ComfyUI accepted (or refused) it. */
  start: publicProcedure
    .input(
      z.object({
        workflowId: z.string().min(1).optional(),
        versionId: z.number().int().positive().optional(),
        document: zWorkflowDocument.optional(),
        serverUrl: zServerUrl,
        /** Instead of serverUrl: the configured server that fits (node types, listed values, VRAM) with the shortest queue. */
        anyServer: z.boolean().optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.runManager.start(input)),

  /** Before running: node types the ComfyUI it will run on lacks (by name, with the node needing each), or why it cannot be asked. */
  check: publicProcedure
    .input(z.object({ document: zWorkflowDocument, serverUrl: zServerUrl }))
    .mutation(({ ctx, input }) => ctx.services.runManager.check(input.document, { serverUrl: input.serverUrl })),

  /** Interrupts a running run, or takes a queued one out of ComfyUI's queue. */
  cancel: publicProcedure.input(z.object({ runId: zRunId })).mutation(({ ctx, input }) => ctx.services.runManager.cancel(input.runId)),

  /** Runs the exact snapshot (version or stored draft) another run ran; on its server while configured, unless serverUrl says otherwise. */
  rerun: publicProcedure
    .input(z.object({ runId: zRunId, serverUrl: zServerUrl }))
    .mutation(({ ctx, input }) => ctx.services.runManager.rerun(input.runId, { serverUrl: input.serverUrl })),

  get: publicProcedure.input(z.object({ runId: zRunId })).query(({ ctx, input }) => ctx.services.runManager.get(input.runId)),

  /** The compiled API prompt the run sent. */
  prompt: publicProcedure.input(z.object({ runId: zRunId })).query(({ ctx, input }) => ctx.services.runs.getPromptOrThrow(input.runId)),

  list: publicProcedure
    .input(
      z
        .object({
          workflowId: z.string().min(1).optional(),
          versionId: z.number().int().positive().optional(),
          status: z.array(zRunStatus).optional(),
          before: zRunId.optional(),
          limit: z.number().int().min(1).max(200).optional(),
        })
        .optional(),
    )
    .query(({ ctx, input }) => ctx.services.runs.list(input ?? {})),

  /** Runs in flight and every server's ComfyUI queue (which may hold other clients' prompts), with a problem for a silent server. */
  queue: publicProcedure.query(({ ctx }) => ctx.services.runManager.queue()),

  /** The run as it is now, then every change until it ends. */
  onEvents: publicProcedure.input(z.object({ runId: zRunId })).subscription(({ ctx, input, signal }) => ctx.services.runManager.stream(input.runId, signal)),
});
