import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { locateJsonPointer, locateJsonPointers } from "./json-pointer";

describe("locateJsonPointers", () => {
  const text = '{\n  "nodes": [\n    { "id": 1, "a/b": [true, null] },\n    { "id": "x~y" }\n  ],\n  "links": {}\n}';

  it("finds object members, array items and the root by line and column", () => {
    const found = locateJsonPointers(text, ["", "/nodes", "/nodes/0/id", "/nodes/0/a~1b/1", "/nodes/1", "/links"]);
    expect(Object.fromEntries([...found].map(([p, l]) => [p, [l.line, l.column]]))).toEqual({
      "": [1, 1],
      "/nodes": [2, 12],
      "/nodes/0/id": [3, 13],
      "/nodes/0/a~1b/1": [3, 30],
      "/nodes/1": [4, 5],
      "/links": [6, 12],
    });
  });

  it("leaves out pointers that are not in the text", () => {
    expect(locateJsonPointer(text, "/nodes/7")).toBeUndefined();
    expect(locateJsonPointer(text, "/missing")).toBeUndefined();
  });

  it("finds what precedes a syntax error and stops there", () => {
    const broken = '{"a": 1, "b": [1, 2,, 3], "c": 4}';
    expect(locateJsonPointer(broken, "/b/1")?.column).toBe(19);
    expect(locateJsonPointer(broken, "/c")).toBeUndefined();
  });

  it("skips a UTF-8 byte order mark and escaped quotes in keys", () => {
    const withBom = '\uFEFF{"say \\"hi\\"": {"x": 2}}';
    expect(locateJsonPointer(withBom, '/say "hi"/x')).toEqual({ offset: 22, line: 1, column: 23 });
  });

  it("points every value of any JSON at the exact text JSON.stringify wrote for it", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (value, indent) => {
        const written = JSON.stringify(value, null, indent ? 2 : undefined);
        const pointers: [string, unknown][] = [];
        const walk = (v: unknown, p: string) => {
          pointers.push([p, v]);
          if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${p}/${i}`));
          else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, `${p}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`);
        };
        walk(value, "");
        const found = locateJsonPointers(written, pointers.map(([p]) => p));
        for (const [p, v] of pointers) {
          const at = found.get(p);
          expect(at).toBeDefined();
          const head = JSON.stringify(v)?.slice(0, 1);
          expect(written.slice(at!.offset, at!.offset + 1)).toBe(head);
        }
      }),
      { numRuns: 200 },
    );
  });
});
