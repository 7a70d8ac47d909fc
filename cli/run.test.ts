import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDocument, buildTxt2ImgGraph } from "@/lib/testing";
import { startSimulator, type Simulator } from "@/server/comfyui";

const root = join(import.meta.dirname, "..");
const tmp = mkdtempSync(join(tmpdir(), "atelier-cli-run-"));

function atelier(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, "bin/atelier.mjs"), ...args], { cwd: tmp }, (error, stdout, stderr) => {
      const code = error && typeof (error as { code?: unknown }).code === "number" ? (error as { code: number }).code : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function writeDoc(name: string, options: Parameters<typeof buildTxt2ImgGraph>[0]): string {
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify(buildDocument(buildTxt2ImgGraph({ checkpoint: "sim-sd15.safetensors", steps: 4, ...options }))));
  return path;
}

let comfy: Simulator;
beforeAll(async () => {
  comfy = await startSimulator({ nodeDelayMs: 2, stepDelayMs: 1 });
});
afterAll(() => comfy.close());

describe("atelier run", { timeout: 60_000 }, () => {
  it("runs a workflow on ComfyUI, prints node progress and saves the outputs", async () => {
    const file = writeDoc("fox.json", {});
    const out = join(tmp, "out");
    const result = await atelier("run", file, "--server", comfy.url, "--out", out);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toContain(`on ${comfy.url}`);
    expect(result.stdout).toContain("node 3 KSampler running");
    expect(result.stdout).toContain("node 3 KSampler 4/4");
    expect(result.stdout).toMatch(/success: 1 output saved/);
    expect(readdirSync(out)).toEqual([expect.stringMatching(/^ComfyUI_\d+_\.png$/)]);
  });

  it("prints the result as JSON and exits 1 when ComfyUI refuses the prompt, naming node and input", async () => {
    const file = writeDoc("wide.json", { width: 999999 });
    const result = await atelier("run", file, "--server", comfy.url, "--json");
    expect(result.code).toBe(1);
    const body = JSON.parse(result.stdout) as { ok: boolean; issues: { nodeId: string; inputName: string }[] };
    expect(body.ok).toBe(false);
    expect(body.issues).toEqual([expect.objectContaining({ nodeId: "5", inputName: "width", type: "value_bigger_than_max" })]);
  });

  it("exits 1 when a node fails, with its exception", async () => {
    const path = join(tmp, "escape.json");
    const doc = buildDocument(buildTxt2ImgGraph({ checkpoint: "sim-sd15.safetensors", steps: 1 }));
    doc.graph.nodes.find((n) => n.id === "9")!.widgets = { filename_prefix: "../../escape" };
    writeFileSync(path, JSON.stringify(doc));
    const result = await atelier("run", path, "--server", comfy.url, "--out", join(tmp, "none"));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("node 9 SaveImage raised Exception");
    expect(existsSync(join(tmp, "none"))).toBe(true);
  });

  it("exits 2 naming the URL when ComfyUI does not answer", async () => {
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const port = (s.address() as { port: number }).port;
    await new Promise((r) => s.close(r));
    const result = await atelier("run", writeDoc("x.json", {}), "--server", `http://127.0.0.1:${port}`);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`ComfyUI at http://127.0.0.1:${port}`);
  });
});
