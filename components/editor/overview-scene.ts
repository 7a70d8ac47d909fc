import type { NodeCatalogue, NodeDefinition } from "@/lib/graph/catalogue";
import type { GraphIssue } from "@/lib/graph/issues";
import type { Graph, GraphNode, Layout, NodeMode } from "@/lib/graph/model";
import { getNodeDefinition, listInputs, listOutputs } from "@/lib/graph/node-def";
import { estimateNodeSize } from "./initial-viewport";

/**
 * The canvas overview: below this zoom the editor draws its nodes and links
 * on one <canvas> instead of thousands of DOM elements (a node is under a
 * quarter of its size there; nothing on it is readable or clickable as a
 * widget). A fitted 2,000-node graph opens this way, and zooming in brings
 * the DOM nodes back. Between this and flow-node's DETAIL_ZOOM the DOM
 * nodes draw without widgets.
 */
export const OVERVIEW_ZOOM = 0.25;

/** The node card's geometry in globals.css: title bar and socket rows (initial-viewport.ts estimates whole cards). */
const TITLE = 30;
const ROW = 22;
const COLLAPSED_WIDTH = 140;
const REROUTE = { width: 36, height: 20 };

export type SceneSocket = { type: string; dy: number };

/** One node as the overview draws and hit-tests it, in flow coordinates. */
export type SceneNode = {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  title: string;
  mode: NodeMode;
  kind: "node" | "note" | "reroute" | "unknown";
  collapsed: boolean;
  /** Error-severity issues on the node (the DOM node's red border and badge). */
  errors: readonly string[];
  /** Input sockets by input name, output sockets by slot; dy is the socket's offset from the node's top. */
  inputs: ReadonlyMap<string, SceneSocket>;
  outputs: ReadonlyMap<number, SceneSocket>;
};

export type SceneEdge = { id: string; source: string; sourceSlot: number; target: string; targetInput: string; type: string };

export type Scene = { nodes: readonly SceneNode[]; byId: ReadonlyMap<string, SceneNode>; edges: readonly SceneEdge[] };

type Shape = {
  def: NodeDefinition | undefined;
  linkedKey: string;
  collapsed: boolean;
  rows: number;
  inputs: Map<string, SceneSocket>;
  outputs: Map<number, SceneSocket>;
  kind: SceneNode["kind"];
};

/** Sockets of a node, worked out once per node object (immer keeps an unedited node the same object). */
const shapes = new WeakMap<GraphNode, Shape>();

function shapeOf(node: GraphNode, catalogue: NodeCatalogue, linked: ReadonlySet<string> | undefined, edges: Graph["edges"], collapsed: boolean): Shape {
  const def = getNodeDefinition(catalogue, node.type);
  const linkedKey = linked ? [...linked].join("\u0000") : "";
  const hit = shapes.get(node);
  if (hit && hit.def === def && hit.linkedKey === linkedKey && hit.collapsed === collapsed && def) return hit;
  const kind: SceneNode["kind"] = node.type === "Reroute" ? "reroute" : node.type === "Note" || node.type === "MarkdownNote" ? "note" : def ? "node" : "unknown";
  // The same socket order as the DOM node (flow-node.tsx): link inputs, forced and linked widgets, in definition order.
  let inputNames: Array<{ name: string; type: string }>;
  let outputSlots: Array<{ slot: number; type: string }>;
  if (def) {
    inputNames = listInputs(def)
      .filter((i) => i.kind === "link" || i.options.forceInput || linked?.has(i.name))
      .map((i) => ({ name: i.name, type: i.type }));
    outputSlots = listOutputs(def).map((o) => ({ slot: o.index, type: o.type }));
  } else {
    // Unknown node types: the sockets the file's links use, as the DOM node shows them.
    inputNames = [...(linked ?? [])].map((name) => ({ name, type: "*" }));
    const slots = new Set<number>();
    for (const e of edges) if (e.source === node.id) slots.add(e.sourceSlot);
    outputSlots = [...slots].sort((a, b) => a - b).map((slot) => ({ slot, type: "*" }));
  }
  if (kind === "reroute") {
    inputNames = [{ name: "", type: "*" }];
    outputSlots = [{ slot: 0, type: "*" }];
  }
  const rowY = (r: number) => (kind === "reroute" ? REROUTE.height / 2 : collapsed ? TITLE / 2 : TITLE + ROW * (r + 0.5));
  const inputs = new Map(inputNames.map((i, r) => [i.name, { type: i.type, dy: rowY(r) }]));
  const outputs = new Map(outputSlots.map((o, r) => [o.slot, { type: o.type, dy: rowY(r) }]));
  const shape: Shape = { def, linkedKey, collapsed, rows: Math.max(1, inputNames.length, outputSlots.length), inputs, outputs, kind };
  shapes.set(node, shape);
  return shape;
}

