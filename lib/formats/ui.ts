import { setEntry } from "@/lib/graph/records";
import type { NodeCatalogue } from "@/lib/graph/catalogue";
import {
  type ControlAfterGenerate,
  asEdgeId,
  asNodeId,
  DOCUMENT_FORMAT,
  DOCUMENT_VERSION,
  type Graph,
  type GraphEdge,
  type GraphNode,
  type Group,
  type JsonValue,
  type Layout,
  type NodeLayout,
  type NodeMode,
  type Subgraph,
  SUBGRAPH_OUTPUT_NODE,
  type SubgraphPort,
  type WorkflowDocument,
} from "@/lib/graph/model";
import { getNodeDefinition, isVirtualNodeType } from "@/lib/graph/node-def";
import { isRecord, toPointer, type FormatError, type ImportResult, type ImportWarning } from "./types";
import { isControlValue, listSubgraphWidgetNames, listWidgetSlots, nameWidgetValues, WIDGET_PROPERTY } from "./widget-values";

/**
 * Import of ComfyUI UI workflows ("workflow" JSON, LiteGraph serialisation):
 * version 0.4 (array links, last_node_id) and version 1 (object links,
 * state), with subgraph definitions, native and legacy reroutes, primitive
 * nodes, groups, and every key we do not model preserved for export.
 */

/** Most nodes we accept in one workflow (top level plus subgraphs). Real files have hundreds; this only refuses absurd inputs cleanly. */
export const MAX_UI_NODES = 200_000;

/** Options of {@link importUiWorkflow}. */
export interface ImportUiOptions {
  /** Node definitions used to turn positional widget values into values by name. Without one, every node is kept opaque. */
  catalogue?: NodeCatalogue;
  /** Document name (defaults to "Imported workflow"). */
  name?: string;
}

/** A raw UI link as [id, originId, originSlot, targetId, targetSlot, type] or an object with the same fields. */
interface RawLink {
  id: number | string;
  origin_id: number | string;
  origin_slot: number;
  target_id: number | string;
  target_slot: number;
  type: unknown;
  rest: Record<string, unknown>;
  form: "array" | "object";
}

/** True when a parsed JSON value has the shape of a UI workflow (a `nodes` array next to `links` or a version). */
export function looksLikeUiWorkflow(value: unknown): boolean {
  return isRecord(value) && Array.isArray(value.nodes) && (Array.isArray(value.links) || "version" in value || "last_node_id" in value);
}

const MODE_BY_NUMBER: Record<number, NodeMode> = { 0: "active", 2: "muted", 4: "bypassed" };

/** Keys of a UI node that the document models; everything else goes to `extra.ui`. */
const MODELLED_NODE_KEYS = new Set(["id", "type", "title", "mode", "pos", "size", "widgets_values", "color", "bgcolor", "order"]);

/** Top-level keys the importer models or rebuilds on export. */
const MODELLED_TOP_KEYS = new Set(["nodes", "links", "groups", "definitions", "extra", "version", "last_node_id", "last_link_id", "state", "reroutes", "floatingLinks"]);

class ImportFailure {
  constructor(readonly error: FormatError) {}
}

/** Reads `[x, y]` or the older `{"0": x, "1": y}` form. */
function readPair(value: unknown): [number, number] | undefined {
  if (Array.isArray(value) && typeof value[0] === "number" && typeof value[1] === "number") return [value[0], value[1]];
  if (isRecord(value) && typeof value["0"] === "number" && typeof value["1"] === "number") return [value["0"], value["1"]];
  return undefined;
}

/** Slot indices are numbers, but the frontend's schema also takes numeric strings (parseInt), so we do too. */
function slotNumber(value: unknown): unknown {
  return typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
}

