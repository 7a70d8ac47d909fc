import { describe, expect, it } from "vitest";
import { asNodeId } from "@/lib/graph/model";
import { readSavedViewport, viewShowsGraph, writeSavedViewport } from "./saved-viewport";

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
}

describe("saved viewport", () => {
  it("remembers a view per workflow", () => {
    const s = memoryStorage();
    writeSavedViewport(s, "w1", { x: 10.123, y: -20, zoom: 0.5 });
    expect(readSavedViewport(s, "w1")).toEqual({ x: 10.12, y: -20, zoom: 0.5 });
    expect(readSavedViewport(s, "w2")).toBeNull();
  });

  it("ignores what is not a view, and storage that throws", () => {
    const s = memoryStorage();
    s.m.set("atelier:viewport:w", "{not json");
    expect(readSavedViewport(s, "w")).toBeNull();
    s.m.set("atelier:viewport:w", JSON.stringify({ x: 1, y: 2, zoom: 0 }));
    expect(readSavedViewport(s, "w")).toBeNull();
    s.m.set("atelier:viewport:w", JSON.stringify({ x: "1", y: 2, zoom: 1 }));
    expect(readSavedViewport(s, "w")).toBeNull();
    const throwing = { getItem: () => { throw new Error("denied"); }, setItem: () => { throw new Error("quota"); } };
    expect(readSavedViewport(throwing, "w")).toBeNull();
    expect(() => writeSavedViewport(throwing, "w", { x: 0, y: 0, zoom: 1 })).not.toThrow();
    expect(readSavedViewport(undefined, "w")).toBeNull();
  });

  it("tells whether a view still shows any node", () => {
    const graph = { nodes: [{ id: asNodeId("1"), type: "X", mode: "active" as const, widgets: {} }] };
    const layout = { nodes: { "1": { x: 1000, y: 1000 } }, groups: [], viewport: { x: 0, y: 0, zoom: 1 } };
    const canvas = { width: 800, height: 600 };
    expect(viewShowsGraph({ x: 0, y: 0, zoom: 1 }, graph, layout, () => 1, canvas)).toBe(false);
    expect(viewShowsGraph({ x: -900, y: -900, zoom: 1 }, graph, layout, () => 1, canvas)).toBe(true);
    // Zoomed out far enough, the same origin shows it.
    expect(viewShowsGraph({ x: 0, y: 0, zoom: 0.5 }, graph, layout, () => 1, canvas)).toBe(true);
  });
});
