import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildUiWorkflowWithTwoLinksIntoOneInput } from "@/lib/testing";

const root = join(import.meta.dirname, "..");
const corpus = join(root, "../shared/corpus");
const objectInfo = join(root, "../shared/comfyui/object_info.json");
const tmp = mkdtempSync(join(tmpdir(), "atelier-cli-"));

/** Runs the real binary, as a user would. */
function atelier(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(root, "bin/atelier.mjs"), ...args], { cwd: tmp, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error && typeof (error as { code?: unknown }).code === "number" ? (error as { code: number }).code : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const ui = (name: string) => join(corpus, "ui", name);

describe("atelier CLI", { timeout: 60_000 }, () => {
  it("prints help for itself and each command", async () => {
    const top = await atelier("--help");
    expect(top).toMatchObject({ code: 0, stderr: "" });
    expect(top.stdout).toContain("Commands:");
    const compile = await atelier("compile", "--help");
    expect(compile.stdout).toContain("Usage: atelier compile <file>");
  });

  it("validate reports two links into one input as an import warning naming the node, the input and the link kept", async () => {
    const file = join(tmp, "two-links.json");
    const workflow = buildUiWorkflowWithTwoLinksIntoOneInput(11);
    writeFileSync(file, JSON.stringify(workflow));
    const text = await atelier("validate", file);
    expect(text).toMatchObject({ code: 0, stderr: "" });
    expect(text.stdout).toBe(
      `${file} (comfyui-ui, 4 nodes): no issues; 1 import warning\n` +
        `  warning  Links 10 and 11 both feed input "image" of node 3 (ImageInvert); kept link 11 (the one the node's input slot references, as ComfyUI does) and dropped link 10. Check that input is connected as you meant.\n`,
    );
    const json = await atelier("validate", file, "--json");
    expect(JSON.parse(json.stdout).importWarnings).toEqual([
      expect.objectContaining({ code: "duplicate-link", nodeId: "3", inputName: "image", keptLinkId: "11", droppedLinkId: "10" }),
    ]);
  });

  it("validate exits 0 on a clean workflow and 1 with issues, listing them as JSON", async () => {
    expect(await atelier("validate", ui("ComfyUI_examples__lora_lora.json"))).toMatchObject({ code: 0, stdout: expect.stringContaining("no issues") });
    const withServerCatalogue = await atelier("validate", ui("ComfyUI_examples__lora_lora.json"), "--catalog", objectInfo, "--json");
    expect(withServerCatalogue.code).toBe(1);
    const report = JSON.parse(withServerCatalogue.stdout);
    expect(report).toMatchObject({ ok: false, errors: 2, format: "comfyui-ui" });
    expect(report.issues.map((i: { nodeId: string; inputName: string }) => [i.nodeId, i.inputName])).toEqual([["4", "ckpt_name"], ["10", "lora_name"]]);
  });

  it("exits 2 naming the file, line and column of a truncated JSON file", async () => {
    const file = join(tmp, "truncated.json");
    writeFileSync(file, '{\n  "nodes": [\n    {"id": 1');
    const result = await atelier("validate", file);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}:3:13: Unexpected end of file: the file looks truncated`);
  });

  it("exits 2 for a missing file and for a PNG without a workflow", async () => {
    expect(await atelier("hash", join(tmp, "nope.json"))).toMatchObject({ code: 2, stderr: expect.stringContaining("nope.json: cannot read the file (no such file)") });
    const png = await atelier("validate", join(corpus, "png/ComfyUI_examples__controlnet_pose_present.png"));
    expect(png).toMatchObject({ code: 2, stderr: expect.stringContaining("carries no ComfyUI workflow") });
  });

  it("compiles a PNG's workflow to the prompt ComfyUI embedded beside it", async () => {
    const out = join(tmp, "prompt.json");
    const result = await atelier("compile", join(corpus, "png/ComfyUI_examples__lora_lora.png"), "--catalog", objectInfo, "--out", out);
    expect(result).toMatchObject({ code: 0, stdout: "", stderr: "" });
    const expected = JSON.parse(readFileSync(join(corpus, "api/ComfyUI_examples__lora_lora.json"), "utf8"));
    const prompt = JSON.parse(readFileSync(out, "utf8"));
    for (const [id, node] of Object.entries(expected) as [string, { inputs: unknown; class_type: string }][]) {
      expect(prompt[id]).toMatchObject({ class_type: node.class_type, inputs: node.inputs });
    }
  });

  it("compiles only the requested outputs and reports compile issues as JSON with exit 1", async () => {
    const partial = await atelier("compile", join(corpus, "api/comfyui-api__test__workflows__sd1.5-multi-output.json"), "--outputs", "11", "--json");
    expect(partial.code).toBe(0);
    expect(Object.keys(JSON.parse(partial.stdout).prompt).sort()).toEqual(["11", "3", "4", "5", "6", "7", "8"]);
    const broken = await atelier("compile", ui("ComfyUI_frontend__missing__missing_nodes.json"), "--json");
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout).issues).toContainEqual(expect.objectContaining({ code: "unknown-node-type" }));
  });

  it("hashes the same graph the same whatever the container, and diff agrees", async () => {
    const png = await atelier("hash", join(corpus, "png/ComfyUI_examples__lora_lora.png"), "--json");
    const json = await atelier("hash", ui("ComfyUI_examples__lora_lora.json"), "--json");
    expect(JSON.parse(png.stdout).hash).toBe(JSON.parse(json.stdout).hash);
    expect(await atelier("diff", join(corpus, "png/ComfyUI_examples__lora_lora.png"), ui("ComfyUI_examples__lora_lora.json"))).toMatchObject({ code: 0, stdout: expect.stringContaining("are the same graph") });
    const different = await atelier("diff", ui("ComfyUI_examples__lora_lora.json"), ui("ComfyUI_examples__lora_lora_multiple.json"));
    expect(different.code).toBe(1);
    expect(different.stdout).toMatch(/^\+ node /m);
  });

  it("converts to UI, API and Atelier formats that import back to the same hash", async () => {
    const source = ui("ComfyUI_frontend__subgraphs__nested-subgraph.json");
    const original = JSON.parse((await atelier("hash", source, "--json")).stdout).hash;
    for (const to of ["ui", "atelier"]) {
      const out = join(tmp, `converted-${to}.json`);
      expect(await atelier("convert", source, "--to", to, "--out", out)).toMatchObject({ code: 0 });
      expect(JSON.parse((await atelier("hash", out, "--json")).stdout).hash).toBe(original);
    }
    const api = await atelier("convert", source, "--to", "api");
    expect(api.code).toBe(0);
    expect(Object.keys(JSON.parse(api.stdout)).some((id) => id.includes(":"))).toBe(true);
    expect(await atelier("convert", source, "--to", "png")).toMatchObject({ code: 2, stderr: expect.stringContaining("--to ui, --to api or --to atelier") });
  });

  it("takes the catalogue from --server <url>/object_info", async () => {
    const catalogue = readFileSync(objectInfo);
    const server = createHttpServer((req, res) => {
      if (req.url === "/object_info") res.writeHead(200, { "content-type": "application/json" }).end(catalogue);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    try {
      const result = await atelier("validate", ui("ComfyUI_examples__lora_lora.json"), "--server", `http://127.0.0.1:${port}/`, "--json");
      // The captured server has no model files, so both model dropdowns are errors, exactly as with --catalog.
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout)).toMatchObject({ errors: 2 });
    } finally {
      server.close();
    }
  });

  it("names the URL when --server does not answer", async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const result = await atelier("validate", ui("ComfyUI_examples__lora_lora.json"), "--server", `http://127.0.0.1:${port}`);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Could not fetch the node catalogue from http://127.0.0.1:${port}/object_info`);
  });

  it("rejects an unknown command with exit 2", async () => {
    expect(await atelier("frobnicate")).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
  });
});
