import { describe, expect, it } from "vitest";
import { buildEdge, buildGraph, buildNode } from "@/lib/testing";
import { layoutByDepth } from "./auto-layout";

describe("layoutByDepth", () => {
  it("places each node one column right of its deepest input, stacking a column's nodes", () => {
    const graph = buildGraph([buildNode(1, "A"), buildNode(2, "B"), buildNode(3, "C"), buildNode(4, "D")], [buildEdge(1, 0, 2, "x"), buildEdge(2, 0, 3, "x"), buildEdge(1, 0, 3, "y")]);
    expect(layoutByDepth(graph, { columnWidth: 100, rowHeight: 10 })).toEqual({
      "1": { x: 0, y: 0 },
      "2": { x: 100, y: 0 },
      "3": { x: 200, y: 0 },
      "4": { x: 0, y: 10 },
    });
  });

  it("puts nodes on a cycle in a last column and handles a 50,000-deep chain", () => {
    const cyclic = buildGraph([buildNode(1, "A"), buildNode(2, "B")], [buildEdge(1, 0, 2, "x"), buildEdge(2, 0, 1, "x")]);
    expect(layoutByDepth(cyclic, { columnWidth: 100 })).toEqual({ "1": { x: 0, y: 0 }, "2": { x: 0, y: 220 } });
    const nodes = Array.from({ length: 50_000 }, (_, i) => buildNode(i, "A"));
    const edges = nodes.slice(1).map((_, i) => buildEdge(i, 0, i + 1, "x"));
    expect(layoutByDepth(buildGraph(nodes, edges))["49999"]).toEqual({ x: 49_999 * 380, y: 0 });
  });
});
