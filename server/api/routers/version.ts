import { z } from "zod";
import { diffDocuments } from "@/lib/graph/diff";
import { zWorkflowDocument } from "@/lib/graph/model";
import { rebaseDocument } from "@/lib/versions/rebase";
import { publicProcedure, router } from "@/server/api/trpc";

const zId = z.string().min(1);
const zVersionId = z.number().int().positive();
const zAuthor = z.string().trim().max(100, "An author label is at most 100 characters").optional();
const zMessage = z.string().max(2000, "A message is at most 2,000 characters").optional();

export const versionRouter = router({
  /** One page of a workflow's history, newest first. */
  history: publicProcedure
    .input(z.object({ workflowId: zId, before: zVersionId.optional(), limit: z.number().int().min(1).max(500).optional() }))
    .query(({ ctx, input }) => ctx.services.workflows.history({ id: input.workflowId, before: input.before, limit: input.limit })),

  get: publicProcedure.input(z.object({ versionId: zVersionId })).query(({ ctx, input }) => ctx.services.workflows.getVersionOrThrow(input.versionId)),

  /** Semantic diff between two versions (of any workflows), with both documents for a canvas overlay. */
  diff: publicProcedure.input(z.object({ fromVersionId: zVersionId, toVersionId: zVersionId })).query(({ ctx, input }) => {
    const before = ctx.services.workflows.getVersionOrThrow(input.fromVersionId);
    const after = ctx.services.workflows.getVersionOrThrow(input.toVersionId);
    return { before, after, diff: diffDocuments(before.document, after.document) };
  }),

  restore: publicProcedure
    .input(z.object({ workflowId: zId, versionId: zVersionId, baseVersionId: zVersionId.optional(), message: zMessage, author: zAuthor }))
    .mutation(({ ctx, input }) => ctx.services.workflows.restore({ id: input.workflowId, ...input })),

  fork: publicProcedure
    .input(z.object({ versionId: zVersionId, name: z.string().trim().min(1).max(200).optional(), message: zMessage, author: zAuthor }))
    .mutation(({ ctx, input }) => ctx.services.workflows.fork(input)),

  /** After a CONFLICT: keep the person's changes as a new workflow that starts at the version they opened. */
  saveAsBranch: publicProcedure
    .input(
      z.object({
        workflowId: zId,
        baseVersionId: zVersionId,
        document: zWorkflowDocument,
        name: z.string().trim().min(1).max(200).optional(),
        message: zMessage,
        author: zAuthor,
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.workflows.saveAsBranch({ id: input.workflowId, ...input })),

  /**
   * After a CONFLICT: replays the person's changes (base → document) on the current head.
   * Saves nothing: the editor shows the merged document (or the conflicts) and saves it on the new head.
   */
  rebase: publicProcedure
    .input(z.object({ workflowId: zId, baseVersionId: zVersionId, document: zWorkflowDocument }))
    .mutation(({ ctx, input }) => {
      const head = ctx.services.workflows.getOrThrow(input.workflowId);
      const base = ctx.services.workflows.getVersionOrThrow(input.baseVersionId);
      const result = rebaseDocument(base.document, head.document, input.document);
      return { ...result, headVersionId: head.head.id };
    }),

  getDraft: publicProcedure.input(z.object({ workflowId: zId })).query(({ ctx, input }) => ctx.services.drafts.get(input.workflowId) ?? null),

  /** Autosave: overwrites the workflow's draft; never creates a version. */
  putDraft: publicProcedure
    .input(z.object({ workflowId: zId, baseVersionId: zVersionId.nullable(), document: zWorkflowDocument, author: zAuthor }))
    .mutation(({ ctx, input }) => ctx.services.drafts.put(input)),

  discardDraft: publicProcedure.input(z.object({ workflowId: zId })).mutation(({ ctx, input }) => ctx.services.drafts.discard(input.workflowId)),
});
