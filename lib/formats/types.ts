import type { WorkflowDocument } from "@/lib/graph/model";

/** Why a file could not be read: what is wrong and where (JSON pointer path, and line/column or byte offset when known). */
export interface FormatError {
  message: string;
  /** JSON pointer into the parsed value ("" = the whole file, "/nodes/3/widgets_values"). */
  path: string;
  /** 1-based line and column in the JSON text, when the error is a syntax error. */
  line?: number;
  column?: number;
  /** Byte offset in a binary container (PNG, WebP). */
  offset?: number;
}

/** Something an importer changed or could not keep exactly, that a person may want to know. */
export interface ImportWarning {
  code:
    | "unknown-node-type"
    | "default-filled"
    | "extra-widget-values"
    | "dropped-link"
    | "duplicate-link"
    | "duplicate-node-id"
    | "ignored-value"
    | "legacy-group-node";
  message: string;
  nodeId?: string;
  /** The input concerned, when there is one (duplicate-link). */
  inputName?: string;
  /** For duplicate-link: the link kept and the link dropped (UI link ids). */
  keptLinkId?: string;
  droppedLinkId?: string;
  path?: string;
}

/** The result of an import: a document and its warnings, or the reason there is none. */
export type ImportResult =
  | { ok: true; document: WorkflowDocument; warnings: ImportWarning[] }
  | { ok: false; error: FormatError };

/** Builds a JSON pointer from path segments, escaping `~` and `/` as RFC 6901 says. */
export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => "/" + String(s).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
}

/** True for a plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Marks a switch as exhaustive: the compiler rejects a missing case; reaching it at run time is a broken invariant. */
export function assertNever(value: never, what = "value"): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
