// Writes the built-in template version files under workflows/<template>/<semver>.json,
// their thumbnails, and workflows/manifest.json (SHA-256 of every version file).
// A published version is immutable: this script never overwrites an existing
// version file; add a new version to a template's list instead.
//   npx tsx scripts/generate-builtin-templates.ts
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DOCUMENT_FORMAT, DOCUMENT_VERSION, asEdgeId, asNodeId, type GraphNode, type JsonValue, type Layout, type WorkflowDocument } from "@/lib/graph/model";
import type { TemplateInterface, TemplateParameter } from "@/lib/semver";
import { TEMPLATE_VERSION_FORMAT, type RequiredModel, type TemplateMetadata, type TemplateVersionFile } from "@/lib/templates/schema";

type N = [id: number, type: string, widgets: Record<string, JsonValue>, extra?: { title?: string; controls?: GraphNode["controls"] }];
type E = [source: number, slot: number, target: number, input: string];

const SLOT_TYPES: Record<string, string[]> = {
  CheckpointLoaderSimple: ["MODEL", "CLIP", "VAE"],
  LoraLoader: ["MODEL", "CLIP"],
  CLIPTextEncode: ["CONDITIONING"],
  EmptyLatentImage: ["LATENT"],
  KSampler: ["LATENT"],
  KSamplerAdvanced: ["LATENT"],
  VAEDecode: ["IMAGE"],
  VAEEncode: ["LATENT"],
  VAEEncodeForInpaint: ["LATENT"],
  InpaintModelConditioning: ["CONDITIONING", "CONDITIONING", "LATENT"],
  LoadImage: ["IMAGE", "MASK"],
  LatentUpscaleBy: ["LATENT"],
  UpscaleModelLoader: ["UPSCALE_MODEL"],
  ImageUpscaleWithModel: ["IMAGE"],
  ImageScaleBy: ["IMAGE"],
  ControlNetLoader: ["CONTROL_NET"],
  ControlNetApplyAdvanced: ["CONDITIONING", "CONDITIONING"],
  PrimitiveString: ["STRING"],
  PrimitiveInt: ["INT"],
};

/** Columns by longest path from a source, rows in node order: a readable left-to-right layout without a layout engine. */
function layoutOf(nodes: N[], edges: E[]): Layout {
  const rank = new Map<number, number>(nodes.map(([id]) => [id, 0]));
  for (let pass = 0; pass < nodes.length; pass++) {
    for (const [s, , t] of edges) rank.set(t, Math.max(rank.get(t)!, rank.get(s)! + 1));
  }
  const rows = new Map<number, number>();
  const out: Layout["nodes"] = {};
  for (const [id, type] of nodes) {
    const r = rank.get(id)!;
    const row = rows.get(r) ?? 0;
    rows.set(r, row + 1);
    const tall = type === "CLIPTextEncode" || type.startsWith("KSampler") || type === "LoadImage";
    out[String(id)] = { x: 40 + r * 360, y: 60 + row * 240, width: 320, height: tall ? 200 : 110 };
  }
  return { nodes: out, groups: [], viewport: { x: 0, y: 0, zoom: 0.8 } };
}

function doc(name: string, description: string, nodes: N[], edges: E[]): WorkflowDocument {
  return {
    format: DOCUMENT_FORMAT,
    version: DOCUMENT_VERSION,
    graph: {
      nodes: nodes.map(([id, type, widgets, extra]) => ({
        id: asNodeId(String(id)),
        type,
        mode: "active" as const,
        widgets,
        ...(extra?.title ? { title: extra.title } : {}),
        ...(extra?.controls ? { controls: extra.controls } : {}),
      })),
      edges: edges.map(([s, slot, t, input]) => {
        const type = nodes.find(([id]) => id === s)![1];
        return { id: asEdgeId(`${s}:${slot}->${t}.${input}`), source: asNodeId(String(s)), sourceSlot: slot, target: asNodeId(String(t)), targetInput: input, type: SLOT_TYPES[type]?.[slot] ?? "*" };
      }),
    },
    layout: layoutOf(nodes, edges),
    metadata: { name, description, source: { format: "atelier" } },
  };
}

const P = (name: string, nodeId: number, input: string, type: string, def: JsonValue, more: Partial<TemplateParameter> = {}): TemplateParameter => ({
  name,
  target: { nodeId: asNodeId(String(nodeId)), input },
  type,
  default: def,
  ...more,
});

const SAMPLERS = ["euler", "euler_ancestral", "dpmpp_2m", "dpmpp_2m_sde", "dpmpp_sde", "ddim", "uni_pc"];
const NEG = "blurry, low quality, watermark, text";

function meta(m: Omit<TemplateMetadata, "requiredNodes">, d: WorkflowDocument): TemplateMetadata {
  return { ...m, requiredNodes: [...new Set(d.graph.nodes.map((n) => n.type))].sort() };
}

