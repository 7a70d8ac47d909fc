import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { z } from "zod";
import type { Graph, GraphEdge, GraphNode, WorkflowDocument } from "./model";

/**
 * Content hashes of the semantic graph. The canonical form is a compact JSON
 * text, fixed so that the browser and Node produce the same bytes:
 *
 *   {"edges":[[target,input#,source,slot],…],"inputs":[name,…],
 *    "nodes":[[id,type#,widgets,mode,title,controls],…],"types":[type,…],"v":1}
 *
 * - ids that are canonical integer strings ("42") are written as JSON
 *   numbers, others ("5:3", "007") as JSON strings;
 * - nodes sorted by id, edges by (target, input, source, slot); ids compare
 *   by length, then code unit, so "2" < "10" (see `compareIds`);
 * - type names and input names are written once, in "types" and "inputs",
 *   and referred to by index (`type#`, `input#`), numbered by first use in
 *   the sorted nodes and edges, so the numbering is canonical too;
 * - object keys sorted by code unit at every depth; numbers as JSON writes
 *   them (-0 → 0, 1.0 → 1);
 * - a node tuple drops trailing fields at their defaults (widgets {},
 *   mode "active", no title, controls {});
 * - edge ids, edge type labels, `extra` and the layout are left out: they do
 *   not change what ComfyUI runs. Title, mode and controls are in: they do.
 *
 * Why so compact: SHA-256 in pure JS (the only kind that gives the browser
 * and Node the same synchronous answer) costs about 7 ns a byte here, so the
 * bytes hashed are most of the cost of a 10,000-node graph. Interning names
 * halves them. The bytes are written straight into one buffer rather than
 * through a string: a 40,000-piece string would cost more to flatten and
 * encode than to build.
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

// Importers and generators mostly emit sorted ids, so the writer checks the order as it writes (one pass over the
// node and edge objects, which past ~10,000 nodes no longer fit the CPU caches) and starts again from a sorted copy
// only when it meets an element out of order.

function numberText(value: number): string {
  // JSON.stringify already writes -0 as 0 and 1.0 as 1; non-finite numbers cannot come from JSON but must not break the hash.
  return Number.isFinite(value) ? JSON.stringify(value) : "null";
}

/** An append-only byte buffer that writes JSON text, ASCII fast and everything else through TextEncoder. */
const encoder = new TextEncoder();

/** Most bytes a node tuple's or edge tuple's fast path writes: two 15-digit ids, two 10-digit integers, punctuation. */
const TUPLE_FAST_BYTES = 64;

/**
 * Writes a canonical integer id's digits at `at` (see `JsonWriter.id`) and
 * returns the end, or -1 when the id must be written as a JSON string
 * instead. The caller has reserved 15 bytes.
 */
function putIntegerId(bytes: Uint8Array, at: number, text: string): number {
  const n = text.length;
  if (n === 0 || n > 15 || (n > 1 && text.charCodeAt(0) === 48)) return -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    bytes[at + i] = c;
  }
  return at + n;
}

/** Writes the decimal digits of an integer in [0, 2^31) at `at` (the bytes of String(value)) and returns the end; the caller has reserved 10 bytes. */
function putSmallInt(bytes: Uint8Array, at: number, value: number): number {
  if (value < 10) {
    bytes[at] = 48 + value;
    return at + 1;
  }
  let end = at + 1;
  for (let v = value; v >= 10; v = (v / 10) | 0) end++;
  let v = value;
  for (let p = end - 1; p >= at; p--) {
    bytes[p] = 48 + (v % 10);
    v = (v / 10) | 0;
  }
  return end;
}

function isSmallInt(value: number): boolean {
  return value >= 0 && value < 0x7fffffff && Number.isInteger(value);
}

class JsonWriter {
  bytes: Uint8Array;
  length = 0;
  private readonly encoder = encoder;

  constructor(capacity: number, reuse?: Uint8Array) {
    this.bytes = reuse !== undefined && reuse.length >= capacity ? reuse : new Uint8Array(Math.max(64, capacity));
  }

  reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }

  /** Raw ASCII text (punctuation, numbers, literals). */
  raw(text: string): void {
    const n = text.length;
    this.reserve(n);
    const bytes = this.bytes;
    let at = this.length;
    for (let i = 0; i < n; i++) bytes[at++] = text.charCodeAt(i);
    this.length = at;
  }

  byte(code: number): void {
    this.reserve(1);
    this.bytes[this.length++] = code;
  }

  /** A non-negative integer below 2^31 (slots, indices) without going through a string. */
  smallInt(value: number): void {
    this.reserve(10);
    this.length = putSmallInt(this.bytes, this.length, value);
  }

  number(value: number): void {
    this.raw(numberText(value));
  }

  /** A JSON string literal, byte-identical to TextEncoder(JSON.stringify(text)). */
  string(text: string): void {
    const n = text.length;
    this.reserve(n + 2);
    const bytes = this.bytes;
    let at = this.length;
    bytes[at++] = 34;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      // Anything JSON escapes, or that UTF-8 spreads over several bytes, takes the slow path.
      if (c < 0x20 || c === 34 || c === 92 || c >= 0x7f) {
        this.encoded(JSON.stringify(text));
        return;
      }
      bytes[at++] = c;
    }
    bytes[at++] = 34;
    this.length = at;
  }

  /**
   * A node id: as a bare JSON number when it is a canonical integer string
   * ("0", "42"; no sign, no leading zero, at most 15 digits), else as a JSON
   * string. Ids are always strings in the model, so this stays one-to-one,
   * and it saves two of the ~10 bytes an id costs in every edge and node.
   */
  id(text: string): void {
    this.reserve(15);
    const end = putIntegerId(this.bytes, this.length, text);
    if (end < 0) this.string(text);
    else this.length = end;
  }

  /** Arbitrary text, UTF-8 encoded. */
  encoded(text: string): void {
    this.reserve(text.length * 3);
    this.length += this.encoder.encodeInto(text, this.bytes.subarray(this.length)).written;
  }

  /** Any JSON value in canonical form. */
  value(value: unknown): void {
    switch (typeof value) {
      case "string":
        this.string(value);
        return;
      case "number":
        this.number(value);
        return;
      case "boolean":
        this.raw(value ? "true" : "false");
        return;
      default:
        if (value !== null && typeof value === "object") this.encoded(canonicalJson(value));
        else this.raw("null");
    }
  }

  /** A record with sorted keys, skipping undefined values. */
  record(record: Record<string, unknown>): void {
    const keys = Object.keys(record);
    if (keys.length > 1) keys.sort(compareStrings);
    this.byte(123);
    let first = true;
    for (const key of keys) {
      const v = record[key];
      if (v === undefined) continue;
      if (!first) this.byte(44);
      first = false;
      this.string(key);
      this.byte(58);
      this.value(v);
    }
    this.byte(125);
  }

  result(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
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

function modeIsDefault(node: GraphNode): boolean {
  return node.mode === "active" || node.mode === undefined;
}

/** Writes a node tuple, dropping trailing fields while they sit at their defaults. */
function writeNode(w: JsonWriter, node: GraphNode, typeIndex: number): void {
  const hasControls = !isEmptyRecord(node.controls);
  const hasTitle = node.title !== undefined;
  const hasMode = !modeIsDefault(node);
  const hasWidgets = !isEmptyRecord(node.widgets);
  w.reserve(TUPLE_FAST_BYTES);
  const bytes = w.bytes;
  const at = w.length;
  bytes[at] = 91;
  const idEnd = putIntegerId(bytes, at + 1, node.id);
  if (idEnd >= 0) {
    // The common node, "[id,type#" with an integer id: written with one capacity check (a 10,000-node graph writes 10,000 of them).
    bytes[idEnd] = 44;
    w.length = putSmallInt(bytes, idEnd + 1, typeIndex);
  } else {
    w.length = at + 1;
    w.id(node.id);
    w.byte(44);
    w.smallInt(typeIndex);
  }
  if (hasWidgets || hasMode || hasTitle || hasControls) {
    w.byte(44);
    if (hasWidgets) w.record(node.widgets);
    else w.raw("{}");
    if (hasMode || hasTitle || hasControls) {
      w.byte(44);
      w.string(node.mode ?? "active");
      if (hasTitle || hasControls) {
        w.byte(44);
        if (hasTitle) w.string(node.title!);
        else w.raw("null");
        if (hasControls) {
          w.byte(44);
          w.record(node.controls!);
        }
      }
    }
  }
  w.byte(93);
}

function writeTable(w: JsonWriter, names: Map<string, number>): void {
  // Map iteration follows insertion order, which is the numbering order.
  w.byte(91);
  let first = true;
  for (const name of names.keys()) {
    if (!first) w.byte(44);
    first = false;
    w.string(name);
  }
  w.byte(93);
}

function intern(names: Map<string, number>, name: string): number {
  let index = names.get(name);
  if (index === undefined) {
    index = names.size;
    names.set(name, index);
  }
  return index;
}

function writeGraph(w: JsonWriter, graph: Graph): void {
  const start = w.length;
  if (writeGraphIfSorted(w, graph.nodes, graph.edges, { check: true })) return;
  w.length = start;
  writeGraphIfSorted(w, [...graph.nodes].sort(compareNodes), [...graph.edges].sort(compareEdges), { check: false });
}

/**
 * Writes the canonical form of nodes and edges already in canonical order.
 * With `check`, returns false as soon as an element is out of order (what was
 * written is then garbage for the caller to discard).
 */
function writeGraphIfSorted(w: JsonWriter, nodes: readonly GraphNode[], edges: readonly GraphEdge[], options: { check: boolean }): boolean {
  const check = options.check;
  const inputs = new Map<string, number>();
  const types = new Map<string, number>();
  w.raw('{"edges":[');
  // Most edges of a graph feed the same few inputs, often the same one in a row: remembering the last skips most map lookups.
  let lastInput = "";
  let lastInputIndex = -1;
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i]!;
    if (check && i > 0 && compareEdges(edges[i - 1]!, e) > 0) return false;
    if (e.targetInput !== lastInput || lastInputIndex < 0) {
      lastInput = e.targetInput;
      lastInputIndex = intern(inputs, lastInput);
    }
    const slot = e.sourceSlot;
    // Edges are half the bytes of a large graph. The common edge (integer ids, small slot) is written with one
    // capacity check and no calls; anything else rolls back and takes the general path below.
    w.reserve(TUPLE_FAST_BYTES);
    const bytes = w.bytes;
    const from = w.length;
    let at = from;
    if (i > 0) bytes[at++] = 44;
    bytes[at++] = 91;
    at = putIntegerId(bytes, at, e.target);
    if (at >= 0 && isSmallInt(slot)) {
      bytes[at++] = 44;
      at = putSmallInt(bytes, at, lastInputIndex);
      bytes[at++] = 44;
      at = putIntegerId(bytes, at, e.source);
      if (at >= 0) {
        bytes[at++] = 44;
        at = putSmallInt(bytes, at, slot);
        bytes[at++] = 93;
        w.length = at;
        continue;
      }
    }
    w.length = from;
    if (i > 0) w.byte(44);
    w.byte(91);
    w.id(e.target);
    w.byte(44);
    w.smallInt(lastInputIndex);
    w.byte(44);
    w.id(e.source);
    w.byte(44);
    if (isSmallInt(slot)) w.smallInt(slot);
    else w.number(slot);
    w.byte(93);
  }
  w.raw('],"inputs":');
  writeTable(w, inputs);
  w.raw(',"nodes":[');
  // Neighbouring nodes often share a type (chains, batches of samplers): remembering the last one skips most map lookups.
  let lastType = "";
  let lastIndex = -1;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    if (check && i > 0 && compareNodes(nodes[i - 1]!, node) > 0) return false;
    if (i > 0) w.byte(44);
    if (node.type !== lastType || lastIndex < 0) {
      lastType = node.type;
      lastIndex = intern(types, lastType);
    }
    writeNode(w, node, lastIndex);
  }
  w.raw('],"types":');
  writeTable(w, types);
  w.raw(`,"v":${CANONICAL_FORM_VERSION}}`);
  return true;
}

