import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { zNodeCatalogue } from "@/lib/graph/catalogue";
import { hashDocument } from "@/lib/graph/hash";
import { createStarterDocument } from "@/lib/graph/starter";
import { buildDocument, buildEdge, buildGraph, buildNode } from "@/lib/testing";
import { importUiWorkflow } from "./ui";
import { importWorkflow } from "./detect";
import { exportUiWorkflow } from "./ui-export";

const corpus = join(import.meta.dirname, "../../../shared/corpus");
const catalogue = zNodeCatalogue.parse(JSON.parse(readFileSync(join(corpus, "../comfyui/object_info.json"), "utf8")));

/**
 * The constraints ComfyUI's frontend checks when it loads a workflow (its
 * version 0.4 zod schema, restated here from its documented fields): every
 * node has id, type, pos, size, flags, order, mode and properties; links are
 * 6-tuples; groups have a title and a 4-number bounding box.
 */
const zVector2 = z.union([z.tuple([z.number(), z.number()]), z.looseObject({ 0: z.number(), 1: z.number() })]);
const zNodeId = z.union([z.number().int(), z.string()]);
const zDataType = z.union([z.string(), z.array(z.string()), z.number()]);
const zFrontendNode = z.looseObject({
  id: zNodeId,
  type: z.string(),
  pos: zVector2,
  size: zVector2,
  flags: z.looseObject({ collapsed: z.boolean().optional(), pinned: z.boolean().optional() }),
  order: z.number(),
  mode: z.number(),
  inputs: z.array(z.looseObject({ name: z.string(), type: zDataType, link: z.number().nullable().optional() })).optional(),
  outputs: z.array(z.looseObject({ name: z.string(), type: zDataType, links: z.array(z.number()).nullable().optional() })).optional(),
  properties: z.looseObject({}),
  widgets_values: z.union([z.array(z.any()), z.record(z.string(), z.any())]).optional(),
  color: z.string().optional(),
  bgcolor: z.string().optional(),
});
// The frontend's zod 3 uuid(): any 8-4-4-4-12 hex string.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Port ids read from a file are written back as they were (some frontend fixtures use ids like "input1-id"); ids we derive are checked against UUID below.
const zSubgraphPort = z.looseObject({ id: z.string(), name: z.string(), type: z.string(), linkIds: z.array(z.number()).optional() });
const zIoNode = z.looseObject({ id: zNodeId, bounding: z.tuple([z.number(), z.number(), z.number(), z.number()]) });
const zFrontendSubgraph = z.looseObject({
  id: z.string(),
  version: z.literal(1),
  state: z.looseObject({}),
  revision: z.number(),
  name: z.string(),
  inputNode: zIoNode,
  outputNode: zIoNode,
  inputs: z.array(zSubgraphPort).optional(),
  outputs: z.array(zSubgraphPort).optional(),
  widgets: z.array(z.looseObject({ id: z.string(), name: z.string() })).optional(),
  nodes: z.array(zFrontendNode),
  links: z.array(z.looseObject({ id: z.number(), origin_id: zNodeId, origin_slot: z.number(), target_id: zNodeId, target_slot: z.number(), type: zDataType })).optional(),
});
const zFrontendWorkflow = z.looseObject({
  definitions: z.looseObject({ subgraphs: z.array(zFrontendSubgraph) }).optional(),
  last_node_id: zNodeId,
  last_link_id: z.number(),
  version: z.number(),
  nodes: z.array(zFrontendNode),
  links: z.array(z.tuple([z.number(), zNodeId, z.number(), zNodeId, z.number(), zDataType])),
  groups: z.array(z.looseObject({ title: z.string(), bounding: z.tuple([z.number(), z.number(), z.number(), z.number()]) })).optional(),
  extra: z.looseObject({ ds: z.looseObject({ scale: z.number(), offset: zVector2 }).optional() }).nullable().optional(),
});

