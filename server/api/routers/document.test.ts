import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importWorkflow } from "@/lib/formats";
import { createStarterDocument } from "@/lib/graph/starter";
import { startTestServer } from "@/server/testing/app-server";

const corpus = join(import.meta.dirname, "../../../../shared/corpus");
let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

describe("document router", () => {
  it("accepts a real ComfyUI UI workflow and says which format it recognised", async () => {
    const text = readFileSync(join(corpus, "ui/ComfyUI_examples__lora_lora.json"), "utf8");
    expect(await server.client().document.validateJson.mutate({ format: "ui", text })).toEqual({
      valid: true,
      problems: [],
      warnings: [],
      detectedFormat: "comfyui-ui",
    });
  });

  it("reports invalid JSON with the line and column of the mistake", async () => {
    const text = '{\n  "3": {\n    "class_type": "KSampler",\n  }\n}';
    const result = await server.client().document.validateJson.mutate({ format: "api", text });
    expect(result).toEqual({
      valid: false,
      problems: [{ source: "syntax", path: "", line: 4, column: 3, message: expect.stringContaining("at line 4, column 3") }],
      warnings: [],
      detectedFormat: null,
    });
  });

  it("lists every schema error with its JSON pointer, line and column, plus the importer's verdict", async () => {
    const text = ['{', '  "3": { "class_type": "KSampler", "inputs": 5 },', '  "4": { "inputs": {} }', '}'].join("\n");
    const result = await server.client().document.validateJson.mutate({ format: "api", text });
    expect(result).toEqual({
      valid: false,
      problems: [
        { source: "schema", path: "/3/inputs", line: 2, column: 46, message: "/3/inputs (line 2, column 46) must be object." },
        { source: "schema", path: "/4", line: 3, column: 8, message: "/4 (line 3, column 8) must have required property 'class_type'." },
        { source: "import", path: "", line: 1, column: 1, message: expect.stringMatching(/^The file is JSON but not a workflow: .*Atelier document\.$/) },
      ],
      warnings: [],
      detectedFormat: null,
    });
  });

  it("reports an anyOf mismatch once instead of one error per branch", async () => {
    const text = JSON.stringify({ nodes: [{ id: 1, type: "KSampler", pos: "left" }], links: [] }, null, 2);
    const result = await server.client().document.validateJson.mutate({ format: "ui", text });
    expect(result.problems.filter((p) => p.source === "schema")).toEqual([
      { source: "schema", path: "/nodes/0/pos", line: 6, column: 14, message: "/nodes/0/pos (line 6, column 14) does not have any of the accepted shapes." },
    ]);
  });

  it("checks an Atelier document against the document schema", async () => {
    const doc = createStarterDocument("Lighthouse");
    const good = await server.client().document.validateJson.mutate({ format: "atelier", text: JSON.stringify(doc) });
    expect(good).toMatchObject({ valid: true, problems: [], detectedFormat: "atelier" });
    const broken = { ...doc, graph: { ...doc.graph, nodes: [{ ...doc.graph.nodes[0], mode: "sleeping" }, ...doc.graph.nodes.slice(1)] } };
    const bad = await server.client().document.validateJson.mutate({ format: "atelier", text: JSON.stringify(broken) });
    expect(bad.valid).toBe(false);
    expect(bad.problems.map((p) => [p.source, p.path])).toEqual([
      ["schema", "/graph/nodes/0/mode"],
      ["import", "/graph/nodes/0/mode"],
    ]);
    expect(bad.problems[0]!.message).toBe('/graph/nodes/0/mode (line 1, column ' + String(bad.problems[0]!.column) + ') must be one of "active", "muted", "bypassed".');
  });

  it("converts a document to each JSON form, and each imports back to the same nodes", async () => {
    const doc = createStarterDocument("Lighthouse");
    const api = server.client();
    for (const to of ["atelier", "ui", "api"] as const) {
      const { text, issues } = await api.document.convert.mutate({ document: doc, to });
      expect(issues).toEqual([]);
      const back = importWorkflow(text);
      if (!back.ok) throw new Error(`${to}: ${back.error.message}`);
      expect({ to, types: back.document.graph.nodes.map((n) => n.type).sort() }).toEqual({ to, types: doc.graph.nodes.map((n) => n.type).sort() });
    }
  });
});
