import { fileURLToPath } from "node:url";
import { ComfyServers } from "./comfyui";
import type { Env } from "./env";
import { createRunManager, createRunRepository, type RunManager, type RunRepository } from "./runs";
import { createSettingsService, effectiveTimeouts, loadComfySettings, type SettingsService } from "./settings";
import { createComfyClientRepository } from "./store/comfy-clients";
import { createComfyServerRepository } from "./store/comfy-servers";
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
  /** Every ComfyUI server: one client each (one websocket, breaker and catalogue a server), the default among them. */
  comfy: ComfyServers;
  /** The settings page's changes: servers, the default one, timeouts. */
  settings: SettingsService;
  runs: RunRepository;
  runManager: RunManager;
  /** Settles once runs left in flight by a previous process have been reconciled. */
  runsRecovered: Promise<void>;
  now: () => number;
  version: string;
  close: () => void;
};

/** The built-in templates shipped with the code (`workflows/<template>/<semver>.json`). */
export const BUILTIN_TEMPLATES_DIR = fileURLToPath(new URL("../workflows", import.meta.url));

export { APP_TIMEOUT_DEFAULTS } from "./settings";

export function createServices(
  env: Env,
  options: { now?: () => number; version?: string; templatesDir?: string | null } = {},
): Services {
  const db = openDatabase(env.dataDir);
  const now = options.now ?? Date.now;
  const runs = createRunRepository(db);
  const workflows = createWorkflowRepository(db, { now, countRuns: (ids) => runs.countByVersion(ids) });
  const templateRepository = createTemplateRepository(db, { now });
  const templates = createTemplateService({ db, workflows, templates: templateRepository });
  // Idempotent: identical versions are skipped, so this costs a few reads on every start after the first.
  const templatesDir = options.templatesDir === undefined ? BUILTIN_TEMPLATES_DIR : options.templatesDir;
  try {
    if (templatesDir) templates.loadBuiltins(templatesDir);
  } catch (e) {
    db.close();
    throw e;
  }
  // The same client id as before a restart: ComfyUI sends a run's progress only to the client that queued it.
  const clientIds = createComfyClientRepository(db, { now });
  const serverStore = createComfyServerRepository(db, { now });
  let comfy: ComfyServers;
  try {
    const stored = loadComfySettings(env, serverStore);
    comfy = new ComfyServers({ configuration: stored.configuration, clientIdFor: (url) => clientIds.clientIdFor(url), timeouts: effectiveTimeouts(env, stored.overrides) });
  } catch (e) {
    db.close();
    throw e;
  }
  // A run that picks its server needs the VRAM the template its workflow was made from declares.
  const minVramGbOf = (workflowId: string) => {
    const from = workflows.templateOf(workflowId);
    return from ? (templateRepository.versions(from.id).find((v) => v.version === from.version)?.metadata.minVramGb ?? null) : null;
  };
  const runManager = createRunManager({ runs, workflows, servers: comfy, dataDir: env.dataDir, now, minVramGbOf });
  const settings = createSettingsService({ env, store: serverStore, servers: comfy, runs, startingOn: runManager.startingOn });
  const runsRecovered = runManager.recoverInFlight().catch((error: unknown) => console.error("could not reconcile runs left in flight", error));
  return {
    env,
    comfy,
    settings,
    runs,
    runManager,
    runsRecovered,
    db,
    workflows,
    templates,
    drafts: createDraftRepository(db, { now }),
    now,
    version: options.version ?? "0.1.0",
    close: () => {
      runManager.close();
      comfy.close();
      db.close();
    },
  };
}
