import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import type { NodeCatalogue } from "@/lib/graph/catalogue";
import type { Graph, GraphEdge, GraphNode, JsonValue, Layout, Subgraph, WorkflowDocument } from "@/lib/graph/model";
import { getNodeDefinition, listInputs, listOutputs } from "@/lib/graph/node-def";
import { isRecord } from "./types";
import { isControlValue, listNodeWidgetSlots, listSubgraphWidgetNames, positionWidgetValues, WIDGET_PROPERTY, type FrontendWidgetValue } from "./widget-values";

/** A UI workflow as ComfyUI's frontend saves and loads it (LiteGraph serialisation). */
export type UiWorkflow = Record<string, unknown>;

const NODE_MODE_NUMBER = { active: 0, muted: 2, bypassed: 4 } as const;
/** Our own markers inside `extra.ui`: never written back to a file. */
const MARKERS = new Set(["stringId", "mode", "missingType", "posForm", "sizeForm"]);

type Slot = Record<string, unknown>;

function pair(a: number, b: number, form: unknown): unknown {
  return isRecord(form) ? { ...form, "0": a, "1": b } : [a, b];
}

/** Largest number of an iterable, or `floor` when none is larger; a loop, since spreading 100,000+ arguments into Math.max overflows the stack. */
function maxOf(values: Iterable<number>, floor: number): number {
  let max = floor;
  for (const v of values) if (v > max) max = v;
  return max;
}

/** Edge id → numeric link id: reuses numeric edge ids and numbers the rest after them. */
function assignLinkIds(edges: readonly GraphEdge[]): Map<string, number> {
  const ids = new Map<string, number>();
  const used = new Set<number>();
  for (const edge of edges) {
    if (/^\d+$/.test(edge.id) && Number.isSafeInteger(Number(edge.id)) && !used.has(Number(edge.id))) {
      ids.set(edge.id, Number(edge.id));
      used.add(Number(edge.id));
    }
  }
  let next = maxOf(used, 0) + 1;
  for (const edge of edges) {
    if (!ids.has(edge.id)) {
      ids.set(edge.id, next);
      used.add(next++);
    }
  }
  return ids;
}

function outNodeId(id: string, stringIds: Set<string>): number | string {
  return !stringIds.has(id) && /^-?\d+$/.test(id) && Number.isSafeInteger(Number(id)) ? Number(id) : id;
}

interface GraphOutput {
  nodes: UiWorkflow[];
  links: unknown[];
  groups: UiWorkflow[];
  linkExtensions: { id: number; parentId: number }[];
  maxNodeId: number;
  maxLinkId: number;
}

