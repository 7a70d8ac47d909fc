import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startSimulator, type Simulator } from "@/server/comfyui";
import { encodePng } from "@/server/comfyui/simulator/png";
import { startTestServer } from "@/server/testing/app-server";
import { isSafeInputName } from "./input-files";

let sim: Simulator | undefined;
let app: Awaited<ReturnType<typeof startTestServer>> | undefined;
afterEach(async () => {
  await app?.stop();
  await sim?.close();
  app = sim = undefined;
});

const png = encodePng({ width: 4, height: 3, channels: 3, pixels: new Uint8Array(4 * 3 * 3).fill(200) });

describe("input images for LoadImage widgets", () => {
  it("uploads an image to ComfyUI's input folder and shows it back", async () => {
    sim = await startSimulator({ dataDir: mkdtempSync(join(tmpdir(), "atelier-sim-")) });
    app = await startTestServer({ COMFYUI_URL: sim.url });
    const up = await fetch(`${app.url}/files/comfyui/input?name=cat.png`, { method: "POST", body: new Uint8Array(png), headers: { "content-type": "image/png" } });
    expect(up.status).toBe(200);
    expect(await up.json()).toMatchObject({ name: "cat.png", subfolder: "", type: "input" });
    const shown = await fetch(`${app.url}/files/comfyui/input?name=cat.png`);
    expect(shown.status).toBe(200);
    expect(shown.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await shown.arrayBuffer()).equals(png)).toBe(true);
  });

  it("answers 404 for an image ComfyUI does not have", async () => {
    sim = await startSimulator({ dataDir: mkdtempSync(join(tmpdir(), "atelier-sim-")) });
    app = await startTestServer({ COMFYUI_URL: sim.url });
    const res = await fetch(`${app.url}/files/comfyui/input?name=missing.png`);
    expect(res.status).toBe(404);
    expect((await res.json()).error).toMatch(/has no input file "missing.png"/);
  });

  it("refuses anything but a plain image file name, before ComfyUI is asked", async () => {
    app = await startTestServer({ COMFYUI_URL: "http://127.0.0.1:9" });
    for (const name of ["../secret.png", "a/b.png", "notes.txt", ".hidden.png", ""]) {
      const res = await fetch(`${app.url}/files/comfyui/input?name=${encodeURIComponent(name)}`);
      expect(res.status, name).toBe(400);
    }
    expect(isSafeInputName("photo 1.JPG")).toBe(true);
  });

  it("says which ComfyUI did not answer", async () => {
    app = await startTestServer({ COMFYUI_URL: "http://127.0.0.1:9" });
    const res = await fetch(`${app.url}/files/comfyui/input?name=cat.png`, { method: "POST", body: new Uint8Array(png) });
    expect(res.status).toBe(502);
    expect((await res.json()).error).toMatch(/127\.0\.0\.1:9/);
  });

  it("uploads to the configured server named by ?server=, and refuses one that is not configured", async () => {
    sim = await startSimulator({ dataDir: mkdtempSync(join(tmpdir(), "atelier-sim-")) });
    const other = await startSimulator({ dataDir: mkdtempSync(join(tmpdir(), "atelier-sim-")) });
    try {
      app = await startTestServer({ COMFYUI_URL: sim.url });
      const target = `${app.url}/files/comfyui/input?name=dog.png&server=${encodeURIComponent(other.url)}`;
      const refused = await fetch(target, { method: "POST", body: new Uint8Array(png) });
      expect(refused.status).toBe(400);
      expect((await refused.json()).error).toContain(`ComfyUI server "${other.url}" is not configured`);
      await app.client().system.addServer.mutate({ url: other.url });
      expect((await fetch(target, { method: "POST", body: new Uint8Array(png) })).status).toBe(200);
      expect((await fetch(target)).status).toBe(200);
      // Not on the default server.
      expect((await fetch(`${app.url}/files/comfyui/input?name=dog.png`)).status).toBe(404);
    } finally {
      await other.close();
    }
  });
});
