import type { Graph, Layout } from "@/lib/graph/model";
import { estimateNodeSize, type ViewportBox } from "./initial-viewport";

/**
 * Where the person left the canvas of each workflow, kept in this browser: a
 * workflow reopens as it was left (as ComfyUI reopens a graph), and a large
 * graph left zoomed in reopens with only the nodes in view drawn.
 */
const key = (workflowId: string) => `atelier:viewport:${workflowId}`;

export function readSavedViewport(storage: Pick<Storage, "getItem"> | undefined, workflowId: string): ViewportBox | null {
  try {
    const raw = storage?.getItem(key(workflowId));
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<ViewportBox>;
    return typeof v.x === "number" && typeof v.y === "number" && typeof v.zoom === "number" && [v.x, v.y, v.zoom].every(Number.isFinite) && v.zoom > 0
      ? { x: v.x, y: v.y, zoom: v.zoom }
      : null;
  } catch {
    // Storage refused (private mode, quota) or held something else: open fitted instead.
    return null;
  }
}

export function writeSavedViewport(storage: Pick<Storage, "setItem"> | undefined, workflowId: string, v: ViewportBox): void {
  try {
    storage?.setItem(key(workflowId), JSON.stringify({ x: Math.round(v.x * 100) / 100, y: Math.round(v.y * 100) / 100, zoom: v.zoom }));
  } catch {
    // Not remembering the view is no loss worth telling anyone about.
  }
}

/**
 * True when a remembered view still shows part of the graph: nodes may have
 * been moved or deleted since (in another tab, by a restore), and a view of
 * empty canvas is worse than a fitted one.
 */
export function viewShowsGraph(
  v: ViewportBox,
  graph: Pick<Graph, "nodes">,
  layout: Layout,
  rowsOf: (nodeId: string) => number,
  canvas: { width: number; height: number },
): boolean {
  const x0 = -v.x / v.zoom;
  const y0 = -v.y / v.zoom;
  const x1 = (canvas.width - v.x) / v.zoom;
  const y1 = (canvas.height - v.y) / v.zoom;
  return graph.nodes.some((n, i) => {
    const l = layout.nodes[n.id];
    const x = l?.x ?? (i % 20) * 260;
    const y = l?.y ?? Math.floor(i / 20) * 200;
    const size = estimateNodeSize(l, rowsOf(n.id));
    return x < x1 && y < y1 && x + size.width > x0 && y + size.height > y0;
  });
}