type Version = { version: string; changelog: string; renamed?: Record<string, string>; document: WorkflowDocument; interface: TemplateInterface; metadata: TemplateMetadata };
type Template = { id: string; accent: string; versions: Version[] };

const SD15: RequiredModel = { name: "v1-5-pruned-emaonly.safetensors", folder: "checkpoints" };

// ---------- txt2img (SD 1.5)
function txt2img(): Template {
  const nodes: N[] = [
    [4, "CheckpointLoaderSimple", { ckpt_name: SD15.name }],
    [6, "CLIPTextEncode", { text: "a lighthouse on a cliff at dusk, oil painting" }, { title: "Positive prompt" }],
    [7, "CLIPTextEncode", { text: NEG }, { title: "Negative prompt" }],
    [5, "EmptyLatentImage", { width: 512, height: 512, batch_size: 1 }],
    [3, "KSampler", { seed: 42, steps: 20, cfg: 7, sampler_name: "euler", scheduler: "normal", denoise: 1 }, { controls: { seed: "randomize" } }],
    [8, "VAEDecode", {}],
    [9, "SaveImage", { filename_prefix: "txt2img" }],
  ];
  const edges: E[] = [[4, 0, 3, "model"], [4, 1, 6, "clip"], [4, 1, 7, "clip"], [6, 0, 3, "positive"], [7, 0, 3, "negative"], [5, 0, 3, "latent_image"], [3, 0, 8, "samples"], [4, 2, 8, "vae"], [8, 0, 9, "images"]];
  const d = doc("Text to image (SD 1.5)", "Prompt in, picture out.", nodes, edges);
  const m = meta({ title: "Text to image (SD 1.5)", description: "The classic Stable Diffusion 1.5 pipeline: checkpoint, two prompts, one sampler, save.", category: "Generate", tags: ["sd15", "txt2img", "beginner"], mediaType: "image", requiredModels: [SD15], minVramGb: 4 }, d);
  const outputs = [{ name: "images", nodeId: asNodeId("9"), type: "IMAGE" }];
  const base = [
    P("prompt", 6, "text", "STRING", "a lighthouse on a cliff at dusk, oil painting", { description: "What to draw." }),
    P("negative_prompt", 7, "text", "STRING", NEG, { description: "What to avoid." }),
    P("seed", 3, "seed", "INT", 42, { min: 0 }),
    P("steps", 3, "steps", "INT", 20, { min: 1, max: 150 }),
    P("cfg", 3, "cfg", "FLOAT", 7, { min: 1, max: 30, step: 0.5, description: "How strictly to follow the prompt." }),
  ];
  const size = [
    P("width", 5, "width", "INT", 512, { min: 256, max: 2048, step: 64 }),
    P("height", 5, "height", "INT", 512, { min: 256, max: 2048, step: 64 }),
    P("sampler", 3, "sampler_name", "COMBO", "euler", { options: SAMPLERS }),
  ];
  const v2 = [{ ...base[0]!, name: "positive_prompt" }, ...base.slice(1), ...size];
  return {
    id: "txt2img-sd15",
    accent: "#6aa9ff",
    versions: [
      { version: "1.0.0", changelog: "First release: prompt, negative prompt, seed, steps and CFG exposed; 512×512 output.", document: d, interface: { parameters: base, outputs }, metadata: m },
      { version: "1.1.0", changelog: "Exposes the image width and height (256–2048, multiples of 64) and the sampler, so portrait and landscape images no longer need graph edits.", document: d, interface: { parameters: [...base, ...size], outputs }, metadata: m },
      { version: "2.0.0", changelog: "Renames the parameter \"prompt\" to \"positive_prompt\" to match every other template (breaking for callers that set \"prompt\"; upgrades carry the value over).", renamed: { positive_prompt: "prompt" }, document: d, interface: { parameters: v2, outputs }, metadata: m },
    ],
  };
}