describe("exportUiWorkflow", () => {
  it("writes every corpus file (UI, API, PNG, WebP) in a shape ComfyUI's frontend schema accepts", () => {
    let checked = 0;
    for (const dir of ["ui", "api", "png", "webp"]) {
      for (const name of readdirSync(join(corpus, dir))) {
        // litegraph's own fixtures include a node with no type at all, which the frontend's schema rejects in the source too.
        if (name === "litegraph.js__testGraphs.oldSchemaGraph.json") continue;
        const result = importWorkflow(new Uint8Array(readFileSync(join(corpus, dir, name))), { catalogue });
        if (!result.ok) continue;
        const exported = JSON.parse(JSON.stringify(exportUiWorkflow(result.document, catalogue)));
        const parsed = zFrontendWorkflow.safeParse(exported);
        expect({ file: `${dir}/${name}`, issues: parsed.success ? [] : parsed.error.issues.slice(0, 3) }).toEqual({ file: `${dir}/${name}`, issues: [] });
        checked++;
      }
    }
    expect(checked).toBe(114);
  });

  it("exports the editor's starter document loadably and imports it back to the same hash", () => {
    const doc = createStarterDocument("Starter");
    const exported = JSON.parse(JSON.stringify(exportUiWorkflow(doc, catalogue)));
    expect(zFrontendWorkflow.safeParse(exported).success).toBe(true);
    const again = importUiWorkflow(exported, { catalogue });
    if (!again.ok) throw new Error(again.error.message);
    expect(hashDocument(again.document)).toBe(hashDocument(doc));
    const sampler = (exported.nodes as { type: string; widgets_values: unknown[] }[]).find((n) => n.type === "KSampler");
    expect(sampler?.widgets_values[1]).toBe(doc.graph.nodes.find((n) => n.type === "KSampler")?.controls?.seed ?? "fixed");
  });

  it("gives a subgraph made outside ComfyUI every field the frontend's subgraph schema requires", () => {
    const sub = {
      id: "5b0c8f1e-1d2a-4c3b-9e4f-5a6b7c8d9e0f",
      name: "Invert",
      inputs: [{ name: "img", type: "IMAGE" }],
      outputs: [{ name: "out", type: "IMAGE" }],
      graph: buildGraph([buildNode(7, "ImageInvert")], [buildEdge("-10", 0, 7, "image"), buildEdge(7, 0, "-20", "out")]),
      layout: { nodes: {}, groups: [], viewport: { x: 0, y: 0, zoom: 1 } },
    };
    const doc = buildDocument(buildGraph([buildNode(1, "EmptyImage", { widgets: { width: 8, height: 8, batch_size: 1, color: 0 } }), buildNode(2, sub.id)], [buildEdge(1, 0, 2, "img")]), { subgraphs: [sub] });
    const exported = JSON.parse(JSON.stringify(exportUiWorkflow(doc, catalogue)));
    const parsed = zFrontendWorkflow.safeParse(exported);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    const again = importUiWorkflow(exported, { catalogue });
    if (!again.ok) throw new Error(again.error.message);
    expect(hashDocument(again.document)).toBe(hashDocument(doc));
    const ports = (exported.definitions.subgraphs[0].inputs as { id: string }[]).concat(exported.definitions.subgraphs[0].outputs);
    expect(ports.length).toBe(2);
    for (const port of ports) expect(port.id).toMatch(UUID);
    // Derived port ids are stable: exporting twice gives the same file.
    expect(JSON.stringify(exportUiWorkflow(doc, catalogue))).toBe(JSON.stringify(exported));
  });

  it("builds slots, links and widget-converted inputs for nodes made outside ComfyUI", () => {
    const doc = buildDocument(
      buildGraph(
        [buildNode(1, "EmptyImage", { widgets: { width: 64, height: 64, batch_size: 1, color: 0 } }), buildNode(2, "PrimitiveNode", { widgets: { value: 8 } }), buildNode(3, "ImageInvert"), buildNode(4, "SaveImage", { widgets: { filename_prefix: "x" } })],
        [buildEdge(1, 0, 3, "image"), buildEdge(2, 0, 1, "width", { type: "INT" }), buildEdge(3, 0, 4, "images")],
      ),
    );
    const exported = exportUiWorkflow(doc, catalogue) as { nodes: Record<string, unknown>[]; links: unknown[] };
    expect(exported.links).toEqual([
      [1, 1, 0, 3, 0, "IMAGE"],
      [2, 2, 0, 1, 0, "INT"],
      [3, 3, 0, 4, 0, "IMAGE"],
    ]);
    expect(exported.nodes[0]).toMatchObject({
      id: 1,
      type: "EmptyImage",
      inputs: [{ name: "width", type: "INT", link: 2, widget: { name: "width" } }],
      outputs: [{ name: "IMAGE", type: "IMAGE", links: [1] }],
      widgets_values: [64, 64, 1, 0],
    });
    expect(exported.nodes[2]).toMatchObject({ inputs: [{ name: "image", type: "IMAGE", link: 1 }], outputs: [{ name: "IMAGE", type: "IMAGE", links: [3] }] });
  });
});
