import type { ComfyTimeouts } from "./comfyui";
import { COMFYUI_TIMEOUT_VARIABLES, type Env } from "./env";

/** One ComfyUI timeout as the running client uses it, and whether the environment set it. */
export type TimeoutSetting = {
  key: keyof ComfyTimeouts;
  variable: (typeof COMFYUI_TIMEOUT_VARIABLES)[keyof ComfyTimeouts];
  ms: number;
  source: "env" | "default";
};

/** What the settings page shows: the effective configuration, with no secret in it. */
export type SettingsView = {
  comfyuiUrl: string;
  ollamaHost: string;
  host: string;
  port: number;
  dataDir: string;
  logLevel: Env["logLevel"];
  /** Only whether ATELIER_TOKEN is set: the token itself never leaves the server. */
  tokenSet: boolean;
  timeouts: TimeoutSetting[];
};

const TIMEOUT_ORDER: (keyof ComfyTimeouts)[] = ["connectMs", "readMs", "queueMs", "imageDownloadMs", "videoDownloadMs", "generationMs"];

/** Describes the configuration in effect, given the environment and the timeouts the ComfyUI client was built with. */
export function describeSettings(env: Env, timeouts: ComfyTimeouts): SettingsView {
  return {
    comfyuiUrl: env.comfyuiUrl,
    ollamaHost: env.ollamaHost,
    host: env.host,
    port: env.port,
    dataDir: env.dataDir,
    logLevel: env.logLevel,
    tokenSet: env.token !== undefined,
    timeouts: TIMEOUT_ORDER.map((key) => ({
      key,
      variable: COMFYUI_TIMEOUT_VARIABLES[key],
      ms: timeouts[key],
      source: env.comfyuiTimeouts[key] === undefined ? "default" : "env",
    })),
  };
}