// ---------- txt2img SDXL base + refiner
function sdxl(): Template {
  const BASE: RequiredModel = { name: "sd_xl_base_1.0.safetensors", folder: "checkpoints" };
  const REF: RequiredModel = { name: "sd_xl_refiner_1.0.safetensors", folder: "checkpoints" };
  const common: N[] = [
    [1, "CheckpointLoaderSimple", { ckpt_name: BASE.name }, { title: "Base model" }],
    [2, "CheckpointLoaderSimple", { ckpt_name: REF.name }, { title: "Refiner model" }],
    [3, "PrimitiveString", { value: "a red fox in fresh snow, golden hour, 85mm photo" }, { title: "Prompt" }],
    [4, "PrimitiveString", { value: NEG }, { title: "Negative prompt" }],
    [5, "CLIPTextEncode", {}, { title: "Base positive" }],
    [6, "CLIPTextEncode", {}, { title: "Base negative" }],
    [7, "CLIPTextEncode", {}, { title: "Refiner positive" }],
    [8, "CLIPTextEncode", {}, { title: "Refiner negative" }],
    [9, "EmptyLatentImage", { width: 1024, height: 1024, batch_size: 1 }],
  ];
  const tail = (switchAt: number, total: number): N[] => [
    [10, "KSamplerAdvanced", { add_noise: "enable", noise_seed: 7, steps: total, cfg: 7, sampler_name: "dpmpp_2m", scheduler: "karras", start_at_step: 0, end_at_step: switchAt, return_with_leftover_noise: "enable" }, { title: "Base sampler", controls: { noise_seed: "randomize" } }],
    [11, "KSamplerAdvanced", { add_noise: "disable", noise_seed: 7, steps: total, cfg: 7, sampler_name: "dpmpp_2m", scheduler: "karras", start_at_step: switchAt, end_at_step: 10000, return_with_leftover_noise: "disable" }, { title: "Refiner sampler" }],
    [12, "VAEDecode", {}],
    [13, "SaveImage", { filename_prefix: "sdxl" }],
  ];
  const edges: E[] = [
    [3, 0, 5, "text"], [3, 0, 7, "text"], [4, 0, 6, "text"], [4, 0, 8, "text"],
    [1, 1, 5, "clip"], [1, 1, 6, "clip"], [2, 1, 7, "clip"], [2, 1, 8, "clip"],
    [1, 0, 10, "model"], [5, 0, 10, "positive"], [6, 0, 10, "negative"], [9, 0, 10, "latent_image"],
    [2, 0, 11, "model"], [7, 0, 11, "positive"], [8, 0, 11, "negative"], [10, 0, 11, "latent_image"],
    [11, 0, 12, "samples"], [2, 2, 12, "vae"], [12, 0, 13, "images"],
  ];
  const d1 = doc("Text to image (SDXL + refiner)", "SDXL base then refiner.", [...common, ...tail(20, 25)], edges);
  // 1.1.0: the switch step comes from one Primitive feeding both samplers, so it can be a parameter without the two drifting apart.
  const d2 = doc("Text to image (SDXL + refiner)", "SDXL base then refiner.", [...common, ...tail(24, 30), [14, "PrimitiveInt", { value: 24 }, { title: "Refiner starts at step" }]], [...edges, [14, 0, 10, "end_at_step"], [14, 0, 11, "start_at_step"]]);
  const m1 = meta({ title: "Text to image (SDXL + refiner)", description: "SDXL 1.0 at 1024×1024: the base model does most steps, the refiner finishes the details.", category: "Generate", tags: ["sdxl", "txt2img", "refiner"], mediaType: "image", requiredModels: [BASE, REF], minVramGb: 10 }, d1);
  const m2 = meta({ ...m1, minVramGb: 10 }, d2);
  const outputs = [{ name: "images", nodeId: asNodeId("13"), type: "IMAGE" }];
  const params = [
    P("positive_prompt", 3, "value", "STRING", "a red fox in fresh snow, golden hour, 85mm photo"),
    P("negative_prompt", 4, "value", "STRING", NEG),
    P("seed", 10, "noise_seed", "INT", 7, { min: 0 }),
    P("width", 9, "width", "INT", 1024, { min: 512, max: 2048, step: 64 }),
    P("height", 9, "height", "INT", 1024, { min: 512, max: 2048, step: 64 }),
  ];
  return {
    id: "txt2img-sdxl",
    accent: "#b48cff",
    versions: [
      { version: "1.0.0", changelog: "First release: 25 steps, the refiner takes over at step 20; prompt, negative prompt, seed and size exposed.", document: d1, interface: { parameters: params, outputs }, metadata: m1 },
      { version: "1.1.0", changelog: "30 steps by default and a new \"refiner_start\" parameter (default 24): one value drives where the base stops and the refiner starts, so they can no longer disagree.", document: d2, interface: { parameters: [...params, P("refiner_start", 14, "value", "INT", 24, { min: 1, max: 100, description: "Step at which the refiner takes over." })], outputs }, metadata: m2 },
    ],
  };
}

