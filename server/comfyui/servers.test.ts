import { describe, expect, it } from "vitest";
import { isAppError } from "@/server/errors";
import { ComfyClient } from "./client";
import { checkComfyUrl, ComfyServers } from "./servers";

function registry() {
  const made: string[] = [];
  const servers = new ComfyServers({
    configuration: {
      servers: [
        { url: "http://a:8188", name: null, source: "env" },
        { url: "http://b:8188/comfy", name: "b", source: "settings" },
      ],
      defaultUrl: "http://a:8188",
    },
    clientIdFor: (url) => `id-of-${url}`,
    timeouts: { readMs: 1234 },
    createClient: (options) => {
      made.push(options.baseUrl);
      return new ComfyClient(options);
    },
  });
  return { servers, made };
}

describe("checkComfyUrl", () => {
  it("normalises what a person types", () => {
    expect(checkComfyUrl("  http://GPU.local:8188/ ")).toEqual({ ok: true, url: "http://gpu.local:8188" });
    expect(checkComfyUrl("https://host/comfy/")).toEqual({ ok: true, url: "https://host/comfy" });
  });

  it("says what is wrong with an address it refuses", () => {
    expect(checkComfyUrl("")).toEqual({ ok: false, problem: "The server URL is empty; give one like http://127.0.0.1:8188." });
    expect(checkComfyUrl("127.0.0.1:8188")).toEqual({ ok: false, problem: '"127.0.0.1:8188" has no http:// or https:// in front; did you mean "http://127.0.0.1:8188"?' });
    expect(checkComfyUrl("localhost:8188/comfy")).toMatchObject({ ok: false, problem: expect.stringContaining('did you mean "http://localhost:8188/comfy"?') });
    expect(checkComfyUrl("ftp://host")).toMatchObject({ ok: false, problem: expect.stringContaining("not an http:// or https:// address") });
    expect(checkComfyUrl("http://user:pw@host:8188")).toMatchObject({ ok: false, problem: expect.stringContaining("user name or password") });
    expect(checkComfyUrl("http://host:8188/?x=1")).toMatchObject({ ok: false, problem: expect.stringContaining("query or fragment") });
    expect(checkComfyUrl("not a url")).toMatchObject({ ok: false, problem: '"not a url" is not a URL; give one like http://127.0.0.1:8188.' });
  });
});

describe("ComfyServers", () => {
  it("makes one client a server on first use, with that server's client id and the current timeouts", () => {
    const { servers, made } = registry();
    expect(made).toEqual([]);
    const a = servers.resolve();
    expect(servers.resolve("http://A:8188/")).toBe(a);
    expect(servers.client("http://a:8188")).toBe(a);
    expect(a.clientId).toBe("id-of-http://a:8188");
    expect(a.timeouts.readMs).toBe(1234);
    servers.setTimeouts({ readMs: 99 });
    expect(a.timeouts.readMs).toBe(99);
    expect(servers.resolve("http://b:8188/comfy").timeouts.readMs).toBe(99);
    expect(made).toEqual(["http://a:8188", "http://b:8188/comfy"]);
    servers.close();
  });

  it("refuses a server that is not configured, naming it and the configured ones", () => {
    const { servers } = registry();
    let error: unknown;
    try {
      servers.resolve("http://c:8188");
    } catch (e) {
      error = e;
    }
    expect(isAppError(error, "BAD_INPUT")).toBe(true);
    expect((error as Error).message).toBe('ComfyUI server "http://c:8188" is not configured in Atelier (configured: http://a:8188 (default), http://b:8188/comfy); add it on the settings page first.');
    // A run recorded there still gets a client.
    expect(servers.client("http://c:8188").baseUrl).toBe("http://c:8188");
    servers.close();
  });

  it("closes the client of a removed server, keeps an unlisted server's (a recovered run's) and refuses a default outside the list", () => {
    const { servers } = registry();
    const b = servers.client("http://b:8188/comfy");
    const c = servers.client("http://c:8188");
    servers.configure({ servers: [{ url: "http://a:8188", name: null, source: "env" }], defaultUrl: "http://a:8188" });
    expect(servers.client("http://b:8188/comfy")).not.toBe(b);
    expect(servers.client("http://c:8188")).toBe(c);
    expect(servers.isConfigured("http://b:8188/comfy")).toBe(false);
    expect(() => servers.configure({ servers: [{ url: "http://a:8188", name: null, source: "env" }], defaultUrl: "http://z:1" })).toThrow(/not among the configured ones/);
    servers.close();
  });
});