function exportGraph(
  graph: Graph,
  layout: Layout,
  catalogue: NodeCatalogue,
  subgraphsById: Map<string, Subgraph>,
  options: { objectLinks: boolean; boundary?: Subgraph },
): GraphOutput {
  const linkIds = assignLinkIds(graph.edges);
  const stringIds = new Set(graph.nodes.filter((n) => isRecord(n.extra?.ui) && n.extra.ui.stringId === true).map((n) => n.id as string));
  const incoming = new Map<string, GraphEdge[]>();
  const outgoing = new Map<string, GraphEdge[]>();
  for (const edge of graph.edges) {
    (incoming.get(edge.target) ?? incoming.set(edge.target, []).get(edge.target)!).push(edge);
    (outgoing.get(edge.source) ?? outgoing.set(edge.source, []).get(edge.source)!).push(edge);
  }
  // Input slots per node, searched by name to write each link's target_slot (a handful per node: an array beats a Map each).
  const slotsOf = new Map<string, Slot[]>();
  const nodes: UiWorkflow[] = graph.nodes.map((node, index) => {
    const ui = isRecord(node.extra?.ui) ? node.extra.ui : {};
    const def = getNodeDefinition(catalogue, node.type);
    const nodeLayout = Object.hasOwn(layout.nodes, node.id) ? layout.nodes[node.id] : undefined;
    const inputs = buildInputs(node, ui, def ? { catalogue, type: node.type } : undefined, incoming.get(node.id) ?? [], linkIds, subgraphsById);
    slotsOf.set(node.id, inputs);
    const out: UiWorkflow = { id: outNodeId(node.id, stringIds), type: node.extra?.ui && isRecord(node.extra.ui) && node.extra.ui.missingType ? undefined : node.type };
    if (out.type === undefined) delete out.type;
    // pos, size, flags, order, mode and properties are required by the frontend's workflow schema, so every node gets them.
    out.pos = pair(nodeLayout?.x ?? 0, nodeLayout?.y ?? 0, ui.posForm);
    out.size =
      nodeLayout?.width !== undefined && nodeLayout.height !== undefined
        ? pair(nodeLayout.width, nodeLayout.height, ui.sizeForm)
        : [315, 46 + 24 * (inputs.length + Object.keys(node.widgets).length)];
    const flags: Record<string, unknown> = isRecord(ui.flags) ? { ...ui.flags } : {};
    if (nodeLayout?.collapsed) flags.collapsed = true;
    else if ("collapsed" in flags) flags.collapsed = false;
    out.flags = flags;
    out.order = nodeLayout?.order ?? index;
    out.mode = ui.mode !== undefined && node.mode === "active" ? ui.mode : NODE_MODE_NUMBER[node.mode];
    if (inputs.length > 0 || Array.isArray(ui.inputs)) out.inputs = inputs;
    const outputs = buildOutputs(node, ui, catalogue, outgoing.get(node.id) ?? [], linkIds, subgraphsById);
    if (outputs.length > 0 || Array.isArray(ui.outputs)) out.outputs = outputs;
    if (node.title !== undefined) out.title = node.title;
    for (const key in ui) {
      if (!Object.hasOwn(ui, key) || MARKERS.has(key) || key in out || key === "inputs" || key === "outputs" || key === "flags") continue;
      out[key] = ui[key];
    }
    const stored = unpositionedWidgets(node, catalogue, subgraphsById);
    if (stored) out.properties = { ...(isRecord(out.properties) ? out.properties : {}), [WIDGET_PROPERTY]: stored };
    else if (!isRecord(out.properties)) out.properties = {};
    const widgetsValues = buildWidgetValues(node, ui, catalogue, subgraphsById);
    const omit = node.extra?.noWidgetValues === true && Array.isArray(widgetsValues) && widgetsValues.length === 0;
    if (widgetsValues !== undefined && !omit) out.widgets_values = widgetsValues;
    if (nodeLayout?.color !== undefined) out.color = nodeLayout.color;
    if (nodeLayout?.bgcolor !== undefined) out.bgcolor = nodeLayout.bgcolor;
    return out;
  });

  const linkExtras = isRecord(layout.extra?.linkExtras) ? layout.extra.linkExtras : {};
  const linkExtensions: { id: number; parentId: number }[] = [];
  const byId = new Map(graph.nodes.map((n) => [n.id as string, n]));
  // A link without a recorded type takes its source output's type, as the frontend would when connecting it.
  const sourceType = (edge: GraphEdge): string => {
    const source = byId.get(edge.source);
    const def = source ? getNodeDefinition(catalogue, source.type) : undefined;
    return (def && listOutputs(def)[edge.sourceSlot]?.type) ?? (source && subgraphsById.get(source.type)?.outputs[edge.sourceSlot]?.type) ?? "*";
  };
  const boundary = options.boundary;
  const links = graph.edges.flatMap((edge): unknown[] => {
    const id = linkIds.get(edge.id)!;
    const targetSlot =
      edge.target === "-20" && boundary
        ? boundary.outputs.findIndex((p) => p.name === edge.targetInput)
        : slotsOf.get(edge.target)?.findIndex((slot) => slot.name === edge.targetInput);
    if (targetSlot === undefined || targetSlot < 0) return [];
    const origin = outNodeId(edge.source, stringIds);
    const target = outNodeId(edge.target, stringIds);
    const rawType = linkExtras[`type:${edge.id}`];
    const type = edge.type ?? (rawType !== undefined ? rawType : sourceType(edge));
    const rest = isRecord(linkExtras[edge.id]) ? (linkExtras[edge.id] as Record<string, unknown>) : {};
    if (options.objectLinks) return [{ id, origin_id: origin, origin_slot: edge.sourceSlot, target_id: target, target_slot: targetSlot, type, ...rest }];
    const more = Array.isArray(rest.more) ? rest.more : [];
    // An object link's parent reroute becomes a 0.4 link extension.
    if (typeof rest.parentId === "number") linkExtensions.push({ id, parentId: rest.parentId });
    return [[id, origin, edge.sourceSlot, target, targetSlot, type, ...more]];
  });

  const groups = layout.groups.map((g) => {
    const { noId, numericId, ...extra } = g.extra ?? {};
    const out: UiWorkflow = {};
    if (!noId) out.id = numericId && /^\d+$/.test(g.id) ? Number(g.id) : g.id;
    out.title = g.title;
    out.bounding = [g.x, g.y, g.width, g.height];
    if (g.color !== undefined) out.color = g.color;
    if (g.fontSize !== undefined) out.font_size = g.fontSize;
    return { ...out, ...extra };
  });
  const numericNodeIds = graph.nodes.map((n) => Number(n.id)).filter((n) => Number.isSafeInteger(n));
  return { nodes, links, groups, linkExtensions, maxNodeId: maxOf(numericNodeIds, 0), maxLinkId: maxOf(linkIds.values(), 0) };
}

