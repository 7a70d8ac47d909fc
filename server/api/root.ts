import { router } from "./trpc";
import { catalogueRouter } from "./routers/catalogue";
import { documentRouter } from "./routers/document";
import { runRouter } from "./routers/run";
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
  catalogue: catalogueRouter,
  run: runRouter,
});

export type AppRouter = typeof appRouter;
