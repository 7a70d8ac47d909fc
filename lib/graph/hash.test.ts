import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildDocument, buildEdge, buildGraph, buildGridLayout, buildNode, buildTxt2ImgGraph } from "@/lib/testing";
import { canonicalize, canonicalJson, compareIds, hashDocument, hashGraph, zSnapshotHash } from "./hash";
import { asEdgeId, type Graph } from "./model";

describe("canonicalize", () => {
  it("writes the compact canonical form with sorted keys and default fields dropped", () => {
    const graph = buildGraph(
      [
        buildNode(10, "SaveImage", { widgets: { filename_prefix: "x" }, title: "Out" }),
        buildNode(2, "ImageInvert", { mode: "bypassed" }),
        buildNode(1, "EmptyImage", { widgets: { width: 8, height: -0, color: 1.0 }, controls: { width: "fixed" } }),
      ],
      [buildEdge(2, 0, 10, "images", { type: "IMAGE" }), buildEdge(1, 0, 2, "image")],
    );
    expect(canonicalize(graph)).toBe(
      '{"edges":[[2,0,1,0],[10,1,2,0]],"inputs":["image","images"],' +
        '"nodes":[[1,0,{"color":1,"height":0,"width":8},"active",null,{"width":"fixed"}],' +
        '[2,1,{},"bypassed"],[10,2,{"filename_prefix":"x"},"active","Out"]],' +
        '"types":["EmptyImage","ImageInvert","SaveImage"],"v":1}',
    );
    expect(JSON.parse(canonicalize(graph))).toBeTypeOf("object");
  });

  it("writes integer-like ids as numbers and every other id as a string, so distinct ids stay distinct", () => {
    const graph = buildGraph(["0", "7", "07", "5:3", "-1", "1234567890123456"].map((id) => buildNode(id, "T")));
    expect(JSON.parse(canonicalize(graph)).nodes).toEqual([[0, 0], [7, 0], ["-1", 0], ["07", 0], ["5:3", 0], ["1234567890123456", 0]]);
  });

  it("writes type and input indices of 10 and more, large and odd slots, and mixed id kinds in one edge as JSON does", () => {
    const types = Array.from({ length: 12 }, (_, i) => `T${i}`);
    const inputs = Array.from({ length: 11 }, (_, i) => `in${String(i).padStart(2, "0")}`);
    const graph = buildGraph(
      types.map((type, i) => buildNode(i + 1, type)),
      [
        ...inputs.map((input) => buildEdge(1, 0, 2, input)),
        buildEdge(1, 123456789, 3, "in10"),
        buildEdge("a", 2 ** 31, 3, "in09"),
        buildEdge(1, -1, "07", "in00"),
        buildEdge(1, 1.5, "07", "in01"),
      ],
    );
    expect(JSON.parse(canonicalize(graph))).toEqual({
      edges: [...inputs.map((_, i) => [2, i, 1, 0]), [3, 9, "a", 2 ** 31], [3, 10, 1, 123456789], ["07", 0, 1, -1], ["07", 1, 1, 1.5]],
      inputs,
      nodes: types.map((_, i) => [i + 1, i]),
      types,
      v: 1,
    });
    expect(canonicalize(graph)).toContain('[3,10,1,123456789],["07",0,1,-1],["07",1,1,1.5]],');
    expect(canonicalize(graph)).toContain("[11,10],[12,11]],");
  });

  it("orders ids by length, then code unit", () => {
    expect(["10", "9", "1:2", "100", "2"].sort(compareIds)).toEqual(["2", "9", "10", "100", "1:2"]);
  });

  it("writes non-ASCII and escaped text exactly as JSON.stringify and TextEncoder would", () => {
    const graph = buildGraph([buildNode("ü\"1", "Node\n\u0001", { widgets: { "clé": "naïve 🦊 \ud800", b: [-0, 1e21, 0.1] } })]);
    const text = canonicalize(graph);
    expect(text).toBe(
      `{"edges":[],"inputs":[],"nodes":[[${JSON.stringify('ü"1')},0,{"b":[0,1e+21,0.1],"clé":${JSON.stringify("naïve 🦊 \ud800")}}]],"types":[${JSON.stringify("Node\n\u0001")}],"v":1}`,
    );
    expect(hashGraph(graph)).toBe(createHash("sha256").update(Buffer.from(new TextEncoder().encode(text))).digest("hex"));
  });

  it("serialises deeply nested widget values without recursion", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const text = canonicalJson({ b: deep, a: { y: 1, x: [true, null, "s"] } });
    expect(text.startsWith('{"a":{"x":[true,null,"s"],"y":1},"b":[[[')).toBe(true);
    expect(text.length).toBe('{"a":{"x":[true,null,"s"],"y":1},"b":'.length + 200_000 + 2);
  });
});

