import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BUNDLED_CATALOGUE } from "@/lib/graph/bundled-catalogue";
import { validateGraph } from "@/lib/graph/validate";
import { hashGraph } from "@/lib/graph/hash";
import { importApiPrompt } from "@/lib/formats/api";
import { exportUiWorkflow } from "@/lib/formats/ui-export";
import { importUiWorkflow } from "@/lib/formats/ui";
import { buildDocument, buildEdge, buildGraph, buildNode } from "@/lib/testing";
import { compileToPrompt } from "./compile";

// Ids that an object keyed by id mangles: "__proto__" replaces the prototype
// instead of adding a key, "constructor"/"toString" are found on
// Object.prototype when absent, "5:3" is a subgraph execution id.
const AWKWARD_IDS = ["__proto__", "constructor", "toString", "hasOwnProperty", "5:3"];

/** An API prompt as text, parsed as ComfyUI's files are (JSON.parse keeps "__proto__" an own key). */
function promptText(id: string): string {
  return `{${JSON.stringify(id)}: {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}},
    "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "x", "images": [${JSON.stringify(id)}, 0]}}}`;
}

describe("node ids that are also Object.prototype names", () => {
  it.each(AWKWARD_IDS)("compiles node id %j into a prompt that survives JSON.stringify and JSON.parse", (id) => {
    const imported = importApiPrompt(JSON.parse(promptText(id)));
    if (!imported.ok) throw new Error(imported.error.message);
    const { prompt, issues } = compileToPrompt(imported.document, BUNDLED_CATALOGUE);
    expect(issues).toEqual([]);
    const expected = JSON.parse(
      `{${JSON.stringify(id)}: {"inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}, "class_type": "EmptyImage", "_meta": {"title": "EmptyImage"}},
        "9": {"inputs": {"filename_prefix": "x", "images": [${JSON.stringify(id)}, 0]}, "class_type": "SaveImage", "_meta": {"title": "Save Image"}}}`,
    ) as unknown;
    expect(JSON.parse(JSON.stringify(prompt))).toEqual(expected);
    expect(Object.keys(prompt)).toEqual(Object.keys(expected as object));
    expect(Object.hasOwn(prompt, id)).toBe(true);
  });

  it.each(AWKWARD_IDS)("keeps node id %j through API import (nodes, edges and layout)", (id) => {
    const imported = importApiPrompt(JSON.parse(promptText(id)));
    if (!imported.ok) throw new Error(imported.error.message);
    const { graph, layout } = imported.document;
    // JSON objects list integer-like keys first, so "9" comes before the other id.
    expect(graph.nodes.map((n) => n.id).sort()).toEqual([id, "9"].sort());
    expect(graph.edges.map((e) => [e.source, e.target, e.targetInput])).toEqual([[id, "9", "images"]]);
    expect(Object.hasOwn(layout.nodes, id)).toBe(true);
    expect(Object.keys(JSON.parse(JSON.stringify(layout.nodes)) as object).sort()).toEqual([id, "9"].sort());
  });

  it.each(AWKWARD_IDS)("validates and hashes a graph with node id %j like any other id", (id) => {
    const doc = buildDocument(
      buildGraph(
        [buildNode(id, "EmptyImage", { widgets: { width: 8, height: 8, batch_size: 1, color: 0 } }), buildNode("9", "SaveImage", { widgets: { filename_prefix: "x" } })],
        [buildEdge(id, 0, "9", "images")],
      ),
    );
    expect(validateGraph(doc.graph, BUNDLED_CATALOGUE)).toEqual([]);
    const renamed = buildDocument(
      buildGraph(
        [buildNode("x1", "EmptyImage", { widgets: { width: 8, height: 8, batch_size: 1, color: 0 } }), buildNode("9", "SaveImage", { widgets: { filename_prefix: "x" } })],
        [buildEdge("x1", 0, "9", "images")],
      ),
    );
    expect(hashGraph(doc.graph)).not.toEqual(hashGraph(renamed.graph));
  });

  it("keeps a widget named __proto__ as an ordinary input of the prompt", () => {
    const imported = importApiPrompt(JSON.parse(`{"1": {"class_type": "CustomThing", "inputs": {"__proto__": 5, "seed": 1}}}`));
    if (!imported.ok) throw new Error(imported.error.message);
    expect(Object.hasOwn(imported.document.graph.nodes[0]!.widgets, "__proto__")).toBe(true);
    const { prompt } = compileToPrompt(imported.document, BUNDLED_CATALOGUE);
    expect(JSON.stringify(prompt["1"]?.inputs)).toBe(`{"__proto__":5,"seed":1}`);
  });

  it("compiles any string id into a prompt whose JSON round trip keeps every node and link", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom(...AWKWARD_IDS)), { minLength: 2, maxLength: 6 }), (ids) => {
        // A chain EmptyImage → ImageInvert… with the generated ids, so every id is both a prompt key and a link source.
        const nodes = ids.map((id, i) => (i === 0 ? buildNode(id, "EmptyImage", { widgets: { width: 8, height: 8, batch_size: 1, color: 0 } }) : buildNode(id, "ImageInvert")));
        const edges = ids.slice(1).map((id, i) => buildEdge(ids[i]!, 0, id, "image"));
        const { prompt } = compileToPrompt(buildDocument(buildGraph(nodes, edges)), BUNDLED_CATALOGUE);
        const back = JSON.parse(JSON.stringify(prompt)) as Record<string, { inputs: Record<string, unknown> }>;
        expect(Object.keys(back).sort()).toEqual([...ids].sort());
        ids.slice(1).forEach((id, i) => expect(back[id]!.inputs.image).toEqual([ids[i], 0]));
      }),
    );
  });
});

describe("UI round trip of awkward ids", () => {
  it("exports and re-imports an API prompt whose ids are not integers without losing a node", () => {
    const imported = importApiPrompt(JSON.parse(promptText("__proto__")));
    if (!imported.ok) throw new Error(imported.error.message);
    const ui = exportUiWorkflow(imported.document, BUNDLED_CATALOGUE);
    const again = importUiWorkflow(JSON.parse(JSON.stringify(ui)), { catalogue: BUNDLED_CATALOGUE });
    if (!again.ok) throw new Error(again.error.message);
    expect(again.document.graph.nodes.map((n) => n.type).sort()).toEqual(["EmptyImage", "SaveImage"]);
    expect(again.document.graph.edges).toHaveLength(1);
  });
});
