import type { FormatError } from "./types";

/** Largest JSON text we parse: real workflows are well under 5 MB; past this a file is almost surely not a workflow. */
export const MAX_JSON_BYTES = 50 * 1024 * 1024;

/** Options of {@link parseJsonText}. */
export interface ParseJsonOptions {
  /** Refuse texts longer than this many characters (default {@link MAX_JSON_BYTES}). */
  maxLength?: number;
}

/** The result of {@link parseJsonText}. */
export type ParseJsonResult = { ok: true; value: unknown } | { ok: false; error: FormatError };

/** Converts a character offset in `text` to a 1-based line and column. */
export function offsetToLineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * Parses JSON text, stripping a UTF-8 BOM, and reports a syntax error with
 * the line and column where it was found (computed by our own scanner, since
 * `JSON.parse` messages differ between engines).
 * @returns the parsed value, or an error naming the line and column.
 */
export function parseJsonText(text: string, options: ParseJsonOptions = {}): ParseJsonResult {
  const maxLength = options.maxLength ?? MAX_JSON_BYTES;
  if (text.length > maxLength) {
    return {
      ok: false,
      error: {
        message: `The file is ${formatSize(text.length)}, more than the ${formatSize(maxLength)} a workflow may have.`,
        path: "",
      },
    };
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    const found = locateJsonError(body);
    const offset = body === text ? found.offset : found.offset + 1;
    const { line, column } = offsetToLineColumn(text, offset);
    return { ok: false, error: { message: `${found.message} at line ${line}, column ${column}.`, path: "", line, column } };
  }
}

function formatSize(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : `${n} bytes`;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

/**
 * Finds the first syntax error in text that JSON.parse rejected. A small
 * iterative scanner (an explicit stack, no recursion, so a 100k-deep array
 * cannot overflow) that only needs to be right about where things go wrong.
 */
function locateJsonError(s: string): { offset: number; message: string } {
  let i = 0;
  const n = s.length;
  // Stack of containers: "[" or "{". `expect` says what may come next.
  const stack: string[] = [];
  type Expect = "value" | "value-or-close" | "key-or-close" | "key" | "colon" | "comma-or-close" | "end";
  let expect: Expect = "value";
  const skipWs = () => {
    while (i < n && WS.has(s.charCodeAt(i))) i++;
  };
  const describe = (c: string | undefined) => (c === undefined ? "the end of the file" : JSON.stringify(c));
  const fail = (message: string) => ({ offset: i, message });
  const afterValue = (): Expect => (stack.length === 0 ? "end" : "comma-or-close");
  for (;;) {
    skipWs();
    const c = s[i];
    if (expect === "end") {
      if (c === undefined) return fail("Invalid JSON");
      return fail(`Unexpected text after the JSON value (${describe(c)})`);
    }
    if (c === undefined) {
      return fail(stack.length > 0 ? `Unexpected end of file: the file looks truncated (${stack.length} unclosed bracket${stack.length > 1 ? "s" : ""})` : "Unexpected end of file: no JSON value");
    }
    if (expect === "colon") {
      if (c !== ":") return fail(`Expected ":" after an object key but found ${describe(c)}`);
      i++;
      expect = "value";
      continue;
    }
    if (expect === "comma-or-close") {
      const top = stack[stack.length - 1];
      if (c === ",") {
        i++;
        expect = top === "{" ? "key" : "value";
        continue;
      }
      if ((c === "]" && top === "[") || (c === "}" && top === "{")) {
        stack.pop();
        i++;
        expect = afterValue();
        continue;
      }
      return fail(`Expected "," or "${top === "{" ? "}" : "]"}" but found ${describe(c)}`);
    }
    if (expect === "key" || expect === "key-or-close") {
      if (c === "}" && expect === "key-or-close") {
        stack.pop();
        i++;
        expect = afterValue();
        continue;
      }
      if (c !== '"') return fail(`Expected a double-quoted object key but found ${describe(c)}${expect === "key" && c === "}" ? " (trailing comma?)" : ""}`);
      const err = scanString();
      if (err) return err;
      expect = "colon";
      continue;
    }
    // A value is expected.
    if (c === "]" && expect === "value-or-close") {
      stack.pop();
      i++;
      expect = afterValue();
      continue;
    }
    if (c === "{") {
      stack.push("{");
      i++;
      expect = "key-or-close";
      continue;
    }
    if (c === "[") {
      stack.push("[");
      i++;
      expect = "value-or-close";
      continue;
    }
    if (c === '"') {
      const err = scanString();
      if (err) return err;
      expect = afterValue();
      continue;
    }
    if (c === "-" || (c >= "0" && c <= "9")) {
      // A sticky regex matches in place: slicing per number would copy the text around it on multi-megabyte files.
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(s);
      if (!m) return fail(`Invalid number`);
      i += m[0].length;
      expect = afterValue();
      continue;
    }
    let matched = false;
    for (const word of ["true", "false", "null"]) {
      if (s.startsWith(word, i)) {
        i += word.length;
        matched = true;
        break;
      }
    }
    if (matched) {
      expect = afterValue();
      continue;
    }
    if (c === "]" && expect === "value") return fail(`Unexpected "]" (trailing comma?)`);
    return fail(`Expected a JSON value but found ${describe(c)}`);
  }

  function scanString(): { offset: number; message: string } | null {
    const start = i;
    i++;
    while (i < n) {
      const code = s.charCodeAt(i);
      if (code === 0x22) {
        i++;
        return null;
      }
      if (code === 0x5c) {
        const e = s[i + 1];
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) return fail(`Invalid \\u escape in a string`);
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) return fail(`Invalid escape in a string`);
        i += 2;
        continue;
      }
      if (code < 0x20) return fail(`Unescaped control character in a string`);
      i++;
    }
    i = start;
    return { offset: start, message: "Unterminated string: the file looks truncated" };
  }
}