function readLink(raw: unknown, at: (string | number)[]): RawLink {
  if (Array.isArray(raw)) {
    const [id, originId, rawOriginSlot, targetId, rawTargetSlot, type, ...more] = raw as unknown[];
    const originSlot = slotNumber(rawOriginSlot);
    const targetSlot = slotNumber(rawTargetSlot);
    if ((typeof id !== "number" && typeof id !== "string") || (typeof originId !== "number" && typeof originId !== "string") || (typeof targetId !== "number" && typeof targetId !== "string") || typeof originSlot !== "number" || typeof targetSlot !== "number") {
      throw new ImportFailure({ message: `Link ${JSON.stringify(raw).slice(0, 80)} is not [id, origin, originSlot, target, targetSlot, type].`, path: toPointer(at) });
    }
    return { id, origin_id: originId, origin_slot: originSlot, target_id: targetId, target_slot: targetSlot, type, rest: more.length ? { more } : {}, form: "array" };
  }
  if (isRecord(raw)) {
    const { id, origin_id, origin_slot: rawOriginSlot, target_id, target_slot: rawTargetSlot, type, ...rest } = raw;
    const origin_slot = slotNumber(rawOriginSlot);
    const target_slot = slotNumber(rawTargetSlot);
    if ((typeof id !== "number" && typeof id !== "string") || (typeof origin_id !== "number" && typeof origin_id !== "string") || (typeof target_id !== "number" && typeof target_id !== "string") || typeof origin_slot !== "number" || typeof target_slot !== "number") {
      throw new ImportFailure({ message: `Link ${JSON.stringify(raw).slice(0, 80)} lacks id, origin_id, origin_slot, target_id or target_slot.`, path: toPointer(at) });
    }
    return { id, origin_id, origin_slot, target_id, target_slot, type, rest, form: "object" };
  }
  throw new ImportFailure({ message: "A link is neither an array nor an object.", path: toPointer(at) });
}

interface GraphParts {
  graph: Graph;
  layout: Layout;
}

interface Context {
  catalogue?: NodeCatalogue;
  warnings: ImportWarning[];
  subgraphIds: Set<string>;
  /** Subgraph id → the widget names its instances hold positionally. */
  subgraphWidgets: Map<string, string[]>;
  nodeCount: number;
}

function convertNode(raw: unknown, at: (string | number)[], ctx: Context, where: string): { node: GraphNode; layout: NodeLayout } {
  if (!isRecord(raw)) throw new ImportFailure({ message: `Node ${at[at.length - 1]} is not an object.`, path: toPointer(at) });
  if (typeof raw.id !== "number" && typeof raw.id !== "string") {
    throw new ImportFailure({ message: `Node ${at[at.length - 1]} has no id.`, path: toPointer([...at, "id"]) });
  }
  const id = String(raw.id);
  const type = typeof raw.type === "string" && raw.type !== "" ? raw.type : "";
  const ui: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) if (!MODELLED_NODE_KEYS.has(key)) ui[key] = value;
  if (typeof raw.id === "string") ui.stringId = true;
  const modeNumber = typeof raw.mode === "number" ? raw.mode : 0;
  const mode = MODE_BY_NUMBER[modeNumber] ?? "active";
  if (!(modeNumber in MODE_BY_NUMBER)) ui.mode = raw.mode;
  const extra: Record<string, unknown> = {};
  const node: GraphNode = { id: asNodeId(id), type: type || "(missing type)", mode, widgets: {} };
  if (!type) ui.missingType = true;
  if (typeof raw.title === "string") node.title = raw.title;

  const def = ctx.catalogue && type ? getNodeDefinition(ctx.catalogue, type) : undefined;
  if (raw.widgets_values === undefined) extra.noWidgetValues = true;
  // A known node saved without widgets_values gets its widgets' defaults on load, as in ComfyUI.
  const values = raw.widgets_values === undefined && def ? [] : raw.widgets_values;
  if (Array.isArray(values)) {
    if (def) {
      const named = nameWidgetValues(def, values as JsonValue[]);
      node.widgets = named.widgets;
      const controls = withoutFixed(named.controls);
      if (controls) node.controls = controls;
      if (named.tail.length > 0) extra.widgetValuesTail = named.tail;
      // Recorded even when empty for a definition with frontend-only slots: "none in the file" must export as none, not as a fresh node's defaults.
      if (named.frontend.length > 0 || listWidgetSlots(def).some((s) => s.kind === "frontend")) extra.frontendWidgetValues = named.frontend;
      if (named.filled.length > 0) {
        extra.filledWidgets = named.filled;
        ctx.warnings.push({
          code: "default-filled",
          nodeId: id,
          path: toPointer([...at, "widgets_values"]),
          message: `Node ${id}${where} (${type}) had no value for ${named.filled.join(", ")} (the node gained ${named.filled.length > 1 ? "these inputs" : "this input"} after the file was saved); using the default, as ComfyUI does.`,
        });
      }
      if (named.missingControls.length > 0) extra.missingControls = named.missingControls;
      if (named.booleanControls) extra.booleanControls = true;
    } else if (type === "PrimitiveNode") {
      // widgets_values = [value, control?, filter?]; the value's name is always "value".
      if (values.length > 0) node.widgets = { value: values[0] as JsonValue };
      if (isControlValue(values[1]) && values[1] !== "fixed") node.controls = { value: values[1] };
      extra.rawWidgetValues = values;
    } else if (type === "Note" || type === "MarkdownNote") {
      if (values.length > 0) node.widgets = { text: values[0] as JsonValue };
      if (values.length > 1) extra.widgetValuesTail = values.slice(1);
    } else if (ctx.subgraphIds.has(type)) {
      // A subgraph instance's widgets are its subgraph's widget-typed inputs, in order.
      const names = ctx.subgraphWidgets.get(type) ?? [];
      values.forEach((v, i) => {
        const name = names[i];
        if (name !== undefined) node.widgets[name] = v as JsonValue;
      });
      if (values.length > names.length) extra.widgetValuesTail = values.slice(names.length);
    } else {
      extra.rawWidgetValues = values;
    }
  } else if (isRecord(values)) {
    // VideoHelperSuite and a few others save widget values as an object keyed by widget name.
    extra.widgetValuesForm = "object";
    node.widgets = { ...(values as Record<string, JsonValue>) };
  } else if (values !== undefined) {
    extra.rawWidgetValues = values;
  }
  applyWidgetProperty(node, ui);
  if (type && ctx.catalogue && !def && !isVirtualNodeType(type) && !ctx.subgraphIds.has(type)) {
    ctx.warnings.push({
      code: "unknown-node-type",
      nodeId: id,
      path: toPointer([...at, "type"]),
      message: `Node ${id}${where} has type "${type}", which the node catalogue does not know (a custom node?); it is kept as is.`,
    });
  }
  if (Object.keys(ui).length > 0) extra.ui = ui;
  if (Object.keys(extra).length > 0) node.extra = extra;

  const pos = readPair(raw.pos);
  const size = readPair(raw.size);
  const layout: NodeLayout = { x: pos?.[0] ?? 0, y: pos?.[1] ?? 0 };
  if (size) {
    layout.width = size[0];
    layout.height = size[1];
  }
  // Older saves wrote Float32Arrays as objects ({"0": x, "1": y, "2": 0, …}); keep the object so export writes it back alike.
  if (isRecord(raw.pos)) ui.posForm = raw.pos;
  if (isRecord(raw.size)) ui.sizeForm = raw.size;
  if (isRecord(raw.flags) && raw.flags.collapsed === true) layout.collapsed = true;
  if (typeof raw.color === "string") layout.color = raw.color;
  if (typeof raw.bgcolor === "string") layout.bgcolor = raw.bgcolor;
  if (typeof raw.order === "number") layout.order = raw.order;
  return { node, layout };
}

