import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { zNodeCatalogue } from "@/lib/graph/catalogue";
import { buildDocument, buildGraph, buildNode } from "@/lib/testing";
import { detectFormat, importWorkflow } from "./detect";

const shared = join(import.meta.dirname, "../../../shared");
const catalogue = zNodeCatalogue.parse(JSON.parse(readFileSync(join(shared, "comfyui/object_info.json"), "utf8")));
const bytes = (dir: string, name: string) => new Uint8Array(readFileSync(join(shared, "corpus", dir, name)));

describe("detectFormat", () => {
  it("tells every kind of input apart", () => {
    expect(detectFormat(bytes("png", "ComfyUI_examples__lora_lora.png"))).toBe("png");
    expect(detectFormat(bytes("webp", "ComfyUI_frontend__workflowInMedia__workflow.webp"))).toBe("webp");
    expect(detectFormat(bytes("ui", "ComfyUI_examples__lora_lora.json"))).toBe("comfyui-ui");
    expect(detectFormat(bytes("api", "ComfyUI_examples__lora_lora.json"))).toBe("comfyui-api");
    expect(detectFormat(JSON.stringify({ prompt: { "1": { class_type: "A", inputs: {} } } }))).toBe("comfyui-api");
    expect(detectFormat(JSON.stringify(buildDocument(buildGraph([buildNode(1, "A")]))))).toBe("atelier");
    expect(detectFormat('{"hello": 1}')).toBeUndefined();
    expect(detectFormat("{ nope")).toBeUndefined();
  });
});

describe("importWorkflow", () => {
  it("imports a PNG's UI workflow, names it after the file and keeps the embedded prompt", () => {
    const result = importWorkflow(bytes("png", "ComfyUI_examples__lora_lora.png"), { catalogue, fileName: "dir/lora.png" });
    expect(result).toMatchObject({ ok: true, format: "png", document: { metadata: { name: "lora", source: { format: "comfyui-ui", version: "0.4" } } } });
    expect(result.ok && typeof result.document.metadata.extra?.embeddedPrompt).toBe("string");
  });

  it("falls back to the prompt when a PNG has no workflow", () => {
    const result = importWorkflow(bytes("png", "ComfyUI_frontend__workflowInMedia__workflow_prompt_parameters.png"), { catalogue });
    expect(result).toMatchObject({ ok: true, format: "png", document: { metadata: { source: { format: "comfyui-api" } } } });
  });

  it("says what a PNG or WebP without metadata does carry", () => {
    expect(importWorkflow(bytes("png", "ComfyUI_examples__controlnet_pose_present.png"))).toEqual({
      ok: false,
      format: "png",
      error: { message: 'The PNG carries no ComfyUI workflow (no "workflow" or "prompt" metadata).', path: "" },
    });
    expect(importWorkflow(bytes("webp", "ComfyUI_frontend__workflowInMedia__no_workflow.webp"))).toMatchObject({ ok: false, format: "webp" });
  });

  it("reports a JSON syntax error with line and column, BOM included", () => {
    expect(importWorkflow('\uFEFF{\n  "nodes": [1,,2]\n}')).toEqual({
      ok: false,
      error: { message: "Expected a JSON value but found \",\" at line 2, column 15.", path: "", line: 2, column: 15 },
    });
    expect(importWorkflow("hello")).toMatchObject({ ok: false, error: { message: expect.stringContaining("not JSON, a PNG or a WebP") } });
  });

  it("takes the UI workflow a queued prompt body carries in extra_pnginfo", () => {
    const workflow = JSON.parse(readFileSync(join(shared, "corpus/ui/ComfyUI_examples__lora_lora.json"), "utf8"));
    const prompt = JSON.parse(readFileSync(join(shared, "corpus/api/ComfyUI_examples__lora_lora.json"), "utf8"));
    const body = JSON.stringify({ client_id: "x", prompt, extra_data: { extra_pnginfo: { workflow } } });
    const result = importWorkflow(body, { catalogue });
    expect(result).toMatchObject({ ok: true, format: "comfyui-ui", document: { metadata: { extra: { embeddedPrompt: JSON.stringify(prompt) } } } });
    expect(result.ok && result.document.graph.nodes.length).toBe(workflow.nodes.length);
  });

  it("explains JSON that is not a workflow", () => {
    expect(importWorkflow("[1, 2]")).toMatchObject({ ok: false, error: { message: expect.stringContaining("is JSON but not a workflow") } });
  });

  it("round-trips an Atelier document and reports an invalid one with its path", () => {
    const doc = buildDocument(buildGraph([buildNode(1, "EmptyImage", { widgets: { width: 8 } })]));
    expect(importWorkflow(JSON.stringify(doc))).toEqual({ ok: true, document: doc, warnings: [], format: "atelier" });
    const broken = { ...doc, graph: { nodes: [{ id: 1 }], edges: [] } };
    expect(importWorkflow(JSON.stringify(broken))).toMatchObject({ ok: false, format: "atelier", error: { path: "/graph/nodes/0/id" } });
  });

  it("imports 100,000 nodes and refuses absurd node counts cleanly", () => {
    const prompt: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) prompt[i] = { class_type: "EmptyImage", inputs: { width: 8 } };
    const big = importWorkflow(JSON.stringify(prompt));
    expect(big.ok && big.document.graph.nodes.length).toBe(100_000);
    for (let i = 100_000; i < 200_001; i++) prompt[i] = { class_type: "EmptyImage", inputs: {} };
    expect(importWorkflow(JSON.stringify(prompt))).toMatchObject({ ok: false, error: { message: expect.stringContaining("more than 200000 nodes") } });
  });
});
