import dagre from "@dagrejs/dagre";
import { produce } from "immer";
import type { NodeId, WorkflowDocument } from "./model";

const DEFAULT_WIDTH = 240;
const DEFAULT_HEIGHT = 140;

/**
 * Lays nodes out in layers from left to right along their edges (dagre's
 * layered layout), keeping each node's measured size. Only the given nodes
 * move when `only` is set; groups are left where they are.
 */
export function autoLayout(doc: WorkflowDocument, options: { only?: readonly NodeId[]; nodeSpacing?: number; rankSpacing?: number } = {}): WorkflowDocument {
  const only = options.only && options.only.length > 0 ? new Set<string>(options.only) : null;
  const nodes = doc.graph.nodes.filter((n) => !only || only.has(n.id));
  if (nodes.length === 0) return doc;
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: options.nodeSpacing ?? 40, ranksep: options.rankSpacing ?? 80, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) {
    const l = doc.layout.nodes[n.id];
    g.setNode(n.id, { width: l?.width ?? DEFAULT_WIDTH, height: l?.collapsed ? 32 : (l?.height ?? DEFAULT_HEIGHT) });
  }
  for (const e of doc.graph.edges) {
    if (g.hasNode(e.source) && g.hasNode(e.target) && e.source !== e.target) g.setEdge(e.source, e.target);
  }
  dagre.layout(g);
  // Keep the laid-out block where the moved nodes were, so the view does not jump.
  let minX = Infinity;
  let minY = Infinity;
  for (const n of nodes) {
    const l = doc.layout.nodes[n.id];
    if (l) {
      minX = Math.min(minX, l.x);
      minY = Math.min(minY, l.y);
    }
  }
  if (!Number.isFinite(minX)) minX = minY = 0;
  let outMinX = Infinity;
  let outMinY = Infinity;
  for (const n of nodes) {
    const p = g.node(n.id);
    outMinX = Math.min(outMinX, p.x - p.width / 2);
    outMinY = Math.min(outMinY, p.y - p.height / 2);
  }
  return produce(doc, (d) => {
    for (const n of nodes) {
      const p = g.node(n.id);
      const x = Math.round(p.x - p.width / 2 - outMinX + minX);
      const y = Math.round(p.y - p.height / 2 - outMinY + minY);
      const l = d.layout.nodes[n.id];
      if (l) {
        l.x = x;
        l.y = y;
      } else d.layout.nodes[n.id] = { x, y };
    }
  });
}
