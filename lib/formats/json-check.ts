import type { WorkflowDocument } from "@/lib/graph/model";
import { importWorkflow, type ImportWorkflowOptions, type WorkflowFormat } from "./detect";
import { locateJsonPointers } from "./json-pointer";
import type { FormatError, ImportWarning } from "./types";

/** One thing wrong with an edited JSON text, placed so an editor can underline it. */
export interface JsonProblem {
  /** "syntax": not JSON; "schema": the JSON Schema of the chosen format; "import": the importer refused it. */
  source: "syntax" | "schema" | "import";
  /** JSON pointer into the value ("" = the whole text). */
  path: string;
  /** 1-based line and column of the offending value, when it could be found in the text. */
  line?: number;
  column?: number;
  message: string;
}

/** The outcome of {@link importJsonText}. */
export type ImportJsonTextResult =
  | { ok: true; document: WorkflowDocument; warnings: ImportWarning[]; format: WorkflowFormat | undefined }
  | { ok: false; problems: JsonProblem[] };

/**
 * Places problems that carry only a JSON pointer at their line and column in
 * the text (problems that already have a line keep it).
 */
export function placeJsonProblems(text: string, problems: readonly JsonProblem[]): JsonProblem[] {
  const pointers = problems.filter((p) => p.line === undefined).map((p) => p.path);
  const found = locateJsonPointers(text, pointers);
  return problems.map((p) => {
    if (p.line !== undefined) return p;
    const at = found.get(p.path);
    return at ? { ...p, line: at.line, column: at.column } : p;
  });
}

/** Turns an importer's error into a placed problem; syntax errors already know their line. */
export function formatErrorToProblem(text: string, error: FormatError): JsonProblem {
  const problem: JsonProblem =
    error.line !== undefined
      ? { source: "syntax", path: error.path, line: error.line, column: error.column, message: error.message }
      : { source: "import", path: error.path, message: error.message };
  return placeJsonProblems(text, [problem])[0]!;
}

/**
 * Imports JSON text a person edited (any of our three JSON forms, detected by
 * shape) into a document. API prompts come back laid out by dependency depth.
 * @returns the document, or the problems with line and column so nothing is applied.
 */
export function importJsonText(text: string, options: ImportWorkflowOptions = {}): ImportJsonTextResult {
  const result = importWorkflow(text, options);
  if (!result.ok) return { ok: false, problems: [formatErrorToProblem(text, result.error)] };
  return { ok: true, document: result.document, warnings: result.warnings, format: result.format };
}
