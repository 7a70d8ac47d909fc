import { produce } from "immer";
import type { NodeCatalogue } from "./catalogue";
import {
  asEdgeId,
  asNodeId,
  type ControlAfterGenerate,
  type Graph,
  type GraphEdge,
  type GraphNode,
  type Group,
  type JsonValue,
  type NodeId,
  type NodeLayout,
  type NodeMode,
  type WorkflowDocument,
} from "./model";
import { areTypesCompatible, defaultWidgetValue, getNodeDefinition, isVirtualNodeType, listInputs, listOutputs } from "./node-def";

/**
 * Editing operations on a workflow document, as pure functions: each takes a
 * document and returns a new one sharing every untouched part (immer), so
 * the canvas re-renders only what changed and undo can keep whole documents.
 */

/** What a connection would join: an output slot of one node to a named input of another. */
export type ConnectionRequest = { source: NodeId; sourceSlot: number; target: NodeId; targetInput: string };

/** The next free node id: one past the largest integer id, as ComfyUI numbers nodes. */
export function nextNodeId(graph: Graph): NodeId {
  let max = 0;
  for (const n of graph.nodes) {
    const v = Number(n.id);
    if (Number.isInteger(v) && v > max) max = v;
  }
  return asNodeId(String(max + 1));
}

function nextEdgeIdNumber(graph: Graph): number {
  let max = 0;
  for (const e of graph.edges) {
    const v = Number(e.id);
    if (Number.isInteger(v) && v > max) max = v;
  }
  return max + 1;
}


/**
 * A new node of `type` with every widget at its default, as ComfyUI's
 * frontend creates it (seed-like widgets start with "randomize").
 * Unknown types get no widgets; virtual types get the widgets they need.
 */
export function createNode(catalogue: NodeCatalogue, type: string, id: NodeId): GraphNode {
  if (type === "Note" || type === "MarkdownNote") return { id, type, mode: "active", widgets: { text: "" } };
  if (isVirtualNodeType(type)) return { id, type, mode: "active", widgets: {} };
  const def = getNodeDefinition(catalogue, type);
  const widgets: Record<string, JsonValue> = {};
  const controls: Record<string, ControlAfterGenerate> = {};
  if (def) {
    for (const input of listInputs(def)) {
      if (input.kind !== "widget" || input.options.forceInput) continue;
      widgets[input.name] = defaultWidgetValue(input);
      if (input.options.control_after_generate) controls[input.name] = "randomize";
    }
  }
  return Object.keys(controls).length > 0 ? { id, type, mode: "active", widgets, controls } : { id, type, mode: "active", widgets };
}

/** Adds a node at a position. */
export function addNode(doc: WorkflowDocument, node: GraphNode, layout: NodeLayout): WorkflowDocument {
  return produce(doc, (d) => {
    d.graph.nodes.push(node);
    d.layout.nodes[node.id] = layout;
  });
}

/** Removes nodes with every edge touching them. */
export function removeNodes(doc: WorkflowDocument, ids: readonly NodeId[]): WorkflowDocument {
  if (ids.length === 0) return doc;
  const gone = new Set<string>(ids);
  return produce(doc, (d) => {
    d.graph.nodes = d.graph.nodes.filter((n) => !gone.has(n.id));
    d.graph.edges = d.graph.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target));
    for (const id of ids) delete d.layout.nodes[id];
  });
}

/** Removes edges by id. */
export function removeEdges(doc: WorkflowDocument, ids: readonly string[]): WorkflowDocument {
  if (ids.length === 0) return doc;
  const gone = new Set(ids);
  return produce(doc, (d) => {
    d.graph.edges = d.graph.edges.filter((e) => !gone.has(e.id));
  });
}

/** The type an output slot carries, or undefined when the node or slot is unknown. A Reroute passes on the type that feeds it. */
export function getOutputType(graph: Graph, catalogue: NodeCatalogue, nodeId: NodeId, slot: number): string | undefined {
  const byId = new Map(graph.nodes.map((n) => [n.id as string, n]));
  let current = byId.get(nodeId);
  // Follow a chain of reroutes back to a real output; bounded by the node count so a reroute loop ends.
  for (let hops = 0; current && hops <= graph.nodes.length; hops++) {
    if (current.type === "Reroute" || current.type === "PrimitiveNode") {
      const id = current.id;
      const feeding = graph.edges.find((e) => e.target === id);
      if (!feeding) {
        if (current.type === "PrimitiveNode") {
          const fed = graph.edges.find((e) => e.source === id);
          return fed ? getInputType(graph, catalogue, fed.target, fed.targetInput) : "*";
        }
        return "*";
      }
      current = byId.get(feeding.source);
      slot = feeding.sourceSlot;
      continue;
    }
    const def = getNodeDefinition(catalogue, current.type);
    return def ? listOutputs(def)[slot]?.type : undefined;
  }
  return undefined;
}