/** "fixed" is what a widget without a control does anyway, so only other controls are recorded. */
function withoutFixed(controls: Record<string, ControlAfterGenerate>): Record<string, ControlAfterGenerate> | undefined {
  const kept = Object.entries(controls).filter(([, v]) => v !== "fixed");
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}

/**
 * Reads back the `atelier:widgets` node property our exporter writes for
 * widget values positional `widgets_values` cannot carry (inputs a definition
 * does not declare, absent values, every value of an unknown node type), and
 * removes it so it is rebuilt fresh on the next export.
 */
function applyWidgetProperty(node: GraphNode, ui: Record<string, unknown>): void {
  if (!isRecord(ui.properties) || !isRecord(ui.properties[WIDGET_PROPERTY])) return;
  const { [WIDGET_PROPERTY]: stored, ...rest } = ui.properties;
  ui.properties = rest;
  const { extra, absent } = stored as { extra?: unknown; absent?: unknown };
  if (Array.isArray(absent)) for (const name of absent) if (typeof name === "string") delete node.widgets[name];
  if (isRecord(extra)) Object.assign(node.widgets, extra as Record<string, JsonValue>);
}

function convertGroups(raw: unknown): Group[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((g, index): Group[] => {
    if (!isRecord(g)) return [];
    const bounding = Array.isArray(g.bounding) ? g.bounding : [];
    const [x, y, width, height] = [0, 1, 2, 3].map((i) => (typeof bounding[i] === "number" ? (bounding[i] as number) : 0)) as [number, number, number, number];
    const { id, title, bounding: _b, color, font_size, ...rest } = g;
    const group: Group = { id: id !== undefined && String(id) !== "" ? String(id) : `group-${index + 1}`, title: typeof title === "string" ? title : "", x, y, width, height };
    if (typeof color === "string") group.color = color;
    if (typeof font_size === "number") group.fontSize = font_size;
    const extra: Record<string, unknown> = { ...rest };
    if (id === undefined) extra.noId = true;
    else if (typeof id === "number") extra.numericId = true;
    if (Object.keys(extra).length > 0) group.extra = extra;
    return [group];
  });
}

