import fc from "fast-check";
import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { createRecord, setEntry, zJsonKeepingKeys, zRecordOf } from "./records";

const zPoint = z.object({ x: z.number(), y: z.number() });
const zPoints = zRecordOf(z.string(), zPoint);

describe("zRecordOf", () => {
  it("keeps a \"__proto__\" key as an own entry, in the input's key order, on an ordinary object", () => {
    const parsed = zPoints.parse(JSON.parse('{"a":{"x":1,"y":2},"__proto__":{"x":3,"y":4},"constructor":{"x":5,"y":6}}'));
    expect(Object.keys(parsed)).toEqual(["a", "__proto__", "constructor"]);
    expect(Object.getOwnPropertyDescriptor(parsed, "__proto__")).toEqual({ value: { x: 3, y: 4 }, enumerable: true, writable: true, configurable: true });
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(JSON.stringify(parsed)).toBe('{"a":{"x":1,"y":2},"__proto__":{"x":3,"y":4},"constructor":{"x":5,"y":6}}');
  });

  it("returns what z.record returns when there is no \"__proto__\" key, unknown keys of the values stripped as usual", () => {
    const input = { a: { x: 1, y: 2, z: 9 }, toString: { x: 3, y: 4 } };
    expect(zPoints.parse(input)).toEqual(z.record(z.string(), zPoint).parse(input));
    expect(zPoints.parse(input)).toEqual({ a: { x: 1, y: 2 }, toString: { x: 3, y: 4 } });
  });

  it("parses the \"__proto__\" value with the value schema, so its output is the schema's output", () => {
    const parsed = zPoints.parse(JSON.parse('{"__proto__":{"x":3,"y":4,"extra":true}}'));
    expect(JSON.stringify(parsed)).toBe('{"__proto__":{"x":3,"y":4}}');
  });

  it("rejects a bad \"__proto__\" value with an error whose path names the key", () => {
    const result = zPoints.safeParse(JSON.parse('{"__proto__":{"x":"left","y":4}}'));
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      { code: "invalid_type", expected: "number", path: ["__proto__", "x"], message: "Invalid input: expected number, received string" },
    ]);
  });

  it("reports bad values under every key at once, with the same issues z.record gives for ordinary keys", () => {
    const input = JSON.parse('{"a":{"x":1},"__proto__":{"y":2},"b":3}');
    const plain = z.record(z.string(), zPoint).safeParse(input);
    const result = zPoints.safeParse(input);
    expect(result.error?.issues).toEqual([
      ...plain.error!.issues,
      { code: "invalid_type", expected: "number", path: ["__proto__", "x"], message: "Invalid input: expected number, received undefined" },
    ]);
    expect(plain.error!.issues.map((i) => i.path)).toEqual([["a", "y"], ["b"]]);
  });

  it("names the record's place in the enclosing object", () => {
    const zDoc = z.object({ layout: z.object({ nodes: zPoints }) });
    const result = zDoc.safeParse(JSON.parse('{"layout":{"nodes":{"__proto__":{"x":1}}}}'));
    expect(result.error?.issues.map((i) => i.path)).toEqual([["layout", "nodes", "__proto__", "y"]]);
  });

  it("rejects a \"__proto__\" key its key schema refuses", () => {
    const zShort = zRecordOf(z.string().max(3), z.number());
    const result = zShort.safeParse(JSON.parse('{"__proto__":1}'));
    expect(result.error?.issues).toMatchObject([{ code: "invalid_key", origin: "record", path: ["__proto__"] }]);
  });

  it("rejects what is not an object as z.record does", () => {
    for (const input of [null, [], "a", 1]) {
      expect(zPoints.safeParse(input).error?.issues).toEqual(z.record(z.string(), zPoint).safeParse(input).error?.issues);
    }
  });

  it("keeps the optional wrapper's meaning: an absent record stays absent", () => {
    const zOpt = z.object({ extra: zRecordOf(z.string(), z.unknown()).optional() });
    expect(zOpt.parse({})).toEqual({});
    expect(JSON.stringify(zOpt.parse(JSON.parse('{"extra":{"__proto__":[1]}}')))).toBe('{"extra":{"__proto__":[1]}}');
  });

  it("has z.record's input and output types", () => {
    expectTypeOf<z.output<typeof zPoints>>().toEqualTypeOf<Record<string, { x: number; y: number }>>();
    expectTypeOf<z.input<typeof zPoints>>().toEqualTypeOf<z.input<z.ZodRecord<z.ZodString, typeof zPoint>>>();
  });

  it("has z.record's JSON Schema on both sides", () => {
    for (const io of ["input", "output"] as const) {
      expect(z.toJSONSchema(zPoints, { io })).toEqual(z.toJSONSchema(z.record(z.string(), zPoint), { io }));
    }
  });

  it("round-trips any set of keys, prototype names included, through JSON and parse", () => {
    const arbKey = fc.oneof(fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", ""), fc.string());
    const arbEntries = fc.uniqueArray(fc.tuple(arbKey, fc.integer()), { selector: ([key]) => key });
    fc.assert(
      fc.property(arbEntries, (entries) => {
        const record = createRecord<number>();
        for (const [key, value] of entries) setEntry(record, key, value);
        const text = JSON.stringify(record);
        const parsed = zRecordOf(z.string(), z.number()).parse(JSON.parse(text));
        expect(JSON.stringify(parsed)).toBe(text);
        expect(Object.keys(parsed)).toEqual(Object.keys(JSON.parse(text) as object));
      }),
    );
  });
});

describe("zJsonKeepingKeys", () => {
  const zJson = zJsonKeepingKeys();

  it("keeps \"__proto__\" keys at any depth, in arrays too", () => {
    const text = '{"a":[{"__proto__":{"__proto__":1}}],"__proto__":null,"b":{"c":"d"}}';
    const parsed = zJson.parse(JSON.parse(text));
    expect(JSON.stringify(parsed)).toBe(text);
    expect(JSON.stringify(z.json().parse(JSON.parse(text)))).toBe('{"a":[{}],"b":{"c":"d"}}');
  });

  it("accepts and returns what z.json() does for values without such keys", () => {
    for (const value of [1, "s", true, null, [1, [2]], { a: { b: [null] } }]) expect(zJson.parse(value)).toEqual(z.json().parse(value));
  });

  it("rejects a value z.json() rejects, with its issues", () => {
    const input = { a: [1, undefined] };
    expect(zJson.safeParse(input).error?.issues).toEqual(z.json().safeParse(input).error?.issues);
  });

  it("checks the values under \"__proto__\" keys, which z.json() skips, and names their path", () => {
    const input = JSON.parse('{"a":{"__proto__":{"b":1}}}') as { a: Record<string, unknown> };
    (Object.getOwnPropertyDescriptor(input.a, "__proto__")!.value as Record<string, unknown>).b = Number.NaN;
    expect(z.json().safeParse(input).success).toBe(true);
    // z.json() reports a bad nested value as its outermost union failing; under "__proto__" the report starts at that key.
    expect(zJson.safeParse(input).error?.issues).toMatchObject([{ code: "invalid_union", path: ["a", "__proto__"] }]);
  });

  it("has z.json()'s types", () => {
    expectTypeOf<z.output<typeof zJson>>().toEqualTypeOf<z.output<ReturnType<typeof z.json>>>();
    expectTypeOf<z.input<typeof zJson>>().toEqualTypeOf<z.input<ReturnType<typeof z.json>>>();
  });
});
