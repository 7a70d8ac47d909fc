import type { Graph, Layout } from "@/lib/graph/model";

export type ViewportBox = { x: number; y: number; zoom: number };

/** A node's size on the canvas before it has been measured: what the file says, else a guess from its row count. */
export function estimateNodeSize(layout: Layout["nodes"][string] | undefined, rows: number): { width: number; height: number } {
  // Title bar about 30 px, then one 22 px row per socket or widget (the CSS in globals.css), 8 px padding below.
  return { width: layout?.width ?? 240, height: layout?.height ?? 38 + Math.max(1, rows) * 22 };
}

/**
 * The viewport that fits every node into a canvas of the given size, worked out
 * before anything is drawn. Opening a large workflow at zoom 1 and fitting it
 * after React Flow has measured every node means drawing each node twice (at
 * full detail, then at the low detail a fitted 2,000-node graph shows); starting
 * at the fitted zoom draws it once. React Flow's own fit then corrects the guess.
 */
export function fitViewportToLayout(
  graph: Pick<Graph, "nodes">,
  layout: Layout,
  rowsOf: (nodeId: string) => number,
  canvas: { width: number; height: number },
  options: { minZoom: number; maxZoom: number; padding: number },
): ViewportBox {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  graph.nodes.forEach((n, i) => {
    const l = layout.nodes[n.id];
    // Nodes without a position are placed on a grid by the editor (20 to a row, 260 × 200 apart).
    const x = l?.x ?? (i % 20) * 260;
    const y = l?.y ?? Math.floor(i / 20) * 200;
    const size = estimateNodeSize(l, rowsOf(n.id));
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x + size.width > maxX) maxX = x + size.width;
    if (y + size.height > maxY) maxY = y + size.height;
  });
  for (const g of layout.groups) {
    minX = Math.min(minX, g.x);
    minY = Math.min(minY, g.y);
    maxX = Math.max(maxX, g.x + g.width);
    maxY = Math.max(maxY, g.y + g.height);
  }
  if (!Number.isFinite(minX) || canvas.width <= 0 || canvas.height <= 0) return { x: 0, y: 0, zoom: 1 };
  const width = Math.max(1, maxX - minX);
  const height = Math.max(1, maxY - minY);
  const zoom = Math.min(options.maxZoom, Math.max(options.minZoom, Math.min(canvas.width / (width * (1 + 2 * options.padding)), canvas.height / (height * (1 + 2 * options.padding)))));
  return { x: canvas.width / 2 - (minX + width / 2) * zoom, y: canvas.height / 2 - (minY + height / 2) * zoom, zoom };
}
