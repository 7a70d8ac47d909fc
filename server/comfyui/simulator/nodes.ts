import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import type { NodeDefinition } from "@/lib/graph/catalogue";
import type { FileRef } from "../protocol";
import {
  blurImage,
  cropImage,
  fromRawImage,
  invertImage,
  scaleImage,
  seededGradient,
  sharpenImage,
  solidImage,
  toRawImage,
  type SimImage,
  type SimMask,
} from "./image";
import { decodePng, encodePng } from "./png";
import { pyFloatStr, pythonJson, pyTruthy } from "./py-json";

/**
 * What simulated nodes do. One entry per class_type; a node type without an
 * entry still runs and yields placeholder outputs of its declared types, so
 * every node in the catalogue can execute.
 */

export interface SimDirs {
  input: string;
  output: string;
  temp: string;
}

/** What a node's validation and execution may look at besides its inputs. */
export interface SimEnv {
  dirs: SimDirs;
  /** Fake model files by folder ("checkpoints" → ["sd15.safetensors"]). */
  models: Record<string, string[]>;
}

export interface NodeContext extends SimEnv {
  nodeId: string;
  classType: string;
  promptId: string;
  prompt: Record<string, unknown>;
  extraData: Record<string, unknown>;
  definition: NodeDefinition;
  /** Resolved input values (links replaced by upstream outputs). */
  inputs: Record<string, unknown>;
  /** Milliseconds a sampler waits per step. */
  stepDelayMs: number;
  /** Reports step progress (`progress_state` + `progress`), optionally with a PNG preview. */
  progress(value: number, max: number, preview?: Buffer): void;
  /** Sends a binary TEXT frame for this node (GetImageSize does). */
  sendText(text: string): void;
  /** Throws if an interrupt is pending (samplers call it every step). */
  checkInterrupt(): void;
  sleep(ms: number): Promise<void>;
  /** Stable per node object: PreviewImage's random temp prefix lives here. */
  state: Record<string, unknown>;
}

export interface NodeResult {
  outputs?: unknown[];
  /** What `executed` reports and /history stores, e.g. `{ images: [...] }`. */
  ui?: Record<string, unknown[]>;
}

export interface NodeBehaviour {
  execute(ctx: NodeContext): NodeResult | Promise<NodeResult>;
  /** ComfyUI's VALIDATE_INPUTS: the inputs it checks instead of min/max/list checks. */
  validate?: { inputs: string[]; check(values: Record<string, unknown>, env: SimEnv): true | false | string };
  /** ComfyUI's IS_CHANGED: part of the cache key (e.g. the hash of a loaded file). */
  isChanged?(inputs: Record<string, unknown>, env: SimEnv): unknown;
}

