"use client";

import { useReactFlow, useStoreApi } from "@xyflow/react";
import { memo, useContext, useEffect, useRef } from "react";
import { moveNodes } from "@/lib/graph/edit";
import type { NodeHighlight } from "@/lib/versions/highlights";
import type { NodeRunMark } from "@/components/runs/run-state";
import { buildScene, edgeEnds, hitTest, nodesInRect, type Scene, type SceneNode } from "./overview-scene";
import { RunMarksStoreContext } from "./run-marks";
import { useEditorStore } from "./store";
import { typeColor } from "./type-colors";

type Measured = { width: number; height: number };

/** The DOM node card's colours (globals.css), so the overview reads as the same nodes seen from far away. */
const COLORS = {
  fill: "#353535",
  title: "#2b2b2b",
  border: "#4a4a4a",
  selected: "#ffffff",
  bypassedFill: "#4d2a55",
  bypassedBorder: "#a05ab4",
  unknownFill: "#3a2f2f",
  noteFill: "#3b3a26",
  running: "#6ea8fe",
  done: "#4cd08a",
  cached: "#5d7a66",
  interrupted: "#e0b040",
  added: "#4cd08a",
  changed: "#e0b040",
  text: "#dddddd",
};
const TITLE = 30;
const CARD_FONT = "600 12px system-ui, sans-serif";
/** A press this far (screen px) from where it started is a drag, not a click. */
const DRAG_THRESHOLD = 3;
/** Node titles are written when a node is at least this wide on screen. */
const TITLE_MIN_SCREEN_WIDTH = 70;

type Gesture = {
  pointerId: number;
  nodeId: string;
  shift: boolean;
  startX: number;
  startY: number;
  origin: Map<string, { x: number; y: number }>;
  moved: boolean;
  key: string;
};

let gestureSeq = 0;

function borderOf(n: SceneNode, selected: boolean, mark: NodeRunMark | undefined, highlight: NodeHighlight | undefined, danger: string): string {
  if (selected) return COLORS.selected;
  if (mark?.state === "error" || n.errors.length > 0) return danger;
  if (mark?.state === "running") return COLORS.running;
  if (highlight?.status === "added") return COLORS.added;
  if (highlight?.status === "changed") return COLORS.changed;
  if (mark?.state === "done") return COLORS.done;
  if (mark?.state === "cached") return COLORS.cached;
  if (mark?.state === "interrupted") return COLORS.interrupted;
  return n.mode === "bypassed" ? COLORS.bypassedBorder : COLORS.border;
}

function fillOf(n: SceneNode): string {
  if (n.mode === "bypassed") return COLORS.bypassedFill;
  if (n.kind === "unknown") return COLORS.unknownFill;
  if (n.kind === "note") return COLORS.noteFill;
  return COLORS.fill;
}

/**
 * The zoomed-out canvas (see OVERVIEW_ZOOM): draws every node and link of
 * the document on one <canvas> under React Flow's pane and answers the
 * pointer itself. Click and Shift+click select, dragging moves the selected
 * nodes (one undo step per drag), Shift+drag on empty canvas box-selects,
 * double-click zooms in on a node; hovering names the node and its first
 * problem. Panning, wheel zoom, groups, the minimap and the keyboard stay
 * React Flow's and the editor's, unchanged.
 */