/**
 * The overview's picture of the document: every node's box and sockets and
 * every link. Boxes use the size React Flow measured when the node was last
 * drawn in the DOM, else the size the file gives, else an estimate from its
 * rows, so a node sits where it will when zoomed in.
 */
export function buildScene(
  graph: Graph,
  layout: Layout["nodes"],
  catalogue: NodeCatalogue,
  linkedInputs: ReadonlyMap<string, ReadonlySet<string>>,
  issuesByNode: ReadonlyMap<string, readonly GraphIssue[]>,
  measured: ReadonlyMap<string, { width: number; height: number }>,
): Scene {
  const nodes: SceneNode[] = [];
  const byId = new Map<string, SceneNode>();
  graph.nodes.forEach((n, i) => {
    const l = layout[n.id];
    const collapsed = l?.collapsed === true;
    const shape = shapeOf(n, catalogue, linkedInputs.get(n.id), graph.edges, collapsed);
    const m = measured.get(n.id);
    const size =
      shape.kind === "reroute"
        ? REROUTE
        : m ?? (collapsed ? { width: COLLAPSED_WIDTH, height: TITLE } : estimateNodeSize(l, shape.rows));
    const errors = (issuesByNode.get(n.id) ?? []).filter((x) => x.severity === "error").map((x) => x.message);
    const sn: SceneNode = {
      id: n.id,
      // Nodes without a position are placed on the editor's grid (as useFlowNodes does).
      x: l?.x ?? (i % 20) * 260,
      y: l?.y ?? Math.floor(i / 20) * 200,
      width: size.width,
      height: size.height,
      title: n.title || shape.def?.display_name || n.type,
      mode: n.mode,
      kind: shape.kind,
      collapsed,
      errors,
      inputs: shape.inputs,
      outputs: shape.outputs,
    };
    nodes.push(sn);
    byId.set(n.id, sn);
  });
  const edges = graph.edges.map((e): SceneEdge => {
    const source = byId.get(e.source);
    const type = source?.outputs.get(e.sourceSlot)?.type;
    return { id: e.id, source: e.source, sourceSlot: e.sourceSlot, target: e.target, targetInput: e.targetInput, type: type && type !== "*" ? type : e.type ?? type ?? "*" };
  });
  return { nodes, byId, edges };
}

/** Where a link starts and ends, in flow coordinates; null when an end is missing. */
export function edgeEnds(scene: Scene, e: SceneEdge): { sx: number; sy: number; tx: number; ty: number } | null {
  const s = scene.byId.get(e.source);
  const t = scene.byId.get(e.target);
  if (!s || !t) return null;
  const out = s.outputs.get(e.sourceSlot);
  const inp = t.inputs.get(e.targetInput);
  return { sx: s.x + s.width, sy: s.y + (out?.dy ?? TITLE / 2), tx: t.x, ty: t.y + (inp?.dy ?? TITLE / 2) };
}

/** The topmost node under a flow point (the last drawn wins, as on screen); `slop` widens tiny nodes for the pointer. */
export function hitTest(scene: Scene, x: number, y: number, slop = 0): SceneNode | null {
  for (let i = scene.nodes.length - 1; i >= 0; i--) {
    const n = scene.nodes[i]!;
    if (x >= n.x - slop && x <= n.x + n.width + slop && y >= n.y - slop && y <= n.y + n.height + slop) return n;
  }
  return null;
}

/** The nodes wholly inside a flow rectangle (box selection, as React Flow's full-selection mode). */
export function nodesInRect(scene: Scene, r: { x: number; y: number; width: number; height: number }): string[] {
  const out: string[] = [];
  for (const n of scene.nodes) if (n.x >= r.x && n.y >= r.y && n.x + n.width <= r.x + r.width && n.y + n.height <= r.y + r.height) out.push(n.id);
  return out;
}

/** The flow rectangle around some nodes (all when ids is omitted); null when there are none. */
export function boundsOf(scene: Scene, ids?: Iterable<string>): { x: number; y: number; width: number; height: number } | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const list = ids ? [...ids].map((id) => scene.byId.get(id)).filter((n): n is SceneNode => !!n) : scene.nodes;
  for (const n of list) {
    minX = Math.min(minX, n.x);
    minY = Math.min(minY, n.y);
    maxX = Math.max(maxX, n.x + n.width);
    maxY = Math.max(maxY, n.y + n.height);
  }
  return Number.isFinite(minX) ? { x: minX, y: minY, width: maxX - minX, height: maxY - minY } : null;
}
