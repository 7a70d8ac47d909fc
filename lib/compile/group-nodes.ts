import type { NodeCatalogue } from "@/lib/graph/catalogue";
import {
  asEdgeId,
  asNodeId,
  emptyLayout,
  type GraphEdge,
  type GraphNode,
  type JsonValue,
  type NodeMode,
  type Subgraph,
  type WorkflowDocument,
} from "@/lib/graph/model";
import { getNodeDefinition } from "@/lib/graph/node-def";
import { listWidgetSlots } from "@/lib/formats/widget-values";

/**
 * Legacy group nodes (`extra.groupNodes`, node types `workflow>Name` or
 * `workflow/Name`), the frontend's pre-subgraph grouping. The document keeps
 * them exactly as imported; for compiling, each instance becomes a
 * synthesized subgraph, so its inner nodes get the ids ComfyUI's frontend
 * gives them (`<instance>:<index>`). As in the frontend's GroupNodeConfig:
 * the instance's inputs are the inner inputs no inner link feeds, in inner
 * node order; its outputs the inner outputs no inner link consumes (or that
 * `external` lists); its widgets_values the inner nodes' values, concatenated.
 */

interface RawInner {
  index: number;
  type: string;
  mode: number;
  title?: string;
  inputs: { name: string; type: string }[];
  outputs: { name: string; type: string }[];
  widgets_values?: unknown;
}

const MODES: Record<number, NodeMode> = { 0: "active", 2: "muted", 4: "bypassed" };

const record = (v: unknown): Record<string, unknown> | undefined => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

function readInner(raw: unknown, position: number): RawInner | undefined {
  const n = record(raw);
  if (!n || typeof n.type !== "string") return undefined;
  const slots = (list: unknown) =>
    (Array.isArray(list) ? list : []).map((s) => {
      const slot = record(s) ?? {};
      return { name: typeof slot.name === "string" ? slot.name : "", type: typeof slot.type === "string" ? slot.type : "*" };
    });
  return {
    index: typeof n.index === "number" ? n.index : position,
    type: n.type,
    mode: typeof n.mode === "number" ? n.mode : 0,
    title: typeof n.title === "string" ? n.title : undefined,
    inputs: slots(n.inputs),
    outputs: slots(n.outputs),
    widgets_values: n.widgets_values,
  };
}

/** The group definition a node type names, if it is a legacy group node type. */
function groupNameOf(type: string): string | undefined {
  // Compile asks this of every node; the prefix test spares the regex for the (almost all) types that are not group nodes.
  if (!type.startsWith("workflow")) return undefined;
  const m = /^workflow[>/](.+)$/.exec(type);
  return m?.[1];
}

/**
 * Rewrites a document for compiling: every legacy group node instance whose
 * definition is present becomes an instance of a synthesized subgraph.
 * @returns the rewritten document (the input is not modified), and the ids of instances that could not be expanded.
 */
export function expandLegacyGroupNodes(doc: WorkflowDocument, catalogue: NodeCatalogue): { doc: WorkflowDocument; unexpanded: string[] } {
  const uiExtra = record(doc.metadata.extra?.uiExtra);
  const groups = record(uiExtra?.groupNodes);
  const unexpanded: string[] = [];
  if (!doc.graph.nodes.some((n) => groupNameOf(n.type) !== undefined)) return { doc, unexpanded };
  const subgraphs: Subgraph[] = [...(doc.subgraphs ?? [])];
  const nodes = doc.graph.nodes.map((node): GraphNode => {
    const name = groupNameOf(node.type);
    if (name === undefined) return node;
    const def = record(groups?.[name]);
    const inner = (Array.isArray(def?.nodes) ? def.nodes : []).map(readInner);
    if (!def || inner.length === 0 || inner.some((n) => n === undefined)) {
      unexpanded.push(node.id);
      return node;
    }
    const sub = synthesize(node, inner as RawInner[], def, catalogue);
    subgraphs.push(sub);
    return { ...node, type: sub.id };
  });
  return { doc: { ...doc, graph: { ...doc.graph, nodes }, subgraphs }, unexpanded };
}

