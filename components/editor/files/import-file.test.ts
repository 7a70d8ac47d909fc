import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUNDLED_CATALOGUE } from "@/lib/graph/bundled-catalogue";
import { zNodeCatalogue } from "@/lib/graph/catalogue";
import { buildDocument, buildGraph, buildNode } from "@/lib/testing";
import { importFromFile, listMissingNodeTypes } from "./import-file";

const corpus = join(import.meta.dirname, "../../../../shared/corpus");
const catalogue = zNodeCatalogue.parse(JSON.parse(readFileSync(join(corpus, "../comfyui/object_info.json"), "utf8")));
const corpusFile = (path: string, type = "") => new File([readFileSync(join(corpus, path))], path.split("/").pop()!, { type });

describe("importFromFile", () => {
  it("imports a ComfyUI UI workflow file and names the document after it", async () => {
    const result = await importFromFile(corpusFile("ui/ComfyUI_examples__lora_lora.json", "application/json"), catalogue);
    if (!result.ok) throw new Error(result.message);
    expect(result.document.metadata.name).toBe("ComfyUI_examples__lora_lora");
    expect(result.document.graph.nodes.length).toBeGreaterThan(5);
    expect(result.missingNodeTypes).toEqual([]);
  });

  it("imports the workflow a PNG and a WebP carry, whatever the file is called", async () => {
    const png = await importFromFile(corpusFile("png/ComfyUI_examples__lora_lora.png", "image/png"), catalogue);
    const webp = await importFromFile(corpusFile("webp/ComfyUI_frontend__workflowInMedia__workflow.webp", "image/webp"), catalogue);
    expect([png.ok, webp.ok]).toEqual([true, true]);
    const renamed = new File([readFileSync(join(corpus, "png/ComfyUI_examples__lora_lora.png"))], "picture.json");
    expect((await importFromFile(renamed, catalogue)).ok).toBe(true);
  });

  it("imports an API prompt with every node placed", async () => {
    const result = await importFromFile(corpusFile("api/ComfyUI__script_examples__basic_api_example.json"), catalogue);
    if (!result.ok) throw new Error(result.message);
    expect(Object.keys(result.document.layout.nodes).sort()).toEqual(result.document.graph.nodes.map((n) => n.id).sort());
  });

  it("lists node types the catalogue lacks, inside subgraphs too, and keeps their nodes", async () => {
    const top = await importFromFile(corpusFile("ui/ComfyUI_frontend__missing__missing_nodes.json"), catalogue);
    const nested = await importFromFile(corpusFile("ui/ComfyUI_frontend__missing__missing_nodes_in_subgraph.json"), catalogue);
    if (!top.ok || !nested.ok) throw new Error("import failed");
    expect(top.missingNodeTypes).toEqual(["UNKNOWN NODE"]);
    expect(top.document.graph.nodes.map((n) => n.type)).toEqual(["UNKNOWN NODE"]);
    expect(nested.missingNodeTypes).toEqual(["MISSING_NODE_TYPE_IN_SUBGRAPH"]);
  });

  it("says why a PNG without a workflow cannot be imported", async () => {
    expect(await importFromFile(corpusFile("png/ComfyUI_examples__controlnet_pose_present.png"), catalogue)).toEqual({
      ok: false,
      message: expect.stringMatching(/^The PNG carries no ComfyUI workflow/),
    });
  });

  it("reports a JSON syntax error with its line and column", async () => {
    const result = await importFromFile(new File(['{\n  "nodes": [,]\n}'], "broken.json"), catalogue);
    expect(result).toEqual({ ok: false, message: expect.stringContaining("line 2, column 13") });
  });

  it("refuses an empty file and a file that is no workflow", async () => {
    expect(await importFromFile(new File([], "empty.json"), catalogue)).toEqual({ ok: false, message: "The file is empty." });
    expect(await importFromFile(new File(["hello"], "notes.txt"), catalogue)).toEqual({
      ok: false,
      message: expect.stringContaining("it is not JSON, a PNG or a WebP"),
    });
  });
});

describe("listMissingNodeTypes", () => {
  it("does not count frontend-only nodes or subgraph instances as missing", () => {
    const doc = buildDocument(
      buildGraph([buildNode(1, "KSampler"), buildNode(2, "Reroute"), buildNode(3, "Note"), buildNode(4, "sub-1"), buildNode(5, "ZNode"), buildNode(6, "ANode"), buildNode(7, "ZNode")]),
      { subgraphs: [{ id: "sub-1", name: "Sub", inputs: [], outputs: [], graph: buildGraph([buildNode(1, "Inner")]), layout: { nodes: {}, groups: [], viewport: { x: 0, y: 0, zoom: 1 } } }] },
    );
    expect(listMissingNodeTypes(doc, BUNDLED_CATALOGUE)).toEqual(["ANode", "Inner", "ZNode"]);
  });
});
