import { setEntry } from "@/lib/graph/records";
import type { Graph, NodeLayout } from "@/lib/graph/model";

/** Spacing of {@link layoutByDepth}. */
export interface AutoLayoutOptions {
  /** Horizontal distance between layers (default 380). */
  columnWidth?: number;
  /** Vertical distance between nodes of one layer (default 220). */
  rowHeight?: number;
}

/**
 * Places nodes left to right by dependency depth (longest path from a
 * source), for formats that carry no positions (API prompts). Iterative
 * (Kahn's algorithm), so deep chains are fine; nodes on a cycle go in one
 * last layer.
 */
export function layoutByDepth(graph: Graph, options: AutoLayoutOptions = {}): Record<string, NodeLayout> {
  const columnWidth = options.columnWidth ?? 380;
  const rowHeight = options.rowHeight ?? 220;
  const ids = graph.nodes.map((n) => n.id as string);
  const known = new Set(ids);
  const indegree = new Map<string, number>(ids.map((id) => [id, 0]));
  const next = new Map<string, string[]>();
  for (const edge of graph.edges) {
    if (!known.has(edge.source) || !known.has(edge.target) || edge.source === edge.target) continue;
    indegree.set(edge.target, (indegree.get(edge.target) ?? 0) + 1);
    const list = next.get(edge.source);
    if (list) list.push(edge.target);
    else next.set(edge.source, [edge.target]);
  }
  const depth = new Map<string, number>();
  const queue = ids.filter((id) => indegree.get(id) === 0);
  for (const id of queue) depth.set(id, 0);
  for (let head = 0; head < queue.length; head++) {
    const id = queue[head]!;
    const d = depth.get(id)!;
    for (const target of next.get(id) ?? []) {
      depth.set(target, Math.max(depth.get(target) ?? 0, d + 1));
      const left = indegree.get(target)! - 1;
      indegree.set(target, left);
      if (left === 0) queue.push(target);
    }
  }
  let last = 0;
  for (const d of depth.values()) if (d + 1 > last) last = d + 1;
  const rows = new Map<number, number>();
  const layout: Record<string, NodeLayout> = {};
  for (const id of ids) {
    const d = depth.get(id) ?? last;
    const row = rows.get(d) ?? 0;
    rows.set(d, row + 1);
    setEntry(layout, id, { x: d * columnWidth, y: row * rowHeight });
  }
  return layout;
}