function synthesize(instance: GraphNode, inner: RawInner[], def: Record<string, unknown>, catalogue: NodeCatalogue): Subgraph {
  const byIndex = new Map(inner.map((n) => [n.index, n]));
  const links = (Array.isArray(def.links) ? def.links : []).filter(Array.isArray) as unknown[][];
  const fedInputs = new Set<string>();
  const usedOutputs = new Set<string>();
  const edges: GraphEdge[] = [];
  for (const link of links) {
    const [from, fromSlot, to, toSlot] = link;
    if (typeof from !== "number" || typeof fromSlot !== "number" || typeof to !== "number" || typeof toSlot !== "number") continue;
    const target = byIndex.get(to);
    const input = target?.inputs[toSlot];
    if (!target || !input || !byIndex.has(from)) continue;
    fedInputs.add(`${to}|${toSlot}`);
    usedOutputs.add(`${from}|${fromSlot}`);
    edges.push({ id: asEdgeId(`g${edges.length}`), source: asNodeId(String(from)), sourceSlot: fromSlot, target: asNodeId(String(to)), targetInput: input.name });
  }
  const external = new Set(
    (Array.isArray(def.external) ? def.external : []).flatMap((e) => {
      if (!Array.isArray(e)) return [];
      const owner = typeof e[0] === "number" ? e[0] : record(e[0])?.index;
      return typeof owner === "number" && typeof e[1] === "number" ? [`${owner}|${e[1]}`] : [];
    }),
  );
  // Port names come from the instance's own slots, which the outer edges name.
  const ui = record(instance.extra?.ui);
  const slotNames = (list: unknown) => (Array.isArray(list) ? list.map((s) => (typeof record(s)?.name === "string" ? (record(s)!.name as string) : undefined)) : []);
  const instanceInputs = slotNames(ui?.inputs);
  const instanceOutputs = slotNames(ui?.outputs);
  const inputs: Subgraph["inputs"] = [];
  const outputs: Subgraph["outputs"] = [];
  const sorted = [...inner].sort((a, b) => a.index - b.index);
  for (const node of sorted) {
    node.inputs.forEach((input, slot) => {
      if (fedInputs.has(`${node.index}|${slot}`)) return;
      const port = inputs.length;
      inputs.push({ name: instanceInputs[port] ?? `${node.type} ${input.name}`, type: input.type });
      edges.push({ id: asEdgeId(`in${port}`), source: asNodeId("-10"), sourceSlot: port, target: asNodeId(String(node.index)), targetInput: input.name });
    });
    node.outputs.forEach((output, slot) => {
      if (usedOutputs.has(`${node.index}|${slot}`) && !external.has(`${node.index}|${slot}`)) return;
      const port = outputs.length;
      const name = instanceOutputs[port] ?? `${node.type} ${output.name}`;
      outputs.push({ name, type: output.type });
      edges.push({ id: asEdgeId(`out${port}`), source: asNodeId(String(node.index)), sourceSlot: slot, target: asNodeId("-20"), targetInput: name });
    });
  }
  const values = Array.isArray(instance.extra?.rawWidgetValues) ? (instance.extra.rawWidgetValues as JsonValue[]) : [];
  let cursor = 0;
  const nodes: GraphNode[] = sorted.map((n) => {
    const own = Array.isArray(n.widgets_values) ? (n.widgets_values as JsonValue[]) : [];
    const widgets: Record<string, JsonValue> = {};
    const innerDef = getNodeDefinition(catalogue, n.type);
    if (innerDef) {
      listWidgetSlots(innerDef).forEach((slot, i) => {
        const value = cursor < values.length ? values[cursor] : own[i];
        cursor++;
        if (slot.kind === "value" && value !== undefined) widgets[slot.name] = value;
      });
    } else if (n.type === "PrimitiveNode" && own.length > 0) {
      widgets.value = cursor < values.length ? (values[cursor] as JsonValue) : (own[0] as JsonValue);
      cursor += Math.min(own.length, 2);
    }
    const node: GraphNode = { id: asNodeId(String(n.index)), type: n.type, mode: MODES[n.mode] ?? "active", widgets };
    if (n.title !== undefined) node.title = n.title;
    // Frontend-only inner nodes resolve through their saved slots, as top-level ones do.
    node.extra = { ui: { inputs: n.inputs, outputs: n.outputs } };
    return node;
  });
  return { id: `legacy-group:${instance.id}`, name: instance.type, inputs, outputs, graph: { nodes, edges }, layout: emptyLayout() };
}