describe("hashGraph", () => {
  it("gives a stable 64-digit hex hash (pinned: the canonical form must not drift)", () => {
    const hash = hashGraph(buildTxt2ImgGraph());
    expect(zSnapshotHash.safeParse(hash).success).toBe(true);
    expect(hash).toBe(hashGraph(buildTxt2ImgGraph()));
    expect(hash).toBe(createHash("sha256").update(canonicalize(buildTxt2ImgGraph()), "utf8").digest("hex"));
    expect(hash).toBe("f3edcf837b21b3f755a9df436159fa0b9ec103a325b0978adc2a366e67ee65eb");
  });

  it("stays correct when a big graph's hash is followed by a small one (the buffer is reused)", () => {
    const big = buildGraph(Array.from({ length: 3000 }, (_, i) => buildNode(i + 1, "ImageInvert", { widgets: { note: "x".repeat(50) } })));
    const small = buildTxt2ImgGraph();
    const sha = (g: Graph) => createHash("sha256").update(canonicalize(g), "utf8").digest("hex");
    expect(hashGraph(big)).toBe(sha(big));
    expect(hashGraph(small)).toBe(sha(small));
    expect(hashGraph(big)).toBe(sha(big));
  });

  it("ignores node order, edge order, key order, edge ids, edge type labels and extra", () => {
    const a = buildTxt2ImgGraph();
    const b: Graph = {
      edges: [...a.edges].reverse().map((e) => ({ ...e, id: asEdgeId(`other-${e.id}`), type: "WHATEVER" })),
      nodes: [...a.nodes].reverse().map((n) => ({
        extra: { pos: [1, 2] },
        widgets: Object.fromEntries(Object.entries(n.widgets).reverse()),
        mode: n.mode,
        type: n.type,
        id: n.id,
        ...(n.controls ? { controls: n.controls } : {}),
      })),
    };
    expect(hashGraph(b)).toBe(hashGraph(a));
  });

  it("changes with anything that changes what runs: widget values, titles, modes, controls, links", () => {
    const base = hashGraph(buildTxt2ImgGraph());
    const variants: Graph[] = [buildTxt2ImgGraph({ seed: 43 }), buildTxt2ImgGraph(), buildTxt2ImgGraph(), buildTxt2ImgGraph(), buildTxt2ImgGraph()];
    variants[1]!.nodes[0]!.title = "My checkpoint";
    variants[2]!.nodes[1]!.mode = "muted";
    variants[3]!.nodes[4]!.controls = { seed: "randomize" };
    variants[4]!.edges[1] = buildEdge(4, 1, 7, "clip");
    const hashes = variants.map(hashGraph);
    expect(new Set([base, ...hashes]).size).toBe(6);
  });
});

describe("hashDocument", () => {
  it("equals the graph's hash without subgraphs and ignores layout and metadata", () => {
    const graph = buildTxt2ImgGraph();
    const doc = buildDocument(graph, { layout: buildGridLayout(graph), metadata: { name: "a", description: "b" } });
    expect(hashDocument(doc)).toBe(hashGraph(graph));
    const moved = { ...doc, layout: buildGridLayout(graph, { columns: 2 }) };
    expect(hashDocument(moved)).toBe(hashGraph(graph));
  });

  it("covers subgraph definitions' semantic parts but not their layout", () => {
    const graph = buildTxt2ImgGraph();
    const inner = buildGraph([buildNode(1, "ImageInvert")], [buildEdge("-10", 0, 1, "image"), buildEdge(1, 0, "-20", "IMAGE")]);
    const subgraph = {
      id: "sg",
      name: "Invert",
      inputs: [{ name: "image", type: "IMAGE" }],
      outputs: [{ name: "IMAGE", type: "IMAGE" }],
      graph: inner,
      layout: buildGridLayout(inner),
    };
    const doc = buildDocument(graph, { subgraphs: [subgraph] });
    expect(hashDocument(doc)).not.toBe(hashGraph(graph));
    expect(hashDocument({ ...doc, subgraphs: [{ ...subgraph, layout: buildGridLayout(inner, { spacing: 5 }), extra: { x: 1 } }] })).toBe(
      hashDocument(doc),
    );
    expect(hashDocument({ ...doc, subgraphs: [{ ...subgraph, inputs: [{ name: "image", type: "MASK" }] }] })).not.toBe(hashDocument(doc));
  });
});
