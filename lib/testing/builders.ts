import {
  asEdgeId,
  asNodeId,
  DOCUMENT_FORMAT,
  DOCUMENT_VERSION,
  emptyLayout,
  type Graph,
  type GraphEdge,
  type GraphNode,
  type Layout,
  type WorkflowDocument,
} from "@/lib/graph/model";
import type { RunView } from "@/lib/runs/model";

/** Builds a node: active, no widgets, unless `overrides` says otherwise. */
export function buildNode(id: string | number, type: string, overrides: Partial<Omit<GraphNode, "id">> = {}): GraphNode {
  return { id: asNodeId(String(id)), type, mode: "active", widgets: {}, ...overrides };
}

/** Builds an edge from output `sourceSlot` of `source` to input `targetInput` of `target`; its id names both ends. */
export function buildEdge(
  source: string | number,
  sourceSlot: number,
  target: string | number,
  targetInput: string,
  overrides: Partial<GraphEdge> = {},
): GraphEdge {
  return {
    id: asEdgeId(`${source}:${sourceSlot}->${target}.${targetInput}`),
    source: asNodeId(String(source)),
    sourceSlot,
    target: asNodeId(String(target)),
    targetInput,
    ...overrides,
  };
}

/** Builds a graph from nodes and edges. */
export function buildGraph(nodes: GraphNode[], edges: GraphEdge[] = []): Graph {
  return { nodes, edges };
}

/** Wraps a graph in a workflow document with an empty layout. */
export function buildDocument(graph: Graph, overrides: Partial<Omit<WorkflowDocument, "format" | "version">> = {}): WorkflowDocument {
  return {
    format: DOCUMENT_FORMAT,
    version: DOCUMENT_VERSION,
    graph,
    layout: emptyLayout(),
    metadata: { name: "test" },
    ...overrides,
  };
}

/** Options of the text-to-image test graph. */
export interface Txt2ImgOptions {
  checkpoint?: string;
  positive?: string;
  negative?: string;
  seed?: number;
  steps?: number;
  width?: number;
  height?: number;
}

/**
 * The classic text-to-image graph with ComfyUI's default ids:
 * 4 checkpoint → 6/7 prompts → 3 KSampler (5 empty latent) → 8 VAE decode → 9 save.
 */
export function buildTxt2ImgGraph(options: Txt2ImgOptions = {}): Graph {
  const nodes = [
    buildNode(4, "CheckpointLoaderSimple", { widgets: { ckpt_name: options.checkpoint ?? "v1-5-pruned-emaonly.safetensors" } }),
    buildNode(6, "CLIPTextEncode", { widgets: { text: options.positive ?? "a watercolour fox in the snow" } }),
    buildNode(7, "CLIPTextEncode", { widgets: { text: options.negative ?? "blurry, text" } }),
    buildNode(5, "EmptyLatentImage", { widgets: { width: options.width ?? 512, height: options.height ?? 512, batch_size: 1 } }),
    buildNode(3, "KSampler", {
      widgets: {
        seed: options.seed ?? 42,
        steps: options.steps ?? 20,
        cfg: 8,
        sampler_name: "euler",
        scheduler: "normal",
        denoise: 1,
      },
      controls: { seed: "fixed" },
    }),
    buildNode(8, "VAEDecode"),
    buildNode(9, "SaveImage", { widgets: { filename_prefix: "ComfyUI" } }),
  ];
  const edges = [
    buildEdge(4, 0, 3, "model"),
    buildEdge(4, 1, 6, "clip"),
    buildEdge(4, 1, 7, "clip"),
    buildEdge(6, 0, 3, "positive"),
    buildEdge(7, 0, 3, "negative"),
    buildEdge(5, 0, 3, "latent_image"),
    buildEdge(3, 0, 8, "samples"),
    buildEdge(4, 2, 8, "vae"),
    buildEdge(8, 0, 9, "images"),
  ];
  return buildGraph(nodes, edges);
}

/** A left-to-right layout placing each node of `graph` on a grid (for layout-only change tests). */
export function buildGridLayout(graph: Graph, options: { columns?: number; spacing?: number } = {}): Layout {
  const columns = options.columns ?? 4;
  const spacing = options.spacing ?? 300;
  const layout = emptyLayout();
  graph.nodes.forEach((node, i) => {
    layout.nodes[node.id] = { x: (i % columns) * spacing, y: Math.floor(i / columns) * spacing, width: 240, height: 120 };
  });
  return layout;
}

/**
 * A ComfyUI UI workflow (version 0.4) where two EmptyImages are both linked into ImageInvert #3's one input (links 10
 * and 11): a file ComfyUI can write after a bad edit. The input slot references `slotLink` (11 or 10), or none.
 */
export function buildUiWorkflowWithTwoLinksIntoOneInput(slotLink: number | null): Record<string, unknown> {
  const image = (id: number) => ({ id, type: "EmptyImage", pos: [0, id * 150], size: [300, 130], flags: {}, order: id - 1, mode: 0, inputs: [], outputs: [{ name: "IMAGE", type: "IMAGE", links: [9 + id] }], properties: {}, widgets_values: [64, 64, 1, 0] });
  return {
    last_node_id: 4,
    last_link_id: 12,
    nodes: [
      image(1),
      image(2),
      { id: 3, type: "ImageInvert", pos: [400, 0], size: [200, 30], flags: {}, order: 2, mode: 0, inputs: [{ name: "image", type: "IMAGE", link: slotLink }], outputs: [{ name: "IMAGE", type: "IMAGE", links: [12] }], properties: {} },
      { id: 4, type: "SaveImage", pos: [700, 0], size: [300, 300], flags: {}, order: 3, mode: 0, inputs: [{ name: "images", type: "IMAGE", link: 12 }], outputs: [], properties: {}, widgets_values: ["x"] },
    ],
    links: [
      [10, 1, 0, 3, 0, "IMAGE"],
      [11, 2, 0, 3, 0, "IMAGE"],
      [12, 3, 0, 4, 0, "IMAGE"],
    ],
    groups: [],
    config: {},
    extra: {},
    version: 0.4,
  };
}

/** A run record as the server streams it: a finished-nothing-yet run of an unsaved draft, with `patch` on top. */
export function buildRunView(patch: Partial<RunView> = {}): RunView {
  return {
    id: "r",
    workflowId: null,
    versionId: null,
    documentHash: "d",
    graphHash: "g",
    unsaved: true,
    rerunOf: null,
    serverUrl: "http://127.0.0.1:8188",
    promptId: null,
    status: "queued",
    queuePosition: null,
    createdAt: 0,
    queuedAt: null,
    startedAt: null,
    finishedAt: null,
    nodes: {},
    nodeTypes: {},
    cachedNodes: [],
    outputs: [],
    error: null,
    rejection: null,
    detail: null,
    ...patch,
  };
}