export const OverviewCanvas = memo(function OverviewCanvas({ measured, highlights }: { measured: ReadonlyMap<string, Measured>; highlights: Readonly<Record<string, NodeHighlight>> }) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const topRef = useRef<HTMLCanvasElement>(null);
  const editor = useEditorStore();
  const rf = useStoreApi();
  const flow = useReactFlow();
  const marks = useContext(RunMarksStoreContext);
  // Everything the drawing reads, kept in one mutable box: the canvas redraws on the next frame after any of it
  // changes, with no React render in between (a drag frame is one store change and one draw).
  const live = useRef({ measured, highlights, scene: null as Scene | null, hover: null as string | null, moving: null as Set<string> | null, frame: 0, schedule: () => {} });
  live.current.measured = measured;
  live.current.highlights = highlights;

  useEffect(() => {
    const canvas = canvasRef.current;
    const top = topRef.current;
    const wrapper = canvas?.closest<HTMLElement>(".react-flow");
    const ctx = canvas?.getContext("2d");
    const topCtx = top?.getContext("2d");
    if (!canvas || !top || !wrapper || !ctx || !topCtx) return;
    const state = live.current;
    const danger = getComputedStyle(document.documentElement).getPropertyValue("--danger").trim() || "#ff6b6b";
    let raf = 0;
    let sceneFor: unknown[] = [];
    let label = "";

    const sceneOf = (): Scene => {
      const s = editor.getState();
      const keys = [s.doc.graph, s.doc.layout.nodes, s.catalogue, s.linkedInputs, s.issuesByNode, state.measured];
      if (!state.scene || keys.some((k, i) => k !== sceneFor[i])) {
        state.scene = buildScene(s.doc.graph, s.doc.layout.nodes, s.catalogue, s.linkedInputs, s.issuesByNode, state.measured);
        sceneFor = keys;
      }
      return state.scene;
    };

    /**
     * Paints one layer. The base layer holds everything but the nodes being dragged (and their links); the top layer
     * holds those and the hover card. A drag frame repaints the top layer only: the rest of a 2,000-node picture is
     * not recorded and rasterised again for each mouse move.
     */
    const paint = (layer: "base" | "top", scene: Scene) => {
      const c = layer === "base" ? canvas : top;
      const g = layer === "base" ? ctx : topCtx;
      const { transform, width, height } = rf.getState();
      const [tx, ty, k] = transform;
      const dpr = window.devicePixelRatio || 1;
      const moving = state.moving;
      // The base layer covers the canvas. The top layer covers only the screen rectangle of what it draws (the dragged
      // nodes, their links, the hover card): every frame the browser copies and composites a canvas's whole bitmap,
      // and a canvas-sized one costs more than the drawing. Its bitmap grows when the rectangle outgrows it (not on
      // every frame: allocating is costly too) and is dropped when there is nothing to draw.
      let region = { x: 0, y: 0, width, height };
      if (layer === "top") {
        region = topRegion(scene, transform, width, height);
        const needW = Math.ceil(region.width * dpr);
        const needH = Math.ceil(region.height * dpr);
        if (needW === 0 || needH === 0) {
          if (c.width !== 0) c.width = c.height = 0;
        } else if (c.width < needW || c.height < needH) {
          c.width = Math.min(Math.ceil(width * dpr), Math.max(c.width, Math.ceil(needW * 1.25)));
          c.height = Math.min(Math.ceil(height * dpr), Math.max(c.height, Math.ceil(needH * 1.25)));
          c.style.width = `${c.width / dpr}px`;
          c.style.height = `${c.height / dpr}px`;
        }
        c.style.transform = `translate(${region.x}px, ${region.y}px)`;
      } else if (c.width !== Math.round(width * dpr) || c.height !== Math.round(height * dpr)) {
        c.width = Math.round(width * dpr);
        c.height = Math.round(height * dpr);
      }
      const pw = c.width;
      const ph = c.height;
      const ox = region.x * dpr;
      const oy = region.y * dpr;
      const mine = (id: string) => (layer === "base" ? !moving?.has(id) : !!moving?.has(id));
      const s = editor.getState();
      const selected = s.selection.nodes;
      const runMarks = marks.all();
      const highlights = state.highlights;
      g.setTransform(1, 0, 0, 1, 0, 0);
      g.clearRect(0, 0, pw, ph);
      let drawn = 0;
      if (layer === "base" || moving) {
        g.setTransform(dpr * k, 0, 0, dpr * k, dpr * tx - ox, dpr * ty - oy);
        // The flow rectangle on screen, for culling.
        const vx0 = -tx / k;
        const vy0 = -ty / k;
        const vx1 = (width - tx) / k;
        const vy1 = (height - ty) / k;
        const px = 1 / k; // one screen pixel in flow units

        // Links first, under the nodes: one path per colour. A link belongs to the top layer when either end moves.
        const paths = new Map<string, Path2D>();
        for (const e of scene.edges) {
          const moves = !!moving && (moving.has(e.source) || moving.has(e.target));
          if (moves !== (layer === "top")) continue;
          const ends = edgeEnds(scene, e);
          if (!ends) continue;
          const { sx, sy, tx: ex, ty: ey } = ends;
          if (Math.max(sx, ex) < vx0 || Math.min(sx, ex) > vx1 || Math.max(sy, ey) < vy0 || Math.min(sy, ey) > vy1) continue;
          const color = typeColor(e.type);
          let p = paths.get(color);
          if (!p) paths.set(color, (p = new Path2D()));
          const bend = Math.max(40, Math.abs(ex - sx) / 2);
          p.moveTo(sx, sy);
          p.bezierCurveTo(sx + bend, sy, ex - bend, ey, ex, ey);
        }
        g.lineWidth = Math.max(2, 1.2 * px);
        for (const [color, p] of paths) {
          g.strokeStyle = color;
          g.stroke(p);
        }

        const titled: SceneNode[] = [];
        for (const n of scene.nodes) {
          if (!mine(n.id)) continue;
          if (n.x > vx1 || n.y > vy1 || n.x + n.width < vx0 || n.y + n.height < vy0) continue;
          drawn++;
          const sel = selected.has(n.id);
          const mark = runMarks.get(n.id);
          const highlight = highlights[n.id];
          g.globalAlpha = n.mode === "muted" ? 0.4 : 1;
          g.fillStyle = fillOf(n);
          g.fillRect(n.x, n.y, n.width, n.height);
          if (n.kind !== "reroute" && n.height > TITLE) {
            g.fillStyle = n.mode === "bypassed" ? COLORS.bypassedBorder : COLORS.title;
            g.fillRect(n.x, n.y, n.width, TITLE);
          }
          if (mark?.progress != null) {
            const bar = Math.max(4, 3 * px);
            g.fillStyle = COLORS.running;
            g.fillRect(n.x, n.y + Math.min(TITLE, n.height) - bar, n.width * mark.progress, bar);
          }
          const strong = sel || mark?.state === "running" || mark?.state === "error" || (highlight && highlight.status !== "moved");
          g.lineWidth = strong ? Math.max(3, 2 * px) : Math.max(1, px);
          g.strokeStyle = borderOf(n, sel, mark, highlight, danger);
          g.strokeRect(n.x, n.y, n.width, n.height);
          if (n.errors.length > 0 || mark?.state === "error") {
            // The DOM node's problem badge, big enough to see from far out.
            const r = Math.max(8, 4 * px);
            g.fillStyle = danger;
            g.beginPath();
            g.arc(n.x + n.width - r, n.y + r, r, 0, Math.PI * 2);
            g.fill();
          }
          // Sockets once they are a few pixels across.
          if (5 * k >= 1.5) {
            for (const sock of n.inputs.values()) {
              g.fillStyle = typeColor(sock.type);
              g.fillRect(n.x - 5, n.y + sock.dy - 5, 10, 10);
            }
            for (const sock of n.outputs.values()) {
              g.fillStyle = typeColor(sock.type);
              g.fillRect(n.x + n.width - 5, n.y + sock.dy - 5, 10, 10);
            }
          }
          if (n.width * k >= TITLE_MIN_SCREEN_WIDTH) titled.push(n);
        }
        g.globalAlpha = 1;

        // Text in screen space: a 12 px title stays 12 px whatever the zoom.
        g.setTransform(dpr, 0, 0, dpr, -ox, -oy);
        g.font = "600 12px system-ui, sans-serif";
        g.textBaseline = "middle";
        g.fillStyle = COLORS.text;
        for (const n of titled) g.fillText(n.title, n.x * k + tx + 6, n.y * k + ty + (Math.min(TITLE, n.height) * k) / 2, n.width * k - 12);
      }
      const card = layer === "top" ? hoverCard(scene, transform, width) : null;
      if (card) {
        g.setTransform(dpr, 0, 0, dpr, -ox, -oy);
        g.font = CARD_FONT;
        g.textBaseline = "middle";
        const { lines, x, y, w } = card;
        g.fillStyle = "rgba(20,20,20,.92)";
        g.fillRect(x, y, w, lines.length * 18 + 8);
        g.strokeStyle = "#555";
        g.lineWidth = 1;
        g.strokeRect(x, y, w, lines.length * 18 + 8);
        lines.forEach((l, i) => {
          g.fillStyle = i === 0 ? COLORS.text : danger;
          g.fillText(l, x + 8, y + 13 + i * 18, w - 16);
        });
      }
      if (layer === "base") {
        const nextLabel = `Overview of ${scene.nodes.length} nodes (${drawn} in view), ${selected.size} selected. Zoom in to edit.`;
        if (nextLabel !== label) canvas.setAttribute("aria-label", (label = nextLabel));
      }
    };

    /** The hover card's lines and screen box, when a node is hovered. */
    const hoverCard = (scene: Scene, [tx, ty, k]: [number, number, number], width: number) => {
      const hovered = state.hover ? scene.byId.get(state.hover) : undefined;
      if (!hovered) return null;
      const lines = [`${hovered.title} #${hovered.id}`, ...hovered.errors.slice(0, 3)];
      const mark = marks.get(hovered.id);
      if (mark && mark.state !== "queued") lines.push(`run: ${mark.label}${mark.message ? `: ${mark.message}` : ""}`);
      topCtx.font = CARD_FONT;
      const w = Math.min(420, Math.max(...lines.map((l) => topCtx.measureText(l).width)) + 16);
      const right = (hovered.x + hovered.width) * k + tx + 8;
      const x = right + w > width ? Math.max(4, hovered.x * k + tx - w - 8) : right;
      const y = Math.max(10, hovered.y * k + ty);
      return { lines, x, y, w, h: lines.length * 18 + 8 };
    };

    /** The screen rectangle the top layer needs: the dragged nodes, every link that touches them, the hover card. */
    const topRegion = (scene: Scene, transform: [number, number, number], width: number, height: number) => {
      const [tx, ty, k] = transform;
      let x0 = Infinity;
      let y0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      const add = (x: number, y: number) => {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      };
      const moving = state.moving;
      if (moving) {
        for (const id of moving) {
          const n = scene.byId.get(id);
          if (!n) continue;
          add(n.x * k + tx, n.y * k + ty);
          add((n.x + n.width) * k + tx, (n.y + n.height) * k + ty);
        }
        for (const e of scene.edges) {
          if (!moving.has(e.source) && !moving.has(e.target)) continue;
          const ends = edgeEnds(scene, e);
          if (!ends) continue;
          // A bezier stays inside the box of its control points.
          const bend = Math.max(40, Math.abs(ends.tx - ends.sx) / 2);
          add(ends.sx * k + tx, ends.sy * k + ty);
          add((ends.sx + bend) * k + tx, ends.sy * k + ty);
          add((ends.tx - bend) * k + tx, ends.ty * k + ty);
          add(ends.tx * k + tx, ends.ty * k + ty);
        }
      }
      const card = hoverCard(scene, transform, width);
      if (card) {
        add(card.x, card.y);
        add(card.x + card.w, card.y + card.h);
      }
      // Room for strokes, badges and socket marks past the boxes.
      const pad = 16;
      const x = Math.max(0, Math.floor(x0 - pad));
      const y = Math.max(0, Math.floor(y0 - pad));
      const r = Math.min(width, Math.ceil(x1 + pad));
      const b = Math.min(height, Math.ceil(y1 + pad));
      return r > x && b > y ? { x, y, width: r - x, height: b - y } : { x: 0, y: 0, width: 0, height: 0 };
    };

    let dirtyBase = true;
    let dirtyTop = true;
    const draw = () => {
      raf = 0;
      const scene = sceneOf();
      if (dirtyBase) paint("base", scene);
      if (dirtyTop) paint("top", scene);
      dirtyBase = dirtyTop = false;
      // A change counter for tests and the benchmark to wait on.
      canvas.dataset.frame = String(++state.frame);
    };
    const schedule = (layers: "both" | "top" = "both") => {
      dirtyTop = true;
      if (layers === "both") dirtyBase = true;
      if (!raf) raf = requestAnimationFrame(draw);
    };
    state.schedule = schedule;

    // Redraw on pan/zoom/resize and follow React Flow's box selection (Shift+drag) over the drawn nodes.
    let boxKey = "";
    const unRf = rf.subscribe((s, prev) => {
      if (s.transform !== prev.transform || s.width !== prev.width || s.height !== prev.height) schedule();
      const r = s.userSelectionActive ? s.userSelectionRect : null;
      if (!r) return;
      const [tx, ty, k] = s.transform;
      const ids = nodesInRect(sceneOf(), { x: (r.x - tx) / k, y: (r.y - ty) / k, width: r.width / k, height: r.height / k });
      const key = ids.join(",");
      const current = editor.getState().selection.nodes;
      if (key === boxKey && ids.length === current.size && ids.every((id) => current.has(id))) return;
      boxKey = key;
      editor.getState().setSelection({ nodes: new Set(ids), edges: new Set() });
    });
    const unEditor = editor.subscribe((s, prev) => {
      if (s.doc === prev.doc && s.selection === prev.selection && s.issuesByNode === prev.issuesByNode && s.catalogue === prev.catalogue) return;
      // A drag frame moves only the dragged nodes (the top layer); anything else may change any node.
      const dragFrame = !!state.moving && s.doc.graph === prev.doc.graph && s.doc.layout.groups === prev.doc.layout.groups && s.selection === prev.selection && s.issuesByNode === prev.issuesByNode && s.catalogue === prev.catalogue;
      schedule(dragFrame ? "top" : "both");
    });
    const unMarks = marks.subscribe(() => schedule());

    // Pointer input, taken before React Flow sees it (window, capture phase) when it lands on a drawn node.
    let gesture: Gesture | null = null;
    let swallowClick = false;
    const toFlow = (e: { clientX: number; clientY: number }) => {
      const rect = wrapper.getBoundingClientRect();
      const [tx, ty, k] = rf.getState().transform;
      return { x: (e.clientX - rect.left - tx) / k, y: (e.clientY - rect.top - ty) / k, k };
    };
    const onCanvas = (e: Event) => {
      const t = e.target as Element | null;
      return !!t && wrapper.contains(t) && !t.closest(".react-flow__panel, .react-flow__node, input, textarea, select, button, a");
    };
    const nodeAt = (e: PointerEvent | MouseEvent) => {
      const p = toFlow(e);
      return hitTest(sceneOf(), p.x, p.y, 2 / p.k);
    };
    const setHover = (id: string | null) => {
      if (state.hover === id) return;
      state.hover = id;
      const pane = wrapper.querySelector<HTMLElement>(".react-flow__pane");
      if (pane) pane.style.cursor = id ? "move" : "";
      schedule("top");
    };
    const onPointerDown = (e: PointerEvent) => {
      if (e.button !== 0 || !e.isPrimary || !onCanvas(e)) return;
      const hit = nodeAt(e);
      if (!hit) return;
      e.stopPropagation();
      e.preventDefault();
      // As a press on the canvas does: a field elsewhere (a panel, a rename) gives up the keyboard, so Delete and the
      // arrows reach the selection.
      const active = document.activeElement as HTMLElement | null;
      if (active && active !== document.body && !wrapper.contains(active)) active.blur();
      const s = editor.getState();
      const selected = new Set(s.selection.nodes);
      if (e.shiftKey) {
        if (selected.has(hit.id)) selected.delete(hit.id);
        else selected.add(hit.id);
        s.setSelection({ nodes: selected });
      } else if (!selected.has(hit.id)) {
        s.setSelection({ nodes: new Set([hit.id]), groups: new Set(), edges: new Set() });
      }
      const scene = sceneOf();
      // A Shift+press that took the node out of the selection drags nothing.
      const moving = editor.getState().selection.nodes.has(hit.id) ? editor.getState().selection.nodes : new Set<string>();
      const origin = new Map<string, { x: number; y: number }>();
      for (const id of moving) {
        const n = scene.byId.get(id);
        if (n) origin.set(id, { x: n.x, y: n.y });
      }
      const p = toFlow(e);
      gesture = { pointerId: e.pointerId, nodeId: hit.id, shift: e.shiftKey, startX: p.x, startY: p.y, origin, moved: false, key: `overview:${++gestureSeq}` };
    };
    const onPointerMove = (e: PointerEvent) => {
      if (gesture && e.pointerId === gesture.pointerId) {
        const p = toFlow(e);
        const dx = p.x - gesture.startX;
        const dy = p.y - gesture.startY;
        if (!gesture.moved && Math.hypot(dx, dy) * p.k < DRAG_THRESHOLD) return;
        if (!gesture.moved) {
          // The dragged nodes leave the base layer for the drag.
          gesture.moved = true;
          state.moving = new Set(gesture.origin.keys());
          state.hover = null;
          schedule();
        }
        e.stopPropagation();
        const moves = [...gesture.origin].map(([id, o]) => ({ id, x: Math.round(o.x + dx), y: Math.round(o.y + dy) }));
        if (moves.length > 0) editor.getState().apply(moves.length === 1 ? "Move" : `Move ${moves.length} nodes`, (d) => moveNodes(d, moves), { coalesce: gesture.key });
        return;
      }
      if (e.buttons !== 0) return;
      setHover(onCanvas(e) ? nodeAt(e)?.id ?? null : null);
    };
    const onPointerUp = (e: PointerEvent) => {
      if (!gesture || e.pointerId !== gesture.pointerId) return;
      const g = gesture;
      gesture = null;
      e.stopPropagation();
      if (state.moving) {
        state.moving = null;
        schedule();
      }
      // A click (no drag) on one of several selected nodes selects just it, as in the DOM canvas.
      if (!g.moved && !g.shift) editor.getState().setSelection({ nodes: new Set([g.nodeId]), groups: new Set(), edges: new Set() });
      // The click that follows would reach React Flow's pane and clear the selection.
      swallowClick = true;
      window.setTimeout(() => (swallowClick = false), 0);
    };
    const onClick = (e: MouseEvent) => {
      if (!swallowClick) return;
      swallowClick = false;
      e.stopPropagation();
      e.preventDefault();
    };
    const onMouseDown = (e: MouseEvent) => {
      // d3-zoom (React Flow's panning) listens for mousedown: keep it from panning under a node press.
      if (gesture) e.stopPropagation();
    };
    const onDoubleClick = (e: MouseEvent) => {
      if (!onCanvas(e)) return;
      const hit = nodeAt(e);
      if (!hit) return;
      e.stopPropagation();
      e.preventDefault();
      void flow.setCenter(hit.x + hit.width / 2, hit.y + hit.height / 2, { zoom: 1, duration: 250 });
    };
    const onLeave = () => setHover(null);
    // A drag whose release never arrives (the window lost focus) ends there.
    const onBlur = () => {
      if (gesture) onPointerUp(new PointerEvent("pointerup", { pointerId: gesture.pointerId }));
    };
    const opts = { capture: true };
    const onWindow: Array<[string, (e: never) => void]> = [
      ["pointerdown", onPointerDown],
      ["pointermove", onPointerMove],
      ["pointerup", onPointerUp],
      ["pointercancel", onPointerUp],
      ["mousedown", onMouseDown],
      ["click", onClick],
      ["dblclick", onDoubleClick],
      ["blur", onBlur],
    ];
    for (const [type, listener] of onWindow) window.addEventListener(type, listener as EventListener, opts);
    wrapper.addEventListener("pointerleave", onLeave);
    schedule();
    return () => {
      cancelAnimationFrame(raf);
      unRf();
      unEditor();
      unMarks();
      for (const [type, listener] of onWindow) window.removeEventListener(type, listener as EventListener, opts);
      wrapper.removeEventListener("pointerleave", onLeave);
      const pane = wrapper.querySelector<HTMLElement>(".react-flow__pane");
      if (pane) pane.style.cursor = "";
      state.schedule = () => {};
    };
  }, [editor, rf, flow, marks]);

  // Measured sizes and diff highlights come as props: draw again when they change.
  useEffect(() => live.current.schedule(), [measured, highlights]);

  return (
    <>
      <canvas ref={canvasRef} className="overview-canvas" role="img" data-testid="overview-canvas" />
      <canvas ref={topRef} className="overview-canvas-top" aria-hidden="true" />
    </>
  );
});
