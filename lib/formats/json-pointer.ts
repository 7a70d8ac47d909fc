/** Where a JSON value starts in its text: a character offset and its 1-based line and column. */
export interface JsonTextLocation {
  offset: number;
  line: number;
  column: number;
}

const escapeSegment = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

/**
 * Finds where the values at several JSON pointers (RFC 6901) start in a JSON
 * text, in one pass. Schema validators and importers report a path into the
 * parsed value; an editor needs the line and column. Pointers that are not
 * in the text (or text that is not JSON past some point) are left out.
 * @returns pointer → location of the value's first character.
 */
export function locateJsonPointers(text: string, pointers: readonly string[]): Map<string, JsonTextLocation> {
  const wanted = new Set(pointers);
  const found = new Map<string, JsonTextLocation>();
  if (wanted.size === 0) return found;
  const offsets = new Map<string, number>();
  // An explicit stack instead of recursion: deeply nested input cannot overflow it.
  type Frame = { kind: "{" | "["; pointer: string; index: number; key: string | undefined };
  const stack: Frame[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  const skipWs = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else return;
    }
  };
  const readString = (): string | undefined => {
    const start = i;
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x5c) i += 2;
      else if (c === 0x22) {
        i++;
        try {
          return JSON.parse(text.slice(start, i)) as string;
        } catch {
          return undefined;
        }
      } else i++;
    }
    return undefined;
  };
  const valuePointer = (): string => {
    const top = stack[stack.length - 1];
    if (!top) return "";
    return top.kind === "[" ? `${top.pointer}/${top.index}` : `${top.pointer}/${escapeSegment(top.key ?? "")}`;
  };
  const afterValue = () => {
    skipWs();
    const top = stack[stack.length - 1];
    if (!top) return true;
    const c = text[i];
    if (c === ",") {
      i++;
      if (top.kind === "[") top.index++;
      else top.key = undefined;
      return true;
    }
    if ((c === "]" && top.kind === "[") || (c === "}" && top.kind === "{")) {
      i++;
      stack.pop();
      return afterValue();
    }
    return false;
  };

  while (i < n && offsets.size < wanted.size) {
    skipWs();
    const top = stack[stack.length - 1];
    if (top?.kind === "{" && top.key === undefined) {
      if (text[i] === "}") {
        i++;
        stack.pop();
        if (!afterValue()) break;
        continue;
      }
      if (text[i] !== '"') break;
      const key = readString();
      if (key === undefined) break;
      skipWs();
      if (text[i] !== ":") break;
      i++;
      skipWs();
      top.key = key;
    }
    if (top?.kind === "[" && text[i] === "]") {
      i++;
      stack.pop();
      if (!afterValue()) break;
      continue;
    }
    const pointer = valuePointer();
    if (wanted.has(pointer) && !offsets.has(pointer)) offsets.set(pointer, i);
    const c = text[i];
    if (c === "{" || c === "[") {
      stack.push({ kind: c, pointer, index: 0, key: undefined });
      i++;
      continue;
    }
    if (c === '"') {
      if (readString() === undefined) break;
    } else {
      const m = /^[^,\]}\s]+/.exec(text.slice(i, i + 400));
      if (!m) break;
      i += m[0].length;
    }
    if (!afterValue()) break;
  }

  // One forward scan for all line numbers, rather than one per pointer.
  const sorted = [...offsets].sort((a, b) => a[1] - b[1]);
  let line = 1;
  let lineStart = 0;
  let at = 0;
  for (const [pointer, offset] of sorted) {
    for (; at < offset; at++) {
      if (text.charCodeAt(at) === 10) {
        line++;
        lineStart = at + 1;
      }
    }
    found.set(pointer, { offset, line, column: offset - lineStart + 1 });
  }
  return found;
}

/** Locates one JSON pointer in a JSON text; see {@link locateJsonPointers}. */
export function locateJsonPointer(text: string, pointer: string): JsonTextLocation | undefined {
  return locateJsonPointers(text, [pointer]).get(pointer);
}
