import { checkComfyUrl, CircuitBreaker, ComfyClient, DEFAULT_TIMEOUTS, type ComfyServerConfiguration, type ComfyServerInfo, type ComfyServers, type ComfyTimeouts } from "./comfyui";
import { COMFYUI_TIMEOUT_VARIABLES, MILLISECONDS_PROBLEM, zMilliseconds, type Env } from "./env";
import { AppError } from "./errors";
import { getComfyStatus, type ComfyStatus } from "./runs/catalogue";
import type { RunRepository } from "./runs/store";
import type { ComfyServerRepository } from "./store/comfy-servers";

/**
 * Where the app's ComfyUI timeouts differ from the client's own defaults (the settings page and env variables still
 * win). Video generations run for many minutes: the whole-run deadline must not turn them into "unknown".
 */
export const APP_TIMEOUT_DEFAULTS: Partial<ComfyTimeouts> = { generationMs: 6 * 60 * 60_000 };

/** One ComfyUI timeout as the clients use it, and where its value comes from (env wins over the page over the default). */
export type TimeoutSetting = {
  key: keyof ComfyTimeouts;
  /** What the settings page calls it (its error messages too). */
  label: string;
  variable: (typeof COMFYUI_TIMEOUT_VARIABLES)[keyof ComfyTimeouts];
  ms: number;
  source: "env" | "settings" | "default";
  /** What "reset to default" gives. */
  defaultMs: number;
};

/** What the settings page shows: the effective configuration, with no secret in it. */
export type SettingsView = {
  /** COMFYUI_URL (always one of the servers). */
  comfyuiUrl: string;
  /** Every configured ComfyUI server, COMFYUI_URL's first. */
  servers: ComfyServerInfo[];
  ollamaHost: string;
  host: string;
  port: number;
  dataDir: string;
  logLevel: Env["logLevel"];
  /** Only whether ATELIER_TOKEN is set: the token itself never leaves the server. */
  tokenSet: boolean;
  timeouts: TimeoutSetting[];
};

export const TIMEOUT_ORDER: (keyof ComfyTimeouts)[] = ["connectMs", "readMs", "queueMs", "imageDownloadMs", "videoDownloadMs", "generationMs"];

/** The words the settings page uses for each timeout; error messages name the field with them. */
export const TIMEOUT_LABELS: Record<keyof ComfyTimeouts, string> = {
  connectMs: "Connect",
  readMs: "Read (each request)",
  queueMs: "Queue a prompt",
  imageDownloadMs: "Image download",
  videoDownloadMs: "Video download",
  generationMs: "Whole generation",
};

const BUILT_IN_TIMEOUTS: ComfyTimeouts = { ...DEFAULT_TIMEOUTS, ...APP_TIMEOUT_DEFAULTS };

/** The timeouts in effect: the environment's, else the settings page's, else the built-in defaults. */
export function effectiveTimeouts(env: Env, overrides: Partial<ComfyTimeouts>): ComfyTimeouts {
  return { ...BUILT_IN_TIMEOUTS, ...overrides, ...env.comfyuiTimeouts };
}

/** Describes the configuration in effect, given the environment, the page's timeout overrides and the servers. */
export function describeSettings(env: Env, options: { overrides?: Partial<ComfyTimeouts>; servers?: ComfyServerInfo[] } = {}): SettingsView {
  const overrides = options.overrides ?? {};
  const timeouts = effectiveTimeouts(env, overrides);
  return {
    comfyuiUrl: env.comfyuiUrl,
    servers: options.servers ?? [{ url: checkComfyUrlOrThrow(env.comfyuiUrl, "COMFYUI_URL"), name: null, source: "env", isDefault: true }],
    ollamaHost: env.ollamaHost,
    host: env.host,
    port: env.port,
    dataDir: env.dataDir,
    logLevel: env.logLevel,
    tokenSet: env.token !== undefined,
    timeouts: TIMEOUT_ORDER.map((key) => ({
      key,
      label: TIMEOUT_LABELS[key],
      variable: COMFYUI_TIMEOUT_VARIABLES[key],
      ms: timeouts[key],
      source: env.comfyuiTimeouts[key] !== undefined ? "env" : overrides[key] !== undefined ? "settings" : "default",
      defaultMs: BUILT_IN_TIMEOUTS[key],
    })),
  };
}

function checkComfyUrlOrThrow(text: string, field: string): string {
  const checked = checkComfyUrl(text);
  if (!checked.ok) throw new AppError("BAD_INPUT", `${field}: ${checked.problem}`);
  return checked.url;
}