// ---------- hires fix
function hires(): Template {
  const nodes = (withDenoisePrim: boolean): N[] => [
    [4, "CheckpointLoaderSimple", { ckpt_name: SD15.name }],
    [6, "CLIPTextEncode", { text: "a cozy reading nook, warm light, detailed illustration" }, { title: "Positive prompt" }],
    [7, "CLIPTextEncode", { text: NEG }, { title: "Negative prompt" }],
    [5, "EmptyLatentImage", { width: 512, height: 512, batch_size: 1 }],
    [3, "KSampler", { seed: 1234, steps: 20, cfg: 7, sampler_name: "dpmpp_2m", scheduler: "karras", denoise: 1 }, { title: "First pass", controls: { seed: "randomize" } }],
    [10, "LatentUpscaleBy", { upscale_method: "nearest-exact", scale_by: 1.5 }],
    [11, "KSampler", { seed: 1234, steps: 14, cfg: 7, sampler_name: "dpmpp_2m", scheduler: "karras", denoise: withDenoisePrim ? 0.45 : 0.5 }, { title: "Hires pass" }],
    [8, "VAEDecode", {}],
    [9, "SaveImage", { filename_prefix: "hires" }],
  ];
  const edges: E[] = [[4, 0, 3, "model"], [4, 1, 6, "clip"], [4, 1, 7, "clip"], [6, 0, 3, "positive"], [7, 0, 3, "negative"], [5, 0, 3, "latent_image"], [3, 0, 10, "samples"], [4, 0, 11, "model"], [6, 0, 11, "positive"], [7, 0, 11, "negative"], [10, 0, 11, "latent_image"], [11, 0, 8, "samples"], [4, 2, 8, "vae"], [8, 0, 9, "images"]];
  const d1 = doc("Hires fix", "Generate small, upscale the latent, refine.", nodes(false), edges);
  const d2 = doc("Hires fix", "Generate small, upscale the latent, refine.", nodes(true), edges);
  const m = meta({ title: "Hires fix", description: "Generate at 512, upscale the latent and run a second, lighter pass: sharper large images without doubled faces.", category: "Upscale", tags: ["sd15", "hires", "upscale"], mediaType: "image", requiredModels: [SD15], minVramGb: 6 }, d1);
  const outputs = [{ name: "images", nodeId: asNodeId("9"), type: "IMAGE" }];
  const params = [
    P("positive_prompt", 6, "text", "STRING", "a cozy reading nook, warm light, detailed illustration"),
    P("negative_prompt", 7, "text", "STRING", NEG),
    P("seed", 3, "seed", "INT", 1234, { min: 0 }),
    P("upscale_factor", 10, "scale_by", "FLOAT", 1.5, { min: 1, max: 4, step: 0.25 }),
  ];
  return {
    id: "hires-fix",
    accent: "#ffb86b",
    versions: [
      { version: "1.0.0", changelog: "First release: 1.5× latent upscale, second pass at denoise 0.5.", document: d1, interface: { parameters: params, outputs }, metadata: m },
      { version: "1.1.0", changelog: "Exposes \"hires_denoise\" (how much the second pass may change) and lowers its default from 0.5 to 0.45, which keeps compositions more stable.", document: d2, interface: { parameters: [...params, P("hires_denoise", 11, "denoise", "FLOAT", 0.45, { min: 0.1, max: 0.9, step: 0.05 })], outputs }, metadata: meta(m, d2) },
    ],
  };
}

// ---------- img2img
function img2img(): Template {
  const nodes = (denoise: number): N[] => [
    [4, "CheckpointLoaderSimple", { ckpt_name: SD15.name }],
    [10, "LoadImage", { image: "example.png" }, { title: "Input image" }],
    [11, "VAEEncode", {}],
    [6, "CLIPTextEncode", { text: "the same scene as a watercolor painting" }, { title: "Positive prompt" }],
    [7, "CLIPTextEncode", { text: NEG }, { title: "Negative prompt" }],
    [3, "KSampler", { seed: 99, steps: 25, cfg: 7, sampler_name: "euler_ancestral", scheduler: "normal", denoise }, { controls: { seed: "randomize" } }],
    [8, "VAEDecode", {}],
    [9, "SaveImage", { filename_prefix: "img2img" }],
  ];
  const edges: E[] = [[10, 0, 11, "pixels"], [4, 2, 11, "vae"], [4, 0, 3, "model"], [4, 1, 6, "clip"], [4, 1, 7, "clip"], [6, 0, 3, "positive"], [7, 0, 3, "negative"], [11, 0, 3, "latent_image"], [3, 0, 8, "samples"], [4, 2, 8, "vae"], [8, 0, 9, "images"]];
  const d1 = doc("Image to image", "Redraw an image guided by a prompt.", nodes(0.6), edges);
  const d2 = doc("Image to image", "Redraw an image guided by a prompt.", nodes(0.55), edges);
  const m = meta({ title: "Image to image", description: "Start from your picture instead of noise: denoise sets how far the result may drift from it.", category: "Edit", tags: ["sd15", "img2img"], mediaType: "image", requiredModels: [SD15], minVramGb: 4 }, d1);
  const outputs = [{ name: "images", nodeId: asNodeId("9"), type: "IMAGE" }];
  const params = (denoise: number) => [
    P("image", 10, "image", "COMBO", "example.png", { description: "An image in ComfyUI's input folder." }),
    P("positive_prompt", 6, "text", "STRING", "the same scene as a watercolor painting"),
    P("negative_prompt", 7, "text", "STRING", NEG),
    P("denoise", 3, "denoise", "FLOAT", denoise, { min: 0.05, max: 1, step: 0.05 }),
    P("seed", 3, "seed", "INT", 99, { min: 0 }),
  ];
  return {
    id: "img2img",
    accent: "#7ee0b5",
    versions: [
      { version: "1.0.0", changelog: "First release: image, prompts, denoise (0.6) and seed exposed.", document: d1, interface: { parameters: params(0.6), outputs }, metadata: m },
      { version: "1.0.1", changelog: "Default denoise lowered from 0.6 to 0.55: at 0.6 faces in photos drifted too far from the original. No interface change.", document: d2, interface: { parameters: params(0.55), outputs }, metadata: m },
      { version: "1.1.0", changelog: "Exposes \"steps\" (default 25) for quicker drafts.", document: d2, interface: { parameters: [...params(0.55), P("steps", 3, "steps", "INT", 25, { min: 1, max: 150 })], outputs }, metadata: m },
    ],
  };
}

