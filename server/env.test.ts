import { describe, expect, it } from "vitest";
import { readEnv } from "./env";

describe("readEnv", () => {
  it("gives a newcomer's defaults", () => {
    expect(readEnv({}, "/srv/atelier")).toEqual({
      ok: true,
      env: {
        port: 3000,
        host: "127.0.0.1",
        dataDir: "/srv/atelier/.data",
        token: undefined,
        comfyuiUrl: "http://127.0.0.1:8188",
        ollamaHost: "http://127.0.0.1:11434",
        logLevel: "info",
        comfyuiTimeouts: {},
      },
    });
  });

  it("names the variable and the value that is wrong", () => {
    const r = readEnv({ PORT: "eighty" }, "/x");
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems[0]).toMatch(/^PORT: .*"eighty"/);
  });

  it("refuses to bind beyond loopback without an access token", () => {
    const r = readEnv({ HOST: "0.0.0.0" }, "/x");
    expect(r).toEqual({ ok: false, problems: [expect.stringMatching(/set ATELIER_TOKEN/)] });
    expect(readEnv({ HOST: "0.0.0.0", ATELIER_TOKEN: "a-long-enough-secret" }, "/x").ok).toBe(true);
  });

  it("reads only the ComfyUI timeouts that are set, in milliseconds", () => {
    const r = readEnv({ COMFYUI_CONNECT_TIMEOUT_MS: "5000", COMFYUI_RUN_TIMEOUT_MS: "3600000", COMFYUI_VIDEO_TIMEOUT_MS: "" }, "/x");
    expect(r.ok && r.env.comfyuiTimeouts).toEqual({ connectMs: 5000, generationMs: 3_600_000 });
  });

  it("names the timeout variable whose value is not a positive whole number of milliseconds", () => {
    expect(readEnv({ COMFYUI_READ_TIMEOUT_MS: "30s" }, "/x")).toEqual({
      ok: false,
      problems: ['COMFYUI_READ_TIMEOUT_MS: must be a whole number of milliseconds greater than 0 (e.g. 30000 for 30 s) (got "30s")'],
    });
    for (const bad of ["0", "-5", "1.5"]) {
      const r = readEnv({ COMFYUI_IMAGE_TIMEOUT_MS: bad }, "/x");
      expect(r).toEqual({ ok: false, problems: [expect.stringMatching(/^COMFYUI_IMAGE_TIMEOUT_MS: must be a whole number of milliseconds/)] });
    }
  });

  it("strips trailing slashes from service URLs", () => {
    const r = readEnv({ COMFYUI_URL: "http://gpu-box:8188/" }, "/x");
    expect(r.ok && r.env.comfyuiUrl).toBe("http://gpu-box:8188");
  });
});
