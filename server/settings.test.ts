import { describe, expect, it } from "vitest";
import { DEFAULT_TIMEOUTS } from "./comfyui";
import { readEnv } from "./env";
import { APP_TIMEOUT_DEFAULTS } from "./services";
import { applyTimeoutChanges, describeSettings, effectiveTimeouts } from "./settings";
import { startTestServer } from "./testing/app-server";

function envOf(source: Record<string, string>) {
  const r = readEnv(source, "/srv/atelier");
  if (!r.ok) throw new Error(r.problems.join("\n"));
  return r.env;
}

describe("describeSettings", () => {
  it("shows every timeout the clients use, marking where each comes from, and only whether a token is set", () => {
    const env = envOf({ COMFYUI_READ_TIMEOUT_MS: "45000", ATELIER_TOKEN: "a-long-enough-secret" });
    const view = describeSettings(env, { overrides: { readMs: 1_000, queueMs: 20_000 } });
    expect(view).toEqual({
      comfyuiUrl: "http://127.0.0.1:8188",
      servers: [{ url: "http://127.0.0.1:8188", name: null, source: "env", isDefault: true }],
      ollamaHost: "http://127.0.0.1:11434",
      host: "127.0.0.1",
      port: 3000,
      dataDir: "/srv/atelier/.data",
      logLevel: "info",
      tokenSet: true,
      timeouts: [
        { key: "connectMs", label: "Connect", variable: "COMFYUI_CONNECT_TIMEOUT_MS", ms: 10_000, source: "default", defaultMs: 10_000 },
        // The environment wins over the page.
        { key: "readMs", label: "Read (each request)", variable: "COMFYUI_READ_TIMEOUT_MS", ms: 45_000, source: "env", defaultMs: 30_000 },
        { key: "queueMs", label: "Queue a prompt", variable: "COMFYUI_QUEUE_TIMEOUT_MS", ms: 20_000, source: "settings", defaultMs: 10_000 },
        { key: "imageDownloadMs", label: "Image download", variable: "COMFYUI_IMAGE_TIMEOUT_MS", ms: 60_000, source: "default", defaultMs: 60_000 },
        { key: "videoDownloadMs", label: "Video download", variable: "COMFYUI_VIDEO_TIMEOUT_MS", ms: 300_000, source: "default", defaultMs: 300_000 },
        { key: "generationMs", label: "Whole generation", variable: "COMFYUI_RUN_TIMEOUT_MS", ms: 6 * 60 * 60_000, source: "default", defaultMs: 6 * 60 * 60_000 },
      ],
    });
    expect(JSON.stringify(view)).not.toContain("a-long-enough-secret");
    expect(effectiveTimeouts(env, {})).toEqual({ ...DEFAULT_TIMEOUTS, ...APP_TIMEOUT_DEFAULTS, readMs: 45_000 });
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
      expect(server.services.comfy.default.timeouts).toEqual(Object.fromEntries(view.timeouts.map((t) => [t.key, t.ms])));
    } finally {
      await server.stop();
    }
    const plain = await startTestServer();
    try {
      const view = await plain.client().system.settings.query();
      expect(view.timeouts.find((t) => t.key === "generationMs")).toEqual({ key: "generationMs", label: "Whole generation", variable: "COMFYUI_RUN_TIMEOUT_MS", ms: 6 * 60 * 60_000, source: "default", defaultMs: 6 * 60 * 60_000 });
    } finally {
      await plain.stop();
    }
  });
});

describe("applyTimeoutChanges", () => {
  const env = envOf({ COMFYUI_CONNECT_TIMEOUT_MS: "2500" });

  it("sets, keeps and resets page values; numbers may come as digits", () => {
    expect(applyTimeoutChanges(env, { readMs: 1_000, queueMs: 5_000 }, { queueMs: null, imageDownloadMs: "90000", videoDownloadMs: 400_000 })).toEqual({
      ok: true,
      overrides: { readMs: 1_000, imageDownloadMs: 90_000, videoDownloadMs: 400_000 },
    });
  });

  it("refuses values outside the environment's bounds, naming each field", () => {
    const result = applyTimeoutChanges(env, {}, { readMs: 0, queueMs: 1.5, imageDownloadMs: "ten", videoDownloadMs: -3, generationMs: "", nope: 5 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.field)).toEqual(["readMs", "queueMs", "imageDownloadMs", "videoDownloadMs", "generationMs", "nope"]);
    expect(result.problems[0]!.message).toBe(
      "Read (each request) timeout (readMs): must be a whole number of milliseconds greater than 0 (e.g. 30000 for 30 s), the same bounds as COMFYUI_READ_TIMEOUT_MS (got 0).",
    );
    expect(result.problems[2]!.message).toContain('Image download timeout (imageDownloadMs)');
    expect(result.problems[2]!.message).toContain('(got "ten")');
    expect(result.problems[5]!.message).toBe("nope: there is no such ComfyUI timeout (known: connectMs, readMs, queueMs, imageDownloadMs, videoDownloadMs, generationMs).");
    expect(applyTimeoutChanges(env, {}, { readMs: Number.MAX_SAFE_INTEGER + 2 }).ok).toBe(false);
    expect(applyTimeoutChanges(env, {}, { readMs: true }).ok).toBe(false);
  });

  it("refuses to change or reset a timeout set in the environment, naming the variable", () => {
    for (const value of [5_000, null]) {
      expect(applyTimeoutChanges(env, {}, { connectMs: value })).toEqual({
        ok: false,
        problems: [
          {
            field: "connectMs",
            message: "Connect timeout (connectMs) is set by COMFYUI_CONNECT_TIMEOUT_MS in the environment, which wins over the settings page; change or unset COMFYUI_CONNECT_TIMEOUT_MS and restart Atelier.",
          },
        ],
      });
    }
  });
});