// ---------- inpaint
function inpaint(): Template {
  const INP: RequiredModel = { name: "512-inpainting-ema.safetensors", folder: "checkpoints" };
  const head: N[] = [
    [4, "CheckpointLoaderSimple", { ckpt_name: INP.name }],
    [10, "LoadImage", { image: "example.png" }, { title: "Image with mask (alpha)" }],
    [6, "CLIPTextEncode", { text: "a vase of sunflowers on the table" }, { title: "Positive prompt" }],
    [7, "CLIPTextEncode", { text: NEG }, { title: "Negative prompt" }],
  ];
  const end: N[] = [[8, "VAEDecode", {}], [9, "SaveImage", { filename_prefix: "inpaint" }]];
  const d1 = doc("Inpaint", "Repaint the masked part of an image.", [
    ...head,
    [11, "VAEEncodeForInpaint", { grow_mask_by: 6 }],
    [3, "KSampler", { seed: 5, steps: 25, cfg: 7, sampler_name: "euler", scheduler: "normal", denoise: 1 }, { controls: { seed: "randomize" } }],
    ...end,
  ], [[10, 0, 11, "pixels"], [10, 1, 11, "mask"], [4, 2, 11, "vae"], [4, 0, 3, "model"], [4, 1, 6, "clip"], [4, 1, 7, "clip"], [6, 0, 3, "positive"], [7, 0, 3, "negative"], [11, 0, 3, "latent_image"], [3, 0, 8, "samples"], [4, 2, 8, "vae"], [8, 0, 9, "images"]]);
  const d2 = doc("Inpaint", "Repaint the masked part of an image.", [
    ...head,
    [12, "InpaintModelConditioning", { noise_mask: true }],
    [3, "KSampler", { seed: 5, steps: 25, cfg: 7, sampler_name: "euler", scheduler: "normal", denoise: 0.9 }, { controls: { seed: "randomize" } }],
    ...end,
  ], [[4, 1, 6, "clip"], [4, 1, 7, "clip"], [6, 0, 12, "positive"], [7, 0, 12, "negative"], [4, 2, 12, "vae"], [10, 0, 12, "pixels"], [10, 1, 12, "mask"], [4, 0, 3, "model"], [12, 0, 3, "positive"], [12, 1, 3, "negative"], [12, 2, 3, "latent_image"], [3, 0, 8, "samples"], [4, 2, 8, "vae"], [8, 0, 9, "images"]]);
  const m1 = meta({ title: "Inpaint", description: "Paint a mask in the image's alpha channel; only that part is redrawn.", category: "Edit", tags: ["sd15", "inpaint", "mask"], mediaType: "image", requiredModels: [INP], minVramGb: 4 }, d1);
  const outputs = [{ name: "images", nodeId: asNodeId("9"), type: "IMAGE" }];
  const common = [
    P("image", 10, "image", "COMBO", "example.png", { description: "An image whose alpha channel is the mask." }),
    P("positive_prompt", 6, "text", "STRING", "a vase of sunflowers on the table"),
    P("negative_prompt", 7, "text", "STRING", NEG),
    P("seed", 3, "seed", "INT", 5, { min: 0 }),
  ];
  return {
    id: "inpaint",
    accent: "#ff7a9c",
    versions: [
      { version: "1.0.0", changelog: "First release: VAEEncodeForInpaint, which blanks the masked area (denoise must stay at 1); grow_mask_by exposed.", document: d1, interface: { parameters: [...common, P("grow_mask_by", 11, "grow_mask_by", "INT", 6, { min: 0, max: 64 })], outputs }, metadata: m1 },
      { version: "2.0.0", changelog: "Switches to InpaintModelConditioning, which keeps the original pixels under the mask, so a denoise below 1 now works. \"grow_mask_by\" is removed (the node has no such input; breaking) and \"denoise\" is added (default 0.9).", document: d2, interface: { parameters: [...common, P("denoise", 3, "denoise", "FLOAT", 0.9, { min: 0.1, max: 1, step: 0.05 })], outputs }, metadata: meta(m1, d2) },
    ],
  };
}