/**
 * Converts one LiteGraph graph (the root or a subgraph definition): nodes,
 * links to edges (target slot index → input name), groups and layout.
 */
function convertGraph(
  raw: Record<string, unknown>,
  at: (string | number)[],
  ctx: Context,
  where: string,
  boundary?: { outputs: SubgraphPort[] },
): GraphParts {
  const rawNodes = Array.isArray(raw.nodes) ? raw.nodes : [];
  ctx.nodeCount += rawNodes.length;
  if (ctx.nodeCount > MAX_UI_NODES) {
    throw new ImportFailure({ message: `The workflow has more than ${MAX_UI_NODES} nodes; refusing to import it.`, path: toPointer([...at, "nodes"]) });
  }
  const nodes: GraphNode[] = [];
  const layout: Layout = { nodes: {}, groups: convertGroups(raw.groups), viewport: { x: 0, y: 0, zoom: 1 } };
  const rawById = new Map<string, Record<string, unknown>>();
  rawNodes.forEach((rawNode, index) => {
    const { node, layout: nodeLayout } = convertNode(rawNode, [...at, "nodes", index], ctx, where);
    if (rawById.has(node.id)) {
      // Two nodes with one id: ComfyUI's frontend renumbers the later one on load; we do the same so neither is lost.
      let n = rawNodes.length + index + 1;
      while (rawById.has(String(n))) n++;
      ctx.warnings.push({ code: "duplicate-node-id", nodeId: node.id, path: toPointer([...at, "nodes", index, "id"]), message: `Two nodes${where} have id ${node.id}; the second (${node.type}) was given id ${n}.` });
      node.extra = { ...node.extra, originalId: node.id };
      node.id = asNodeId(String(n));
    }
    rawById.set(node.id, rawNode as Record<string, unknown>);
    nodes.push(node);
    setEntry(layout.nodes, node.id, nodeLayout);
  });

  const edges: GraphEdge[] = [];
  const byInput = new Map<string, number>();
  const parents: Record<string, unknown> = {};
  const rawLinks = Array.isArray(raw.links) ? raw.links : [];
  rawLinks.forEach((rawLink, index) => {
    if (rawLink === null) return;
    const link = readLink(rawLink, [...at, "links", index]);
    const source = String(link.origin_id);
    const target = String(link.target_id);
    let targetInput: string | undefined;
    if (target === "-20" && boundary) {
      targetInput = boundary.outputs[link.target_slot]?.name;
    } else {
      const targetNode = rawById.get(target);
      const inputs = targetNode && Array.isArray(targetNode.inputs) ? (targetNode.inputs as unknown[]) : [];
      const slot = inputs[link.target_slot];
      if (isRecord(slot) && typeof slot.name === "string" && (slot.link === link.id || slot.link === undefined || slot.link === null)) {
        targetInput = slot.name;
      } else {
        // Slot drift (rgthree and older frontends): trust the input whose `link` names this link, as the frontend's link fixer does.
        const owner = inputs.find((i) => isRecord(i) && i.link === link.id);
        if (isRecord(owner) && typeof owner.name === "string") targetInput = owner.name;
        else if (isRecord(slot) && typeof slot.name === "string") targetInput = slot.name;
      }
    }
    const sourceKnown = source === "-10" ? !!boundary : rawById.has(source);
    const targetKnown = target === "-20" ? !!boundary : rawById.has(target);
    if (targetInput === undefined || !sourceKnown || !targetKnown) {
      ctx.warnings.push({
        code: "dropped-link",
        path: toPointer([...at, "links", index]),
        message: `Link ${link.id}${where} from node ${source} to node ${target} (input slot ${link.target_slot}) points at ${!sourceKnown ? `a missing node ${source}` : !targetKnown ? `a missing node ${target}` : "an input slot the node does not have"}; it was dropped.`,
      });
      return;
    }
    const edge: GraphEdge = { id: asEdgeId(String(link.id)), source: asNodeId(source), sourceSlot: link.origin_slot, target: asNodeId(target), targetInput };
    if (typeof link.type === "string") edge.type = link.type;
    else if (link.type !== undefined) parents[`type:${link.id}`] = link.type;
    if (Object.keys(link.rest).length > 0) parents[String(link.id)] = link.rest;
    // Two links into one input (a known corruption): keep the one the input slot names, as the frontend's link fixer does.
    const key = `${target}\u0000${targetInput}`;
    const previous = byInput.get(key);
    if (previous !== undefined) {
      const first = edges[previous]!;
      const targetNode = rawById.get(target);
      const slots = Array.isArray(targetNode?.inputs) ? (targetNode.inputs as unknown[]) : [];
      const names = (linkId: string) => slots.some((i) => isRecord(i) && i.name === targetInput && String(i.link) === linkId);
      const keepLater = names(edge.id);
      const kept = keepLater ? edge : first;
      const dropped = keepLater ? first : edge;
      ctx.warnings.push(duplicateLinkWarning({ target, targetType: typeof targetNode?.type === "string" ? targetNode.type : undefined, targetInput, kept, dropped, slotNamesKept: keepLater || names(first.id), where, path: toPointer([...at, "links", index]) }));
      edges[previous] = kept;
      return;
    }
    byInput.set(key, edges.length);
    edges.push(edge);
  });
  if (Object.keys(parents).length > 0) layout.extra = { ...layout.extra, linkExtras: parents };
  if (rawLinks.length > 0 && rawLinks.every((l) => isRecord(l))) layout.extra = { ...layout.extra, linkForm: "object" };
  return { graph: { nodes, edges }, layout };
}

