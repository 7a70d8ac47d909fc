import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PyFloat, pyRepr, pythonJson } from "./py-json";

describe("pythonJson", () => {
  it("spaces and escapes like Python's json.dumps", () => {
    expect(pythonJson({ a: [1, "é", null], b: { c: true } })).toBe('{"a": [1, "\\u00e9", null], "b": {"c": true}}');
    expect(pythonJson({ value: new PyFloat(0), max: new PyFloat(1), big: new PyFloat(1e-7) })).toBe('{"value": 0.0, "max": 1.0, "big": 1e-07}');
  });

  it("is JSON that parses back to the same value (seeded random values)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(pythonJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});

describe("pyRepr", () => {
  it("writes Python literals", () => {
    expect(pyRepr(["nearest-exact", "it's", true, null, 1.5])).toBe(`['nearest-exact', "it's", True, None, 1.5]`);
    expect(pyRepr({ k: "v" })).toBe("{'k': 'v'}");
  });
});
