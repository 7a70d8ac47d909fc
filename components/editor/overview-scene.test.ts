import { describe, expect, it } from "vitest";
import { BUNDLED_CATALOGUE } from "@/lib/graph/bundled-catalogue";
import { moveNodes, setWidget, toggleCollapsed } from "@/lib/graph/edit";
import { asNodeId } from "@/lib/graph/model";
import { createStarterDocument } from "@/lib/graph/starter";
import { boundsOf, buildScene, edgeEnds, hitTest, nodesInRect } from "./overview-scene";
import { createEditorStore } from "./store";

function sceneOf(edit?: (d: ReturnType<typeof createStarterDocument>) => ReturnType<typeof createStarterDocument>, measured = new Map<string, { width: number; height: number }>()) {
  const store = createEditorStore({ workflowId: "w", name: "x", doc: createStarterDocument("x"), baseVersionId: 1, catalogue: BUNDLED_CATALOGUE });
  if (edit) store.getState().apply("edit", edit);
  const s = store.getState();
  return { s, scene: buildScene(s.doc.graph, s.doc.layout.nodes, s.catalogue, s.linkedInputs, s.issuesByNode, measured) };
}

describe("overview scene", () => {
  it("places every node where the document says, with a box from its rows when it was never measured", () => {
    const { s, scene } = sceneOf();
    expect(scene.nodes.map((n) => n.id)).toEqual(s.doc.graph.nodes.map((n) => n.id));
    for (const n of scene.nodes) {
      const l = s.doc.layout.nodes[n.id]!;
      expect([n.x, n.y]).toEqual([l.x, l.y]);
      expect(n.width).toBeGreaterThan(0);
      expect(n.height).toBeGreaterThan(30);
    }
    const sampler = scene.byId.get("3")!;
    expect(sampler.title).toBe("KSampler");
    // model, positive, negative, latent_image: four link inputs in definition order, one socket row each.
    expect([...sampler.inputs.keys()]).toEqual(["model", "positive", "negative", "latent_image"]);
    expect(sampler.inputs.get("latent_image")!.dy).toBeGreaterThan(sampler.inputs.get("model")!.dy);
  });

  it("uses the measured size when React Flow has one", () => {
    const { scene } = sceneOf(undefined, new Map([["3", { width: 333, height: 444 }]]));
    expect(scene.byId.get("3")).toMatchObject({ width: 333, height: 444 });
  });

  it("starts each link at its output slot and ends it at the named input", () => {
    const { s, scene } = sceneOf();
    expect(scene.edges).toHaveLength(s.doc.graph.edges.length);
    for (const e of scene.edges) {
      const ends = edgeEnds(scene, e)!;
      const src = scene.byId.get(e.source)!;
      const dst = scene.byId.get(e.target)!;
      expect(ends.sx).toBe(src.x + src.width);
      expect(ends.tx).toBe(dst.x);
      expect(ends.ty).toBe(dst.y + dst.inputs.get(e.targetInput)!.dy);
      expect(e.type).not.toBe("*");
    }
  });

  it("marks the nodes with error issues", () => {
    // An out-of-range steps value is an error on the sampler.
    const { scene } = sceneOf((d) => setWidget(d, asNodeId("3"), "steps", -5));
    expect(scene.byId.get("3")!.errors.length).toBeGreaterThan(0);
    expect(scene.byId.get("4")!.errors).toEqual([]);
  });

  it("draws a collapsed node as its title bar, sockets on it", () => {
    const { scene } = sceneOf((d) => toggleCollapsed(d, [asNodeId("3")]));
    const n = scene.byId.get("3")!;
    expect(n.collapsed).toBe(true);
    expect(n.height).toBe(30);
    expect(new Set([...n.inputs.values()].map((i) => i.dy))).toEqual(new Set([15]));
  });

  it("hit-tests the topmost node and box-selects only nodes wholly inside", () => {
    const { scene } = sceneOf((d) => moveNodes(d, [{ id: "3", x: 1000, y: 1000 }, { id: "4", x: 1010, y: 1010 }]));
    const a = scene.byId.get("3")!;
    // 4 comes after 3 in the document: drawn on top, hit first.
    expect(hitTest(scene, 1020, 1020)?.id).toBe(scene.nodes.indexOf(scene.byId.get("4")!) > scene.nodes.indexOf(a) ? "4" : "3");
    expect(hitTest(scene, 1001, 1001)?.id).toBe("3");
    expect(hitTest(scene, 999, 999)).toBeNull();
    expect(hitTest(scene, 999, 999, 2)?.id).toBe("3");
    expect(nodesInRect(scene, { x: 1005, y: 1005, width: 5000, height: 5000 })).toEqual(["4"]);
    expect(nodesInRect(scene, { x: 990, y: 990, width: 5000, height: 5000 }).sort()).toEqual(["3", "4"]);
    expect(boundsOf(scene, ["3", "4"])).toEqual({ x: 1000, y: 1000, width: Math.max(a.width, scene.byId.get("4")!.width + 10), height: Math.max(a.height, scene.byId.get("4")!.height + 10) });
    expect(boundsOf(scene, ["nope"])).toBeNull();
  });

  it("reuses a node's sockets while the node object is unchanged", () => {
    const { s, scene } = sceneOf();
    const again = buildScene(s.doc.graph, s.doc.layout.nodes, s.catalogue, s.linkedInputs, s.issuesByNode, new Map());
    expect(again.byId.get("3")!.inputs).toBe(scene.byId.get("3")!.inputs);
  });
});
