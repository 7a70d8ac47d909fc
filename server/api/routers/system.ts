import { z } from "zod";
import { publicProcedure, router } from "@/server/api/trpc";
import { describeSettings } from "@/server/settings";

export const systemRouter = router({
  health: publicProcedure.query(({ ctx }) => ({ ok: true, version: ctx.services.version, comfyuiUrl: ctx.services.env.comfyuiUrl })),

  /** The configuration in effect (read-only: it comes from environment variables at start-up). Never includes the token. */
  settings: publicProcedure.query(({ ctx }) => describeSettings(ctx.services.env, ctx.services.comfy.timeouts)),

  /** A beat every few seconds over the WebSocket: the UI shows "connected" while they arrive. */
  onHeartbeat: publicProcedure
    .input(z.object({ intervalMs: z.number().int().min(100).max(60_000).default(5_000) }).optional())
    .subscription(async function* ({ ctx, input, signal }) {
      const interval = input?.intervalMs ?? 5_000;
      let beat = 0;
      while (!signal?.aborted) {
        yield { beat: beat++, serverTime: ctx.services.now(), version: ctx.services.version };
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, interval);
          signal?.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
        });
      }
    }),
});
