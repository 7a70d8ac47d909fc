import { importWorkflow, type ImportWarning } from "@/lib/formats";
import type { NodeCatalogue } from "@/lib/graph/catalogue";
import type { WorkflowDocument } from "@/lib/graph/model";
import { isVirtualNodeType } from "@/lib/graph/node-def";

/** What importing a dropped or picked file gives: a document to show, or a reason to tell the person. */
export type ImportFileResult =
  | { ok: true; document: WorkflowDocument; warnings: ImportWarning[]; missingNodeTypes: string[] }
  | { ok: false; message: string };

/** The most a dropped file may weigh; ComfyUI PNGs with workflows are a few MB, JSON far less. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/**
 * Node types the document uses (in its graph or any subgraph) that the
 * catalogue does not define, sorted. Frontend-only types (Reroute, notes,
 * PrimitiveNode) and subgraph instances are not missing.
 */
export function listMissingNodeTypes(doc: WorkflowDocument, catalogue: NodeCatalogue): string[] {
  const subgraphIds = new Set((doc.subgraphs ?? []).map((s) => s.id));
  const missing = new Set<string>();
  const graphs = [doc.graph, ...(doc.subgraphs ?? []).map((s) => s.graph)];
  for (const graph of graphs) {
    for (const node of graph.nodes) {
      if (node.type in catalogue || subgraphIds.has(node.type) || isVirtualNodeType(node.type)) continue;
      missing.add(node.type);
    }
  }
  return [...missing].sort((a, b) => a.localeCompare(b));
}

/**
 * Imports bytes of a .json, .png or .webp file (detected by content, not
 * by name) with lib/formats; see {@link importFromFile}.
 */
export function importFromBytes(bytes: Uint8Array, fileName: string, catalogue: NodeCatalogue): ImportFileResult {
  const result = importWorkflow(bytes, { catalogue, fileName });
  if (!result.ok) {
    const where = result.error.line !== undefined ? "" : result.error.path ? ` (at ${result.error.path})` : "";
    return { ok: false, message: `${result.error.message}${where}` };
  }
  return { ok: true, document: result.document, warnings: result.warnings, missingNodeTypes: listMissingNodeTypes(result.document, catalogue) };
}

/**
 * Imports a file a person dropped, pasted or picked: ComfyUI UI or API JSON,
 * our document, or a PNG/WebP with ComfyUI metadata. Unknown node types are
 * kept as they are and listed in `missingNodeTypes` for a notice.
 */
export async function importFromFile(file: File, catalogue: NodeCatalogue): Promise<ImportFileResult> {
  if (file.size > MAX_IMPORT_BYTES) {
    return { ok: false, message: `The file is ${(file.size / 1024 / 1024).toFixed(1)} MB; a workflow file may be at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB.` };
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (error) {
    return { ok: false, message: `The file could not be read: ${error instanceof Error ? error.message : String(error)}.` };
  }
  if (bytes.length === 0) return { ok: false, message: "The file is empty." };
  return importFromBytes(bytes, file.name, catalogue);
}
