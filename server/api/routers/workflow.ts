import { z } from "zod";
import { createStarterDocument } from "@/lib/graph/starter";
import { zWorkflowDocument } from "@/lib/graph/model";
import { publicProcedure, router } from "@/server/api/trpc";

const zName = z.string().trim().min(1, "A workflow needs a name").max(200, "Names are at most 200 characters");

export const workflowRouter = router({
  list: publicProcedure.query(({ ctx }) => ctx.services.workflows.list()),

  get: publicProcedure
    .input(z.object({ id: z.string().min(1) }))
    .query(({ ctx, input }) => ctx.services.workflows.getOrThrow(input.id)),

  create: publicProcedure
    .input(z.object({ name: zName, document: zWorkflowDocument.optional() }))
    .mutation(({ ctx, input }) =>
      ctx.services.workflows.create({ name: input.name, document: input.document ?? createStarterDocument(input.name) }),
    ),

  save: publicProcedure
    .input(
      z.object({
        id: z.string().min(1),
        baseVersionId: z.number().int().nullable(),
        document: zWorkflowDocument,
        message: z.string().max(2000).optional(),
        author: z.string().trim().max(100, "An author label is at most 100 characters").optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.workflows.save(input)),

  rename: publicProcedure
    .input(z.object({ id: z.string().min(1), name: zName }))
    .mutation(({ ctx, input }) => ctx.services.workflows.rename(input.id, input.name)),

  delete: publicProcedure
    .input(z.object({ id: z.string().min(1) }))
    .mutation(({ ctx, input }) => ctx.services.workflows.delete(input.id)),
});
