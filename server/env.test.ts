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

  it("strips trailing slashes from service URLs", () => {
    const r = readEnv({ COMFYUI_URL: "http://gpu-box:8188/" }, "/x");
    expect(r.ok && r.env.comfyuiUrl).toBe("http://gpu-box:8188");
  });
});