/** A change to timeouts from the settings page: a value in milliseconds (number or digits), or null to reset to the default. */
export type TimeoutChanges = Partial<Record<string, unknown>>;

/**
 * Checks timeout changes from the settings page against the environment and the bounds the environment has.
 * @returns the overrides to store (unchanged keys kept from `current`, reset ones removed), or one problem a field,
 * each naming the field.
 */
export function applyTimeoutChanges(
  env: Env,
  current: Partial<ComfyTimeouts>,
  changes: TimeoutChanges,
): { ok: true; overrides: Partial<ComfyTimeouts> } | { ok: false; problems: { field: string; message: string }[] } {
  const problems: { field: string; message: string }[] = [];
  const next: Partial<ComfyTimeouts> = { ...current };
  const schema = zMilliseconds();
  for (const [field, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    if (!(TIMEOUT_ORDER as string[]).includes(field)) {
      problems.push({ field, message: `${field}: there is no such ComfyUI timeout (known: ${TIMEOUT_ORDER.join(", ")}).` });
      continue;
    }
    const key = field as keyof ComfyTimeouts;
    const label = `${TIMEOUT_LABELS[key]} timeout (${key})`;
    const variable = COMFYUI_TIMEOUT_VARIABLES[key];
    if (env.comfyuiTimeouts[key] !== undefined) {
      problems.push({ field, message: `${label} is set by ${variable} in the environment, which wins over the settings page; change or unset ${variable} and restart Atelier.` });
      continue;
    }
    if (value === null) {
      delete next[key];
      continue;
    }
    const parsed = typeof value === "number" || (typeof value === "string" && value.trim() !== "") ? schema.safeParse(value) : null;
    if (!parsed?.success || parsed.data === undefined) {
      problems.push({ field, message: `${label}: ${MILLISECONDS_PROBLEM}, the same bounds as ${variable} (got ${JSON.stringify(value)}).` });
      continue;
    }
    next[key] = parsed.data;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, overrides: next };
}

const TIMEOUTS_KEY = "comfyui.timeouts";
const DEFAULT_SERVER_KEY = "comfyui.defaultServer";
const MAX_NAME = 100;

export interface SettingsServiceDeps {
  env: Env;
  store: ComfyServerRepository;
  servers: ComfyServers;
  runs: RunRepository;
  /** Runs being started on a server and not recorded yet (the run manager's). */
  startingOn?: (serverUrl: string) => number;
}

/** The servers and timeouts in effect from what the page stored, before any client exists (services build them with it). */
export function loadComfySettings(env: Env, store: ComfyServerRepository): { configuration: ComfyServerConfiguration; overrides: Partial<ComfyTimeouts> } {
  const envUrl = checkComfyUrlOrThrow(env.comfyuiUrl, "COMFYUI_URL");
  const stored = store.listServers().filter((s) => s.url !== envUrl);
  const servers: ComfyServerConfiguration["servers"] = [{ url: envUrl, name: null, source: "env" }, ...stored.map((s) => ({ url: s.url, name: s.name, source: "settings" as const }))];
  const picked = store.getSetting(DEFAULT_SERVER_KEY);
  const defaultUrl = typeof picked === "string" && servers.some((s) => s.url === picked) ? picked : envUrl;
  return { configuration: { servers, defaultUrl }, overrides: readOverrides(store) };
}

function readOverrides(store: ComfyServerRepository): Partial<ComfyTimeouts> {
  const raw = store.getSetting(TIMEOUTS_KEY);
  const overrides: Partial<ComfyTimeouts> = {};
  if (!raw || typeof raw !== "object") return overrides;
  for (const key of TIMEOUT_ORDER) {
    const value = (raw as Record<string, unknown>)[key];
    if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) overrides[key] = value;
  }
  return overrides;
}

/**
 * What the settings page changes: the ComfyUI servers (add, remove, pick the default) and the timeout overrides.
 * Every change is stored first, then applied to the running clients at once (no restart).
 */
