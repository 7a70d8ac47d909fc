import { zlibSync } from "fflate";
import { crc32, PNG_SIGNATURE } from "@/lib/formats";
import type { WorkflowDocument } from "@/lib/graph/model";

/**
 * A small PNG drawn from the workflow's layout (node boxes and links on
 * ComfyUI's dark canvas colours), so an exported workflow image shows what
 * it carries, the way a ComfyUI output image carries the graph that made it.
 */

export interface WorkflowImageOptions {
  width?: number;
  height?: number;
}

type Rgb = readonly [number, number, number];
const BACKGROUND: Rgb = [0x20, 0x20, 0x20];
const NODE: Rgb = [0x35, 0x35, 0x35];
const NODE_TITLE: Rgb = [0x2b, 0x2b, 0x2b];
const NODE_BORDER: Rgb = [0x60, 0x60, 0x60];
const LINK: Rgb = [0x7f, 0x9f, 0xd6];
const MUTED: Rgb = [0x2a, 0x2a, 0x2a];
const BYPASSED: Rgb = [0x4d, 0x2a, 0x55];

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Encodes 8-bit RGB pixels (row-major, 3 bytes a pixel) as a PNG. */
export function encodeRgbPng(width: number, height: number, rgb: Uint8Array): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour
  const stride = width * 3;
  // Every scanline starts with its filter type byte; 0 (none) keeps the encoder trivial.
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const parts = [PNG_SIGNATURE, chunk("IHDR", header), chunk("IDAT", zlibSync(raw, { level: 9 })), chunk("IEND", new Uint8Array(0))];
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return bytes;
}

/** Draws the workflow's node boxes and links, scaled to fit, and returns it as PNG bytes. */
export function renderWorkflowPng(doc: WorkflowDocument, options: WorkflowImageOptions = {}): Uint8Array {
  const width = options.width ?? 512;
  const height = options.height ?? 320;
  const rgb = new Uint8Array(width * height * 3);
  const fill = (x0: number, y0: number, x1: number, y1: number, c: Rgb) => {
    const xa = Math.max(0, Math.floor(x0));
    const xb = Math.min(width, Math.ceil(x1));
    const ya = Math.max(0, Math.floor(y0));
    const yb = Math.min(height, Math.ceil(y1));
    for (let y = ya; y < yb; y++) {
      for (let x = xa; x < xb; x++) {
        const i = (y * width + x) * 3;
        rgb[i] = c[0];
        rgb[i + 1] = c[1];
        rgb[i + 2] = c[2];
      }
    }
  };
  fill(0, 0, width, height, BACKGROUND);

  const boxes = new Map<string, { x: number; y: number; w: number; h: number }>();
  doc.graph.nodes.forEach((node, i) => {
    const l = doc.layout.nodes[node.id];
    boxes.set(node.id, { x: l?.x ?? i * 40, y: l?.y ?? i * 40, w: l?.width ?? 240, h: l?.collapsed ? 30 : (l?.height ?? 120) });
  });
  if (boxes.size === 0) return encodeRgbPng(width, height, rgb);
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const b of boxes.values()) {
    minX = Math.min(minX, b.x);
    minY = Math.min(minY, b.y);
    maxX = Math.max(maxX, b.x + b.w);
    maxY = Math.max(maxY, b.y + b.h);
  }
  const margin = 12;
  const scale = Math.min((width - 2 * margin) / Math.max(1, maxX - minX), (height - 2 * margin) / Math.max(1, maxY - minY));
  const offsetX = margin + (width - 2 * margin - (maxX - minX) * scale) / 2;
  const offsetY = margin + (height - 2 * margin - (maxY - minY) * scale) / 2;
  const sx = (x: number) => offsetX + (x - minX) * scale;
  const sy = (y: number) => offsetY + (y - minY) * scale;

  const dot = Math.max(1, Math.round(scale * 3));
  for (const edge of doc.graph.edges) {
    const a = boxes.get(edge.source);
    const b = boxes.get(edge.target);
    if (!a || !b) continue;
    const x0 = sx(a.x + a.w);
    const y0 = sy(a.y + 20);
    const x1 = sx(b.x);
    const y1 = sy(b.y + 20);
    const steps = Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))) + 1;
    for (let s = 0; s <= steps; s++) {
      const t = s / steps;
      fill(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, x0 + (x1 - x0) * t + dot, y0 + (y1 - y0) * t + dot, LINK);
    }
  }
  for (const node of doc.graph.nodes) {
    const b = boxes.get(node.id)!;
    const [x0, y0, x1, y1] = [sx(b.x), sy(b.y), sx(b.x + b.w), sy(b.y + b.h)];
    fill(x0, y0, x1, y1, NODE_BORDER);
    const body = node.mode === "muted" ? MUTED : node.mode === "bypassed" ? BYPASSED : NODE;
    fill(x0 + 1, y0 + 1, x1 - 1, y1 - 1, body);
    fill(x0 + 1, y0 + 1, x1 - 1, Math.min(y1 - 1, y0 + Math.max(2, 26 * scale)), NODE_TITLE);
  }
  return encodeRgbPng(width, height, rgb);
}