function graphCapacity(graph: Graph): number {
  return graph.nodes.length * 24 + graph.edges.length * 20 + 256;
}

/** The canonical form of a graph as UTF-8 bytes (what `hashGraph` hashes). */
export function canonicalBytes(graph: Graph): Uint8Array {
  const w = new JsonWriter(graphCapacity(graph));
  writeGraph(w, graph);
  return w.result();
}

/**
 * The canonical text of a graph's semantic content (see the module comment for its shape).
 * @returns a JSON string; equal graphs (whatever their key order, node order or layout) give equal strings.
 */
export function canonicalize(graph: Graph): string {
  return new TextDecoder().decode(canonicalBytes(graph));
}

function digest(bytes: Uint8Array): SnapshotHash {
  return bytesToHex(sha256(bytes)) as SnapshotHash;
}

/**
 * A buffer kept between hash calls: hashing consumes the bytes at once, so
 * the next call may overwrite them, and a 10,000-node graph then skips
 * allocating (and zero-filling) a quarter of a megabyte each time. Graphs
 * big enough to need more than 4 MB get a buffer of their own.
 */
let scratch: Uint8Array | undefined;
const SCRATCH_LIMIT = 4 << 20;

function hashWith(capacity: number, write: (w: JsonWriter) => void): SnapshotHash {
  const w = new JsonWriter(capacity, scratch);
  write(w);
  const hash = digest(w.result());
  if (w.bytes.length <= SCRATCH_LIMIT) scratch = w.bytes;
  return hash;
}

