/** Link and socket colours by ComfyUI type, close to ComfyUI's default palette so its users read them at a glance. */
const TYPE_COLORS: Record<string, string> = {
  MODEL: "#b39ddb",
  CLIP: "#ffd500",
  VAE: "#ff6e6e",
  CONDITIONING: "#ffa931",
  LATENT: "#ff9cf9",
  IMAGE: "#64b5f6",
  MASK: "#81c784",
  CONTROL_NET: "#00d78d",
  CLIP_VISION: "#a8dadc",
  CLIP_VISION_OUTPUT: "#ad7452",
  STYLE_MODEL: "#c2ffae",
  UPSCALE_MODEL: "#b0bec5",
  SAMPLER: "#ecb4b4",
  SIGMAS: "#cdffcd",
  NOISE: "#b0b0b0",
  GUIDER: "#66ffff",
  AUDIO: "#e2bfff",
  VIDEO: "#6ab7ff",
  INT: "#8fbc8f",
  FLOAT: "#aaee88",
  STRING: "#77ddaa",
  BOOLEAN: "#d6a0ff",
  COMBO: "#9e9e9e",
};

/** The colour of a type; a union ("IMAGE,MASK") takes its first member's; unknown types are grey. */
export function typeColor(type: string | undefined): string {
  if (!type || type === "*") return "#d0d0d0";
  const first = type.split(",")[0]!.trim();
  return TYPE_COLORS[first] ?? "#a0a0a0";
}