/** The type a named input accepts, or undefined when the node or input is unknown. */
export function getInputType(graph: Graph, catalogue: NodeCatalogue, nodeId: NodeId, input: string): string | undefined {
  const node = graph.nodes.find((n) => n.id === nodeId);
  if (!node) return undefined;
  if (node.type === "Reroute") return "*";
  const def = getNodeDefinition(catalogue, node.type);
  if (!def) return undefined;
  return listInputs(def).find((i) => i.name === input)?.type;
}

/** True when `from` can reach `to` along edges (iterative, so deep graphs cannot overflow the stack). */
function reaches(graph: Graph, from: NodeId, to: NodeId): boolean {
  const out = new Map<string, string[]>();
  for (const e of graph.edges) {
    const list = out.get(e.source);
    if (list) list.push(e.target);
    else out.set(e.source, [e.target]);
  }
  const seen = new Set<string>([from]);
  const stack: string[] = [from];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === to) return true;
    for (const next of out.get(id) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return false;
}

/**
 * Checks a connection before it is made.
 * @returns null when it may be made, else a short reason a person reads at the cursor.
 */
export function checkConnection(graph: Graph, catalogue: NodeCatalogue, c: ConnectionRequest): string | null {
  if (c.source === c.target) return "A node cannot feed itself";
  const source = graph.nodes.find((n) => n.id === c.source);
  const target = graph.nodes.find((n) => n.id === c.target);
  if (!source || !target) return "That node no longer exists";
  const outType = getOutputType(graph, catalogue, c.source, c.sourceSlot);
  const inType = getInputType(graph, catalogue, c.target, c.targetInput);
  const knownSource = isVirtualNodeType(source.type) || getNodeDefinition(catalogue, source.type) !== undefined;
  const knownTarget = isVirtualNodeType(target.type) || getNodeDefinition(catalogue, target.type) !== undefined;
  if (knownSource && outType === undefined) return `${source.type} has no output ${c.sourceSlot}`;
  if (knownTarget && inType === undefined) return `${target.type} has no input "${c.targetInput}"`;
  if (outType !== undefined && inType !== undefined) {
    const targetIsWidget = ["INT", "FLOAT", "STRING", "BOOLEAN", "COMBO"].includes(inType);
    // A PrimitiveNode takes the type of the widget it feeds, so it may feed any widget.
    if (!(source.type === "PrimitiveNode" && targetIsWidget) && !areTypesCompatible(outType, inType)) {
      return `${outType} cannot go into ${inType} (${c.targetInput})`;
    }
  }
  if (reaches(graph, c.target, c.source)) return "That link would close a loop";
  return null;
}

/** Connects an output to an input, replacing whatever fed that input before (an input has one source). */
export function connect(doc: WorkflowDocument, c: ConnectionRequest, type?: string): WorkflowDocument {
  const id = asEdgeId(String(nextEdgeIdNumber(doc.graph)));
  const edge: GraphEdge = { id, source: c.source, sourceSlot: c.sourceSlot, target: c.target, targetInput: c.targetInput, ...(type ? { type } : {}) };
  return produce(doc, (d) => {
    d.graph.edges = d.graph.edges.filter((e) => !(e.target === c.target && e.targetInput === c.targetInput));
    d.graph.edges.push(edge);
  });
}

/** Sets one widget value. */
export function setWidget(doc: WorkflowDocument, nodeId: NodeId, name: string, value: JsonValue): WorkflowDocument {
  return produce(doc, (d) => {
    const n = d.graph.nodes.find((x) => x.id === nodeId);
    if (n) n.widgets[name] = value;
  });
}

/** Sets what a seed-like widget does after each run. */
export function setControl(doc: WorkflowDocument, nodeId: NodeId, name: string, control: ControlAfterGenerate): WorkflowDocument {
  return produce(doc, (d) => {
    const n = d.graph.nodes.find((x) => x.id === nodeId);
    if (n) n.controls = { ...(n.controls ?? {}), [name]: control };
  });
}

