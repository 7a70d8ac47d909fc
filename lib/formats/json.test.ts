import { describe, expect, it } from "vitest";
import { offsetToLineColumn, parseJsonText } from "./json";

describe("parseJsonText", () => {
  it("parses valid JSON and strips a BOM", () => {
    expect(parseJsonText('\uFEFF{"a":[1,2]}')).toEqual({ ok: true, value: { a: [1, 2] } });
  });

  it("reports a truncated file with the line and column of its end", () => {
    const result = parseJsonText('{\n  "nodes": [\n    {"id": 1');
    expect(result).toEqual({
      ok: false,
      error: { message: "Unexpected end of file: the file looks truncated (3 unclosed brackets) at line 3, column 13.", path: "", line: 3, column: 13 },
    });
  });

  it("reports trailing garbage after the value", () => {
    expect(parseJsonText('{"a":1}\n}x')).toMatchObject({ ok: false, error: { line: 2, column: 1 } });
  });

  it("reports a trailing comma at the closing bracket", () => {
    const result = parseJsonText('[1,\n 2,\n]');
    expect(result).toMatchObject({ ok: false, error: { line: 3, column: 1 } });
    expect(!result.ok && result.error.message).toContain("trailing comma");
  });

  it("counts columns after a BOM as in the original text", () => {
    expect(parseJsonText("\uFEFF{x}")).toMatchObject({ ok: false, error: { line: 1, column: 3 } });
  });

  it("reports an unterminated string at its opening quote", () => {
    expect(parseJsonText('{"a": "abc')).toMatchObject({ ok: false, error: { line: 1, column: 7 } });
  });

  it("refuses a text above the size limit without parsing it", () => {
    const result = parseJsonText("[" + "1,".repeat(100) + "1]", { maxLength: 50 });
    expect(result).toMatchObject({ ok: false, error: { path: "" } });
    expect(!result.ok && result.error.message).toContain("more than the 50 bytes");
  });

  it("locates errors in very deep nesting without overflowing the stack", () => {
    const deep = "[".repeat(200_000) + "x";
    expect(parseJsonText(deep)).toMatchObject({ ok: false, error: { line: 1, column: 200_001 } });
  });

  it("converts offsets to 1-based lines and columns", () => {
    expect(offsetToLineColumn("ab\ncd", 4)).toEqual({ line: 2, column: 2 });
  });
});
