import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { zNodeCatalogue, type NodeCatalogue } from "@/lib/graph/catalogue";
import type { WorkflowDocument } from "@/lib/graph/model";
import { buildUiWorkflowWithTwoLinksIntoOneInput as twoLinksIntoOneInput } from "@/lib/testing";
import { importUiWorkflow } from "./ui";
import { exportUiWorkflow } from "./ui-export";

const shared = join(import.meta.dirname, "../../../shared");
const catalogue: NodeCatalogue = zNodeCatalogue.parse(JSON.parse(readFileSync(join(shared, "comfyui/object_info.json"), "utf8")));
const uiDir = join(shared, "corpus/ui");
const readUi = (name: string): unknown => JSON.parse(readFileSync(join(uiDir, name), "utf8"));

function importOk(json: unknown): { document: WorkflowDocument; warnings: { code: string; message: string }[] } {
  const result = importUiWorkflow(json, { catalogue });
  if (!result.ok) throw new Error(result.error.message);
  return result;
}

/** The parts of a document the semantic hash covers: nodes without `extra`, edges in id order, subgraph ports and graphs. */
function semantics(doc: WorkflowDocument): unknown {
  const graph = (g: WorkflowDocument["graph"]) => ({
    nodes: g.nodes.map(({ extra: _extra, ...rest }) => rest),
    edges: [...g.edges].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  });
  return {
    graph: graph(doc.graph),
    subgraphs: (doc.subgraphs ?? []).map((s) => ({ id: s.id, inputs: s.inputs.map((p) => [p.name, p.type]), outputs: s.outputs.map((p) => [p.name, p.type]), graph: graph(s.graph) })),
  };
}

const ksampler = (widgets_values: unknown[]) => ({
  last_node_id: 1,
  last_link_id: 0,
  nodes: [{ id: 1, type: "KSampler", pos: [10, 20], size: [300, 200], flags: {}, order: 0, mode: 0, inputs: [], outputs: [], properties: {}, widgets_values }],
  links: [],
  groups: [],
  config: {},
  extra: {},
  version: 0.4,
});

