import { describe, expect, it } from "vitest";
import { diffDocuments } from "@/lib/graph/diff";
import { createStarterDocument } from "@/lib/graph/starter";
import { buildNode } from "@/lib/testing";
import { getDiffHighlights } from "./highlights";

describe("getDiffHighlights", () => {
  it("marks added, removed, changed (with old → new values) and moved nodes", () => {
    const before = createStarterDocument("A");
    const after = {
      ...before,
      graph: {
        nodes: [
          ...before.graph.nodes.filter((n) => n.id !== "9").map((n) => (n.id === "3" ? { ...n, widgets: { ...n.widgets, steps: 30, cfg: 6.5 } } : n)),
          buildNode(10, "PreviewImage"),
        ],
        edges: before.graph.edges.filter((e) => e.target !== "9"),
      },
      layout: { ...before.layout, nodes: { ...before.layout.nodes, "4": { ...before.layout.nodes["4"]!, x: 0 } } },
    };
    expect(getDiffHighlights(diffDocuments(before, after))).toEqual({
      "10": { status: "added", changes: [] },
      "9": { status: "removed", changes: [] },
      "3": { status: "changed", changes: ["cfg: 8 → 6.5", "steps: 20 → 30"] },
      "4": { status: "moved", changes: [] },
    });
  });
});
