import { compileToPrompt, type CompileIssue } from "@/lib/compile/compile";
import type { NodeCatalogue } from "@/lib/graph/catalogue";
import type { WorkflowDocument } from "@/lib/graph/model";
import { exportUiWorkflow } from "./ui-export";

/** The JSON forms a document can be written as: ours, ComfyUI's UI workflow, ComfyUI's API prompt. */
export type JsonExportFormat = "atelier" | "ui" | "api";

/** A document written as JSON text, with what the compiler could not do as ComfyUI would (API form only). */
export interface ConvertResult {
  text: string;
  issues: CompileIssue[];
}

/**
 * Writes a document as indented JSON text in one of the three JSON forms:
 * the document itself, a UI workflow (exportUiWorkflow) or an API prompt
 * (compileToPrompt, so muted nodes, bypasses and reroutes resolve as in ComfyUI).
 */
export function convertDocument(doc: WorkflowDocument, catalogue: NodeCatalogue, to: JsonExportFormat): ConvertResult {
  switch (to) {
    case "atelier":
      return { text: JSON.stringify(doc, null, 2), issues: [] };
    case "ui":
      return { text: JSON.stringify(exportUiWorkflow(doc, catalogue), null, 2), issues: [] };
    case "api": {
      const { prompt, issues } = compileToPrompt(doc, catalogue);
      return { text: JSON.stringify(prompt, null, 2), issues };
    }
    default:
      return unreachable(to);
  }
}

function unreachable(value: never): never {
  throw new Error(`Unexpected export format: ${String(value)}`);
}
