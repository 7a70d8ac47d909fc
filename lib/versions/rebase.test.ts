import { describe, expect, it } from "vitest";
import { createStarterDocument } from "@/lib/graph/starter";
import type { GraphNode, WorkflowDocument } from "@/lib/graph/model";
import { buildEdge, buildNode } from "@/lib/testing";
import { rebaseDocument } from "./rebase";

function setWidget(doc: WorkflowDocument, nodeId: string, input: string, value: GraphNode["widgets"][string]): WorkflowDocument {
  return {
    ...doc,
    graph: { ...doc.graph, nodes: doc.graph.nodes.map((n) => (n.id === nodeId ? { ...n, widgets: { ...n.widgets, [input]: value } } : n)) },
  };
}

const widget = (doc: WorkflowDocument, nodeId: string, input: string) => doc.graph.nodes.find((n) => n.id === nodeId)?.widgets[input];

describe("rebaseDocument", () => {
  const base = createStarterDocument("A");

  it("merges changes to different inputs of the same node", () => {
    const head = setWidget(base, "3", "steps", 30);
    const mine = setWidget(base, "3", "cfg", 6);
    const result = rebaseDocument(base, head, mine);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(widget(result.document, "3", "steps")).toBe(30);
    expect(widget(result.document, "3", "cfg")).toBe(6);
  });

  it("reports the node and input changed differently on both sides", () => {
    const result = rebaseDocument(base, setWidget(base, "3", "steps", 30), setWidget(base, "3", "steps", 40));
    expect(result).toEqual({
      ok: false,
      conflicts: [
        {
          kind: "input_changed_on_both",
          nodeId: "3",
          input: "steps",
          theirs: 30,
          mine: 40,
          message: 'Node #3 input "steps": the saved version set 30, you set 40.',
        },
      ],
    });
  });

  it("accepts the same change made on both sides", () => {
    const result = rebaseDocument(base, setWidget(base, "3", "steps", 30), setWidget(base, "3", "steps", 30));
    expect(result.ok && widget(result.document, "3", "steps")).toBe(30);
  });

  it("carries a node and link I added onto a head that changed elsewhere", () => {
    const head = setWidget(base, "6", "text", "a castle");
    const mine: WorkflowDocument = {
      ...base,
      graph: { nodes: [...base.graph.nodes, buildNode(10, "PreviewImage")], edges: [...base.graph.edges, buildEdge(8, 0, 10, "images")] },
      layout: { ...base.layout, nodes: { ...base.layout.nodes, "10": { x: 1, y: 2 } } },
    };
    const result = rebaseDocument(base, head, mine);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(widget(result.document, "6", "text")).toBe("a castle");
    expect(result.document.graph.nodes.map((n) => n.id)).toContain("10");
    expect(result.document.graph.edges).toContainEqual(buildEdge(8, 0, 10, "images"));
    expect(result.document.layout.nodes["10"]).toEqual({ x: 1, y: 2 });
  });

  it("refuses to change a node the head removed", () => {
    const head: WorkflowDocument = {
      ...base,
      graph: { nodes: base.graph.nodes.filter((n) => n.id !== "7"), edges: base.graph.edges.filter((e) => e.source !== "7" && e.target !== "7") },
    };
    const result = rebaseDocument(base, head, setWidget(base, "7", "text", "ugly"));
    expect(result.ok ? [] : result.conflicts.map((c) => [c.kind, c.nodeId])).toEqual([["node_removed_there_changed_here", "7"]]);
  });

  it("removes a node I removed, with its links, when the head did not touch it", () => {
    const mine: WorkflowDocument = {
      ...base,
      graph: { nodes: base.graph.nodes.filter((n) => n.id !== "9"), edges: base.graph.edges.filter((e) => e.target !== "9") },
    };
    const result = rebaseDocument(base, setWidget(base, "3", "steps", 12), mine);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.document.graph.nodes.some((n) => n.id === "9")).toBe(false);
    expect(result.document.graph.edges.some((e) => e.target === "9")).toBe(false);
    expect(widget(result.document, "3", "steps")).toBe(12);
  });
});
