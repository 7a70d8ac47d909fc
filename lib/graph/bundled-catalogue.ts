import type { InputSpec, NodeCatalogue, NodeDefinition } from "./catalogue";

/**
 * The bundled catalogue: core ComfyUI node definitions in `/object_info`
 * shape, serving when no ComfyUI server answers. Transcribed from ComfyUI
 * 0.8.0's documented node API (names, types, defaults, bounds, combo lists);
 * tooltips are left out. A test compares every definition here with the
 * captured `/object_info`.
 *
 * Dropdowns listing files on a server (checkpoints, LoRAs, VAEs, input
 * images, …) are empty lists: only a live server knows its files. The one
 * such list with a built-in entry (VAELoader's "pixel_space") carries our own
 * option `server_files: true`. Validate against this catalogue with
 * `{ emptyCombos: "ignore" }` so these lists do not reject every model name.
 */

/** ComfyUI's seed maximum, 0xffffffffffffffff; as a JS number it rounds to 2^64, as JSON.parse of the server's answer does. */
const SEED_MAX = 2 ** 64;
/** Python's sys.maxsize (2^63 - 1); rounds to 2^63 as a JS number, as JSON.parse of the server's answer does. */
const INT64_MAX = 2 ** 63;

const SAMPLERS = [
  "euler", "euler_cfg_pp", "euler_ancestral", "euler_ancestral_cfg_pp", "heun", "heunpp2", "exp_heun_2_x0",
  "exp_heun_2_x0_sde", "dpm_2", "dpm_2_ancestral", "lms", "dpm_fast", "dpm_adaptive", "dpmpp_2s_ancestral",
  "dpmpp_2s_ancestral_cfg_pp", "dpmpp_sde", "dpmpp_sde_gpu", "dpmpp_2m", "dpmpp_2m_cfg_pp", "dpmpp_2m_sde",
  "dpmpp_2m_sde_gpu", "dpmpp_2m_sde_heun", "dpmpp_2m_sde_heun_gpu", "dpmpp_3m_sde", "dpmpp_3m_sde_gpu",
  "ddpm", "lcm", "ipndm", "ipndm_v", "deis", "res_multistep", "res_multistep_cfg_pp",
  "res_multistep_ancestral", "res_multistep_ancestral_cfg_pp", "gradient_estimation",
  "gradient_estimation_cfg_pp", "er_sde", "seeds_2", "seeds_3", "sa_solver", "sa_solver_pece", "ddim",
  "uni_pc", "uni_pc_bh2",
];

const SCHEDULERS = [
  "simple", "sgm_uniform", "karras", "exponential", "ddim_uniform", "beta", "normal", "linear_quadratic",
  "kl_optimal",
];

const UPSCALE_METHODS = ["nearest-exact", "bilinear", "area", "bicubic", "lanczos"];

interface Definition {
  name: string;
  /** Display name; null where ComfyUI gives none (V3 nodes without one). */
  display?: string | null;
  category: string;
  module: string;
  required?: Record<string, InputSpec>;
  optional?: Record<string, InputSpec>;
  hidden?: Record<string, unknown>;
  /** Output types; `[type, name]` when the name differs from the type. */
  outputs?: (string | [string, string])[];
  outputIsList?: boolean[];
  outputNode?: boolean;
  deprecated?: boolean;
  experimental?: boolean;
}

function define(d: Definition): NodeDefinition {
  const outputs = d.outputs ?? [];
  const input: NodeDefinition["input"] = { required: d.required ?? {} };
  const inputOrder: NonNullable<NodeDefinition["input_order"]> = { required: Object.keys(d.required ?? {}) };
  if (d.optional) {
    input.optional = d.optional;
    inputOrder.optional = Object.keys(d.optional);
  }
  if (d.hidden) {
    input.hidden = d.hidden;
    inputOrder.hidden = Object.keys(d.hidden);
  }
  const def: NodeDefinition = {
    input,
    input_order: inputOrder,
    output: outputs.map((o) => (typeof o === "string" ? o : o[0])),
    output_is_list: d.outputIsList ?? outputs.map(() => false),
    output_name: outputs.map((o) => (typeof o === "string" ? o : o[1])),
    name: d.name,
    display_name: d.display === undefined ? d.name : d.display,
    description: "",
    python_module: d.module,
    category: d.category,
    output_node: d.outputNode ?? false,
  };
  if (d.deprecated) def.deprecated = true;
  if (d.experimental) def.experimental = true;
  return def;
}

