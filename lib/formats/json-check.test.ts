import { describe, expect, it } from "vitest";
import { BUNDLED_CATALOGUE } from "@/lib/graph";
import { buildDocument, buildTxt2ImgGraph } from "@/lib/testing";
import { convertDocument } from "./convert";
import { importJsonText, placeJsonProblems } from "./json-check";

const catalogue = BUNDLED_CATALOGUE;
const doc = buildDocument(buildTxt2ImgGraph());

describe("importJsonText", () => {
  it("reports a syntax error with its line and column and no document", () => {
    expect(importJsonText('{\n  "3": {\n    "class_type": "KSampler",\n  }\n}', { catalogue })).toEqual({
      ok: false,
      problems: [{ source: "syntax", path: "", line: 4, column: 3, message: expect.stringContaining("line 4, column 3") }],
    });
  });

  it("places an import error at the value its path names", () => {
    const text = '{\n  "3": {\n    "class_type": "KSampler",\n    "inputs": 5\n  }\n}';
    expect(importJsonText(text, { catalogue })).toEqual({
      ok: false,
      problems: [{ source: "import", path: "/3/inputs", line: 4, column: 15, message: 'The inputs of node "3" (KSampler) are not an object.' }],
    });
  });

  it("imports an API prompt with a left-to-right layout for every node", () => {
    const api = convertDocument(doc, catalogue, "api").text;
    const result = importJsonText(api, { catalogue });
    if (!result.ok) throw new Error(result.problems[0]?.message);
    expect(result.format).toBe("comfyui-api");
    expect(Object.keys(result.document.layout.nodes).sort()).toEqual(["3", "4", "5", "6", "7", "8", "9"]);
    const x = (id: string) => result.document.layout.nodes[id]!.x;
    expect(x("4")).toBeLessThan(x("6"));
    expect(x("6")).toBeLessThan(x("3"));
    expect(x("3")).toBeLessThan(x("8"));
    expect(x("8")).toBeLessThan(x("9"));
  });

  it("round-trips every JSON form back to the same graph", () => {
    for (const format of ["atelier", "ui", "api"] as const) {
      const result = importJsonText(convertDocument(doc, catalogue, format).text, { catalogue });
      if (!result.ok) throw new Error(`${format}: ${result.problems[0]?.message}`);
      expect({ format, nodes: result.document.graph.nodes.map((n) => [n.id, n.type, n.widgets]).sort() }).toEqual({
        format,
        nodes: doc.graph.nodes.map((n) => [n.id, n.type, n.widgets]).sort(),
      });
      expect(result.document.graph.edges.length).toBe(doc.graph.edges.length);
    }
  });
});

describe("placeJsonProblems", () => {
  it("keeps a problem unplaced when its path is not in the text", () => {
    expect(placeJsonProblems("{}", [{ source: "schema", path: "/nodes", message: "m" }])).toEqual([{ source: "schema", path: "/nodes", message: "m" }]);
  });
});

describe("convertDocument", () => {
  it("writes the document itself as indented JSON", () => {
    expect(convertDocument(doc, catalogue, "atelier")).toEqual({ text: JSON.stringify(doc, null, 2), issues: [] });
  });
});
