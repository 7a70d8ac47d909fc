import { z } from "zod";
import { zJsonValue } from "@/lib/graph/model";
import { zRecordOf } from "@/lib/graph/records";
import { zTemplateInterface, zVersionString } from "@/lib/semver";
import { zTemplateId, zTemplateMetadata } from "@/lib/templates/schema";
import { diffDocuments } from "@/lib/graph/diff";
import { diffInterfaces } from "@/lib/semver";
import { AppError } from "@/server/errors";
import { publicProcedure, router } from "@/server/api/trpc";
import { checkTemplateRequirements } from "@/server/templates/requirements";

const zAuthor = z.string().trim().max(100).optional();

export const templateRouter = router({
  list: publicProcedure.query(({ ctx }) => ctx.services.templates.list()),

  get: publicProcedure.input(z.object({ id: z.string().min(1) })).query(({ ctx, input }) => ctx.services.templates.get(input.id)),

  /** What templates need that a configured ComfyUI server (the default one without serverUrl) lacks (node types, model files): every version of one, or the latest of each. */
  requirements: publicProcedure
    .input(z.object({ id: z.string().min(1).optional(), serverUrl: z.string().min(1).max(2000).optional() }).optional())
    .query(({ ctx, input }) => checkTemplateRequirements(ctx.services.comfy.resolve(input?.serverUrl), ctx.services.templates, { templateId: input?.id })),

  /** Semantic diff (graph and interface) between two versions of one template. */
  diff: publicProcedure
    .input(z.object({ id: z.string().min(1), from: zVersionString, to: zVersionString }))
    .query(({ ctx, input }) => {
      const t = ctx.services.templates.get(input.id);
      const pick = (v: string) => {
        const found = t.versions.find((x) => x.version === v);
        if (!found) throw new AppError("NOT_FOUND", `Template "${input.id}" has no version ${v}.`);
        return found;
      };
      const a = pick(input.from);
      const b = pick(input.to);
      return {
        before: a.document,
        after: b.document,
        diff: diffDocuments(a.document, b.document),
        interface: diffInterfaces(a.interface, b.interface),
      };
    }),

  publish: publicProcedure
    .input(
      z.object({
        templateId: zTemplateId,
        workflowId: z.string().min(1),
        versionId: z.number().int().positive().optional(),
        version: zVersionString.optional(),
        interface: zTemplateInterface,
        metadata: zTemplateMetadata,
        changelog: z.string().trim().min(1, "Say what changed in this version").max(10_000),
        renamedParameters: zRecordOf(z.string(), z.string()).optional(),
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.templates.publish(input)),

  /** Creates a workflow from a template version with parameters filled in. */
  use: publicProcedure
    .input(
      z.object({
        templateId: z.string().min(1),
        version: zVersionString.optional(),
        values: zRecordOf(z.string(), zJsonValue).optional(),
        name: z.string().trim().min(1).max(200).optional(),
        author: zAuthor,
      }),
    )
    .mutation(({ ctx, input }) => ctx.services.templates.use(input)),

  planUpgrade: publicProcedure
    .input(z.object({ workflowId: z.string().min(1), toVersion: zVersionString.optional() }))
    .query(({ ctx, input }) => {
      const { workflow, ...plan } = ctx.services.templates.planUpgrade(input);
      return { workflowId: workflow.id, headId: workflow.head.id, ...plan };
    }),

  upgrade: publicProcedure
    .input(z.object({ workflowId: z.string().min(1), toVersion: zVersionString.optional(), baseVersionId: z.number().int().positive(), author: zAuthor }))
    .mutation(({ ctx, input }) => ctx.services.templates.upgrade(input)),

  export: publicProcedure.input(z.object({ id: z.string().min(1) })).query(({ ctx, input }) => ctx.services.templates.exportTemplate(input.id)),

  /** Imports an export file given as text, so syntax errors can name a line and column. */
  import: publicProcedure
    .input(z.object({ text: z.string().max(50 * 1024 * 1024) }))
    .mutation(({ ctx, input }) => ctx.services.templates.importTemplate(input.text)),
});
