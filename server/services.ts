import { fileURLToPath } from "node:url";
import type { Env } from "./env";
import { openDatabase, type Db } from "./store/db";
import { createDraftRepository, type DraftRepository } from "./store/drafts";
import { createTemplateRepository } from "./store/templates";
import { createWorkflowRepository, type WorkflowRepository } from "./store/workflows";
import { createTemplateService, type TemplateService } from "./templates/service";

/** Everything a request handler may use, created once per process. */
export type Services = {
  env: Env;
  db: Db;
  workflows: WorkflowRepository;
  drafts: DraftRepository;
  templates: TemplateService;
  now: () => number;
  version: string;
  close: () => void;
};

/** The built-in templates shipped with the code (`workflows/<template>/<semver>.json`). */
export const BUILTIN_TEMPLATES_DIR = fileURLToPath(new URL("../workflows", import.meta.url));

export function createServices(
  env: Env,
  options: { now?: () => number; version?: string; templatesDir?: string | null } = {},
): Services {
  const db = openDatabase(env.dataDir);
  const now = options.now ?? Date.now;
  const workflows = createWorkflowRepository(db, { now });
  const templates = createTemplateService({ db, workflows, templates: createTemplateRepository(db, { now }) });
  // Idempotent: identical versions are skipped, so this costs a few reads on every start after the first.
  const templatesDir = options.templatesDir === undefined ? BUILTIN_TEMPLATES_DIR : options.templatesDir;
  try {
    if (templatesDir) templates.loadBuiltins(templatesDir);
  } catch (e) {
    db.close();
    throw e;
  }
  return {
    env,
    db,
    workflows,
    templates,
    drafts: createDraftRepository(db, { now }),
    now,
    version: options.version ?? "0.1.0",
    close: () => db.close(),
  };
}
