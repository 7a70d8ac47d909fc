import {
  DOCUMENT_FORMAT,
  DOCUMENT_VERSION,
  asEdgeId,
  asNodeId,
  type GraphEdge,
  type GraphNode,
  type WorkflowDocument,
} from "./model";

/**
 * The graph a new workflow starts with: ComfyUI's familiar text-to-image
 * pipeline (checkpoint → prompts → sampler → decode → save), laid out left to right.
 */
export function createStarterDocument(name: string): WorkflowDocument {
  const node = (id: string, type: string, widgets: GraphNode["widgets"], extra: Partial<GraphNode> = {}): GraphNode => ({
    id: asNodeId(id),
    type,
    mode: "active",
    widgets,
    ...extra,
  });
  const edge = (id: string, source: string, sourceSlot: number, target: string, targetInput: string, type: string): GraphEdge => ({
    id: asEdgeId(id),
    source: asNodeId(source),
    sourceSlot,
    target: asNodeId(target),
    targetInput,
    type,
  });
  return {
    format: DOCUMENT_FORMAT,
    version: DOCUMENT_VERSION,
    metadata: { name },
    graph: {
      nodes: [
        node("4", "CheckpointLoaderSimple", { ckpt_name: "v1-5-pruned-emaonly.safetensors" }),
        node("6", "CLIPTextEncode", { text: "a lighthouse on a cliff at dusk, oil painting" }, { title: "Positive prompt" }),
        node("7", "CLIPTextEncode", { text: "blurry, low quality" }, { title: "Negative prompt" }),
        node("5", "EmptyLatentImage", { width: 512, height: 512, batch_size: 1 }),
        node(
          "3",
          "KSampler",
          { seed: 156680208700286, steps: 20, cfg: 8, sampler_name: "euler", scheduler: "normal", denoise: 1 },
          { controls: { seed: "randomize" } },
        ),
        node("8", "VAEDecode", {}),
        node("9", "SaveImage", { filename_prefix: "ComfyUI" }),
      ],
      edges: [
        edge("1", "4", 0, "3", "model", "MODEL"),
        edge("3", "4", 1, "6", "clip", "CLIP"),
        edge("5", "4", 1, "7", "clip", "CLIP"),
        edge("4", "6", 0, "3", "positive", "CONDITIONING"),
        edge("6", "7", 0, "3", "negative", "CONDITIONING"),
        edge("2", "5", 0, "3", "latent_image", "LATENT"),
        edge("7", "3", 0, "8", "samples", "LATENT"),
        edge("8", "4", 2, "8", "vae", "VAE"),
        edge("9", "8", 0, "9", "images", "IMAGE"),
      ],
    },
    layout: {
      nodes: {
        "4": { x: 26, y: 474, width: 315, height: 98 },
        "6": { x: 415, y: 186, width: 422, height: 164 },
        "7": { x: 413, y: 389, width: 425, height: 180 },
        "5": { x: 473, y: 609, width: 315, height: 106 },
        "3": { x: 863, y: 186, width: 315, height: 262 },
        "8": { x: 1209, y: 188, width: 210, height: 46 },
        "9": { x: 1451, y: 189, width: 210, height: 270 },
      },
      groups: [],
      viewport: { x: 0, y: 0, zoom: 1 },
    },
  };
}