export function createSettingsService(deps: SettingsServiceDeps) {
  const { env, store, servers, runs } = deps;

  function reload(): void {
    const { configuration, overrides } = loadComfySettings(env, store);
    servers.configure(configuration);
    servers.setTimeouts(effectiveTimeouts(env, overrides));
  }

  function findOrThrow(url: string, field = "url"): ComfyServerInfo {
    const normal = checkComfyUrlOrThrow(url, field);
    const found = servers.list().find((s) => s.url === normal);
    if (!found) {
      throw new AppError("NOT_FOUND", `ComfyUI server ${normal} is not configured (configured: ${servers.list().map((s) => s.url).join(", ")}).`, { details: { serverUrl: normal } });
    }
    return found;
  }

  return {
    view(): SettingsView {
      return describeSettings(env, { overrides: readOverrides(store), servers: servers.list() });
    },

    /** Adds a server by URL (validated and normalised) with an optional display name. */
    addServer(input: { url: string; name?: string | null }): ComfyServerInfo {
      const checked = checkComfyUrl(input.url);
      if (!checked.ok) throw new AppError("BAD_INPUT", `url: ${checked.problem}`, { details: { field: "url" } });
      const name = input.name?.trim() || null;
      if (name && name.length > MAX_NAME) throw new AppError("BAD_INPUT", `name: a server name is at most ${MAX_NAME} characters.`, { details: { field: "name" } });
      const existing = servers.list().find((s) => s.url === checked.url);
      if (existing) {
        throw new AppError("CONFLICT", `url: ComfyUI server ${checked.url} is already configured${existing.source === "env" ? " (from COMFYUI_URL)" : ""}.`, { details: { field: "url", serverUrl: checked.url } });
      }
      store.addServer(checked.url, name);
      reload();
      return findOrThrow(checked.url);
    },

    /**
     * Removes a server added on the settings page. Refused for COMFYUI_URL's and while runs are queued or running
     * there; a removed default gives the default back to COMFYUI_URL's server.
     */
    removeServer(url: string): ComfyServerInfo[] {
      const server = findOrThrow(url);
      if (server.source === "env") {
        throw new AppError("BAD_INPUT", `ComfyUI server ${server.url} comes from COMFYUI_URL and cannot be removed here; change COMFYUI_URL and restart Atelier.`, { details: { serverUrl: server.url } });
      }
      const busy = runs.listInFlight().filter((r) => r.serverUrl === server.url);
      const startingNow = deps.startingOn?.(server.url) ?? 0;
      if (busy.length === 0 && startingNow > 0) {
        throw new AppError("CONFLICT", `ComfyUI server ${server.url} has ${startingNow === 1 ? "a run" : `${startingNow} runs`} being sent to it right now; try again in a moment.`, {
          details: { serverUrl: server.url },
        });
      }
      if (busy.length > 0) {
        const named = busy.slice(0, 5).map((r) => `run ${r.id} (${r.status})`).join(", ");
        throw new AppError(
          "CONFLICT",
          `ComfyUI server ${server.url} still has ${busy.length} run${busy.length === 1 ? "" : "s"} queued or running: ${named}${busy.length > 5 ? ", …" : ""}; wait for them to end or cancel them, then remove it.`,
          { details: { serverUrl: server.url, runIds: busy.map((r) => r.id) } },
        );
      }
      store.transaction(() => {
        store.removeServer(server.url);
        if (server.isDefault) store.putSetting(DEFAULT_SERVER_KEY, undefined);
      });
      reload();
      return servers.list();
    },

    /** Makes a configured server the one runs go to when they name none. */
    setDefaultServer(url: string): ComfyServerInfo[] {
      const server = findOrThrow(url);
      store.putSetting(DEFAULT_SERVER_KEY, server.source === "env" ? undefined : server.url);
      reload();
      return servers.list();
    },

    /**
     * Asks a server whether it answers (with its devices and queue), before or after adding it. A server not configured
     * yet gets a throwaway client with its own breaker and no retries, so a mistyped URL neither waits nor marks anything.
     */
    async testServer(url: string): Promise<ComfyStatus> {
      const checked = checkComfyUrl(url);
      if (!checked.ok) throw new AppError("BAD_INPUT", `url: ${checked.problem}`, { details: { field: "url" } });
      if (servers.isConfigured(checked.url)) return getComfyStatus(servers.client(checked.url));
      const client = new ComfyClient({
        baseUrl: checked.url,
        timeouts: effectiveTimeouts(env, readOverrides(store)),
        retry: { attempts: 1 },
        breaker: new CircuitBreaker({ failureThreshold: Number.MAX_SAFE_INTEGER, coolDownMs: 0 }),
      });
      try {
        return await getComfyStatus(client);
      } finally {
        client.close();
      }
    },

    /** Changes timeout overrides (null resets one to its default); the clients use them from their next request. */
    updateTimeouts(changes: TimeoutChanges): SettingsView {
      const result = applyTimeoutChanges(env, readOverrides(store), changes);
      if (!result.ok) {
        throw new AppError("BAD_INPUT", result.problems.map((p) => p.message).join(" "), { details: { problems: result.problems } });
      }
      store.putSetting(TIMEOUTS_KEY, Object.keys(result.overrides).length > 0 ? result.overrides : undefined);
      reload();
      return this.view();
    },
  };
}

export type SettingsService = ReturnType<typeof createSettingsService>;
