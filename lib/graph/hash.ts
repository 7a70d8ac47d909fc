import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { z } from "zod";
import type { Graph, GraphEdge, GraphNode, WorkflowDocument } from "./model";

/**
 * Content hashes of the semantic graph. The canonical form is a compact JSON
 * text, fixed so that the browser and Node produce the same bytes:
 *
 *   {"edges":[[target,input,source,slot],…],"nodes":[[id,type,widgets,mode,title,controls],…],"v":1}
 *
 * - nodes sorted by id, edges by (target, input, source, slot); ids compare
 *   by length, then code unit, so "2" < "10" (see `compareIds`);
 * - object keys sorted by code unit at every depth; numbers as JSON writes
 *   them (-0 → 0, 1.0 → 1);
 * - a node tuple drops trailing fields at their defaults (widgets {},
 *   mode "active", no title, controls {}), so the common node costs a few
 *   bytes: SHA-256 in pure JS runs at about 80 MB/s here, and the bytes
 *   hashed are most of the cost of a 10,000-node graph;
 * - edge ids, edge type labels, `extra` and the layout are left out: they do
 *   not change what ComfyUI runs. Title, mode and controls are in: they do.
 */

/** A hex SHA-256 of a canonical graph or document. */
export const zSnapshotHash = z
  .string()
  .regex(/^[0-9a-f]{64}$/)
  .brand<"SnapshotHash">();
export type SnapshotHash = z.infer<typeof zSnapshotHash>;

/** Version of the canonical form; bump it (and accept that every hash changes) if the form ever changes. */
export const CANONICAL_FORM_VERSION = 1;

/** Total order on ids used by the canonical form: shorter first, then by code unit ("9" < "10" < "100" < "1:2"). */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareNodes(a: GraphNode, b: GraphNode): number {
  return compareIds(a.id, b.id);
}

function compareEdges(a: GraphEdge, b: GraphEdge): number {
  return (
    compareIds(a.target, b.target) ||
    compareStrings(a.targetInput, b.targetInput) ||
    compareIds(a.source, b.source) ||
    a.sourceSlot - b.sourceSlot
  );
}

/** Sorted copy, or the array itself when it is already in order: importers and generators mostly emit sorted ids, and an O(n) check beats an O(n log n) sort. */
function sortedView<T>(items: readonly T[], compare: (a: T, b: T) => number): readonly T[] {
  for (let i = 1; i < items.length; i++) {
    if (compare(items[i - 1]!, items[i]!) > 0) return [...items].sort(compare);
  }
  return items;
}

function numberText(value: number): string {
  // JSON.stringify already writes -0 as 0 and 1.0 as 1; non-finite numbers cannot come from JSON but must not break the hash.
  return Number.isFinite(value) ? JSON.stringify(value) : "null";
}

interface Frame {
  /** The container being written. */
  array?: readonly unknown[];
  object?: Record<string, unknown>;
  keys?: string[];
  next: number;
}

