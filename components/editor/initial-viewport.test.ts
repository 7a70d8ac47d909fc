import { describe, expect, it } from "vitest";
import { asNodeId, type Layout } from "@/lib/graph/model";
import { estimateNodeSize, fitViewportToLayout } from "./initial-viewport";

const node = (id: string) => ({ id: asNodeId(id), type: "ImageInvert", widgets: {}, mode: "active" as const });
const options = { minZoom: 0.05, maxZoom: 1, padding: 0.1 };

describe("fitViewportToLayout", () => {
  it("centres a wide graph and zooms out until its width fits with the padding", () => {
    const layout: Layout = { nodes: { a: { x: 0, y: 0, width: 200, height: 100 }, b: { x: 1800, y: 0, width: 200, height: 100 } }, groups: [], viewport: { x: 0, y: 0, zoom: 1 } };
    const v = fitViewportToLayout({ nodes: [node("a"), node("b")] }, layout, () => 1, { width: 1200, height: 800 }, options);
    expect(v.zoom).toBeCloseTo(1200 / (2000 * 1.2));
    // The graph's middle (1000, 50) lands in the canvas's middle.
    expect(v.x + 1000 * v.zoom).toBeCloseTo(600);
    expect(v.y + 50 * v.zoom).toBeCloseTo(400);
  });

  it("never zooms a small graph in past the maximum, nor a huge one out past the minimum", () => {
    const small: Layout = { nodes: { a: { x: 10, y: 10, width: 100, height: 50 } }, groups: [], viewport: { x: 0, y: 0, zoom: 1 } };
    expect(fitViewportToLayout({ nodes: [node("a")] }, small, () => 1, { width: 1200, height: 800 }, options).zoom).toBe(1);
    const huge: Layout = { nodes: { a: { x: 0, y: 0 }, b: { x: 1e7, y: 1e7 } }, groups: [], viewport: { x: 0, y: 0, zoom: 1 } };
    expect(fitViewportToLayout({ nodes: [node("a"), node("b")] }, huge, () => 1, { width: 1200, height: 800 }, options).zoom).toBe(0.05);
  });

  it("counts groups, guesses sizes from the row count, and falls back to zoom 1 with nothing to fit", () => {
    const layout: Layout = { nodes: { a: { x: 0, y: 0 } }, groups: [{ id: "g", title: "G", x: -1000, y: 0, width: 500, height: 300 }], viewport: { x: 0, y: 0, zoom: 1 } };
    const v = fitViewportToLayout({ nodes: [node("a")] }, layout, () => 3, { width: 1000, height: 1000 }, options);
    expect(v.zoom).toBeCloseTo(1000 / ((1000 + 240) * 1.2));
    expect(estimateNodeSize(undefined, 3)).toEqual({ width: 240, height: 38 + 66 });
    expect(fitViewportToLayout({ nodes: [] }, { nodes: {}, groups: [], viewport: { x: 0, y: 0, zoom: 1 } }, () => 1, { width: 800, height: 600 }, options)).toEqual({ x: 0, y: 0, zoom: 1 });
  });
});
