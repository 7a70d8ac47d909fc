import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import type { ComfyTimeouts } from "./comfyui";

/** Which variable overrides which ComfyUI client timeout (all in milliseconds). */
export const COMFYUI_TIMEOUT_VARIABLES = {
  connectMs: "COMFYUI_CONNECT_TIMEOUT_MS",
  readMs: "COMFYUI_READ_TIMEOUT_MS",
  queueMs: "COMFYUI_QUEUE_TIMEOUT_MS",
  imageDownloadMs: "COMFYUI_IMAGE_TIMEOUT_MS",
  videoDownloadMs: "COMFYUI_VIDEO_TIMEOUT_MS",
  generationMs: "COMFYUI_RUN_TIMEOUT_MS",
} as const satisfies Record<keyof ComfyTimeouts, string>;

export const MILLISECONDS_PROBLEM = "must be a whole number of milliseconds greater than 0 (e.g. 30000 for 30 s)";

/** A timeout in milliseconds, with the bounds the environment and the settings page share; the caller names the field. */
export function zMilliseconds() {
  const message = MILLISECONDS_PROBLEM;
  return z.coerce.number({ error: message }).int(message).positive(message).max(Number.MAX_SAFE_INTEGER, message).optional();
}

/**
 * Configuration from the environment, read once at start-up. Every variable
 * here is listed in the README's configuration table; keep them in step.
 */
const zEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  ATELIER_DATA_DIR: z.string().min(1).default(".data"),
  ATELIER_TOKEN: z.string().min(16, "ATELIER_TOKEN must be at least 16 characters").optional(),
  COMFYUI_URL: z.url().default("http://127.0.0.1:8188"),
  OLLAMA_HOST: z.url().default("http://127.0.0.1:11434"),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  COMFYUI_CONNECT_TIMEOUT_MS: zMilliseconds(),
  COMFYUI_READ_TIMEOUT_MS: zMilliseconds(),
  COMFYUI_QUEUE_TIMEOUT_MS: zMilliseconds(),
  COMFYUI_IMAGE_TIMEOUT_MS: zMilliseconds(),
  COMFYUI_VIDEO_TIMEOUT_MS: zMilliseconds(),
  COMFYUI_RUN_TIMEOUT_MS: zMilliseconds(),
});

export type Env = {
  port: number;
  host: string;
  dataDir: string;
  token: string | undefined;
  comfyuiUrl: string;
  ollamaHost: string;
  logLevel: "debug" | "info" | "warn" | "error";
  /** Only the timeouts set in the environment; the rest keep the app's defaults. */
  comfyuiTimeouts: Partial<ComfyTimeouts>;
};

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/** True when the host only accepts connections from this machine. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith("127.");
}

/**
 * Reads and checks the environment.
 * @returns the configuration, or a list of one-line problems a person can fix.
 */
export function readEnv(
  source: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): { ok: true; env: Env } | { ok: false; problems: string[] } {
  const raw = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = zEnv.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message} (got ${JSON.stringify(raw[String(i.path[0])])})`),
    };
  }
  const e = parsed.data;
  if (!isLoopbackHost(e.HOST) && !e.ATELIER_TOKEN) {
    return {
      ok: false,
      problems: [
        `HOST=${e.HOST} would expose Atelier beyond this machine; set ATELIER_TOKEN to a secret of 16+ characters, or leave HOST unset to bind to 127.0.0.1.`,
      ],
    };
  }
  return {
    ok: true,
    env: {
      port: e.PORT,
      host: e.HOST,
      dataDir: isAbsolute(e.ATELIER_DATA_DIR) ? e.ATELIER_DATA_DIR : resolve(cwd, e.ATELIER_DATA_DIR),
      token: e.ATELIER_TOKEN,
      comfyuiUrl: e.COMFYUI_URL.replace(/\/+$/, ""),
      ollamaHost: e.OLLAMA_HOST.replace(/\/+$/, ""),
      logLevel: e.LOG_LEVEL,
      comfyuiTimeouts: Object.fromEntries(
        Object.entries(COMFYUI_TIMEOUT_VARIABLES).flatMap(([key, variable]) => (e[variable] === undefined ? [] : [[key, e[variable]]])),
      ),
    },
  };
}