// ---------- upscale with a model
function upscale(): Template {
  const ESR: RequiredModel = { name: "RealESRGAN_x4plus.pth", folder: "upscale_models" };
  const n1: N[] = [[1, "LoadImage", { image: "example.png" }, { title: "Image to upscale" }], [2, "UpscaleModelLoader", { model_name: ESR.name }], [3, "ImageUpscaleWithModel", {}], [4, "SaveImage", { filename_prefix: "upscaled" }]];
  const d1 = doc("Upscale with a model", "4× with an ESRGAN-family model.", n1, [[2, 0, 3, "upscale_model"], [1, 0, 3, "image"], [3, 0, 4, "images"]]);
  const d2 = doc("Upscale with a model", "Model upscale, then scale to the factor you want.", [...n1.slice(0, 3), [5, "ImageScaleBy", { upscale_method: "lanczos", scale_by: 0.5 }], n1[3]!], [[2, 0, 3, "upscale_model"], [1, 0, 3, "image"], [3, 0, 5, "image"], [5, 0, 4, "images"]]);
  const m1 = meta({ title: "Upscale with a model", description: "Enlarge an image with an upscale model (ESRGAN family); no diffusion, no prompt.", category: "Upscale", tags: ["upscale", "esrgan"], mediaType: "image", requiredModels: [ESR], minVramGb: 2 }, d1);
  const outputs = [{ name: "images", nodeId: asNodeId("4"), type: "IMAGE" }];
  const params = [P("image", 1, "image", "COMBO", "example.png"), P("upscale_model", 2, "model_name", "COMBO", ESR.name, { description: "A file in models/upscale_models." })];
  return {
    id: "upscale-model",
    accent: "#5fd0e6",
    versions: [
      { version: "1.0.0", changelog: "First release: the model's native factor (4× for RealESRGAN_x4plus).", document: d1, interface: { parameters: params, outputs }, metadata: m1 },
      { version: "1.1.0", changelog: "Adds a Lanczos resize after the model and a \"final_scale\" parameter (default 0.5, so 4× models give 2×): most people wanted 2×, not 16× the pixels.", document: d2, interface: { parameters: [...params, P("final_scale", 5, "scale_by", "FLOAT", 0.5, { min: 0.1, max: 1, step: 0.05 })], outputs }, metadata: meta(m1, d2) },
    ],
  };
}

// ---------- ControlNet
function controlnet(): Template {
  const CN: RequiredModel = { name: "control_v11p_sd15_canny.pth", folder: "controlnet" };
  const nodes: N[] = [
    [4, "CheckpointLoaderSimple", { ckpt_name: SD15.name }],
    [6, "CLIPTextEncode", { text: "a futuristic city street at night, neon" }, { title: "Positive prompt" }],
    [7, "CLIPTextEncode", { text: NEG }, { title: "Negative prompt" }],
    [10, "LoadImage", { image: "example.png" }, { title: "Control image (edges)" }],
    [11, "ControlNetLoader", { control_net_name: CN.name }],
    [12, "ControlNetApplyAdvanced", { strength: 0.8, start_percent: 0, end_percent: 1 }],
    [5, "EmptyLatentImage", { width: 512, height: 512, batch_size: 1 }],
    [3, "KSampler", { seed: 8, steps: 25, cfg: 7, sampler_name: "dpmpp_2m", scheduler: "karras", denoise: 1 }, { controls: { seed: "randomize" } }],
    [8, "VAEDecode", {}],
    [9, "SaveImage", { filename_prefix: "controlnet" }],
  ];
  const edges: E[] = [[4, 1, 6, "clip"], [4, 1, 7, "clip"], [6, 0, 12, "positive"], [7, 0, 12, "negative"], [11, 0, 12, "control_net"], [10, 0, 12, "image"], [4, 0, 3, "model"], [12, 0, 3, "positive"], [12, 1, 3, "negative"], [5, 0, 3, "latent_image"], [3, 0, 8, "samples"], [4, 2, 8, "vae"], [8, 0, 9, "images"]];
  const d = doc("ControlNet (canny)", "Follow the edges of a control image.", nodes, edges);
  const m = meta({ title: "ControlNet (canny)", description: "Generate an image that follows the edges of a control image (a canny edge map).", category: "Control", tags: ["sd15", "controlnet", "canny"], mediaType: "image", requiredModels: [SD15, CN], minVramGb: 5 }, d);
  const outputs = [{ name: "images", nodeId: asNodeId("9"), type: "IMAGE" }];
  const params = [
    P("positive_prompt", 6, "text", "STRING", "a futuristic city street at night, neon"),
    P("negative_prompt", 7, "text", "STRING", NEG),
    P("control_image", 10, "image", "COMBO", "example.png"),
    P("control_strength", 12, "strength", "FLOAT", 0.8, { min: 0, max: 2, step: 0.05 }),
    P("seed", 3, "seed", "INT", 8, { min: 0 }),
  ];
  return {
    id: "controlnet",
    accent: "#f5e16b",
    versions: [
      { version: "1.0.0", changelog: "First release: canny ControlNet at strength 0.8 over the whole schedule.", document: d, interface: { parameters: params, outputs }, metadata: m },
      { version: "1.1.0", changelog: "Exposes \"control_start\" and \"control_end\" (fractions of the schedule), so the control can be released early to let details free.", document: d, interface: { parameters: [...params, P("control_start", 12, "start_percent", "FLOAT", 0, { min: 0, max: 1, step: 0.05 }), P("control_end", 12, "end_percent", "FLOAT", 1, { min: 0, max: 1, step: 0.05 })], outputs }, metadata: m },
    ],
  };
}

