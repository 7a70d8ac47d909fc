import { BUNDLED_CATALOGUE, listWidgetInputs, type NodeCatalogue, type WorkflowDocument } from "@/lib/graph";
import type { RequiredModel } from "@/lib/templates/schema";
import type { RunIssue } from "./model";

// Frontend-only nodes: compiled away, never sent.
const VIRTUAL_NODE_TYPES = new Set(["Reroute", "PrimitiveNode", "Note", "MarkdownNote"]);

/** Every node type a document sends to ComfyUI (subgraph instances excluded), with the nodes using it, in document order. */
export function nodeTypesOf(doc: WorkflowDocument): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const subgraphIds = new Set((doc.subgraphs ?? []).map((s) => s.id));
  const graphs = [{ prefix: "", graph: doc.graph }, ...(doc.subgraphs ?? []).map((s) => ({ prefix: `subgraph "${s.name}" `, graph: s.graph }))];
  for (const { prefix, graph } of graphs) {
    for (const node of graph.nodes) {
      if (subgraphIds.has(node.type) || VIRTUAL_NODE_TYPES.has(node.type)) continue;
      const where = found.get(node.type);
      if (where) where.push(`${prefix}node ${node.id}`);
      else found.set(node.type, [`${prefix}node ${node.id}`]);
    }
  }
  return found;
}

/**
 * Node types `doc` uses that `catalogue` (the server's) lacks, each naming the first node that needs it and, when
 * `of` is given, what that node belongs to (`this workflow, made from template "sdxl-basic" 1.2.0`).
 */
export function findMissingNodeTypes(doc: WorkflowDocument, catalogue: NodeCatalogue, serverUrl: string, of?: string): RunIssue[] {
  const missing: RunIssue[] = [];
  for (const [type, where] of nodeTypesOf(doc)) {
    if (catalogue[type]) continue;
    const first = where[0]!;
    const more = where.length > 1 ? ` and ${where.length - 1} more` : "";
    const hint = BUNDLED_CATALOGUE[type] !== undefined ? "it may be an older ComfyUI" : "install the custom node that provides it";
    missing.push({
      nodeId: first.replace(/^.*node /, ""),
      classType: type,
      inputName: null,
      type: "missing-node-type",
      message: `ComfyUI at ${serverUrl} has no node type "${type}" (needed by ${first}${more}${of ? ` of ${of}` : ""}); ${hint}.`,
    });
  }
  return missing;
}

/** Every string a combo of the catalogue offers: ComfyUI lists the model files it has as the options of its loaders' combos. */
export function catalogueComboValues(catalogue: NodeCatalogue): Set<string> {
  const values = new Set<string>();
  for (const def of Object.values(catalogue)) {
    for (const input of listWidgetInputs(def)) for (const v of input.comboValues ?? []) if (typeof v === "string") values.add(v);
  }
  return values;
}

/** What one template version needs that a server lacks. */
export type TemplateShortfall = {
  /** Node types, each with the nodes of the template's graph that use it. */
  nodeTypes: { classType: string; nodes: string[] }[];
  /** Model files the template declares that no loader of the server offers. */
  models: RequiredModel[];
};

/**
 * Checks a template version against a server's catalogue: the node types its graph uses and the ones its metadata
 * declares (a graph may load a node type by a path the metadata names only), and its declared model files.
 * `comboValues` is `catalogueComboValues(catalogue)`, computed once for many templates.
 */
export function checkTemplateAgainstCatalogue(
  version: { document: WorkflowDocument; metadata: { requiredNodes: string[]; requiredModels: RequiredModel[] } },
  catalogue: NodeCatalogue,
  comboValues: Set<string>,
): TemplateShortfall {
  const used = nodeTypesOf(version.document);
  for (const type of version.metadata.requiredNodes) if (!used.has(type) && !VIRTUAL_NODE_TYPES.has(type)) used.set(type, []);
  const nodeTypes = [...used].filter(([type]) => !catalogue[type]).map(([classType, nodes]) => ({ classType, nodes }));
  // A name may carry the subfolder ComfyUI lists it under ("sdxl/x.safetensors", or "sdxl\x.safetensors" on Windows).
  const has = (name: string) => comboValues.has(name) || [...comboValues].some((v) => v.replaceAll("\\", "/").endsWith(`/${name}`));
  const models = version.metadata.requiredModels.filter((m) => !has(m.name));
  return { nodeTypes, models };
}