/**
 * The warning for two links into one input. ComfyUI's frontend keeps the link
 * the input slot's `link` field references and drops the other as a stray;
 * when the slot references neither, the first link in the file is kept.
 */
function duplicateLinkWarning(d: {
  target: string;
  targetType: string | undefined;
  targetInput: string;
  kept: GraphEdge;
  dropped: GraphEdge;
  slotNamesKept: boolean;
  where: string;
  path: string;
}): ImportWarning {
  const into = d.target === SUBGRAPH_OUTPUT_NODE ? `subgraph output "${d.targetInput}"${d.where}` : `input "${d.targetInput}" of node ${d.target}${d.targetType ? ` (${d.targetType})` : ""}${d.where}`;
  const why = d.slotNamesKept
    ? `the one the node's input slot references, as ComfyUI does`
    : `the first in the file, since the input slot references neither`;
  return {
    code: "duplicate-link",
    nodeId: d.target,
    inputName: d.targetInput,
    keptLinkId: d.kept.id,
    droppedLinkId: d.dropped.id,
    path: d.path,
    message: `Links ${d.dropped.id} and ${d.kept.id} both feed ${into}; kept link ${d.kept.id} (${why}) and dropped link ${d.dropped.id}. Check that input is connected as you meant.`,
  };
}

function convertSubgraph(raw: unknown, at: (string | number)[], ctx: Context): Subgraph {
  if (!isRecord(raw) || typeof raw.id !== "string") {
    throw new ImportFailure({ message: "A subgraph definition has no id.", path: toPointer(at) });
  }
  const ports = (list: unknown, key: string): SubgraphPort[] =>
    (Array.isArray(list) ? list : []).map((p, i) => {
      if (!isRecord(p) || typeof p.name !== "string") {
        throw new ImportFailure({ message: `Subgraph "${String(raw.name ?? raw.id)}" has a malformed ${key} port.`, path: toPointer([...at, key, i]) });
      }
      const { name, type, ...rest } = p;
      const port: SubgraphPort = { name, type: typeof type === "string" ? type : "*" };
      if (Object.keys(rest).length > 0) port.extra = rest;
      return port;
    });
  const inputs = ports(raw.inputs, "inputs");
  const outputs = ports(raw.outputs, "outputs");
  const name = typeof raw.name === "string" ? raw.name : raw.id;
  const parts = convertGraph(raw, at, ctx, ` in subgraph "${name}"`, { outputs });
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!["id", "name", "inputs", "outputs", "nodes", "links", "groups"].includes(key)) extra[key] = value;
  }
  return { id: raw.id, name, inputs, outputs, graph: parts.graph, layout: parts.layout, extra };
}

/**
 * Imports a ComfyUI UI workflow (parsed JSON). Widget values become values by
 * name for node types the catalogue knows; unknown types are kept opaque.
 * @returns the document and warnings, or an error naming the path.
 */