function buildInputs(
  node: GraphNode,
  ui: Record<string, unknown>,
  known: { catalogue: NodeCatalogue; type: string } | undefined,
  incoming: readonly GraphEdge[],
  linkIds: Map<string, number>,
  subgraphsById: Map<string, Subgraph>,
): Slot[] {
  // A node has a handful of incoming edges: a linear scan beats building a Map per node on 100,000-node exports.
  const linkOf = (name: string): number | undefined => {
    for (const edge of incoming) if (edge.targetInput === name) return linkIds.get(edge.id);
    return undefined;
  };
  const slots: Slot[] = [];
  if (Array.isArray(ui.inputs)) {
    for (const raw of ui.inputs) {
      if (!isRecord(raw)) continue;
      const slot = { ...raw };
      if (typeof slot.name === "string") slot.link = linkOf(slot.name) ?? null;
      slots.push(slot);
    }
  } else if (known) {
    const def = getNodeDefinition(known.catalogue, known.type)!;
    for (const input of listInputs(def)) {
      if (input.kind === "link" || input.options.forceInput === true) slots.push({ name: input.name, type: input.type, link: linkOf(input.name) ?? null });
    }
  } else {
    const sub = subgraphsById.get(node.type);
    for (const port of sub?.inputs ?? []) slots.push({ name: port.name, type: port.type, link: linkOf(port.name) ?? null });
  }
  for (const edge of incoming) {
    if (slots.some((s) => s.name === edge.targetInput)) continue;
    const def = known ? getNodeDefinition(known.catalogue, known.type) : undefined;
    const info = def ? listInputs(def).find((i) => i.name === edge.targetInput) : undefined;
    const slot: Slot = { name: edge.targetInput, type: info?.type ?? edge.type ?? "*", link: linkIds.get(edge.id)! };
    if (info?.kind === "widget") slot.widget = { name: edge.targetInput };
    slots.push(slot);
  }
  return slots;
}

function buildOutputs(
  node: GraphNode,
  ui: Record<string, unknown>,
  catalogue: NodeCatalogue,
  outgoing: readonly GraphEdge[],
  linkIds: Map<string, number>,
  subgraphsById: Map<string, Subgraph>,
): Slot[] {
  const bySlot: number[][] = [];
  for (const edge of outgoing) (bySlot[edge.sourceSlot] ??= []).push(linkIds.get(edge.id)!);
  const slots: Slot[] = Array.isArray(ui.outputs) ? ui.outputs.map((o) => (isRecord(o) ? { ...o } : {})) : [];
  if (!Array.isArray(ui.outputs)) {
    const def = getNodeDefinition(catalogue, node.type);
    const sub = subgraphsById.get(node.type);
    if (def) for (const o of listOutputs(def)) slots.push({ name: o.name, type: o.type, links: null });
    else if (sub) for (const p of sub.outputs) slots.push({ name: p.name, type: p.type, links: null });
  }
  const maxSlot = bySlot.length - 1;
  const known = getNodeDefinition(catalogue, node.type);
  for (let i = slots.length; i <= maxSlot; i++) {
    const out = known ? listOutputs(known)[i] : subgraphsById.get(node.type)?.outputs[i];
    slots.push({ name: out?.name ?? `output ${i}`, type: out?.type ?? "*", links: null });
  }
  slots.forEach((slot, i) => {
    const links = bySlot[i];
    slot.links = links && links.length > 0 ? links : slot.links === null ? null : [];
  });
  return slots;
}