/** Sets the mode of nodes; toggling a mode a node already has sets it back to active (ComfyUI's Ctrl+M / Ctrl+B). */
export function toggleMode(doc: WorkflowDocument, ids: readonly NodeId[], mode: NodeMode): WorkflowDocument {
  const set = new Set<string>(ids);
  const all = doc.graph.nodes.filter((n) => set.has(n.id));
  const next: NodeMode = all.length > 0 && all.every((n) => n.mode === mode) ? "active" : mode;
  return produce(doc, (d) => {
    for (const n of d.graph.nodes) if (set.has(n.id)) n.mode = next;
  });
}

/** Renames a node (an empty title goes back to the type name). */
export function setTitle(doc: WorkflowDocument, nodeId: NodeId, title: string): WorkflowDocument {
  return produce(doc, (d) => {
    const n = d.graph.nodes.find((x) => x.id === nodeId);
    if (!n) return;
    if (title.trim() === "" || title === n.type) delete n.title;
    else n.title = title;
  });
}

/** Collapses or expands nodes. */
export function toggleCollapsed(doc: WorkflowDocument, ids: readonly NodeId[]): WorkflowDocument {
  const all = ids.map((id) => doc.layout.nodes[id]).filter((l): l is NodeLayout => l !== undefined);
  const collapse = !all.every((l) => l.collapsed === true);
  return produce(doc, (d) => {
    for (const id of ids) {
      const l = d.layout.nodes[id];
      if (!l) continue;
      if (collapse) l.collapsed = true;
      else delete l.collapsed;
    }
  });
}

/** Moves nodes to new positions. */
export function moveNodes(doc: WorkflowDocument, positions: ReadonlyArray<{ id: string; x: number; y: number }>): WorkflowDocument {
  if (positions.length === 0) return doc;
  return produce(doc, (d) => {
    for (const p of positions) {
      const l = d.layout.nodes[p.id];
      if (l) {
        l.x = p.x;
        l.y = p.y;
      } else d.layout.nodes[p.id] = { x: p.x, y: p.y };
    }
  });
}

/** Records measured node sizes (layout only). */
export function resizeNodes(doc: WorkflowDocument, sizes: ReadonlyArray<{ id: string; width: number; height: number }>): WorkflowDocument {
  return produce(doc, (d) => {
    for (const s of sizes) {
      const l = d.layout.nodes[s.id];
      if (l) {
        l.width = s.width;
        l.height = s.height;
      }
    }
  });
}

/** A self-contained piece of a document: some nodes, the edges among them, their layout. What copy puts on the clipboard. */
export type Fragment = Pick<WorkflowDocument, "graph" | "layout">;

/** Copies nodes and the edges between them (edges from outside the selection are left behind, as in ComfyUI's Ctrl+C). */
export function extractFragment(doc: WorkflowDocument, ids: readonly NodeId[]): Fragment {
  const set = new Set<string>(ids);
  const nodes = doc.graph.nodes.filter((n) => set.has(n.id));
  const edges = doc.graph.edges.filter((e) => set.has(e.source) && set.has(e.target));
  const layoutNodes: Record<string, NodeLayout> = {};
  for (const n of nodes) {
    const l = doc.layout.nodes[n.id];
    if (l) layoutNodes[n.id] = l;
  }
  const groups = doc.layout.groups.filter((g) => nodes.length > 0 && groupContainsAll(g, nodes.map((n) => doc.layout.nodes[n.id])));
  return { graph: { nodes, edges }, layout: { nodes: layoutNodes, groups, viewport: doc.layout.viewport } };
}

function groupContainsAll(g: Group, layouts: ReadonlyArray<NodeLayout | undefined>): boolean {
  return layouts.some((l) => l !== undefined && l.x >= g.x && l.y >= g.y && l.x <= g.x + g.width && l.y <= g.y + g.height);
}

/**
 * Pastes a fragment with fresh node and edge ids, its top-left corner at
 * `at` (or offset from where it was).
 * @returns the new document and the ids the pasted nodes got.
 */
