import { router } from "./trpc";
import { systemRouter } from "./routers/system";
import { workflowRouter } from "./routers/workflow";

export const appRouter = router({
  system: systemRouter,
  workflow: workflowRouter,
});

export type AppRouter = typeof appRouter;
