import { z } from "zod";
import { publicProcedure, router } from "@/server/api/trpc";
import { getCatalogue, getComfyStatus } from "@/server/runs";

const zServerUrl = z.string().min(1).max(2000).optional();

export const catalogueRouter = router({
  /** A configured ComfyUI's node definitions (the default one's without serverUrl), cached by fingerprint, or the bundled ones with the reason. */
  get: publicProcedure
    .input(z.object({ refresh: z.boolean().optional(), serverUrl: zServerUrl }).optional())
    .query(({ ctx, input }) => getCatalogue(ctx.services.comfy.resolve(input?.serverUrl), { refresh: input?.refresh })),

  /** Whether a configured ComfyUI (the default one without serverUrl) answers, its URL, queue length and system stats. */
  status: publicProcedure
    .input(z.object({ serverUrl: zServerUrl }).optional())
    .query(({ ctx, input }) => getComfyStatus(ctx.services.comfy.resolve(input?.serverUrl))),
});
