import { describe, expect, it } from "vitest";
import { buildDocument, buildEdge, buildGridLayout, buildNode, buildTxt2ImgGraph } from "@/lib/testing";
import { diffDocuments, diffGraphs, isEmptyGraphDiff, isLayoutOnly, isSemanticallyEqual } from "./diff";
import { asEdgeId } from "./model";

describe("diffGraphs", () => {
  it("finds nothing between a graph and itself, nor after edge ids and order change", () => {
    const a = buildTxt2ImgGraph();
    const b = buildTxt2ImgGraph();
    b.edges = b.edges.reverse().map((e, i) => ({ ...e, id: asEdgeId(`e${i}`) }));
    b.nodes.reverse();
    expect(isEmptyGraphDiff(diffGraphs(a, a))).toBe(true);
    expect(isEmptyGraphDiff(diffGraphs(a, b))).toBe(true);
  });

  it("reports per-input widget changes, type, mode, title and control changes", () => {
    const a = buildTxt2ImgGraph();
    const b = buildTxt2ImgGraph({ seed: 7, steps: 30 });
    b.nodes[4]!.controls = { seed: "randomize" };
    b.nodes[5]!.mode = "bypassed";
    b.nodes[5]!.type = "VAEDecodeTiled";
    b.nodes[6]!.title = "Final";
    delete b.nodes[4]!.widgets.denoise;
    expect(diffGraphs(a, b)).toEqual({
      nodesAdded: [],
      nodesRemoved: [],
      nodesChanged: [
        {
          nodeId: "3",
          widgets: [
            { input: "denoise", before: 1, after: undefined },
            { input: "seed", before: 42, after: 7 },
            { input: "steps", before: 20, after: 30 },
          ],
          controls: [{ input: "seed", before: "fixed", after: "randomize" }],
        },
        {
          nodeId: "8",
          type: { before: "VAEDecode", after: "VAEDecodeTiled" },
          mode: { before: "active", after: "bypassed" },
          widgets: [],
          controls: [],
        },
        { nodeId: "9", title: { before: undefined, after: "Final" }, widgets: [], controls: [] },
      ],
      edgesAdded: [],
      edgesRemoved: [],
    });
  });

  it("matches edges by their ends, and reports added and removed nodes", () => {
    const a = buildTxt2ImgGraph();
    const b = buildTxt2ImgGraph();
    b.nodes.push(buildNode(10, "PreviewImage"));
    b.edges.push(buildEdge(8, 0, 10, "images"));
    b.edges = b.edges.filter((e) => e.target !== "7");
    b.nodes = b.nodes.filter((n) => n.id !== "7");
    b.edges.push(buildEdge(6, 0, 3, "negative"));
    b.edges = b.edges.filter((e) => !(e.source === "7" && e.target === "3"));
    const diff = diffGraphs(a, b);
    expect(diff.nodesAdded.map((n) => n.id)).toEqual(["10"]);
    expect(diff.nodesRemoved.map((n) => n.id)).toEqual(["7"]);
    expect(diff.edgesAdded).toEqual([
      { source: "8", sourceSlot: 0, target: "10", targetInput: "images" },
      { source: "6", sourceSlot: 0, target: "3", targetInput: "negative" },
    ]);
    expect(diff.edgesRemoved).toEqual([
      { source: "4", sourceSlot: 1, target: "7", targetInput: "clip" },
      { source: "7", sourceSlot: 0, target: "3", targetInput: "negative" },
    ]);
  });

  it("treats nested widget values with different key order as equal", () => {
    const a = buildTxt2ImgGraph();
    const b = buildTxt2ImgGraph();
    a.nodes[0]!.widgets.opts = { x: 1, y: [1, { p: 2, q: 3 }] };
    b.nodes[0]!.widgets.opts = { y: [1, { q: 3, p: 2 }], x: 1 };
    expect(isEmptyGraphDiff(diffGraphs(a, b))).toBe(true);
  });
});

describe("diffDocuments", () => {
  it("reports moves, resizes, groups and viewport apart from the graph, as layout only", () => {
    const graph = buildTxt2ImgGraph();
    const a = buildDocument(graph, { layout: buildGridLayout(graph) });
    const layout = buildGridLayout(graph);
    layout.nodes["3"] = { ...layout.nodes["3"]!, x: 999 };
    layout.nodes["9"] = { ...layout.nodes["9"]!, width: 500 };
    layout.groups.push({ id: "g1", title: "Sampling", x: 0, y: 0, width: 10, height: 10 });
    layout.viewport = { x: 5, y: 5, zoom: 2 };
    const b = buildDocument(buildTxt2ImgGraph(), { layout, metadata: { name: "renamed" } });
    const diff = diffDocuments(a, b);
    expect(diff.layout.nodesMoved.map((c) => [c.nodeId, c.before?.x, c.after?.x])).toEqual([["3", 0, 999]]);
    expect(diff.layout.nodesResized.map((c) => c.nodeId)).toEqual(["9"]);
    expect(diff.layout.groupsAdded.map((g) => g.id)).toEqual(["g1"]);
    expect(diff.layout.viewportChanged).toBe(true);
    expect(diff.metadataChanged).toEqual(["name"]);
    expect(isSemanticallyEqual(diff)).toBe(true);
    expect(isLayoutOnly(diff)).toBe(true);
  });

  it("is not layout only when the graph changed, and ignores the boxes of added nodes", () => {
    const graph = buildTxt2ImgGraph();
    const a = buildDocument(graph, { layout: buildGridLayout(graph) });
    const bigger = buildTxt2ImgGraph();
    bigger.nodes.push(buildNode(10, "PreviewImage"));
    bigger.edges.push(buildEdge(8, 0, 10, "images"));
    const b = buildDocument(bigger, { layout: buildGridLayout(bigger) });
    const diff = diffDocuments(a, b);
    expect(diff.layout.nodesMoved).toEqual([]);
    expect(isLayoutOnly(diff)).toBe(false);
    expect(isLayoutOnly(diffDocuments(a, a))).toBe(false);
  });

  it("reports subgraph definitions added, removed and changed", () => {
    const sg = (id: string, type = "IMAGE") => ({
      id,
      name: id,
      inputs: [{ name: "image", type }],
      outputs: [],
      graph: { nodes: [buildNode(1, "ImageInvert")], edges: [] },
      layout: buildGridLayout({ nodes: [], edges: [] }),
    });
    const a = buildDocument(buildTxt2ImgGraph(), { subgraphs: [sg("keep"), sg("gone")] });
    const b = buildDocument(buildTxt2ImgGraph(), { subgraphs: [sg("keep", "MASK"), sg("new")] });
    const diff = diffDocuments(a, b);
    expect(diff.subgraphsAdded).toEqual(["new"]);
    expect(diff.subgraphsRemoved).toEqual(["gone"]);
    expect(diff.subgraphsChanged).toMatchObject([{ id: "keep", portsChanged: true }]);
    expect(isSemanticallyEqual(diff)).toBe(false);
  });
});