// ---------- LoRA stack
function loraStack(): Template {
  const L1: RequiredModel = { name: "add_detail.safetensors", folder: "loras" };
  const L2: RequiredModel = { name: "watercolor_style.safetensors", folder: "loras" };
  const L3: RequiredModel = { name: "film_grain.safetensors", folder: "loras" };
  const build = (three: boolean) => {
    const loras: N[] = [
      [20, "LoraLoader", { lora_name: L1.name, strength_model: 0.6, strength_clip: 0.6 }, { title: "LoRA 1" }],
      [21, "LoraLoader", { lora_name: L2.name, strength_model: 0.8, strength_clip: 0.8 }, { title: "LoRA 2" }],
      ...(three ? ([[22, "LoraLoader", { lora_name: L3.name, strength_model: 0.3, strength_clip: 0.3 }, { title: "LoRA 3" }]] as N[]) : []),
    ];
    const last = three ? 22 : 21;
    const nodes: N[] = [
      [4, "CheckpointLoaderSimple", { ckpt_name: SD15.name }],
      ...loras,
      [6, "CLIPTextEncode", { text: "portrait of an old fisherman, watercolor" }, { title: "Positive prompt" }],
      [7, "CLIPTextEncode", { text: NEG }, { title: "Negative prompt" }],
      [5, "EmptyLatentImage", { width: 512, height: 768, batch_size: 1 }],
      [3, "KSampler", { seed: 3, steps: 25, cfg: 7, sampler_name: "dpmpp_2m", scheduler: "karras", denoise: 1 }, { controls: { seed: "randomize" } }],
      [8, "VAEDecode", {}],
      [9, "SaveImage", { filename_prefix: "lora" }],
    ];
    const edges: E[] = [
      [4, 0, 20, "model"], [4, 1, 20, "clip"], [20, 0, 21, "model"], [20, 1, 21, "clip"],
      ...(three ? ([[21, 0, 22, "model"], [21, 1, 22, "clip"]] as E[]) : []),
      [last, 0, 3, "model"], [last, 1, 6, "clip"], [last, 1, 7, "clip"],
      [6, 0, 3, "positive"], [7, 0, 3, "negative"], [5, 0, 3, "latent_image"], [3, 0, 8, "samples"], [4, 2, 8, "vae"], [8, 0, 9, "images"],
    ];
    return doc("LoRA stack", "Checkpoint with chained LoRAs.", nodes, edges);
  };
  const d1 = build(false);
  const d2 = build(true);
  const m1 = meta({ title: "LoRA stack", description: "Chain several LoRAs on one checkpoint, each with its own strength.", category: "Style", tags: ["sd15", "lora", "style"], mediaType: "image", requiredModels: [SD15, L1, L2], minVramGb: 4 }, d1);
  const m2 = meta({ ...m1, requiredModels: [SD15, L1, L2, L3] }, d2);
  const outputs = [{ name: "images", nodeId: asNodeId("9"), type: "IMAGE" }];
  const base = [
    P("positive_prompt", 6, "text", "STRING", "portrait of an old fisherman, watercolor"),
    P("negative_prompt", 7, "text", "STRING", NEG),
    P("seed", 3, "seed", "INT", 3, { min: 0 }),
    P("lora_1", 20, "lora_name", "COMBO", L1.name),
    P("strength_1", 20, "strength_model", "FLOAT", 0.6, { min: -2, max: 2, step: 0.05 }),
    P("lora_2", 21, "lora_name", "COMBO", L2.name),
    P("strength_2", 21, "strength_model", "FLOAT", 0.8, { min: -2, max: 2, step: 0.05 }),
  ];
  const third = [P("lora_3", 22, "lora_name", "COMBO", L3.name), P("strength_3", 22, "strength_model", "FLOAT", 0.3, { min: -2, max: 2, step: 0.05 })];
  const renamed = [...base, ...third].map((p) => (/^strength_\d$/.test(p.name) ? { ...p, name: `lora_${p.name.slice(-1)}_strength` } : p));
  return {
    id: "lora-stack",
    accent: "#ff9b5f",
    versions: [
      { version: "1.0.0", changelog: "First release: two LoRAs (detail, watercolor) with model strengths exposed.", document: d1, interface: { parameters: base, outputs }, metadata: m1 },
      { version: "1.1.0", changelog: "Adds a third LoRA slot (film grain, strength 0.3) with \"lora_3\" and \"strength_3\".", document: d2, interface: { parameters: [...base, ...third], outputs }, metadata: m2 },
      { version: "2.0.0", changelog: "Renames \"strength_N\" to \"lora_N_strength\" so each strength sorts beside its LoRA (breaking for callers; upgrades carry the values over).", renamed: { lora_1_strength: "strength_1", lora_2_strength: "strength_2", lora_3_strength: "strength_3" }, document: d2, interface: { parameters: renamed, outputs }, metadata: m2 },
    ],
  };
}

