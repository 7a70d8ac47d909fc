import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { BUNDLED_CATALOGUE } from "./bundled-catalogue";
import {
  addGroup,
  addNode,
  checkConnection,
  connect,
  createNode,
  extractFragment,
  moveNodes,
  nextNodeId,
  nodesInGroup,
  pasteFragment,
  removeNodes,
  toggleMode,
} from "./edit";
import { autoLayout } from "./layout";
import { asNodeId, type NodeId } from "./model";
import { createStarterDocument } from "./starter";
import { validateGraph } from "./validate";

const id = (s: string) => asNodeId(s);

describe("editing operations", () => {
  it("creates a node with its definition's defaults and a randomized seed", () => {
    expect(createNode(BUNDLED_CATALOGUE, "KSampler", id("12"))).toEqual({
      id: "12",
      type: "KSampler",
      mode: "active",
      widgets: { seed: 0, steps: 20, cfg: 8, sampler_name: "euler", scheduler: "simple", denoise: 1 },
      controls: { seed: "randomize" },
    });
  });

  it("numbers a new node one past the largest id", () => {
    expect(nextNodeId(createStarterDocument("x").graph)).toBe("10");
  });

  it("refuses a link between types that do not match, naming both", () => {
    const doc = createStarterDocument("x");
    expect(checkConnection(doc.graph, BUNDLED_CATALOGUE, { source: id("8"), sourceSlot: 0, target: id("3"), targetInput: "latent_image" })).toBe(
      "IMAGE cannot go into LATENT (latent_image)",
    );
  });

  it("refuses a link that would close a loop", () => {
    const doc = createStarterDocument("x");
    // VAEDecode's IMAGE into… nothing takes IMAGE upstream in the starter; use a KSampler→KSampler-like loop via a second sampler.
    const withSecond = addNode(doc, createNode(BUNDLED_CATALOGUE, "LatentUpscaleBy", id("20")), { x: 0, y: 0 });
    const linked = connect(withSecond, { source: id("3"), sourceSlot: 0, target: id("20"), targetInput: "samples" });
    expect(checkConnection(linked.graph, BUNDLED_CATALOGUE, { source: id("20"), sourceSlot: 0, target: id("3"), targetInput: "latent_image" })).toBe(
      "That link would close a loop",
    );
  });

  it("replaces the link into an input that already has one", () => {
    const doc = createStarterDocument("x");
    const withLatent = addNode(doc, createNode(BUNDLED_CATALOGUE, "EmptyLatentImage", id("20")), { x: 0, y: 0 });
    const next = connect(withLatent, { source: id("20"), sourceSlot: 0, target: id("3"), targetInput: "latent_image" });
    const into = next.graph.edges.filter((e) => e.target === "3" && e.targetInput === "latent_image");
    expect(into).toEqual([expect.objectContaining({ source: "20", sourceSlot: 0 })]);
    expect(next.graph.edges).toHaveLength(doc.graph.edges.length);
  });

  it("removes a node with every link touching it", () => {
    const doc = createStarterDocument("x");
    const next = removeNodes(doc, [id("3")]);
    expect(next.graph.nodes.map((n) => n.id)).not.toContain("3");
    expect(next.graph.edges.some((e) => e.source === "3" || e.target === "3")).toBe(false);
    expect(next.layout.nodes["3"]).toBeUndefined();
  });

  it("toggles mute back to active when every chosen node is already muted", () => {
    const doc = createStarterDocument("x");
    const muted = toggleMode(doc, [id("3"), id("8")], "muted");
    expect(muted.graph.nodes.filter((n) => n.mode === "muted").map((n) => n.id).sort()).toEqual(["3", "8"]);
    expect(toggleMode(muted, [id("3"), id("8")], "muted").graph.nodes.every((n) => n.mode === "active")).toBe(true);
  });

  it("keeps untouched nodes as the same objects (the canvas relies on it)", () => {
    const doc = createStarterDocument("x");
    const moved = moveNodes(doc, [{ id: "3", x: 1, y: 2 }]);
    expect(moved.graph).toBe(doc.graph);
    expect(moved.layout.nodes["4"]).toBe(doc.layout.nodes["4"]);
  });

  it("pastes a copy with fresh ids, keeping the links inside the copy and dropping those to the outside", () => {
    const doc = createStarterDocument("x");
    const fragment = extractFragment(doc, [id("3"), id("8")]);
    expect(fragment.graph.edges).toEqual([expect.objectContaining({ source: "3", target: "8" })]);
    const { doc: next, nodeIds } = pasteFragment(doc, fragment, { at: { x: 1000, y: 1000 } });
    expect(nodeIds).toEqual(["10", "11"]);
    expect(next.graph.edges.filter((e) => nodeIds.includes(e.source) || nodeIds.includes(e.target))).toEqual([
      expect.objectContaining({ source: "10", sourceSlot: 0, target: "11", targetInput: "samples" }),
    ]);
    expect(Math.min(...nodeIds.map((n) => next.layout.nodes[n]!.x))).toBe(1000);
  });

  it("frames nodes in a group that then contains them", () => {
    const doc = createStarterDocument("x");
    const grouped = addGroup(doc, [id("6"), id("7")], { title: "Prompts" });
    expect(grouped.layout.groups).toEqual([expect.objectContaining({ id: "g1", title: "Prompts" })]);
    expect(nodesInGroup(grouped, "g1").sort()).toEqual(["6", "7"]);
  });

  it("auto-layout puts every node after the nodes that feed it", () => {
    const laid = autoLayout(createStarterDocument("x"));
    for (const e of laid.graph.edges) {
      expect(laid.layout.nodes[e.target]!.x).toBeGreaterThan(laid.layout.nodes[e.source]!.x);
    }
  });

  it("connections that checkConnection allows never create a cycle (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(12), fc.nat(12)), { maxLength: 40 }), (pairs) => {
        let doc = createStarterDocument("x");
        for (let i = 20; i < 32; i++) doc = addNode(doc, createNode(BUNDLED_CATALOGUE, "ImageInvert", id(String(i))), { x: 0, y: 0 });
        for (const [a, b] of pairs) {
          const req = { source: id(String(20 + a)) as NodeId, sourceSlot: 0, target: id(String(20 + b)) as NodeId, targetInput: "image" };
          if (checkConnection(doc.graph, BUNDLED_CATALOGUE, req) === null) doc = connect(doc, req);
        }
        return !validateGraph(doc.graph, BUNDLED_CATALOGUE, { emptyCombos: "ignore" }).some((i) => i.kind === "cycle");
      }),
    );
  });
});
