import { router } from "./trpc";
import { documentRouter } from "./routers/document";
import { systemRouter } from "./routers/system";
import { templateRouter } from "./routers/template";
import { versionRouter } from "./routers/version";
import { workflowRouter } from "./routers/workflow";

export const appRouter = router({
  system: systemRouter,
  document: documentRouter,
  workflow: workflowRouter,
  version: versionRouter,
  template: templateRouter,
});

export type AppRouter = typeof appRouter;
