import { z } from "zod";
import { zJsonKeepingKeys, zRecordOf } from "./records";

/**
 * The Atelier workflow document: a semantic graph (what ComfyUI executes),
 * its layout (where things sit on the canvas) and metadata.
 *
 * Layout never enters the semantic hash. Widget values are stored by input
 * name, never by position: positional `widgets_values` in ComfyUI files is
 * converted on import and rebuilt on export.
 */

/** Any JSON value, as a widget may hold (numbers, strings, booleans, lists, objects). */
export const zJsonValue = zJsonKeepingKeys();
export type JsonValue = z.infer<typeof zJsonValue>;

/** A node id. ComfyUI UI files use integers, API prompts strings such as "5" or "5:3"; we keep strings. */
export const zNodeId = z.string().min(1).brand<"NodeId">();
export type NodeId = z.infer<typeof zNodeId>;

/** An edge id, unique within one graph. */
export const zEdgeId = z.string().min(1).brand<"EdgeId">();
export type EdgeId = z.infer<typeof zEdgeId>;

/** ComfyUI node modes: 0 = active ("always"), 2 = muted ("never"), 4 = bypassed. */
export const zNodeMode = z.enum(["active", "muted", "bypassed"]);
export type NodeMode = z.infer<typeof zNodeMode>;

/** What ComfyUI's frontend does to a seed-like widget after each queued prompt. */
export const zControlAfterGenerate = z.enum(["fixed", "increment", "decrement", "randomize"]);
export type ControlAfterGenerate = z.infer<typeof zControlAfterGenerate>;

export const zGraphNode = z.object({
  id: zNodeId,
  /** ComfyUI `class_type`; also virtual types (Reroute, PrimitiveNode, Note) and subgraph instance ids. */
  type: z.string().min(1),
  title: z.string().optional(),
  mode: zNodeMode,
  /** Widget values by input name. Linked inputs are edges, not widgets. */
  widgets: zRecordOf(z.string(), zJsonValue),
  /** control_after_generate per widget name (e.g. `{ seed: "randomize" }`): a frontend behaviour, kept because it changes what later runs produce. */
  controls: zRecordOf(z.string(), zControlAfterGenerate).optional(),
  /**
   * Format-specific data preserved verbatim for a faithful export (UI slot
   * arrays, `properties`, raw `widgets_values` of node types we do not know,
   * unknown keys). Not part of the semantic hash.
   */
  extra: zRecordOf(z.string(), z.unknown()).optional(),
});
export type GraphNode = z.infer<typeof zGraphNode>;

export const zGraphEdge = z.object({
  id: zEdgeId,
  source: zNodeId,
  /** Output slot index on the source node (ComfyUI links are `[nodeId, slot]`). */
  sourceSlot: z.number().int().nonnegative(),
  target: zNodeId,
  /** Input name on the target node. */
  targetInput: z.string(),
  /** Type label the file gave the link, if any (informational; validation uses the catalogue). */
  type: z.string().optional(),
});
export type GraphEdge = z.infer<typeof zGraphEdge>;

/** The semantic graph: the only part of a document that the hash covers. */
export const zGraph = z.object({
  nodes: z.array(zGraphNode),
  edges: z.array(zGraphEdge),
});
export type Graph = z.infer<typeof zGraph>;

export const zNodeLayout = z.object({
  x: z.number(),
  y: z.number(),
  width: z.number().optional(),
  height: z.number().optional(),
  collapsed: z.boolean().optional(),
  color: z.string().optional(),
  bgcolor: z.string().optional(),
  /** Draw order. */
  order: z.number().optional(),
});
export type NodeLayout = z.infer<typeof zNodeLayout>;

export const zGroup = z.object({
  id: z.string().min(1),
  title: z.string(),
  x: z.number(),
  y: z.number(),
  width: z.number(),
  height: z.number(),
  color: z.string().optional(),
  fontSize: z.number().optional(),
  extra: zRecordOf(z.string(), z.unknown()).optional(),
});
export type Group = z.infer<typeof zGroup>;

export const zViewport = z.object({ x: z.number(), y: z.number(), zoom: z.number().positive() });
export type Viewport = z.infer<typeof zViewport>;

export const zLayout = z.object({
  nodes: zRecordOf(z.string(), zNodeLayout),
  groups: z.array(zGroup),
  viewport: zViewport,
  /** Layout data of other formats kept for export (native reroute points, link extensions, …). */
  extra: zRecordOf(z.string(), z.unknown()).optional(),
});
export type Layout = z.infer<typeof zLayout>;

/** Reserved node ids for a subgraph's boundary, as in ComfyUI (-10 = its inputs, -20 = its outputs). */
export const SUBGRAPH_INPUT_NODE = "-10";
export const SUBGRAPH_OUTPUT_NODE = "-20";

export const zSubgraphPort = z.object({
  name: z.string(),
  type: z.string(),
  extra: zRecordOf(z.string(), z.unknown()).optional(),
});
export type SubgraphPort = z.infer<typeof zSubgraphPort>;

/**
 * A subgraph definition. Inside `graph`, an edge from the boundary has
 * `source: "-10"` and `sourceSlot` = index into `inputs`; an edge to the
 * boundary has `target: "-20"` and `targetInput` = the name in `outputs`.
 */
export const zSubgraph = z.object({
  id: z.string().min(1),
  name: z.string(),
  inputs: z.array(zSubgraphPort),
  outputs: z.array(zSubgraphPort),
  graph: zGraph,
  layout: zLayout,
  extra: zRecordOf(z.string(), z.unknown()).optional(),
});
export type Subgraph = z.infer<typeof zSubgraph>;

export const zDocumentMetadata = z.object({
  name: z.string(),
  description: z.string().optional(),
  tags: z.array(z.string()).optional(),
  /** Where the document came from: "atelier", "comfyui-ui", "comfyui-api", with the source's version when known. */
  source: z.object({ format: z.string(), version: z.string().optional() }).optional(),
  /** Unknown top-level keys of an imported file, preserved for export. */
  extra: zRecordOf(z.string(), z.unknown()).optional(),
});
export type DocumentMetadata = z.infer<typeof zDocumentMetadata>;

export const DOCUMENT_FORMAT = "atelier.workflow";
export const DOCUMENT_VERSION = 1;

export const zWorkflowDocument = z.object({
  format: z.literal(DOCUMENT_FORMAT),
  version: z.literal(DOCUMENT_VERSION),
  graph: zGraph,
  layout: zLayout,
  metadata: zDocumentMetadata,
  /**
   * Subgraph definitions (ComfyUI `definitions.subgraphs`, flat even when
   * nested). A node whose `type` is one of these ids is an instance; the
   * compiler flattens instances into `outer:inner` node ids.
   */
  subgraphs: z.array(zSubgraph).optional(),
});
export type WorkflowDocument = z.infer<typeof zWorkflowDocument>;

/** Casts a string to a NodeId without validation; for builders and importers that already checked it. */
export const asNodeId = (id: string): NodeId => id as NodeId;
/** Casts a string to an EdgeId without validation. */
export const asEdgeId = (id: string): EdgeId => id as EdgeId;

/** An empty layout at the origin. */
export function emptyLayout(): Layout {
  return { nodes: {}, groups: [], viewport: { x: 0, y: 0, zoom: 1 } };
}