/** Widget values that positional widgets_values cannot carry for this node, or undefined when there are none. */
function unpositionedWidgets(node: GraphNode, catalogue: NodeCatalogue, subgraphsById: Map<string, Subgraph>): { extra?: Record<string, JsonValue>; absent?: string[] } | undefined {
  if (node.extra?.widgetValuesForm === "object" || node.type === "PrimitiveNode" || node.type === "Note" || node.type === "MarkdownNote" || node.type === "Reroute") return undefined;
  if (subgraphsById.has(node.type)) return undefined;
  const def = getNodeDefinition(catalogue, node.type);
  const extra: Record<string, JsonValue> = {};
  const absent: string[] = [];
  if (def) {
    const slots = listNodeWidgetSlots(def, node.widgets);
    // A frontend-only slot sharing an input's name (WebcamCapture's "image") does not carry that input's value.
    for (const name in node.widgets) if (Object.hasOwn(node.widgets, name) && !slots.some((s) => s.name === name && s.kind !== "frontend")) extra[name] = node.widgets[name] as JsonValue;
    for (const slot of slots) if (slot.kind === "value" && !Object.hasOwn(node.widgets, slot.name)) absent.push(slot.name);
  } else {
    Object.assign(extra, node.widgets);
  }
  const out: { extra?: Record<string, JsonValue>; absent?: string[] } = {};
  if (Object.keys(extra).length > 0) out.extra = extra;
  if (absent.length > 0) out.absent = absent;
  return out.extra || out.absent ? out : undefined;
}

function buildWidgetValues(node: GraphNode, ui: Record<string, unknown>, catalogue: NodeCatalogue, subgraphsById: Map<string, Subgraph>): unknown {
  const extra = node.extra ?? {};
  const tail = Array.isArray(extra.widgetValuesTail) ? (extra.widgetValuesTail as JsonValue[]) : [];
  if (extra.widgetValuesForm === "object") return { ...node.widgets };
  if (node.type === "PrimitiveNode") {
    const raw = Array.isArray(extra.rawWidgetValues) ? [...extra.rawWidgetValues] : [];
    if ("value" in node.widgets) raw[0] = node.widgets.value;
    if (node.controls?.value) raw[1] = node.controls.value;
    else if (isControlValue(raw[1])) raw[1] = "fixed";
    return raw;
  }
  if (extra.rawWidgetValues !== undefined) return extra.rawWidgetValues;
  const def = getNodeDefinition(catalogue, node.type);
  if (def) {
    const frontend = Array.isArray(extra.frontendWidgetValues) ? (extra.frontendWidgetValues as FrontendWidgetValue[]) : undefined;
    return positionWidgetValues(def, node.widgets, node.controls, tail, { booleanControls: extra.booleanControls === true, ...(frontend ? { frontend } : {}) });
  }
  if (node.type === "Note" || node.type === "MarkdownNote") return "text" in node.widgets ? [node.widgets.text, ...tail] : tail;
  const sub = subgraphsById.get(node.type);
  if (sub) {
    const names = listSubgraphWidgetNames(sub.inputs);
    // Positions matter: a missing value in the middle is written as null; trailing missing ones are left off.
    let count = names.length;
    while (count > 0 && !Object.hasOwn(node.widgets, names[count - 1]!)) count--;
    const values = names.slice(0, count).map((n) => (Object.hasOwn(node.widgets, n) ? node.widgets[n] : null));
    return count === names.length ? [...values, ...tail] : values;
  }
  return Object.keys(node.widgets).length > 0 ? Object.values(node.widgets) : undefined;
}

/**
 * A UUID-shaped id derived from a name: subgraph ports made outside ComfyUI
 * need one (the frontend's schema asks for a UUID) and lib/ takes no
 * randomness, so the same port always gets the same id.
 */
