import { z } from "zod";
import { publicProcedure, router } from "@/server/api/trpc";

export const systemRouter = router({
  health: publicProcedure.query(({ ctx }) => ({ ok: true, version: ctx.services.version, comfyuiUrl: ctx.services.env.comfyuiUrl })),

  /** The configuration in effect: environment variables, and the servers and timeouts set on the settings page. Never includes the token. */
  settings: publicProcedure.query(({ ctx }) => ctx.services.settings.view()),

  /** Adds a ComfyUI server (URL checked and normalised, optional display name). */
  addServer: publicProcedure
    .input(z.object({ url: z.string().max(2000, "url: a server URL is at most 2,000 characters"), name: z.string().max(100, "name: a server name is at most 100 characters").nullish() }))
    .mutation(({ ctx, input }) => ctx.services.settings.addServer(input)),

  /** Removes a server added on the settings page; refused for COMFYUI_URL's and while runs are in flight there. */
  removeServer: publicProcedure.input(z.object({ url: z.string().min(1).max(2000) })).mutation(({ ctx, input }) => ctx.services.settings.removeServer(input.url)),

  /** Makes a configured server the one runs go to when they name none. */
  setDefaultServer: publicProcedure.input(z.object({ url: z.string().min(1).max(2000) })).mutation(({ ctx, input }) => ctx.services.settings.setDefaultServer(input.url)),

  /** Whether a server answers (configured or not yet), with its devices: the settings page's "Test". */
  testServer: publicProcedure.input(z.object({ url: z.string().max(2000) })).mutation(({ ctx, input }) => ctx.services.settings.testServer(input.url)),

  /** Changes timeouts (milliseconds; null resets one to its default). Env-set ones are refused, naming the variable. */
  updateTimeouts: publicProcedure
    .input(z.object({ changes: z.record(z.string(), z.union([z.number(), z.string(), z.null()])) }))
    .mutation(({ ctx, input }) => ctx.services.settings.updateTimeouts(input.changes)),

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