const definitions: NodeDefinition[] = [
  define({
    name: "CheckpointLoaderSimple",
    display: "Load Checkpoint",
    category: "loaders",
    module: "nodes",
    required: {
      ckpt_name: [[]],
    },
    outputs: ["MODEL", "CLIP", "VAE"],
  }),
  define({
    name: "VAELoader",
    display: "Load VAE",
    category: "loaders",
    module: "nodes",
    required: {
      vae_name: [["pixel_space"], { server_files: true }],
    },
    outputs: ["VAE"],
  }),
  define({
    name: "LoraLoader",
    display: "Load LoRA",
    category: "loaders",
    module: "nodes",
    required: {
      model: ["MODEL"],
      clip: ["CLIP"],
      lora_name: [[]],
      strength_model: ["FLOAT", { default: 1, min: -100, max: 100, step: 0.01 }],
      strength_clip: ["FLOAT", { default: 1, min: -100, max: 100, step: 0.01 }],
    },
    outputs: ["MODEL", "CLIP"],
  }),
  define({
    name: "LoraLoaderModelOnly",
    category: "loaders",
    module: "nodes",
    required: {
      model: ["MODEL"],
      lora_name: [[]],
      strength_model: ["FLOAT", { default: 1, min: -100, max: 100, step: 0.01 }],
    },
    outputs: ["MODEL"],
  }),
  define({
    name: "ControlNetLoader",
    display: "Load ControlNet Model",
    category: "loaders",
    module: "nodes",
    required: {
      control_net_name: [[]],
    },
    outputs: ["CONTROL_NET"],
  }),
  define({
    name: "UpscaleModelLoader",
    display: "Load Upscale Model",
    category: "loaders",
    module: "comfy_extras.nodes_upscale_model",
    required: {
      model_name: ["COMBO", { multiselect: false, options: [] }],
    },
    outputs: ["UPSCALE_MODEL"],
  }),
  define({
    name: "CLIPLoader",
    display: "Load CLIP",
    category: "advanced/loaders",
    module: "nodes",
    required: {
      clip_name: [[]],
      type: [["stable_diffusion", "stable_cascade", "sd3", "stable_audio", "mochi", "ltxv", "pixart", "cosmos", "lumina2", "wan", "hidream", "chroma", "ace", "omnigen2", "qwen_image", "hunyuan_image", "flux2", "ovis"]],
    },
    optional: {
      device: [["default", "cpu"], { advanced: true }],
    },
    outputs: ["CLIP"],
  }),
  define({
    name: "DualCLIPLoader",
    category: "advanced/loaders",
    module: "nodes",
    required: {
      clip_name1: [[]],
      clip_name2: [[]],
      type: [["sdxl", "sd3", "flux", "hunyuan_video", "hidream", "hunyuan_image", "hunyuan_video_15", "kandinsky5", "kandinsky5_image", "ltxv", "newbie"]],
    },
    optional: {
      device: [["default", "cpu"], { advanced: true }],
    },
    outputs: ["CLIP"],
  }),
  define({
    name: "UNETLoader",
    display: "Load Diffusion Model",
    category: "advanced/loaders",
    module: "nodes",
    required: {
      unet_name: [[]],
      weight_dtype: [["default", "fp8_e4m3fn", "fp8_e4m3fn_fast", "fp8_e5m2"]],
    },
    outputs: ["MODEL"],
  }),
  define({
    name: "CLIPVisionLoader",
    display: "Load CLIP Vision",
    category: "loaders",
    module: "nodes",
    required: {
      clip_name: [[]],
    },
    outputs: ["CLIP_VISION"],
  }),
  define({
    name: "StyleModelLoader",
    display: "Load Style Model",
    category: "loaders",
    module: "nodes",
    required: {
      style_model_name: [[]],
    },
    outputs: ["STYLE_MODEL"],
  }),
  define({
    name: "unCLIPCheckpointLoader",
    category: "loaders",
    module: "nodes",
    required: {
      ckpt_name: [[]],
    },
    outputs: ["MODEL", "CLIP", "VAE", "CLIP_VISION"],
  }),
  define({
    name: "CLIPTextEncode",
    display: "CLIP Text Encode (Prompt)",
    category: "conditioning",
    module: "nodes",
    required: {
      text: ["STRING", { multiline: true, dynamicPrompts: true }],
      clip: ["CLIP"],
    },
    outputs: ["CONDITIONING"],
  }),
  define({
    name: "CLIPSetLastLayer",
    display: "CLIP Set Last Layer",
    category: "conditioning",
    module: "nodes",
    required: {
      clip: ["CLIP"],
      stop_at_clip_layer: ["INT", { default: -1, min: -24, max: -1, step: 1 }],
    },
    outputs: ["CLIP"],
  }),
  define({
    name: "ConditioningCombine",
    display: "Conditioning (Combine)",
    category: "conditioning",
    module: "nodes",
    required: {
      conditioning_1: ["CONDITIONING"],
      conditioning_2: ["CONDITIONING"],
    },
    outputs: ["CONDITIONING"],
  }),
  define({
    name: "ConditioningConcat",
    display: "Conditioning (Concat)",
    category: "conditioning",
    module: "nodes",
    required: {
      conditioning_to: ["CONDITIONING"],
      conditioning_from: ["CONDITIONING"],
    },
    outputs: ["CONDITIONING"],
  }),
  define({
    name: "ConditioningSetArea",
    display: "Conditioning (Set Area)",
    category: "conditioning",
    module: "nodes",
    required: {
      conditioning: ["CONDITIONING"],
      width: ["INT", { default: 64, min: 64, max: 16384, step: 8 }],
      height: ["INT", { default: 64, min: 64, max: 16384, step: 8 }],
      x: ["INT", { default: 0, min: 0, max: 16384, step: 8 }],
      y: ["INT", { default: 0, min: 0, max: 16384, step: 8 }],
      strength: ["FLOAT", { default: 1, min: 0, max: 10, step: 0.01 }],
    },
    outputs: ["CONDITIONING"],
  }),
  define({
    name: "ConditioningSetMask",
    display: "Conditioning (Set Mask)",
    category: "conditioning",
    module: "nodes",
    required: {
      conditioning: ["CONDITIONING"],
      mask: ["MASK"],
      strength: ["FLOAT", { default: 1, min: 0, max: 10, step: 0.01 }],
      set_cond_area: [["default", "mask bounds"]],
    },
    outputs: ["CONDITIONING"],
  }),
  define({
    name: "ConditioningZeroOut",
    category: "advanced/conditioning",
    module: "nodes",
    required: {
      conditioning: ["CONDITIONING"],
    },
    outputs: ["CONDITIONING"],
  }),
  define({
    name: "ControlNetApply",
    display: "Apply ControlNet (OLD)",
    category: "conditioning/controlnet",
    module: "nodes",
    required: {
      conditioning: ["CONDITIONING"],
      control_net: ["CONTROL_NET"],
      image: ["IMAGE"],
      strength: ["FLOAT", { default: 1, min: 0, max: 10, step: 0.01 }],
    },
    outputs: ["CONDITIONING"],
    deprecated: true,
  }),
  define({
    name: "ControlNetApplyAdvanced",
    display: "Apply ControlNet",
    category: "conditioning/controlnet",
    module: "nodes",
    required: {
      positive: ["CONDITIONING"],
      negative: ["CONDITIONING"],
      control_net: ["CONTROL_NET"],
      image: ["IMAGE"],
      strength: ["FLOAT", { default: 1, min: 0, max: 10, step: 0.01 }],
      start_percent: ["FLOAT", { default: 0, min: 0, max: 1, step: 0.001 }],
      end_percent: ["FLOAT", { default: 1, min: 0, max: 1, step: 0.001 }],
    },
    optional: {
      vae: ["VAE"],
    },
    outputs: [["CONDITIONING", "positive"], ["CONDITIONING", "negative"]],
  }),
  define({
    name: "CLIPVisionEncode",
    display: "CLIP Vision Encode",
    category: "conditioning",
    module: "nodes",
    required: {
      clip_vision: ["CLIP_VISION"],
      image: ["IMAGE"],
      crop: [["center", "none"]],
    },
    outputs: ["CLIP_VISION_OUTPUT"],
  }),
  define({
    name: "InpaintModelConditioning",
    category: "conditioning/inpaint",
    module: "nodes",
    required: {
      positive: ["CONDITIONING"],
      negative: ["CONDITIONING"],
      vae: ["VAE"],
      pixels: ["IMAGE"],
      mask: ["MASK"],
      noise_mask: ["BOOLEAN", { default: true }],
    },
    outputs: [["CONDITIONING", "positive"], ["CONDITIONING", "negative"], ["LATENT", "latent"]],
  }),
  define({
    name: "KSampler",
    category: "sampling",
    module: "nodes",
    required: {
      model: ["MODEL"],
      seed: ["INT", { default: 0, min: 0, max: SEED_MAX, control_after_generate: true }],
      steps: ["INT", { default: 20, min: 1, max: 10000 }],
      cfg: ["FLOAT", { default: 8, min: 0, max: 100, step: 0.1, round: 0.01 }],
      sampler_name: [SAMPLERS],
      scheduler: [SCHEDULERS],
      positive: ["CONDITIONING"],
      negative: ["CONDITIONING"],
      latent_image: ["LATENT"],
      denoise: ["FLOAT", { default: 1, min: 0, max: 1, step: 0.01 }],
    },
    outputs: ["LATENT"],
  }),
  define({
    name: "KSamplerAdvanced",
    display: "KSampler (Advanced)",
    category: "sampling",
    module: "nodes",
    required: {
      model: ["MODEL"],
      add_noise: [["enable", "disable"]],
      noise_seed: ["INT", { default: 0, min: 0, max: SEED_MAX, control_after_generate: true }],
      steps: ["INT", { default: 20, min: 1, max: 10000 }],
      cfg: ["FLOAT", { default: 8, min: 0, max: 100, step: 0.1, round: 0.01 }],
      sampler_name: [SAMPLERS],
      scheduler: [SCHEDULERS],
      positive: ["CONDITIONING"],
      negative: ["CONDITIONING"],
      latent_image: ["LATENT"],
      start_at_step: ["INT", { default: 0, min: 0, max: 10000 }],
      end_at_step: ["INT", { default: 10000, min: 0, max: 10000 }],
      return_with_leftover_noise: [["disable", "enable"]],
    },
    outputs: ["LATENT"],
  }),
  define({
    name: "EmptyLatentImage",
    display: "Empty Latent Image",
    category: "latent",
    module: "nodes",
    required: {
      width: ["INT", { default: 512, min: 16, max: 16384, step: 8 }],
      height: ["INT", { default: 512, min: 16, max: 16384, step: 8 }],
      batch_size: ["INT", { default: 1, min: 1, max: 4096 }],
    },
    outputs: ["LATENT"],
  }),
  define({
    name: "LatentUpscale",
    display: "Upscale Latent",
    category: "latent",
    module: "nodes",
    required: {
      samples: ["LATENT"],
      upscale_method: [["nearest-exact", "bilinear", "area", "bicubic", "bislerp"]],
      width: ["INT", { default: 512, min: 0, max: 16384, step: 8 }],
      height: ["INT", { default: 512, min: 0, max: 16384, step: 8 }],
      crop: [["disabled", "center"]],
    },
    outputs: ["LATENT"],
  }),
  define({
    name: "LatentUpscaleBy",
    display: "Upscale Latent By",
    category: "latent",
    module: "nodes",
    required: {
      samples: ["LATENT"],
      upscale_method: [["nearest-exact", "bilinear", "area", "bicubic", "bislerp"]],
      scale_by: ["FLOAT", { default: 1.5, min: 0.01, max: 8, step: 0.01 }],
    },
    outputs: ["LATENT"],
  }),
  define({
    name: "LatentComposite",
    display: "Latent Composite",
    category: "latent",
    module: "nodes",
    required: {
      samples_to: ["LATENT"],
      samples_from: ["LATENT"],
      x: ["INT", { default: 0, min: 0, max: 16384, step: 8 }],
      y: ["INT", { default: 0, min: 0, max: 16384, step: 8 }],
      feather: ["INT", { default: 0, min: 0, max: 16384, step: 8 }],
    },
    outputs: ["LATENT"],
  }),
  define({
    name: "LatentFromBatch",
    display: "Latent From Batch",
    category: "latent/batch",
    module: "nodes",
    required: {
      samples: ["LATENT"],
      batch_index: ["INT", { default: 0, min: 0, max: 63 }],
      length: ["INT", { default: 1, min: 1, max: 64 }],
    },
    outputs: ["LATENT"],
  }),
  define({
    name: "RepeatLatentBatch",
    display: "Repeat Latent Batch",
    category: "latent/batch",
    module: "nodes",
    required: {
      samples: ["LATENT"],
      amount: ["INT", { default: 1, min: 1, max: 64 }],
    },
    outputs: ["LATENT"],
  }),
  define({
    name: "SetLatentNoiseMask",
    display: "Set Latent Noise Mask",
    category: "latent/inpaint",
    module: "nodes",
    required: {
      samples: ["LATENT"],
      mask: ["MASK"],
    },
    outputs: ["LATENT"],
  }),
  define({
    name: "VAEDecode",
    display: "VAE Decode",
    category: "latent",
    module: "nodes",
    required: {
      samples: ["LATENT"],
      vae: ["VAE"],
    },
    outputs: ["IMAGE"],
  }),
  define({
    name: "VAEEncode",
    display: "VAE Encode",
    category: "latent",
    module: "nodes",
    required: {
      pixels: ["IMAGE"],
      vae: ["VAE"],
    },
    outputs: ["LATENT"],
  }),
  define({
    name: "VAEEncodeForInpaint",
    display: "VAE Encode (for Inpainting)",
    category: "latent/inpaint",
    module: "nodes",
    required: {
      pixels: ["IMAGE"],
      vae: ["VAE"],
      mask: ["MASK"],
      grow_mask_by: ["INT", { default: 6, min: 0, max: 64, step: 1 }],
    },
    outputs: ["LATENT"],
  }),
  define({
    name: "VAEDecodeTiled",
    display: "VAE Decode (Tiled)",
    category: "_for_testing",
    module: "nodes",
    required: {
      samples: ["LATENT"],
      vae: ["VAE"],
      tile_size: ["INT", { default: 512, min: 64, max: 4096, step: 32 }],
      overlap: ["INT", { default: 64, min: 0, max: 4096, step: 32 }],
      temporal_size: ["INT", { default: 64, min: 8, max: 4096, step: 4 }],
      temporal_overlap: ["INT", { default: 8, min: 4, max: 4096, step: 4 }],
    },
    outputs: ["IMAGE"],
  }),
  define({
    name: "VAEEncodeTiled",
    display: "VAE Encode (Tiled)",
    category: "_for_testing",
    module: "nodes",
    required: {
      pixels: ["IMAGE"],
      vae: ["VAE"],
      tile_size: ["INT", { default: 512, min: 64, max: 4096, step: 64 }],
      overlap: ["INT", { default: 64, min: 0, max: 4096, step: 32 }],
      temporal_size: ["INT", { default: 64, min: 8, max: 4096, step: 4 }],
      temporal_overlap: ["INT", { default: 8, min: 4, max: 4096, step: 4 }],
    },
    outputs: ["LATENT"],
  }),
  define({
    name: "SaveLatent",
    category: "_for_testing",
    module: "nodes",
    required: {
      samples: ["LATENT"],
      filename_prefix: ["STRING", { default: "latents/ComfyUI" }],
    },
    hidden: { prompt: "PROMPT", extra_pnginfo: "EXTRA_PNGINFO" },
    outputNode: true,
  }),
  define({
    name: "LoadLatent",
    category: "_for_testing",
    module: "nodes",
    required: {
      latent: [[]],
    },
    outputs: ["LATENT"],
  }),
  define({
    name: "EmptyImage",
    category: "image",
    module: "nodes",
    required: {
      width: ["INT", { default: 512, min: 1, max: 16384, step: 1 }],
      height: ["INT", { default: 512, min: 1, max: 16384, step: 1 }],
      batch_size: ["INT", { default: 1, min: 1, max: 4096 }],
      color: ["INT", { default: 0, min: 0, max: 16777215, step: 1, display: "color" }],
    },
    outputs: ["IMAGE"],
  }),
  define({
    name: "ImageInvert",
    display: "Invert Image",
    category: "image",
    module: "nodes",
    required: {
      image: ["IMAGE"],
    },
    outputs: ["IMAGE"],
  }),
  define({
    name: "ImageBlur",
    display: null,
    category: "image/postprocessing",
    module: "comfy_extras.nodes_post_processing",
    required: {
      image: ["IMAGE"],
      blur_radius: ["INT", { default: 1, min: 1, max: 31, step: 1 }],
      sigma: ["FLOAT", { default: 1, min: 0.1, max: 10, step: 0.1 }],
    },
    outputs: ["IMAGE"],
  }),
  define({
    name: "ImageSharpen",
    display: null,
    category: "image/postprocessing",
    module: "comfy_extras.nodes_post_processing",
    required: {
      image: ["IMAGE"],
      sharpen_radius: ["INT", { default: 1, min: 1, max: 31, step: 1 }],
      sigma: ["FLOAT", { default: 1, min: 0.1, max: 10, step: 0.01 }],
      alpha: ["FLOAT", { default: 1, min: 0, max: 5, step: 0.01 }],
    },
    outputs: ["IMAGE"],
  }),
  define({
    name: "ImageScale",
    display: "Upscale Image",
    category: "image/upscaling",
    module: "nodes",
    required: {
      image: ["IMAGE"],
      upscale_method: [UPSCALE_METHODS],
      width: ["INT", { default: 512, min: 0, max: 16384, step: 1 }],
      height: ["INT", { default: 512, min: 0, max: 16384, step: 1 }],
      crop: [["disabled", "center"]],
    },
    outputs: ["IMAGE"],
  }),
  define({
    name: "ImageScaleBy",
    display: "Upscale Image By",
    category: "image/upscaling",
    module: "nodes",
    required: {
      image: ["IMAGE"],
      upscale_method: [UPSCALE_METHODS],
      scale_by: ["FLOAT", { default: 1, min: 0.01, max: 8, step: 0.01 }],
    },
    outputs: ["IMAGE"],
  }),
  define({
    name: "ImageUpscaleWithModel",
    display: "Upscale Image (using Model)",
    category: "image/upscaling",
    module: "comfy_extras.nodes_upscale_model",
    required: {
      upscale_model: ["UPSCALE_MODEL"],
      image: ["IMAGE"],
    },
    outputs: ["IMAGE"],
  }),
  define({
    name: "ImageCrop",
    display: "Image Crop",
    category: "image/transform",
    module: "comfy_extras.nodes_images",
    required: {
      image: ["IMAGE"],
      width: ["INT", { default: 512, min: 1, max: 16384, step: 1 }],
      height: ["INT", { default: 512, min: 1, max: 16384, step: 1 }],
      x: ["INT", { default: 0, min: 0, max: 16384, step: 1 }],
      y: ["INT", { default: 0, min: 0, max: 16384, step: 1 }],
    },
    outputs: ["IMAGE"],
  }),
  define({
    name: "ImagePadForOutpaint",
    display: "Pad Image for Outpainting",
    category: "image",
    module: "nodes",
    required: {
      image: ["IMAGE"],
      left: ["INT", { default: 0, min: 0, max: 16384, step: 8 }],
      top: ["INT", { default: 0, min: 0, max: 16384, step: 8 }],
      right: ["INT", { default: 0, min: 0, max: 16384, step: 8 }],
      bottom: ["INT", { default: 0, min: 0, max: 16384, step: 8 }],
      feathering: ["INT", { default: 40, min: 0, max: 16384, step: 1 }],
    },
    outputs: ["IMAGE", "MASK"],
  }),
  define({
    name: "ImageCompositeMasked",
    display: null,
    category: "image",
    module: "comfy_extras.nodes_mask",
    required: {
      destination: ["IMAGE"],
      source: ["IMAGE"],
      x: ["INT", { default: 0, min: 0, max: 16384, step: 1 }],
      y: ["INT", { default: 0, min: 0, max: 16384, step: 1 }],
      resize_source: ["BOOLEAN", { default: false }],
    },
    optional: {
      mask: ["MASK"],
    },
    outputs: ["IMAGE"],
  }),
  define({
    name: "ImageBatch",
    display: "Batch Images",
    category: "image",
    module: "nodes",
    required: {
      image1: ["IMAGE"],
      image2: ["IMAGE"],
    },
    outputs: ["IMAGE"],
    deprecated: true,
  }),
  define({
    name: "GetImageSize",
    display: "Get Image Size",
    category: "image",
    module: "comfy_extras.nodes_images",
    required: {
      image: ["IMAGE"],
    },
    hidden: { unique_id: ["UNIQUE_ID"] },
    outputs: [["INT", "width"], ["INT", "height"], ["INT", "batch_size"]],
  }),
  define({
    name: "LoadImage",
    display: "Load Image",
    category: "image",
    module: "nodes",
    required: {
      image: [[], { image_upload: true }],
    },
    outputs: ["IMAGE", "MASK"],
  }),
  define({
    name: "SaveImage",
    display: "Save Image",
    category: "image",
    module: "nodes",
    required: {
      images: ["IMAGE"],
      filename_prefix: ["STRING", { default: "ComfyUI" }],
    },
    hidden: { prompt: "PROMPT", extra_pnginfo: "EXTRA_PNGINFO" },
    outputNode: true,
  }),
  define({
    name: "PreviewImage",
    display: "Preview Image",
    category: "image",
    module: "nodes",
    required: {
      images: ["IMAGE"],
    },
    hidden: { prompt: "PROMPT", extra_pnginfo: "EXTRA_PNGINFO" },
    outputNode: true,
  }),
  define({
    name: "SaveImageWebsocket",
    category: "api/image",
    module: "custom_nodes.websocket_image_save",
    required: {
      images: ["IMAGE"],
    },
    outputNode: true,
  }),
  define({
    name: "LoadImageMask",
    display: "Load Image (as Mask)",
    category: "mask",
    module: "nodes",
    required: {
      image: [[], { image_upload: true }],
      channel: [["alpha", "red", "green", "blue"]],
    },
    outputs: ["MASK"],
  }),
  define({
    name: "ImageToMask",
    display: "Convert Image to Mask",
    category: "mask",
    module: "comfy_extras.nodes_mask",
    required: {
      image: ["IMAGE"],
      channel: ["COMBO", { multiselect: false, options: ["red", "green", "blue", "alpha"] }],
    },
    outputs: ["MASK"],
  }),
  define({
    name: "MaskToImage",
    display: "Convert Mask to Image",
    category: "mask",
    module: "comfy_extras.nodes_mask",
    required: {
      mask: ["MASK"],
    },
    outputs: ["IMAGE"],
  }),
  define({
    name: "SolidMask",
    display: null,
    category: "mask",
    module: "comfy_extras.nodes_mask",
    required: {
      value: ["FLOAT", { default: 1, min: 0, max: 1, step: 0.01 }],
      width: ["INT", { default: 512, min: 1, max: 16384, step: 1 }],
      height: ["INT", { default: 512, min: 1, max: 16384, step: 1 }],
    },
    outputs: ["MASK"],
  }),
  define({
    name: "InvertMask",
    display: null,
    category: "mask",
    module: "comfy_extras.nodes_mask",
    required: {
      mask: ["MASK"],
    },
    outputs: ["MASK"],
  }),
  define({
    name: "GrowMask",
    display: "Grow Mask",
    category: "mask",
    module: "comfy_extras.nodes_mask",
    required: {
      mask: ["MASK"],
      expand: ["INT", { default: 0, min: -16384, max: 16384, step: 1 }],
      tapered_corners: ["BOOLEAN", { default: true }],
    },
    outputs: ["MASK"],
  }),
  define({
    name: "PreviewAny",
    display: "Preview as Text",
    category: "utils",
    module: "comfy_extras.nodes_preview_any",
    required: {
      source: ["*"],
    },
    outputNode: true,
  }),
  define({
    name: "RegexReplace",
    display: "Regex Replace",
    category: "utils/string",
    module: "comfy_extras.nodes_string",
    required: {
      string: ["STRING", { multiline: true }],
      regex_pattern: ["STRING", { multiline: true }],
      replace: ["STRING", { multiline: true }],
    },
    optional: {
      case_insensitive: ["BOOLEAN", { default: true }],
      multiline: ["BOOLEAN", { default: false }],
      dotall: ["BOOLEAN", { default: false }],
      count: ["INT", { default: 0, min: 0, max: 100 }],
    },
    outputs: ["STRING"],
  }),
  define({
    name: "StringConcatenate",
    display: "Concatenate",
    category: "utils/string",
    module: "comfy_extras.nodes_string",
    required: {
      string_a: ["STRING", { multiline: true }],
      string_b: ["STRING", { multiline: true }],
      delimiter: ["STRING", { default: "", multiline: false }],
    },
    outputs: ["STRING"],
  }),
  define({
    name: "PrimitiveInt",
    display: "Int",
    category: "utils/primitive",
    module: "comfy_extras.nodes_primitive",
    required: {
      value: ["INT", { min: -INT64_MAX, max: INT64_MAX, control_after_generate: true }],
    },
    outputs: ["INT"],
  }),
  define({
    name: "PrimitiveFloat",
    display: "Float",
    category: "utils/primitive",
    module: "comfy_extras.nodes_primitive",
    required: {
      value: ["FLOAT", { min: -INT64_MAX, max: INT64_MAX, step: 0.1 }],
    },
    outputs: ["FLOAT"],
  }),
  define({
    name: "PrimitiveString",
    display: "String",
    category: "utils/primitive",
    module: "comfy_extras.nodes_primitive",
    required: {
      value: ["STRING", { multiline: false }],
    },
    outputs: ["STRING"],
  }),
  define({
    name: "PrimitiveBoolean",
    display: "Boolean",
    category: "utils/primitive",
    module: "comfy_extras.nodes_primitive",
    required: {
      value: ["BOOLEAN"],
    },
    outputs: ["BOOLEAN"],
  }),
];

/** The bundled core node catalogue (class_type → definition), for use when no ComfyUI server answers. */
export const BUNDLED_CATALOGUE: NodeCatalogue = Object.fromEntries(definitions.map((def) => [def.name, def]));
