import { setEntry } from "@/lib/graph/records";
import {
  asEdgeId,
  asNodeId,
  DOCUMENT_FORMAT,
  DOCUMENT_VERSION,
  emptyLayout,
  type GraphEdge,
  type GraphNode,
  type JsonValue,
} from "@/lib/graph/model";
import { layoutByDepth } from "./auto-layout";
import { isRecord, toPointer, type ImportResult, type ImportWarning } from "./types";

/** One node of a ComfyUI API prompt. Inputs are literals or links `[sourceId, outputSlot]`. */
export interface ApiNode {
  class_type: string;
  inputs: Record<string, JsonValue>;
  _meta?: { title?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** A ComfyUI API prompt: node id → node, the body ComfyUI's `POST /prompt` executes. */
export type ApiPrompt = Record<string, ApiNode>;

/** Options of {@link importApiPrompt}. */
export interface ImportApiOptions {
  /** Document name; defaults to "Imported API prompt". */
  name?: string;
}

/**
 * True when an API input value is a link. Mirrors ComfyUI's backend test:
 * a two-element list whose first element is a string (node id) and second
 * an integer (output slot). `[5, 0]` is therefore a literal list, as there.
 */
export function isApiLink(value: unknown): value is [string, number] {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === "string" &&
    typeof value[1] === "number" &&
    Number.isInteger(value[1]) &&
    value[1] >= 0
  );
}

/** Removes the wrappers ComfyUI tooling puts around a prompt: `{"prompt": …}` (POST body) and `{"input": {"workflow": …}}` (RunPod style). */
export function unwrapApiPrompt(json: unknown): { value: unknown; path: (string | number)[] } {
  let value = json;
  const path: (string | number)[] = [];
  for (let i = 0; i < 3; i++) {
    if (!isRecord(value)) break;
    if (looksLikeApiPrompt(value)) break;
    if (isRecord(value.prompt)) {
      value = value.prompt;
      path.push("prompt");
    } else if (isRecord(value.input) && isRecord(value.input.workflow)) {
      value = value.input.workflow;
      path.push("input", "workflow");
    } else break;
  }
  return { value, path };
}

/** True when every entry is an object with a string `class_type` (and there is at least one entry). */
export function looksLikeApiPrompt(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const entries = Object.values(value);
  return entries.length > 0 && entries.every((v) => isRecord(v) && typeof v.class_type === "string");
}

/**
 * Turns a ComfyUI API prompt (optionally wrapped in `{"prompt": …}` or
 * `{"input": {"workflow": …}}`) into a workflow document.
 * @returns the document with warnings, or an error naming the offending node and path.
 */
export function importApiPrompt(json: unknown, options: ImportApiOptions = {}): ImportResult {
  const { value, path: base } = unwrapApiPrompt(json);
  if (!isRecord(value)) {
    return { ok: false, error: { message: "An API prompt must be a JSON object of node id → node.", path: toPointer(base) } };
  }
  const ids = Object.keys(value);
  if (ids.length === 0) {
    return { ok: false, error: { message: "The API prompt has no nodes.", path: toPointer(base) } };
  }
  const warnings: ImportWarning[] = [];
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  for (const id of ids) {
    const raw = value[id];
    const at = [...base, id];
    if (!isRecord(raw)) {
      return { ok: false, error: { message: `Node "${id}" is not an object.`, path: toPointer(at) } };
    }
    if (typeof raw.class_type !== "string" || raw.class_type === "") {
      return { ok: false, error: { message: `Node "${id}" has no class_type.`, path: toPointer([...at, "class_type"]) } };
    }
    const inputs = raw.inputs ?? {};
    if (!isRecord(inputs)) {
      return { ok: false, error: { message: `The inputs of node "${id}" (${raw.class_type}) are not an object.`, path: toPointer([...at, "inputs"]) } };
    }
    const widgets: Record<string, JsonValue> = {};
    for (const [name, input] of Object.entries(inputs)) {
      if (isApiLink(input)) {
        edges.push({
          id: asEdgeId(`${input[0]}:${input[1]}->${id}.${name}`),
          source: asNodeId(input[0]),
          sourceSlot: input[1],
          target: asNodeId(id),
          targetInput: name,
        });
      } else {
        setEntry(widgets, name, input as JsonValue);
      }
    }
    const node: GraphNode = { id: asNodeId(id), type: raw.class_type, mode: "active", widgets };
    const meta = raw._meta;
    if (isRecord(meta) && typeof meta.title === "string") node.title = meta.title;
    const extra: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(raw)) {
      if (key === "class_type" || key === "inputs") continue;
      if (key === "_meta" && isRecord(v) && Object.keys(v).every((k) => k === "title" && typeof v.title === "string")) continue;
      extra[key === "_meta" ? "apiMeta" : key] = v;
    }
    if (Object.keys(extra).length > 0) node.extra = extra;
    nodes.push(node);
  }
  const graph = { nodes, edges };
  // An API prompt has no positions; lay it out by depth so an editor or a UI export shows a readable graph.
  const layout = { ...emptyLayout(), nodes: layoutByDepth(graph) };
  return {
    ok: true,
    warnings,
    document: {
      format: DOCUMENT_FORMAT,
      version: DOCUMENT_VERSION,
      graph,
      layout,
      metadata: { name: options.name ?? "Imported API prompt", source: { format: "comfyui-api" } },
    },
  };
}
