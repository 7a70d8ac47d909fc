import { describe, expect, it } from "vitest";
import { hashDocument } from "./hash";
import { zLayout, zWorkflowDocument, type WorkflowDocument } from "./model";

const viewport = { x: 0, y: 0, zoom: 1 };

/** A document whose node ids, widget names and extra keys are Object.prototype's names. */
// A computed ["__proto__"] key defines an own property; a bare `__proto__:` in a literal would set the prototype instead.
const PROTO_DOCUMENT_TEXT = JSON.stringify({
  format: "atelier.workflow",
  version: 1,
  graph: {
    nodes: [
      { id: "__proto__", type: "CheckpointLoaderSimple", mode: "active", widgets: { ckpt_name: "a.safetensors", ["__proto__"]: "widget" } },
      {
        id: "constructor",
        type: "KSampler",
        mode: "active",
        widgets: { seed: 1, toString: "x", object: { ["__proto__"]: [{ ["__proto__"]: "deep" }] } },
        controls: { seed: "fixed", ["__proto__"]: "randomize" },
        extra: { hasOwnProperty: 1, ["__proto__"]: { node: "extra" } },
      },
    ],
    edges: [{ id: "e1", source: "__proto__", sourceSlot: 0, target: "constructor", targetInput: "model" }],
  },
  layout: { nodes: { ["__proto__"]: { x: 1, y: 2 }, constructor: { x: 3, y: 4 } }, groups: [], viewport, extra: { valueOf: 1, ["__proto__"]: { layout: "extra" } } },
  metadata: { name: "prototype names", extra: { toString: "meta", ["__proto__"]: "meta extra" } },
  subgraphs: [
    {
      id: "sg",
      name: "inner",
      inputs: [],
      outputs: [],
      graph: { nodes: [{ id: "__proto__", type: "Note", mode: "active", widgets: { ["__proto__"]: "x" } }], edges: [] },
      layout: { nodes: { ["__proto__"]: { x: 0, y: 0 } }, groups: [], viewport },
    },
  ],
});

describe("document schemas and keys named like Object.prototype's", () => {
  it("keeps a layout entry for a node with id \"__proto__\"", () => {
    const layout = zLayout.parse(JSON.parse('{"nodes":{"__proto__":{"x":1,"y":2},"a":{"x":3,"y":4}},"groups":[],"viewport":{"x":0,"y":0,"zoom":1}}'));
    expect(Object.keys(layout.nodes)).toEqual(["__proto__", "a"]);
    expect(Object.getOwnPropertyDescriptor(layout.nodes, "__proto__")?.value).toEqual({ x: 1, y: 2 });
  });

  it("parses a document with \"__proto__\" node ids, widgets, controls and extras without losing a byte", () => {
    expect(PROTO_DOCUMENT_TEXT.match(/"__proto__"/g)).toHaveLength(13);
    const parsed = zWorkflowDocument.parse(JSON.parse(PROTO_DOCUMENT_TEXT));
    expect(JSON.stringify(parsed)).toBe(PROTO_DOCUMENT_TEXT);
    const [loader, sampler] = parsed.graph.nodes;
    expect(Object.keys(loader!.widgets)).toEqual(["ckpt_name", "__proto__"]);
    expect(Object.keys(sampler!.controls!)).toEqual(["seed", "__proto__"]);
    expect(Object.getPrototypeOf(parsed.layout.nodes)).toBe(Object.prototype);
  });

  it("gives the parsed document the hash of the text's own document", () => {
    const raw = JSON.parse(PROTO_DOCUMENT_TEXT) as WorkflowDocument;
    expect(hashDocument(zWorkflowDocument.parse(raw))).toBe(hashDocument(raw));
  });

  it("names the \"__proto__\" node or widget in errors", () => {
    const broken = PROTO_DOCUMENT_TEXT.replace('"__proto__":{"x":1,"y":2}', '"__proto__":{"x":"left","y":2}').replace(
      '"__proto__":"randomize"',
      '"__proto__":"sometimes"',
    );
    const result = zWorkflowDocument.safeParse(JSON.parse(broken));
    expect(result.error?.issues.map((i) => ({ path: i.path, message: i.message }))).toEqual([
      { path: ["graph", "nodes", 1, "controls", "__proto__"], message: 'Invalid option: expected one of "fixed"|"increment"|"decrement"|"randomize"' },
      { path: ["layout", "nodes", "__proto__", "x"], message: "Invalid input: expected number, received string" },
    ]);
  });
});