describe("importUiWorkflow", () => {
  it("names positional widget values and takes the control_after_generate slot after the seed", () => {
    const { document, warnings } = importOk(ksampler([42, "increment", 20, 8, "euler", "normal", 1]));
    expect(warnings).toEqual([]);
    expect(document.graph.nodes[0]).toMatchObject({
      id: "1",
      type: "KSampler",
      mode: "active",
      widgets: { seed: 42, steps: 20, cfg: 8, sampler_name: "euler", scheduler: "normal", denoise: 1 },
      controls: { seed: "increment" },
    });
    expect(document.layout.nodes["1"]).toEqual({ x: 10, y: 20, width: 300, height: 200, order: 0 });
  });

  it("reads the early-2023 boolean control and writes it back as a boolean", () => {
    const { document } = importOk(ksampler([42, true, 20, 8, "euler", "normal", 1]));
    expect(document.graph.nodes[0]?.controls).toEqual({ seed: "randomize" });
    const exported = exportUiWorkflow(document, catalogue) as { nodes: { widgets_values: unknown[] }[] };
    expect(exported.nodes[0]?.widgets_values).toEqual([42, true, 20, 8, "euler", "normal", 1]);
  });

  it("fills inputs a definition gained since the file was saved with their defaults and says so", () => {
    const { document, warnings } = importOk(ksampler([42, "fixed", 20, 8, "euler", "normal"]));
    expect(document.graph.nodes[0]?.widgets.denoise).toBe(1);
    expect(warnings).toEqual([
      expect.objectContaining({ code: "default-filled", nodeId: "1", message: expect.stringContaining("denoise") }),
    ]);
  });

  it("keeps unknown node types opaque with their raw widgets_values and exports them unchanged", () => {
    const json = ksampler([]);
    json.nodes[0] = { ...json.nodes[0]!, type: "SomeCustomNode", widgets_values: [1, "a", { deep: [2] }] };
    const { document, warnings } = importOk(json);
    expect(document.graph.nodes[0]?.widgets).toEqual({});
    expect(document.graph.nodes[0]?.extra?.rawWidgetValues).toEqual([1, "a", { deep: [2] }]);
    expect(warnings.map((w) => w.code)).toEqual(["unknown-node-type"]);
    const exported = exportUiWorkflow(document, catalogue) as { nodes: { widgets_values: unknown }[] };
    expect(exported.nodes[0]?.widgets_values).toEqual([1, "a", { deep: [2] }]);
  });

  it("turns array links into edges by input name, and widget-converted inputs keep their hidden value", () => {
    const { document } = importOk(readUi("ComfyUI_frontend__primitive__primitive_node.json"));
    expect(document.graph.edges).toEqual([{ id: "1", source: "1", sourceSlot: 0, target: "2", targetInput: "steps", type: "INT" }]);
    const primitive = document.graph.nodes.find((n) => n.type === "PrimitiveNode");
    // "fixed" is the absence of a control, so it is not recorded.
    expect(primitive).toMatchObject({ widgets: { value: 20 } });
    expect(primitive?.controls).toBeUndefined();
    expect(document.graph.nodes.find((n) => n.type === "KSampler")?.widgets.steps).toBe(20);
  });

  it("maps muted (2) and bypassed (4) modes", () => {
    const json = ksampler([1, "fixed", 20, 8, "euler", "normal", 1]);
    json.nodes.push({ ...json.nodes[0]!, id: 2, mode: 2 }, { ...json.nodes[0]!, id: 3, mode: 4 });
    expect(importOk(json).document.graph.nodes.map((n) => n.mode)).toEqual(["active", "muted", "bypassed"]);
  });

  it("reads object widgets_values (VideoHelperSuite) by name and writes them back as an object", () => {
    const json = readUi("ComfyUI-VideoHelperSuite__tests__loop.json") as { nodes: { id: number; widgets_values: unknown }[] };
    const { document } = importUiWorkflow(json, { catalogue }) as { document: WorkflowDocument };
    const exported = exportUiWorkflow(document, catalogue) as { nodes: { id: number; widgets_values: unknown }[] };
    for (const node of json.nodes) {
      expect(exported.nodes.find((n) => n.id === node.id)?.widgets_values).toEqual(node.widgets_values);
    }
  });

  it("imports subgraph definitions with -10/-20 boundary edges into doc.subgraphs", () => {
    const { document } = importOk(readUi("ComfyUI_frontend__subgraphs__basic-subgraph.json"));
    const sub = document.subgraphs?.[0];
    expect(sub?.inputs.map((p) => p.name)).toEqual(["positive"]);
    expect(sub?.graph.edges.some((e) => e.source === "-10" && e.sourceSlot === 0)).toBe(true);
    expect(sub?.graph.edges.some((e) => e.target === "-20")).toBe(true);
    expect(document.graph.nodes.some((n) => n.type === sub?.id)).toBe(true);
  });

  it("keeps native reroutes and link extensions as layout and writes them back", () => {
    const json = readUi("ComfyUI_frontend__reroute__native_reroute.json") as { extra: Record<string, unknown>; links: unknown[] };
    const { document } = importOk(json);
    expect(document.layout.extra?.reroutes).toEqual(json.extra.reroutes);
    const exported = exportUiWorkflow(document, catalogue) as { extra: Record<string, unknown>; links: unknown[] };
    expect(exported.extra.reroutes).toEqual(json.extra.reroutes);
    expect(exported.extra.linkExtensions).toEqual(json.extra.linkExtensions);
    expect(exported.links).toEqual(json.links);
  });

  it("reads version 1 files (state, object links, bounding groups) and writes them as 0.4", () => {
    const { document } = importOk(readUi("litegraph.js__testGraphs.basicSerialisableGraph.json"));
    expect(document.layout.groups).toEqual([{ id: "123", title: "A group to test with", x: 20, y: 20, width: 1, height: 3, color: "#6029aa", fontSize: 14, extra: { numericId: true } }]);
    // Written back as 0.4, the version the frontend's schema validates every file against.
    const exported = exportUiWorkflow(document, catalogue);
    expect(exported).toMatchObject({ version: 0.4, last_node_id: 1, last_link_id: 0, links: [] });
    expect(exported.groups).toEqual([{ id: 123, title: "A group to test with", bounding: [20, 20, 1, 3], color: "#6029aa", font_size: 14 }]);
  });

  it("drops a link between nodes that do not exist, with a warning", () => {
    const { warnings } = importOk(readUi("ComfyUI_frontend__links__rgthree_corrupt_link.json"));
    expect(warnings).toEqual([expect.objectContaining({ code: "dropped-link", message: expect.stringContaining("404") })]);
  });

  it("renumbers a duplicate node id instead of losing the node", () => {
    const { document, warnings } = importOk(readUi("ComfyUI_frontend__nodes__duplicate_node_ids.json"));
    expect(new Set(document.graph.nodes.map((n) => n.id)).size).toBe(document.graph.nodes.length);
    expect(warnings.map((w) => w.code)).toContain("duplicate-node-id");
  });

  it("accepts numeric-string slot indices in links, as the frontend does", () => {
    const json = readUi("ComfyUI_frontend__primitive__primitive_node.json") as { links: unknown[][] };
    json.links = json.links.map((l) => [l[0], l[1], String(l[2]), l[3], String(l[4]), l[5]]);
    expect(importOk(json).document.graph.edges).toEqual([{ id: "1", source: "1", sourceSlot: 0, target: "2", targetInput: "steps", type: "INT" }]);
  });

  it("rejects something that is not a UI workflow with a path", () => {
    expect(importUiWorkflow({ nodes: "x" })).toEqual({ ok: false, error: { message: "A UI workflow must be an object with a `nodes` array.", path: "" } });
    expect(importUiWorkflow({ nodes: [{ type: "A" }], links: [] })).toMatchObject({ ok: false, error: { path: "/nodes/0/id" } });
    expect(importUiWorkflow({ nodes: [], links: [[1, 2]] })).toMatchObject({ ok: false, error: { path: "/links/0" } });
  });
});

