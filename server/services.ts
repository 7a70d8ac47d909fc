import type { Env } from "./env";
import { openDatabase, type Db } from "./store/db";
import { createDraftRepository, type DraftRepository } from "./store/drafts";
import { createWorkflowRepository, type WorkflowRepository } from "./store/workflows";

/** Everything a request handler may use, created once per process. */
export type Services = {
  env: Env;
  db: Db;
  workflows: WorkflowRepository;
  drafts: DraftRepository;
  now: () => number;
  version: string;
  close: () => void;
};

export function createServices(env: Env, options: { now?: () => number; version?: string } = {}): Services {
  const db = openDatabase(env.dataDir);
  const now = options.now ?? Date.now;
  return {
    env,
    db,
    workflows: createWorkflowRepository(db, { now }),
    drafts: createDraftRepository(db, { now }),
    now,
    version: options.version ?? "0.1.0",
    close: () => db.close(),
  };
}
