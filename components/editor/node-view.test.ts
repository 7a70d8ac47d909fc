import { describe, expect, it } from "vitest";
import { BUNDLED_CATALOGUE } from "@/lib/graph/bundled-catalogue";
import type { GraphIssue, IssueOf } from "@/lib/graph/issues";
import { asNodeId, type GraphNode } from "@/lib/graph/model";
import { NodeViewCache } from "./node-view";

const invert: GraphNode = { id: asNodeId("1"), type: "ImageInvert", widgets: {}, mode: "active" };
const issue = (message: string): IssueOf<"missing_required_input"> => ({ kind: "missing_required_input", severity: "error", nodeId: asNodeId("1"), inputName: "image", message });

describe("NodeViewCache", () => {
  it("hands back the same view while nothing the node draws has changed, even with freshly made issue lists and sets", () => {
    const cache = new NodeViewCache();
    const first = cache.get(invert, BUNDLED_CATALOGUE, new Map([["1", [issue("Connect an image")]]]), new Map([["1", new Set(["image"])]]), false);
    const again = cache.get(invert, BUNDLED_CATALOGUE, new Map([["1", [issue("Connect an image")]]]), new Map([["1", new Set(["image"])]]), false);
    expect(again).toBe(first);
    expect(first.def?.display_name).toBe(BUNDLED_CATALOGUE.ImageInvert!.display_name);
  });

  it("makes a new view when the node, its issues, its links or its collapsed state change", () => {
    const cache = new NodeViewCache();
    const none = new Map<string, GraphIssue[]>();
    const base = cache.get(invert, BUNDLED_CATALOGUE, none, new Map(), false);
    const renamed = cache.get({ ...invert, title: "Negative" }, BUNDLED_CATALOGUE, none, new Map(), false);
    expect(renamed).not.toBe(base);
    expect(renamed.node.title).toBe("Negative");
    const withIssue = cache.get(renamed.node, BUNDLED_CATALOGUE, new Map([["1", [issue("Connect an image")]]]), new Map(), false);
    expect(withIssue).not.toBe(renamed);
    expect(withIssue.issues.map((i) => i.message)).toEqual(["Connect an image"]);
    const linked = cache.get(renamed.node, BUNDLED_CATALOGUE, new Map([["1", [issue("Connect an image")]]]), new Map([["1", new Set(["image"])]]), false);
    expect(linked).not.toBe(withIssue);
    const collapsed = cache.get(renamed.node, BUNDLED_CATALOGUE, new Map([["1", [issue("Connect an image")]]]), new Map([["1", new Set(["image"])]]), true);
    expect(collapsed.collapsed).toBe(true);
  });

  it("forgets nodes that left the graph", () => {
    const cache = new NodeViewCache();
    const first = cache.get(invert, BUNDLED_CATALOGUE, new Map(), new Map(), false);
    cache.prune(new Map());
    expect(cache.get(invert, BUNDLED_CATALOGUE, new Map(), new Map(), false)).not.toBe(first);
  });
});
