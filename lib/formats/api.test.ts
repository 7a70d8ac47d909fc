import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importApiPrompt, isApiLink } from "./api";

const corpusApi = join(import.meta.dirname, "../../../shared/corpus/api");

describe("importApiPrompt", () => {
  it("turns literals into widgets by name and links into edges, keeping colon ids and titles", () => {
    const result = importApiPrompt({
      "173:132": { class_type: "RegexReplace", inputs: { text: "abc", pattern: "\\d+" }, _meta: { title: "Regex" } },
      "174:133": { class_type: "PassthroughText", inputs: { text: ["173:132", 0] } },
    });
    expect(result).toEqual({
      ok: true,
      warnings: [],
      document: {
        format: "atelier.workflow",
        version: 1,
        graph: {
          nodes: [
            { id: "173:132", type: "RegexReplace", title: "Regex", mode: "active", widgets: { text: "abc", pattern: "\\d+" } },
            { id: "174:133", type: "PassthroughText", mode: "active", widgets: {} },
          ],
          edges: [{ id: "173:132:0->174:133.text", source: "173:132", sourceSlot: 0, target: "174:133", targetInput: "text" }],
        },
        layout: { nodes: { "173:132": { x: 0, y: 0 }, "174:133": { x: 380, y: 0 } }, groups: [], viewport: { x: 0, y: 0, zoom: 1 } },
        metadata: { name: "Imported API prompt", source: { format: "comfyui-api" } },
      },
    });
  });

  it("accepts the {prompt} and {input:{workflow}} wrappers", () => {
    const inner = { "1": { class_type: "EmptyImage", inputs: { width: 64 } } };
    for (const wrapped of [{ prompt: inner, client_id: "x" }, { input: { workflow: inner } }]) {
      const result = importApiPrompt(wrapped);
      expect(result.ok && result.document.graph.nodes.map((n) => n.widgets)).toEqual([{ width: 64 }]);
    }
  });

  it("keeps unknown node keys and extra _meta keys in extra", () => {
    const result = importApiPrompt({ "1": { class_type: "X", inputs: {}, is_changed: ["a"], _meta: { title: "T", note: 1 } } });
    expect(result.ok && result.document.graph.nodes[0]).toEqual({
      id: "1", type: "X", title: "T", mode: "active", widgets: {}, extra: { is_changed: ["a"], apiMeta: { title: "T", note: 1 } },
    });
  });

  it("reports a node without class_type with its path", () => {
    expect(importApiPrompt({ "1": { class_type: "A", inputs: {} }, "2": { inputs: {} } })).toEqual({
      ok: false,
      error: { message: 'Node "2" has no class_type.', path: "/2/class_type" },
    });
  });

  it("rejects a non-object and an empty prompt", () => {
    expect(importApiPrompt([1, 2]).ok).toBe(false);
    expect(importApiPrompt({}).ok).toBe(false);
    expect(importApiPrompt({ "1": { class_type: "A", inputs: 3 } })).toMatchObject({ ok: false, error: { path: "/1/inputs" } });
  });

  it("treats only [string, integer] pairs as links, as ComfyUI's backend does", () => {
    expect(isApiLink(["4", 0])).toBe(true);
    expect(isApiLink([4, 0])).toBe(false);
    expect(isApiLink(["4", 0.5])).toBe(false);
    expect(isApiLink(["a", "b"])).toBe(false);
  });

  it("imports every API prompt in the corpus with one edge per linked input", () => {
    const files = readdirSync(corpusApi).filter((f) => f.endsWith(".json"));
    expect(files.length).toBeGreaterThan(30);
    for (const file of files) {
      const json = JSON.parse(readFileSync(join(corpusApi, file), "utf8")) as Record<string, { inputs: Record<string, unknown> }>;
      const result = importApiPrompt(json);
      if (!result.ok) throw new Error(`${file}: ${result.error.message}`);
      const links = Object.values(json).flatMap((n) => Object.values(n.inputs).filter(isApiLink));
      expect(result.document.graph.edges.length).toBe(links.length);
      expect(result.document.graph.nodes.length).toBe(Object.keys(json).length);
    }
  });
});