/** SHA-256 (hex) of a graph's canonical form. Identical in the browser and in Node. */
export function hashGraph(graph: Graph): SnapshotHash {
  return hashWith(graphCapacity(graph), (w) => writeGraph(w, graph));
}

function writeDocument(w: JsonWriter, doc: Pick<WorkflowDocument, "graph" | "subgraphs">): void {
  if (!doc.subgraphs || doc.subgraphs.length === 0) {
    writeGraph(w, doc.graph);
    return;
  }
  const subgraphs = [...doc.subgraphs].sort((a, b) => compareStrings(a.id, b.id));
  w.raw('{"graph":');
  writeGraph(w, doc.graph);
  w.raw(',"subgraphs":[');
  subgraphs.forEach((sg, i) => {
    // Port order is semantic (slot indices), so ports keep theirs.
    const ports = (list: typeof sg.inputs) => {
      w.byte(91);
      list.forEach((p, j) => {
        w.raw(j > 0 ? ",[" : "[");
        w.string(p.name);
        w.byte(44);
        w.string(p.type);
        w.byte(93);
      });
      w.byte(93);
    };
    w.raw(i > 0 ? ',{"graph":' : '{"graph":');
    writeGraph(w, sg.graph);
    w.raw(',"id":');
    w.string(sg.id);
    w.raw(',"inputs":');
    ports(sg.inputs);
    w.raw(',"name":');
    w.string(sg.name);
    w.raw(',"outputs":');
    ports(sg.outputs);
    w.byte(125);
  });
  w.raw(`],"v":${CANONICAL_FORM_VERSION}}`);
}

/**
 * The canonical text of a document's semantic content: its graph and its
 * subgraph definitions (id, name, ports, inner graph), never layout,
 * metadata or `extra`. A document without subgraphs canonicalises to its
 * graph alone, so its hash equals `hashGraph(doc.graph)`.
 */
export function canonicalizeDocument(doc: Pick<WorkflowDocument, "graph" | "subgraphs">): string {
  const w = new JsonWriter(graphCapacity(doc.graph));
  writeDocument(w, doc);
  return new TextDecoder().decode(w.result());
}

/** SHA-256 (hex) of a document's semantic content (graph + subgraph definitions); layout and metadata never change it. */
export function hashDocument(doc: Pick<WorkflowDocument, "graph" | "subgraphs">): SnapshotHash {
  return hashWith(graphCapacity(doc.graph), (w) => writeDocument(w, doc));
}