export function pasteFragment(doc: WorkflowDocument, fragment: Fragment, options: { at?: { x: number; y: number }; offset?: { x: number; y: number } } = {}): { doc: WorkflowDocument; nodeIds: NodeId[] } {
  if (fragment.graph.nodes.length === 0) return { doc, nodeIds: [] };
  let nextNode = Number(nextNodeId(doc.graph));
  let nextEdge = nextEdgeIdNumber(doc.graph);
  const idMap = new Map<string, NodeId>();
  for (const n of fragment.graph.nodes) idMap.set(n.id, asNodeId(String(nextNode++)));
  let minX = Infinity;
  let minY = Infinity;
  for (const n of fragment.graph.nodes) {
    const l = fragment.layout.nodes[n.id];
    if (l) {
      minX = Math.min(minX, l.x);
      minY = Math.min(minY, l.y);
    }
  }
  if (!Number.isFinite(minX)) minX = minY = 0;
  const dx = options.at ? options.at.x - minX : (options.offset?.x ?? 30);
  const dy = options.at ? options.at.y - minY : (options.offset?.y ?? 30);
  const nodeIds = [...idMap.values()];
  const next = produce(doc, (d) => {
    fragment.graph.nodes.forEach((n, i) => {
      const id = idMap.get(n.id)!;
      d.graph.nodes.push({ ...structuredClone(n), id });
      const l = fragment.layout.nodes[n.id] ?? { x: minX + i * 20, y: minY + i * 20 };
      d.layout.nodes[id] = { ...l, x: l.x + dx, y: l.y + dy };
    });
    for (const e of fragment.graph.edges) {
      const source = idMap.get(e.source);
      const target = idMap.get(e.target);
      if (!source || !target) continue;
      d.graph.edges.push({ ...e, id: asEdgeId(String(nextEdge++)), source, target });
    }
    for (const g of fragment.layout.groups) {
      d.layout.groups.push({ ...structuredClone(g), id: newGroupId(d.layout.groups), x: g.x + dx, y: g.y + dy });
    }
  });
  return { doc: next, nodeIds };
}

/** A group id no group of `groups` has yet ("g1", "g2", …). */
export function newGroupId(groups: readonly Group[]): string {
  const taken = new Set(groups.map((g) => g.id));
  let i = groups.length + 1;
  while (taken.has(`g${i}`)) i++;
  return `g${i}`;
}

const GROUP_PADDING = 24;
const GROUP_TITLE_HEIGHT = 34;

/** Frames nodes in a titled group sized to hold them. */
export function addGroup(doc: WorkflowDocument, ids: readonly NodeId[], options: { title?: string; color?: string } = {}): WorkflowDocument {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const id of ids) {
    const l = doc.layout.nodes[id];
    if (!l) continue;
    minX = Math.min(minX, l.x);
    minY = Math.min(minY, l.y);
    maxX = Math.max(maxX, l.x + (l.width ?? 220));
    maxY = Math.max(maxY, l.y + (l.collapsed ? 32 : (l.height ?? 120)));
  }
  if (!Number.isFinite(minX)) return doc;
  const group: Group = {
    id: newGroupId(doc.layout.groups),
    title: options.title ?? "Group",
    x: minX - GROUP_PADDING,
    y: minY - GROUP_PADDING - GROUP_TITLE_HEIGHT,
    width: maxX - minX + 2 * GROUP_PADDING,
    height: maxY - minY + 2 * GROUP_PADDING + GROUP_TITLE_HEIGHT,
    ...(options.color ? { color: options.color } : {}),
  };
  return produce(doc, (d) => {
    d.layout.groups.push(group);
  });
}

/** The nodes whose top-left corner lies inside a group: what moves with it, as in ComfyUI. */
export function nodesInGroup(doc: WorkflowDocument, groupId: string): NodeId[] {
  const g = doc.layout.groups.find((x) => x.id === groupId);
  if (!g) return [];
  return doc.graph.nodes
    .filter((n) => {
      const l = doc.layout.nodes[n.id];
      return l !== undefined && l.x >= g.x && l.y >= g.y && l.x < g.x + g.width && l.y < g.y + g.height;
    })
    .map((n) => n.id);
}

/** Updates a group's title, colour, position or size. */
export function updateGroup(doc: WorkflowDocument, groupId: string, patch: Partial<Omit<Group, "id">>): WorkflowDocument {
  return produce(doc, (d) => {
    const g = d.layout.groups.find((x) => x.id === groupId);
    if (g) Object.assign(g, patch);
  });
}

/** Removes groups (their nodes stay). */
export function removeGroups(doc: WorkflowDocument, ids: readonly string[]): WorkflowDocument {
  const set = new Set(ids);
  return produce(doc, (d) => {
    d.layout.groups = d.layout.groups.filter((g) => !set.has(g.id));
  });
}
