import { describe, expect, it } from "vitest";
import { DEFAULT_TIMEOUTS } from "./comfyui";
import { readEnv } from "./env";
import { APP_TIMEOUT_DEFAULTS } from "./services";
import { describeSettings } from "./settings";
import { startTestServer } from "./testing/app-server";

function envOf(source: Record<string, string>) {
  const r = readEnv(source, "/srv/atelier");
  if (!r.ok) throw new Error(r.problems.join("\n"));
  return r.env;
}

describe("describeSettings", () => {
  it("shows every timeout the client uses, marking the ones set in the environment, and only whether a token is set", () => {
    const env = envOf({ COMFYUI_READ_TIMEOUT_MS: "45000", ATELIER_TOKEN: "a-long-enough-secret" });
    const timeouts = { ...DEFAULT_TIMEOUTS, ...APP_TIMEOUT_DEFAULTS, ...env.comfyuiTimeouts };
    const view = describeSettings(env, timeouts);
    expect(view).toEqual({
      comfyuiUrl: "http://127.0.0.1:8188",
      ollamaHost: "http://127.0.0.1:11434",
      host: "127.0.0.1",
      port: 3000,
      dataDir: "/srv/atelier/.data",
      logLevel: "info",
      tokenSet: true,
      timeouts: [
        { key: "connectMs", variable: "COMFYUI_CONNECT_TIMEOUT_MS", ms: 10_000, source: "default" },
        { key: "readMs", variable: "COMFYUI_READ_TIMEOUT_MS", ms: 45_000, source: "env" },
        { key: "queueMs", variable: "COMFYUI_QUEUE_TIMEOUT_MS", ms: 10_000, source: "default" },
        { key: "imageDownloadMs", variable: "COMFYUI_IMAGE_TIMEOUT_MS", ms: 60_000, source: "default" },
        { key: "videoDownloadMs", variable: "COMFYUI_VIDEO_TIMEOUT_MS", ms: 300_000, source: "default" },
        { key: "generationMs", variable: "COMFYUI_RUN_TIMEOUT_MS", ms: 6 * 60 * 60_000, source: "default" },
      ],
    });
    expect(JSON.stringify(view)).not.toContain("a-long-enough-secret");
  });

  it("serves system.settings from the client the app really built: env values win, the six-hour whole-run default stays otherwise", async () => {
    const server = await startTestServer({ COMFYUI_RUN_TIMEOUT_MS: "900000", COMFYUI_CONNECT_TIMEOUT_MS: "2500" });
    try {
      const view = await server.client().system.settings.query();
      expect(view.tokenSet).toBe(false);
      expect(view.timeouts.map((t) => [t.variable, t.ms, t.source])).toEqual([
        ["COMFYUI_CONNECT_TIMEOUT_MS", 2500, "env"],
        ["COMFYUI_READ_TIMEOUT_MS", 30_000, "default"],
        ["COMFYUI_QUEUE_TIMEOUT_MS", 10_000, "default"],
        ["COMFYUI_IMAGE_TIMEOUT_MS", 60_000, "default"],
        ["COMFYUI_VIDEO_TIMEOUT_MS", 300_000, "default"],
        ["COMFYUI_RUN_TIMEOUT_MS", 900_000, "env"],
      ]);
    } finally {
      await server.stop();
    }
    const plain = await startTestServer();
    try {
      const view = await plain.client().system.settings.query();
      expect(view.timeouts.find((t) => t.key === "generationMs")).toEqual({ key: "generationMs", variable: "COMFYUI_RUN_TIMEOUT_MS", ms: 6 * 60 * 60_000, source: "default" });
    } finally {
      await plain.stop();
    }
  });
});