/** A thumbnail drawn from the graph itself: one box per node at its layout position, links as curves. */
function thumbnailOf(t: Template): string {
  const d = t.versions[t.versions.length - 1]!.document;
  const boxes = d.graph.nodes.map((n) => ({ n, l: d.layout.nodes[n.id]! }));
  const maxX = Math.max(...boxes.map((b) => b.l.x + (b.l.width ?? 300)));
  const maxY = Math.max(...boxes.map((b) => b.l.y + (b.l.height ?? 100)));
  const s = Math.min(300 / maxX, 150 / maxY);
  const at = (v: number) => Math.round(v * s * 10) / 10;
  const lines = d.graph.edges.map((e) => {
    const a = d.layout.nodes[e.source]!;
    const b = d.layout.nodes[e.target]!;
    const x1 = at(a.x + (a.width ?? 300)) + 10, y1 = at(a.y + 20) + 15, x2 = at(b.x) + 10, y2 = at(b.y + 20) + 15;
    return `<path d="M${x1} ${y1}C${(x1 + x2) / 2} ${y1} ${(x1 + x2) / 2} ${y2} ${x2} ${y2}" stroke="${t.accent}" stroke-opacity="0.55" fill="none"/>`;
  });
  const rects = boxes.map(({ n, l }) => {
    const out = ["SaveImage", "PreviewImage"].includes(n.type);
    return `<rect x="${at(l.x) + 10}" y="${at(l.y) + 15}" width="${at(l.width ?? 300)}" height="${at(l.height ?? 100)}" rx="3" fill="${out ? t.accent : "#2b3140"}" stroke="${t.accent}" stroke-opacity="0.8"/>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 180" width="320" height="180"><rect width="320" height="180" fill="#151922"/>${lines.join("")}${rects.join("")}</svg>\n`;
}

function toFile(t: Template, v: Version): TemplateVersionFile {
  const file: TemplateVersionFile = {
    format: TEMPLATE_VERSION_FORMAT,
    formatVersion: 1,
    id: t.id,
    version: v.version,
    changelog: v.changelog,
    metadata: v.metadata,
    interface: v.interface,
    document: v.document,
  };
  if (v.renamed) file.renamedParameters = v.renamed;
  return file;
}

const root = join(import.meta.dirname, "..", "workflows");
let written = 0;
for (const t of [txt2img(), sdxl(), hires(), img2img(), inpaint(), upscale(), controlnet(), loraStack()]) {
  const dir = join(root, t.id);
  mkdirSync(dir, { recursive: true });
  for (const v of t.versions) {
    const path = join(dir, `${v.version}.json`);
    if (existsSync(path)) continue;
    writeFileSync(path, `${JSON.stringify(toFile(t, v), null, 2)}\n`);
    written++;
  }
  const thumb = join(dir, "thumbnail.svg");
  if (!existsSync(thumb)) writeFileSync(thumb, thumbnailOf(t));
}
const manifest: Record<string, string> = {};
for (const id of readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
  for (const f of readdirSync(join(root, id)).filter((f) => f.endsWith(".json")).sort()) {
    manifest[`${id}/${f}`] = createHash("sha256").update(readFileSync(join(root, id, f))).digest("hex");
  }
}
const manifestPath = join(root, "manifest.json");
const previous = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, "utf8")) as Record<string, string>) : {};
for (const [file, sha] of Object.entries(previous)) {
  if (manifest[file] !== sha) throw new Error(`${file} changed or vanished since it was published; restore it and publish a new version instead.`);
}
writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`wrote ${written} new version file(s); manifest lists ${Object.keys(manifest).length}`);