function derivedUuid(seed: string): string {
  const hex = bytesToHex(sha256(utf8ToBytes(seed)));
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${"89ab"[parseInt(hex[16]!, 16) % 4]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function exportSubgraph(sub: Subgraph, catalogue: NodeCatalogue, subgraphsById: Map<string, Subgraph>): UiWorkflow {
  const g = exportGraph(sub.graph, sub.layout, catalogue, subgraphsById, { objectLinks: true, boundary: sub });
  const linkIds = assignLinkIds(sub.graph.edges);
  const port = (p: Subgraph["inputs"][number], kind: string, index: number, linkIdsOf: number[]) => {
    const extra = p.extra ?? {};
    return { id: typeof extra.id === "string" ? extra.id : derivedUuid(`${sub.id}|${kind}|${index}|${p.name}`), ...extra, name: p.name, type: p.type, linkIds: linkIdsOf };
  };
  const inputs = sub.inputs.map((p, i) => port(p, "input", i, sub.graph.edges.filter((e) => e.source === "-10" && e.sourceSlot === i).map((e) => linkIds.get(e.id)!)));
  const outputs = sub.outputs.map((p, i) => port(p, "output", i, sub.graph.edges.filter((e) => e.target === "-20" && e.targetInput === p.name).map((e) => linkIds.get(e.id)!)));
  // Fields the frontend's subgraph schema requires, for subgraphs made outside ComfyUI; a definition read from a file keeps its own.
  let [left, right, top] = [Infinity, -Infinity, Infinity];
  for (const p of Object.values(sub.layout.nodes)) {
    left = Math.min(left, p.x);
    right = Math.max(right, p.x + (p.width ?? 300));
    top = Math.min(top, p.y);
  }
  if (left === Infinity) [left, right, top] = [0, 400, 0];
  const defaults = {
    version: 1,
    state: { lastGroupId: 0, lastNodeId: g.maxNodeId, lastLinkId: g.maxLinkId, lastRerouteId: 0 },
    revision: 0,
    config: {},
    inputNode: { id: -10, bounding: [left - 200, top, 120, 60] },
    outputNode: { id: -20, bounding: [right + 80, top, 120, 60] },
    widgets: [],
    extra: {},
  };
  return {
    id: sub.id,
    ...defaults,
    ...(sub.extra ?? {}),
    name: sub.name,
    inputs,
    outputs,
    nodes: g.nodes,
    groups: g.groups,
    links: g.links,
  };
}

/**
 * Exports a document as a ComfyUI UI workflow (version 0.4; subgraph
 * definitions inside use object links, as real files do): positional widgets_values rebuilt from names with the
 * control_after_generate slots, links, slot arrays, groups and extra.
 */
export function exportUiWorkflow(doc: WorkflowDocument, catalogue: NodeCatalogue): UiWorkflow {
  const subgraphsById = new Map((doc.subgraphs ?? []).map((s) => [s.id, s]));
  const meta = doc.metadata.extra ?? {};
  // Always version 0.4 at the top level (array links, last_node_id): the frontend validates every file against its 0.4 schema.
  // A version 1 source's state, top-level reroutes and link parents move to their 0.4 places.
  const g = exportGraph(doc.graph, doc.layout, catalogue, subgraphsById, { objectLinks: false });
  const out: UiWorkflow = {};
  const { uiExtra, definitions, state, lastNodeId, lastLinkId, ...top } = meta as Record<string, unknown>;
  Object.assign(out, top);
  const prev = isRecord(state) ? state : {};
  const numberOr = (v: unknown) => (typeof v === "number" ? v : 0);
  out.last_node_id = Math.max(g.maxNodeId, numberOr(lastNodeId), numberOr(prev.lastNodeId));
  out.last_link_id = Math.max(g.maxLinkId, numberOr(lastLinkId), numberOr(prev.lastLinkId));
  out.nodes = g.nodes;
  out.links = g.links;
  const layoutExtra = doc.layout.extra ?? {};
  if ("top:floatingLinks" in layoutExtra) out.floatingLinks = layoutExtra["top:floatingLinks"];
  out.groups = g.groups;
  if (doc.subgraphs && doc.subgraphs.length > 0) {
    out.definitions = { ...(isRecord(definitions) ? definitions : {}), subgraphs: doc.subgraphs.map((s) => exportSubgraph(s, catalogue, subgraphsById)) };
  } else if (isRecord(definitions)) out.definitions = definitions;
  if (!("config" in out)) out.config = {};
  const extra: Record<string, unknown> = isRecord(uiExtra) ? { ...uiExtra } : {};
  const { x, y, zoom } = doc.layout.viewport;
  if (!(layoutExtra.noViewport === true && x === 0 && y === 0 && zoom === 1)) {
    extra.ds = { scale: zoom, offset: layoutExtra.dsOffsetForm === "object" ? { "0": x, "1": y } : [x, y] };
  }
  if ("reroutes" in layoutExtra) extra.reroutes = layoutExtra.reroutes;
  else if ("top:reroutes" in layoutExtra) extra.reroutes = layoutExtra["top:reroutes"];
  if ("linkExtensions" in layoutExtra) extra.linkExtensions = layoutExtra.linkExtensions;
  else if (g.linkExtensions.length > 0) extra.linkExtensions = g.linkExtensions;
  out.extra = extra;
  out.version = 0.4;
  return out;
}
