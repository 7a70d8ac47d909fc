"use client";

import { Panel, useReactFlow, useStoreApi, type InternalNode, type Node } from "@xyflow/react";
import { useEffect, useRef } from "react";

const WIDTH = 220;
const HEIGHT = 150;
const PAD = 6;
const MIN_REDRAW_MS = 150;

type Frame = { minX: number; minY: number; scale: number; offsetX: number; offsetY: number };

function nodeBox(n: InternalNode<Node>) {
  const w = n.measured.width ?? n.width ?? n.initialWidth ?? 200;
  const h = n.measured.height ?? n.height ?? n.initialHeight ?? 80;
  return { x: n.internals.positionAbsolute.x, y: n.internals.positionAbsolute.y, w, h };
}

/**
 * The whole graph in miniature, drawn on one <canvas>: React Flow's own
 * minimap renders an SVG element and a store subscription per node, which at
 * 2,000 nodes costs about as much as the canvas itself. Drag on it to pan,
 * click to centre there, wheel to zoom.
 */
export function CanvasMinimap({ nodeColor }: { nodeColor: (n: Node) => string | null }) {
  const store = useStoreApi();
  const flow = useReactFlow();
  const canvas = useRef<HTMLCanvasElement>(null);
  const frame = useRef<Frame | null>(null);

  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext("2d");
    if (!el || !ctx) return;
    const ratio = window.devicePixelRatio || 1;
    el.width = WIDTH * ratio;
    el.height = HEIGHT * ratio;
    let pending = 0;
    let timer = 0;
    let drawnAt = -Infinity;
    const draw = () => {
      pending = 0;
      drawnAt = performance.now();
      const s = store.getState();
      const [tx, ty, zoom] = s.transform;
      // What the main canvas shows, in flow coordinates: always part of the picture.
      const view = { x: -tx / zoom, y: -ty / zoom, w: s.width / zoom, h: s.height / zoom };
      let minX = view.x;
      let minY = view.y;
      let maxX = view.x + view.w;
      let maxY = view.y + view.h;
      // Hidden nodes too: zoomed far out the editor hides its nodes from React Flow and draws them itself (overview-canvas.tsx).
      for (const n of s.nodeLookup.values()) {
        const b = nodeBox(n);
        if (b.x < minX) minX = b.x;
        if (b.y < minY) minY = b.y;
        if (b.x + b.w > maxX) maxX = b.x + b.w;
        if (b.y + b.h > maxY) maxY = b.y + b.h;
      }
      const scale = Math.min((WIDTH - 2 * PAD) / Math.max(1, maxX - minX), (HEIGHT - 2 * PAD) / Math.max(1, maxY - minY));
      const offsetX = (WIDTH - (maxX - minX) * scale) / 2;
      const offsetY = (HEIGHT - (maxY - minY) * scale) / 2;
      frame.current = { minX, minY, scale, offsetX, offsetY };
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, WIDTH, HEIGHT);
      for (const n of s.nodeLookup.values()) {
        const color = nodeColor(n.internals.userNode);
        if (!color) continue;
        const b = nodeBox(n);
        ctx.fillStyle = n.selected ? "#e8e8e8" : color;
        ctx.fillRect(offsetX + (b.x - minX) * scale, offsetY + (b.y - minY) * scale, Math.max(1, b.w * scale), Math.max(1, b.h * scale));
      }
      ctx.strokeStyle = "#6ea8fe";
      ctx.lineWidth = 1.5;
      ctx.strokeRect(offsetX + (view.x - minX) * scale, offsetY + (view.y - minY) * scale, view.w * scale, view.h * scale);
    };
    // At most a few redraws a second while something moves: a drag changes the store every frame, and repainting
    // thousands of rectangles each time would take from the frame the person is watching.
    const schedule = () => {
      if (pending || timer) return;
      const wait = MIN_REDRAW_MS - (performance.now() - drawnAt);
      if (wait <= 0) pending = requestAnimationFrame(draw);
      else
        timer = window.setTimeout(() => {
          timer = 0;
          pending = requestAnimationFrame(draw);
        }, wait);
    };
    schedule();
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.nodeLookup !== prev.nodeLookup || s.transform !== prev.transform || s.width !== prev.width || s.height !== prev.height || s.nodes !== prev.nodes) schedule();
    });
    return () => {
      unsubscribe();
      cancelAnimationFrame(pending);
      window.clearTimeout(timer);
    };
  }, [store, nodeColor]);

  /** Moves the main canvas so that the flow point under the minimap pointer is in its middle. */
  const centreAt = (clientX: number, clientY: number) => {
    const f = frame.current;
    const el = canvas.current;
    if (!f || !el) return;
    const rect = el.getBoundingClientRect();
    const fx = f.minX + (clientX - rect.left - f.offsetX) / f.scale;
    const fy = f.minY + (clientY - rect.top - f.offsetY) / f.scale;
    const s = store.getState();
    const zoom = s.transform[2];
    void flow.setViewport({ x: s.width / 2 - fx * zoom, y: s.height / 2 - fy * zoom, zoom });
  };

  return (
    <Panel position="bottom-right" className="canvas-minimap nowheel nopan">
      <canvas
        ref={canvas}
        role="img"
        aria-label="Minimap: drag to pan, wheel to zoom"
        data-testid="minimap"
        style={{ width: WIDTH, height: HEIGHT, display: "block", cursor: "grab" }}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          centreAt(e.clientX, e.clientY);
        }}
        onPointerMove={(e) => {
          if (e.currentTarget.hasPointerCapture(e.pointerId)) centreAt(e.clientX, e.clientY);
        }}
        onWheel={(e) => {
          const s = store.getState();
          const [x, y, zoom] = s.transform;
          const next = Math.min(s.maxZoom, Math.max(s.minZoom, zoom * (e.deltaY < 0 ? 1.2 : 1 / 1.2)));
          // Zoom about the middle of the main canvas.
          const cx = s.width / 2;
          const cy = s.height / 2;
          void flow.setViewport({ x: cx - ((cx - x) / zoom) * next, y: cy - ((cy - y) / zoom) * next, zoom: next });
        }}
      />
    </Panel>
  );
}