export function importUiWorkflow(json: unknown, options: ImportUiOptions = {}): ImportResult {
  try {
    return importUnsafe(json, options);
  } catch (e) {
    if (e instanceof ImportFailure) return { ok: false, error: e.error };
    throw e;
  }
}

function importUnsafe(json: unknown, options: ImportUiOptions): ImportResult {
  if (!isRecord(json) || !Array.isArray(json.nodes)) {
    return { ok: false, error: { message: "A UI workflow must be an object with a `nodes` array.", path: "" } };
  }
  const rawSubgraphs = isRecord(json.definitions) && Array.isArray(json.definitions.subgraphs) ? json.definitions.subgraphs : [];
  const ctx: Context = {
    catalogue: options.catalogue,
    warnings: [],
    subgraphIds: new Set(rawSubgraphs.filter(isRecord).map((s) => String(s.id))),
    subgraphWidgets: new Map(
      rawSubgraphs.filter(isRecord).map((s) => [String(s.id), listSubgraphWidgetNames((Array.isArray(s.inputs) ? s.inputs : []).filter(isRecord) as { name: unknown; type: unknown }[])]),
    ),
    nodeCount: 0,
  };
  const parts = convertGraph(json, [], ctx, "");
  const subgraphs = rawSubgraphs.map((s, i) => convertSubgraph(s, ["definitions", "subgraphs", i], ctx));

  const layout = parts.layout;
  const extra = isRecord(json.extra) ? { ...json.extra } : undefined;
  const ds = extra && isRecord(extra.ds) ? extra.ds : undefined;
  if (ds) {
    const offset = readPair(ds.offset);
    const scale = typeof ds.scale === "number" && ds.scale > 0 ? ds.scale : 1;
    layout.viewport = { x: offset?.[0] ?? 0, y: offset?.[1] ?? 0, zoom: scale };
    if (ds.offset !== undefined && !Array.isArray(ds.offset)) layout.extra = { ...layout.extra, dsOffsetForm: "object" };
    delete extra!.ds;
  } else {
    layout.extra = { ...layout.extra, noViewport: true };
  }
  // Native reroutes and link extensions only move where a link is drawn: layout, not semantics.
  for (const key of ["reroutes", "linkExtensions"] as const) {
    if (extra && key in extra) {
      layout.extra = { ...layout.extra, [key]: extra[key] };
      delete extra[key];
    }
  }
  for (const key of ["reroutes", "floatingLinks"] as const) {
    if (key in json) layout.extra = { ...layout.extra, [`top:${key}`]: json[key] };
  }

  const metaExtra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) if (!MODELLED_TOP_KEYS.has(key)) metaExtra[key] = value;
  if (extra) metaExtra.uiExtra = extra;
  if (isRecord(json.definitions)) {
    const { subgraphs: _s, ...otherDefinitions } = json.definitions;
    if (Object.keys(otherDefinitions).length > 0) metaExtra.definitions = otherDefinitions;
  }
  if (json.state !== undefined) metaExtra.state = json.state;
  if (json.last_node_id !== undefined) metaExtra.lastNodeId = json.last_node_id;
  if (json.last_link_id !== undefined) metaExtra.lastLinkId = json.last_link_id;
  if (extra && isRecord(extra.groupNodes) && Object.keys(extra.groupNodes).length > 0) {
    const used = parts.graph.nodes.filter((n) => /^workflow[>/]/.test(n.type));
    for (const node of used) {
      ctx.warnings.push({
        code: "legacy-group-node",
        nodeId: node.id,
        message: `Node ${node.id} is a legacy group node ("${node.type}"); it is kept as is with its definition from extra.groupNodes, and compiling expands it as ComfyUI's frontend does. Newer ComfyUI versions replace group nodes with subgraphs.`,
      });
    }
  }

  const version = typeof json.version === "number" || typeof json.version === "string" ? String(json.version) : undefined;
  const document: WorkflowDocument = {
    format: DOCUMENT_FORMAT,
    version: DOCUMENT_VERSION,
    graph: parts.graph,
    layout,
    metadata: {
      name: options.name ?? "Imported workflow",
      source: version ? { format: "comfyui-ui", version } : { format: "comfyui-ui" },
      ...(Object.keys(metaExtra).length > 0 ? { extra: metaExtra } : {}),
    },
  };
  if (subgraphs.length > 0) document.subgraphs = subgraphs;
  return { ok: true, document, warnings: ctx.warnings };
}