/**
 * Canonical JSON of any JSON value: sorted keys, normalised numbers. Iterative,
 * because widget values are user data and may nest deeper than the stack.
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return numberText(value);
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (value === null) return "null";
      break;
    default:
      return "null";
  }
  let out = "";
  const stack: Frame[] = [];
  const open = (v: object) => {
    if (Array.isArray(v)) {
      out += "[";
      stack.push({ array: v, next: 0 });
    } else {
      const object = v as Record<string, unknown>;
      const keys = Object.keys(object).filter((k) => object[k] !== undefined).sort(compareStrings);
      out += "{";
      stack.push({ object, keys, next: 0 });
    }
  };
  open(value);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    let child: unknown;
    if (frame.array) {
      if (frame.next >= frame.array.length) {
        out += "]";
        stack.pop();
        continue;
      }
      if (frame.next > 0) out += ",";
      child = frame.array[frame.next++];
    } else {
      const keys = frame.keys!;
      if (frame.next >= keys.length) {
        out += "}";
        stack.pop();
        continue;
      }
      const key = keys[frame.next++]!;
      out += (frame.next > 1 ? "," : "") + JSON.stringify(key) + ":";
      child = frame.object![key];
    }
    if (child !== null && typeof child === "object") open(child);
    else out += canonicalJson(child);
  }
  return out;
}

function isEmptyRecord(record: Record<string, unknown> | undefined): boolean {
  if (record === undefined) return true;
  for (const key in record) if (Object.hasOwn(record, key) && record[key] !== undefined) return false;
  return true;
}

function nodeText(node: GraphNode): string {
  // Fields from the last to the first, dropping each while it still sits at its default.
  const controls = isEmptyRecord(node.controls) ? "" : canonicalJson(node.controls);
  const title = node.title === undefined ? "" : JSON.stringify(node.title);
  const mode = node.mode === "active" ? "" : JSON.stringify(node.mode);
  const widgets = isEmptyRecord(node.widgets) ? "" : canonicalJson(node.widgets);
  let tail = "";
  if (controls !== "") tail = `,${controls}`;
  if (title !== "" || tail !== "") tail = `,${title === "" ? "null" : title}${tail}`;
  if (mode !== "" || tail !== "") tail = `,${mode === "" ? '"active"' : mode}${tail}`;
  if (widgets !== "" || tail !== "") tail = `,${widgets === "" ? "{}" : widgets}${tail}`;
  return `[${JSON.stringify(node.id)},${JSON.stringify(node.type)}${tail}]`;
}

/**
 * The canonical text of a graph's semantic content (see the module comment for its shape).
 * @returns a JSON string; equal graphs (whatever their key order, node order or layout) give equal strings.
 */
export function canonicalize(graph: Graph): string {
  const nodes = sortedView(graph.nodes, compareNodes);
  const edges = sortedView(graph.edges, compareEdges);
  // One string built by appends: V8 keeps it as a rope, far cheaper than
  // sorted copies of every object passed through JSON.stringify.
  let out = '{"edges":[';
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i]!;
    out += `${i > 0 ? "," : ""}[${JSON.stringify(e.target)},${JSON.stringify(e.targetInput)},${JSON.stringify(e.source)},${numberText(e.sourceSlot)}]`;
  }
  out += '],"nodes":[';
  for (let i = 0; i < nodes.length; i++) out += (i > 0 ? "," : "") + nodeText(nodes[i]!);
  return `${out}],"v":${CANONICAL_FORM_VERSION}}`;
}

function digest(text: string): SnapshotHash {
  return bytesToHex(sha256(utf8ToBytes(text))) as SnapshotHash;
}

/** SHA-256 (hex) of a graph's canonical form. Identical in the browser and in Node. */
export function hashGraph(graph: Graph): SnapshotHash {
  return digest(canonicalize(graph));
}

/**
 * The canonical text of a document's semantic content: its graph and its
 * subgraph definitions (id, name, ports, inner graph), never layout,
 * metadata or `extra`. A document without subgraphs canonicalises to its
 * graph alone, so its hash equals `hashGraph(doc.graph)`.
 */
export function canonicalizeDocument(doc: Pick<WorkflowDocument, "graph" | "subgraphs">): string {
  const graph = canonicalize(doc.graph);
  if (!doc.subgraphs || doc.subgraphs.length === 0) return graph;
  const subgraphs = [...doc.subgraphs].sort((a, b) => compareStrings(a.id, b.id));
  let out = `{"graph":${graph},"subgraphs":[`;
  subgraphs.forEach((sg, i) => {
    // Port order is semantic (slot indices), so ports keep theirs.
    const ports = (list: typeof sg.inputs) => `[${list.map((p) => `[${JSON.stringify(p.name)},${JSON.stringify(p.type)}]`).join(",")}]`;
    out += `${i > 0 ? "," : ""}{"graph":${canonicalize(sg.graph)},"id":${JSON.stringify(sg.id)},"inputs":${ports(sg.inputs)},"name":${JSON.stringify(sg.name)},"outputs":${ports(sg.outputs)}}`;
  });
  return `${out}],"v":${CANONICAL_FORM_VERSION}}`;
}

/** SHA-256 (hex) of a document's semantic content (graph + subgraph definitions); layout and metadata never change it. */
export function hashDocument(doc: Pick<WorkflowDocument, "graph" | "subgraphs">): SnapshotHash {
  return digest(canonicalizeDocument(doc));
}
