import { z } from "zod";
import { publicProcedure, router } from "@/server/api/trpc";
import { getCatalogue, getComfyStatus } from "@/server/runs";

export const catalogueRouter = router({
  /** The connected ComfyUI's node definitions (cached by fingerprint), or the bundled ones with the reason. */
  get: publicProcedure
    .input(z.object({ refresh: z.boolean().optional() }).optional())
    .query(({ ctx, input }) => getCatalogue(ctx.services.comfy, { refresh: input?.refresh })),

  /** Whether ComfyUI answers, its URL, queue length and system stats. */
  status: publicProcedure.query(({ ctx }) => getComfyStatus(ctx.services.comfy)),
});