describe("UI corpus round trip", () => {
  const files = readdirSync(uiDir).filter((f) => f.endsWith(".json"));

  it("imports, exports and re-imports every corpus UI file to the same semantic graph", () => {
    expect(files.length).toBe(70);
    for (const file of files) {
      const first = importUiWorkflow(readUi(file), { catalogue });
      if (!first.ok) throw new Error(`${file}: ${first.error.message}`);
      const exported = JSON.parse(JSON.stringify(exportUiWorkflow(first.document, catalogue)));
      const second = importUiWorkflow(exported, { catalogue });
      if (!second.ok) throw new Error(`${file} (re-import): ${second.error.message}`);
      expect({ file, semantics: semantics(second.document) }).toEqual({ file, semantics: semantics(first.document) });
    }
  });

  it("exports known nodes' widgets_values, slots and geometry exactly as the file had them", () => {
    // Exceptions by design: inputs a definition gained since saving get their default appended, as ComfyUI does on re-save.
    let compared = 0;
    for (const file of files) {
      const json = readUi(file) as { nodes: Record<string, unknown>[] };
      const result = importUiWorkflow(json, { catalogue });
      if (!result.ok) continue;
      const filled = new Set(result.warnings.filter((w) => w.code === "default-filled" || w.code === "duplicate-node-id").map((w) => w.nodeId));
      const exported = exportUiWorkflow(result.document, catalogue) as { nodes: Record<string, unknown>[] };
      const byId = new Map(exported.nodes.map((n) => [String(n.id), n]));
      for (const node of json.nodes) {
        if (filled.has(String(node.id))) continue;
        const out = byId.get(String(node.id));
        for (const key of ["widgets_values", "pos", "size", "properties", "mode", "flags", "title"]) {
          if (node[key] === undefined) continue;
          compared++;
          expect({ file, id: node.id, key, value: out?.[key] }).toEqual({ file, id: node.id, key, value: node[key] });
        }
      }
    }
    expect(compared).toBeGreaterThan(5000);
  });
});

describe("importUiWorkflow link repair", () => {
  it("keeps the link an input names when two links feed it, as the frontend's fixer does", () => {
    const { document, warnings } = importOk(readUi("ComfyUI_frontend__links__duplicate_links_slot_drift.json"));
    const sub = document.subgraphs?.[0];
    const into = sub?.graph.edges.filter((e) => e.target === "85" && e.targetInput === "cfg");
    expect(into?.map((e) => e.id)).toEqual(["276"]);
    expect(warnings).toContainEqual(expect.objectContaining({ code: "duplicate-link", nodeId: "85", inputName: "cfg", keptLinkId: "276", droppedLinkId: "257" }));
  });

  it("warns, naming the node, the input and the kept link, when two links feed one input, and keeps the one the slot references", () => {
    const { document, warnings } = importOk(twoLinksIntoOneInput(11));
    expect(document.graph.edges.map((e) => [e.id, e.source, e.target, e.targetInput])).toEqual([
      ["11", "2", "3", "image"],
      ["12", "3", "4", "images"],
    ]);
    expect(warnings).toEqual([
      {
        code: "duplicate-link",
        nodeId: "3",
        inputName: "image",
        keptLinkId: "11",
        droppedLinkId: "10",
        path: "/links/1",
        message:
          'Links 10 and 11 both feed input "image" of node 3 (ImageInvert); kept link 11 (the one the node\'s input slot references, as ComfyUI does) and dropped link 10. Check that input is connected as you meant.',
      },
    ]);
  });

  it("keeps the first of two links into one input when the slot references neither, and says so", () => {
    const { document, warnings } = importOk(twoLinksIntoOneInput(null));
    expect(document.graph.edges.map((e) => e.id)).toEqual(["10", "12"]);
    expect(warnings).toEqual([
      expect.objectContaining({
        code: "duplicate-link",
        nodeId: "3",
        inputName: "image",
        keptLinkId: "10",
        droppedLinkId: "11",
        message: expect.stringContaining("kept link 10 (the first in the file, since the input slot references neither)"),
      }),
    ]);
  });

  it("writes no widgets_values or viewport the file did not have", () => {
    const json = { last_node_id: 1, last_link_id: 0, nodes: [{ id: 1, type: "VAEDecode", pos: [0, 0], size: [200, 50], flags: {}, order: 0, mode: 0, inputs: [], outputs: [], properties: {} }], links: [], groups: [], config: {}, extra: {}, version: 0.4 };
    const exported = exportUiWorkflow(importOk(json).document, catalogue);
    expect(exported).toEqual(json);
  });
});

describe("subgraph instance widgets", () => {
  it("maps an instance's widgets_values onto its subgraph's widget-typed inputs, in order", () => {
    const { document } = importOk(readUi("workflow_templates__video_wan2_2_14B_s2v.json"));
    const instance = [document.graph, ...(document.subgraphs ?? []).map((s) => s.graph)].flatMap((g) => g.nodes).find((n) => n.id === "85");
    expect(instance?.widgets).toEqual({ seed: 250, steps: 10, cfg: 6, sampler_name: "uni_pc", scheduler: "simple", length: 77 });
  });
});