/** A failure inside a node, reported as `execution_error` with this Python exception type. */
export class NodeExecutionError extends Error {
  constructor(
    readonly pyType: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Placeholder {
  kind: string;
  [key: string]: unknown;
}

export interface SimLatent extends Placeholder {
  kind: "LATENT";
  width: number;
  height: number;
  batch: number;
  seed: number | null;
}

const num = (v: unknown, fallback: number): number => (typeof v === "number" && Number.isFinite(v) ? v : fallback);
const str = (v: unknown, fallback = ""): string => (typeof v === "string" ? v : fallback);

function images(v: unknown): SimImage[] {
  return Array.isArray(v) ? (v as SimImage[]) : [];
}

function latent(v: unknown): SimLatent {
  const l = v as Partial<SimLatent> | undefined;
  return { kind: "LATENT", width: num(l?.width, 512), height: num(l?.height, 512), batch: num(l?.batch, 1), seed: l?.seed ?? null };
}

function placeholderFor(type: unknown, nodeId: string): unknown {
  if (type === "IMAGE") return [solidImage(64, 64, 0x808080)];
  if (type === "MASK") return [{ width: 64, height: 64, data: new Float32Array(64 * 64) } satisfies SimMask];
  if (type === "LATENT") return { kind: "LATENT", width: 512, height: 512, batch: 1, seed: null } satisfies SimLatent;
  if (type === "INT") return 0;
  if (type === "FLOAT") return 0;
  if (type === "STRING") return "";
  if (type === "BOOLEAN") return false;
  return { kind: typeof type === "string" ? type : "COMBO", from: nodeId } satisfies Placeholder;
}

/** Outputs of a node type we have no behaviour for: one placeholder per declared output. */
export function placeholderOutputs(def: NodeDefinition, nodeId: string): unknown[] {
  return def.output.map((type) => placeholderFor(type, nodeId));
}

/** Where `filename_prefix` points: ComfyUI's get_save_image_path (subfolders allowed, escaping the folder is not). */
export function nextSaveName(root: string, prefix: string, extension: string, size?: { width: number; height: number }): { path: string; filename: string; subfolder: string } {
  let p = prefix;
  if (size) p = p.replaceAll("%width%", String(size.width)).replaceAll("%height%", String(size.height));
  const subfolder = dirname(p) === "." ? "" : dirname(p);
  const name = basename(p);
  const folder = resolve(root, subfolder);
  if (folder !== resolve(root) && !folder.startsWith(resolve(root) + sep)) {
    throw new NodeExecutionError("Exception", `**** ERROR: Saving image outside the output folder is not allowed.\n full_output_folder: ${folder}\n         output_dir: ${root}`);
  }
  mkdirSync(folder, { recursive: true });
  const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}_(\\d+)_`);
  let counter = 1;
  for (const file of readdirSync(folder)) {
    const m = pattern.exec(file);
    if (m) counter = Math.max(counter, Number(m[1]) + 1);
  }
  const filename = `${name}_${String(counter).padStart(5, "0")}_.${extension}`;
  return { path: join(folder, filename), filename, subfolder: relative(resolve(root), folder).split(sep).join("/") };
}

function saveImages(ctx: NodeContext, batch: SimImage[], options: { prefix: string; type: "output" | "temp"; level: number }): FileRef[] {
  const root = options.type === "output" ? ctx.dirs.output : ctx.dirs.temp;
  const text: Record<string, string> = { prompt: pythonJson(ctx.prompt) };
  const pnginfo = ctx.extraData.extra_pnginfo;
  if (pnginfo && typeof pnginfo === "object") for (const [k, v] of Object.entries(pnginfo)) text[k] = pythonJson(v);
  return batch.map((image) => {
    const target = nextSaveName(root, options.prefix, "png", image);
    writeFileSync(target.path, encodePng(toRawImage(image), { text, level: options.level }));
    return { filename: target.filename, subfolder: target.subfolder, type: options.type };
  });
}

function requireModel(ctx: NodeContext, folder: string, name: unknown): Placeholder {
  const file = str(name);
  if (!(ctx.models[folder] ?? []).includes(file)) {
    throw new NodeExecutionError("FileNotFoundError", `Model in folder '${folder}' with filename '${file}' not found.`);
  }
  return { kind: folder, name: file };
}

function inputFile(env: SimEnv, name: string): string | null {
  const path = resolve(env.dirs.input, name);
  if (!path.startsWith(resolve(env.dirs.input) + sep)) return null;
  return existsSync(path) ? path : null;
}

async function sample(ctx: NodeContext, steps: number, seed: number, samples: unknown): Promise<NodeResult> {
  for (let step = 0; step < steps; step++) {
    ctx.checkInterrupt();
    await ctx.sleep(ctx.stepDelayMs);
    ctx.progress(step + 1, steps);
  }
  const l = latent(samples);
  return { outputs: [{ ...l, seed } satisfies SimLatent] };
}

function loader(folder: string, inputName: string, outputs: number): NodeBehaviour {
  return {
    execute: (ctx) => {
      const model = requireModel(ctx, folder, ctx.inputs[inputName]);
      return { outputs: Array.from({ length: outputs }, (_, i) => ({ ...model, output: i })) };
    },
  };
}

const passthrough = (...names: string[]): NodeBehaviour => ({ execute: (ctx) => ({ outputs: names.map((n) => ctx.inputs[n]) }) });

/** Simulated behaviour of core nodes; add one entry to teach the simulator a node. */
export const defaultBehaviours: Record<string, NodeBehaviour> = {
  EmptyImage: {
    execute: ({ inputs }) => {
      const batch = Array.from({ length: num(inputs.batch_size, 1) }, () => solidImage(num(inputs.width, 512), num(inputs.height, 512), num(inputs.color, 0)));
      return { outputs: [batch] };
    },
  },
  ImageInvert: { execute: ({ inputs }) => ({ outputs: [images(inputs.image).map(invertImage)] }) },
  ImageScale: {
    execute: ({ inputs }) => {
      const out = images(inputs.image).map((img) => {
        let w = num(inputs.width, 512);
        let h = num(inputs.height, 512);
        if (w === 0 && h === 0) return img;
        if (w === 0) w = Math.max(1, Math.round((img.width * h) / img.height));
        if (h === 0) h = Math.max(1, Math.round((img.height * w) / img.width));
        return scaleImage(img, w, h, { method: str(inputs.upscale_method, "nearest-exact"), crop: str(inputs.crop, "disabled") });
      });
      return { outputs: [out] };
    },
  },
  ImageScaleBy: {
    execute: ({ inputs }) => {
      const by = num(inputs.scale_by, 1);
      const out = images(inputs.image).map((img) =>
        scaleImage(img, Math.max(1, Math.round(img.width * by)), Math.max(1, Math.round(img.height * by)), { method: str(inputs.upscale_method), crop: "disabled" }),
      );
      return { outputs: [out] };
    },
  },
  ImageBlur: {
    execute: ({ inputs }) => ({ outputs: [images(inputs.image).map((img) => blurImage(img, num(inputs.blur_radius, 1), num(inputs.sigma, 1)))] }),
  },
  ImageSharpen: {
    execute: ({ inputs }) => ({
      outputs: [images(inputs.image).map((img) => sharpenImage(img, num(inputs.sharpen_radius, 1), num(inputs.sigma, 1), num(inputs.alpha, 1)))],
    }),
  },
  ImageCrop: {
    execute: ({ inputs }) => ({
      outputs: [images(inputs.image).map((img) => cropImage(img, num(inputs.x, 0), num(inputs.y, 0), num(inputs.width, 512), num(inputs.height, 512)))],
    }),
  },
  ImageBatch: {
    execute: ({ inputs }) => {
      const a = images(inputs.image1);
      const first = a[0];
      const b = images(inputs.image2).map((img) =>
        first && (img.width !== first.width || img.height !== first.height) ? scaleImage(img, first.width, first.height, { method: "bilinear", crop: "center" }) : img,
      );
      return { outputs: [[...a, ...b]] };
    },
  },
  GetImageSize: {
    execute: (ctx) => {
      const batch = images(ctx.inputs.image);
      const width = batch[0]?.width ?? 0;
      const height = batch[0]?.height ?? 0;
      ctx.sendText(`width: ${width}, height: ${height}\n batch size: ${batch.length}`);
      return { outputs: [width, height, batch.length] };
    },
  },
  SaveImage: {
    execute: (ctx) => ({
      ui: { images: saveImages(ctx, images(ctx.inputs.images), { prefix: str(ctx.inputs.filename_prefix, "ComfyUI"), type: "output", level: 4 }) },
    }),
  },
  PreviewImage: {
    execute: (ctx) => {
      // ComfyUI gives each PreviewImage object a random 5-letter temp prefix.
      const letters = "abcdefghijklmnopqrstupvxyz";
      ctx.state.prefix ??= `ComfyUI_temp_${Array.from({ length: 5 }, () => letters[Math.floor(Math.random() * letters.length)]).join("")}`;
      return { ui: { images: saveImages(ctx, images(ctx.inputs.images), { prefix: ctx.state.prefix as string, type: "temp", level: 1 }) } };
    },
  },
  SaveImageWebsocket: {
    execute: (ctx) => {
      const batch = images(ctx.inputs.images);
      batch.forEach((img, i) => ctx.progress(i, batch.length, encodePng(toRawImage(img), { level: 1 })));
      return { ui: {} };
    },
  },
  LoadImage: {
    validate: {
      inputs: ["image"],
      check: (values, env) => (inputFile(env, str(values.image)) ? true : `Invalid image file: ${str(values.image)}`),
    },
    isChanged: (inputs, env) => {
      const path = inputFile(env, str(inputs.image));
      return path ? createHash("sha256").update(readFileSync(path)).digest("hex") : null;
    },
    execute: (ctx) => {
      const path = inputFile(ctx, str(ctx.inputs.image));
      const decoded = path ? decodePng(readFileSync(path)) : null;
      if (!decoded) throw new NodeExecutionError("PIL.UnidentifiedImageError", `cannot identify image file '${str(ctx.inputs.image)}'`);
      const { image, mask } = fromRawImage(decoded);
      return { outputs: [[image], [mask]] };
    },
  },
  ImageToMask: {
    execute: ({ inputs }) => {
      const channel = ["red", "green", "blue"].indexOf(str(inputs.channel, "red"));
      const masks = images(inputs.image).map((img) => ({
        width: img.width,
        height: img.height,
        data: Float32Array.from({ length: img.width * img.height }, (_, i) => img.data[i * 3 + Math.max(0, channel)]!),
      }));
      return { outputs: [masks] };
    },
  },
  MaskToImage: {
    execute: ({ inputs }) => {
      const masks = (Array.isArray(inputs.mask) ? inputs.mask : []) as SimMask[];
      return { outputs: [masks.map((m) => ({ width: m.width, height: m.height, data: Float32Array.from({ length: m.data.length * 3 }, (_, i) => m.data[Math.floor(i / 3)]!) }))] };
    },
  },
  SolidMask: {
    execute: ({ inputs }) => {
      const w = num(inputs.width, 512);
      const h = num(inputs.height, 512);
      return { outputs: [[{ width: w, height: h, data: new Float32Array(w * h).fill(num(inputs.value, 1)) }]] };
    },
  },
  InvertMask: {
    execute: ({ inputs }) => {
      const masks = (Array.isArray(inputs.mask) ? inputs.mask : []) as SimMask[];
      return { outputs: [masks.map((m) => ({ ...m, data: m.data.map((v) => 1 - v) }))] };
    },
  },
  PreviewAny: {
    execute: ({ inputs }) => {
      const v = inputs.source;
      let text: string;
      if (typeof v === "string") text = v;
      else if (typeof v === "number") text = Number.isInteger(v) ? String(v) : pyFloatStr(v);
      else if (typeof v === "boolean") text = v ? "True" : "False";
      else {
        try {
          text = pythonJson(v);
        } catch {
          text = String(v);
        }
      }
      return { ui: { text: [text] } };
    },
  },
  PrimitiveString: passthrough("value"),
  PrimitiveInt: passthrough("value"),
  PrimitiveFloat: passthrough("value"),
  PrimitiveBoolean: passthrough("value"),
  StringConcatenate: {
    execute: ({ inputs }) => ({ outputs: [`${str(inputs.string_a)}${str(inputs.delimiter)}${str(inputs.string_b)}`] }),
  },
  RegexReplace: {
    execute: ({ inputs }) => {
      let flags = "g";
      if (inputs.case_insensitive === undefined || pyTruthy(inputs.case_insensitive)) flags += "i";
      if (pyTruthy(inputs.multiline)) flags += "m";
      if (pyTruthy(inputs.dotall)) flags += "s";
      let re: RegExp;
      try {
        re = new RegExp(str(inputs.regex_pattern), flags);
      } catch (error) {
        throw new NodeExecutionError("re.error", (error as Error).message);
      }
      const template = str(inputs.replace);
      const count = num(inputs.count, 0);
      let done = 0;
      const result = str(inputs.string).replace(re, (...args: unknown[]) => {
        const match = args[0] as string;
        if (count > 0 && done >= count) return match;
        done++;
        // Python's replacement syntax: \1 or \g<1> for a group.
        return template.replace(/\\(?:g<(\d+)>|(\d+))/g, (_m, a: string | undefined, b: string | undefined) => String(args[Number(a ?? b)] ?? ""));
      });
      return { outputs: [result] };
    },
  },

  CheckpointLoaderSimple: loader("checkpoints", "ckpt_name", 3),
  VAELoader: {
    execute: (ctx) => ({ outputs: [ctx.inputs.vae_name === "pixel_space" ? { kind: "vae", name: "pixel_space" } : requireModel(ctx, "vae", ctx.inputs.vae_name)] }),
  },
  CLIPLoader: loader("text_encoders", "clip_name", 1),
  UNETLoader: loader("diffusion_models", "unet_name", 1),
  ControlNetLoader: loader("controlnet", "control_net_name", 1),
  UpscaleModelLoader: loader("upscale_models", "model_name", 1),
  CLIPVisionLoader: loader("clip_vision", "clip_name", 1),
  StyleModelLoader: loader("style_models", "style_model_name", 1),
  LoraLoader: {
    execute: (ctx) => {
      requireModel(ctx, "loras", ctx.inputs.lora_name);
      return { outputs: [ctx.inputs.model, ctx.inputs.clip] };
    },
  },
  LoraLoaderModelOnly: {
    execute: (ctx) => {
      requireModel(ctx, "loras", ctx.inputs.lora_name);
      return { outputs: [ctx.inputs.model] };
    },
  },
  CLIPTextEncode: { execute: ({ inputs }) => ({ outputs: [{ kind: "CONDITIONING", text: str(inputs.text) }] }) },
  EmptyLatentImage: {
    execute: ({ inputs }) => ({
      outputs: [{ kind: "LATENT", width: num(inputs.width, 512), height: num(inputs.height, 512), batch: num(inputs.batch_size, 1), seed: null } satisfies SimLatent],
    }),
  },
  KSampler: { execute: (ctx) => sample(ctx, num(ctx.inputs.steps, 20), num(ctx.inputs.seed, 0), ctx.inputs.latent_image) },
  KSamplerAdvanced: {
    execute: (ctx) => {
      const steps = num(ctx.inputs.steps, 20);
      const start = Math.min(steps, num(ctx.inputs.start_at_step, 0));
      const end = Math.min(steps, num(ctx.inputs.end_at_step, steps));
      return sample(ctx, Math.max(0, end - start), num(ctx.inputs.noise_seed, 0), ctx.inputs.latent_image);
    },
  },
  LatentUpscale: {
    execute: ({ inputs }) => {
      const l = latent(inputs.samples);
      return { outputs: [{ ...l, width: num(inputs.width, l.width) || l.width, height: num(inputs.height, l.height) || l.height }] };
    },
  },
  LatentUpscaleBy: {
    execute: ({ inputs }) => {
      const l = latent(inputs.samples);
      const by = num(inputs.scale_by, 1);
      return { outputs: [{ ...l, width: Math.round(l.width * by), height: Math.round(l.height * by) }] };
    },
  },
  VAEDecode: {
    execute: ({ inputs }) => {
      const l = latent(inputs.samples);
      return { outputs: [Array.from({ length: l.batch }, (_, i) => seededGradient(l.width, l.height, (l.seed ?? 0) + i))] };
    },
  },
  VAEDecodeTiled: {
    execute: ({ inputs }) => {
      const l = latent(inputs.samples);
      return { outputs: [Array.from({ length: l.batch }, (_, i) => seededGradient(l.width, l.height, (l.seed ?? 0) + i))] };
    },
  },
  VAEEncode: {
    execute: ({ inputs }) => {
      const batch = images(inputs.pixels);
      return { outputs: [{ kind: "LATENT", width: batch[0]?.width ?? 512, height: batch[0]?.height ?? 512, batch: batch.length, seed: null } satisfies SimLatent] };
    },
  },
  SaveLatent: {
    execute: (ctx) => {
      const target = nextSaveName(ctx.dirs.output, str(ctx.inputs.filename_prefix, "latents/ComfyUI"), "latent");
      writeFileSync(target.path, JSON.stringify(latent(ctx.inputs.samples)));
      return { ui: { latents: [{ filename: target.filename, subfolder: target.subfolder, type: "output" }] } };
    },
  },
};
