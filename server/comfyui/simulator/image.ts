import type { RawImage } from "./png";

/**
 * Images as ComfyUI nodes pass them: float RGB in 0..1, one entry per batch
 * item. Enough maths to make the simulated image nodes produce real,
 * recognisable pixels; blur and sharpen are close, not bit-exact.
 */
export interface SimImage {
  width: number;
  height: number;
  /** RGB triplets, row-major, 0..1. */
  data: Float32Array;
}

/** A single-channel mask, 0..1. */
export interface SimMask {
  width: number;
  height: number;
  data: Float32Array;
}

export function createImage(width: number, height: number, fill: (x: number, y: number) => [number, number, number]): SimImage {
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const [r, g, b] = fill(x, y);
      const i = (y * width + x) * 3;
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
    }
  return { width, height, data };
}

/** ComfyUI colour ints are 0xRRGGBB. */
export function solidImage(width: number, height: number, color: number): SimImage {
  const rgb: [number, number, number] = [((color >> 16) & 255) / 255, ((color >> 8) & 255) / 255, (color & 255) / 255];
  return createImage(width, height, () => rgb);
}

export function mapPixels(image: SimImage, f: (v: number) => number): SimImage {
  return { width: image.width, height: image.height, data: image.data.map(f) };
}

export function invertImage(image: SimImage): SimImage {
  return mapPixels(image, (v) => 1 - v);
}

function sample(image: SimImage, x: number, y: number, c: number): number {
  const cx = Math.min(image.width - 1, Math.max(0, x));
  const cy = Math.min(image.height - 1, Math.max(0, y));
  return image.data[(cy * image.width + cx) * 3 + c]!;
}

export function cropImage(image: SimImage, x: number, y: number, width: number, height: number): SimImage {
  const w = Math.max(1, Math.min(width, image.width - x));
  const h = Math.max(1, Math.min(height, image.height - y));
  return createImage(w, h, (px, py) => [0, 1, 2].map((c) => sample(image, x + px, y + py, c)) as [number, number, number]);
}

/** Resizes like comfy.utils.common_upscale: optional centre crop to the target aspect, then nearest or bilinear. */
export function scaleImage(image: SimImage, width: number, height: number, options: { method: string; crop: string }): SimImage {
  let source = image;
  if (options.crop === "center") {
    const oldAspect = image.width / image.height;
    const newAspect = width / height;
    let x = 0;
    let y = 0;
    if (oldAspect > newAspect) x = Math.round((image.width - image.width * (newAspect / oldAspect)) / 2);
    else if (oldAspect < newAspect) y = Math.round((image.height - image.height * (oldAspect / newAspect)) / 2);
    source = cropImage(image, x, y, image.width - 2 * x, image.height - 2 * y);
  }
  const sx = source.width / width;
  const sy = source.height / height;
  if (options.method === "nearest-exact") {
    return createImage(width, height, (x, y) => {
      const px = Math.min(source.width - 1, Math.floor((x + 0.5) * sx));
      const py = Math.min(source.height - 1, Math.floor((y + 0.5) * sy));
      return [sample(source, px, py, 0), sample(source, px, py, 1), sample(source, px, py, 2)];
    });
  }
  return createImage(width, height, (x, y) => {
    const fx = Math.max(0, (x + 0.5) * sx - 0.5);
    const fy = Math.max(0, (y + 0.5) * sy - 0.5);
    const x0 = Math.floor(fx);
    const y0 = Math.floor(fy);
    const tx = fx - x0;
    const ty = fy - y0;
    const px = (c: number) =>
      (sample(source, x0, y0, c) * (1 - tx) + sample(source, x0 + 1, y0, c) * tx) * (1 - ty) +
      (sample(source, x0, y0 + 1, c) * (1 - tx) + sample(source, x0 + 1, y0 + 1, c) * tx) * ty;
    return [px(0), px(1), px(2)];
  });
}

function gaussianKernel(radius: number, sigma: number): Float32Array {
  const k = new Float32Array(radius * 2 + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp(-(i * i) / (2 * sigma * sigma));
    k[i + radius] = v;
    sum += v;
  }
  return k.map((v) => v / sum);
}

/** Separable Gaussian blur with edge clamping (ComfyUI reflects edges; close enough for a simulator). */
export function blurImage(image: SimImage, radius: number, sigma: number): SimImage {
  const kernel = gaussianKernel(radius, sigma);
  const { width, height } = image;
  const pass = (src: Float32Array, horizontal: boolean) => {
    const out = new Float32Array(src.length);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        for (let c = 0; c < 3; c++) {
          let acc = 0;
          for (let i = -radius; i <= radius; i++) {
            const xx = horizontal ? Math.min(width - 1, Math.max(0, x + i)) : x;
            const yy = horizontal ? y : Math.min(height - 1, Math.max(0, y + i));
            acc += src[(yy * width + xx) * 3 + c]! * kernel[i + radius]!;
          }
          out[(y * width + x) * 3 + c] = acc;
        }
    return out;
  };
  return { width, height, data: pass(pass(image.data, true), false) };
}

/** Unsharp mask: image + alpha * (image - blur), clamped. */
export function sharpenImage(image: SimImage, radius: number, sigma: number, alpha: number): SimImage {
  const blurred = blurImage(image, radius, sigma);
  return { width: image.width, height: image.height, data: image.data.map((v, i) => Math.min(1, Math.max(0, v + alpha * (v - blurred.data[i]!)))) };
}

export function toRawImage(image: SimImage): RawImage {
  const pixels = new Uint8Array(image.width * image.height * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round(Math.min(1, Math.max(0, image.data[i]!)) * 255);
  return { width: image.width, height: image.height, channels: 3, pixels };
}

/** From decoded PNG pixels; the alpha channel (if any) becomes the LoadImage mask (1 - alpha, as ComfyUI does). */
export function fromRawImage(raw: RawImage): { image: SimImage; mask: SimMask } {
  const n = raw.width * raw.height;
  const data = new Float32Array(n * 3);
  const mask = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) data[i * 3 + c] = raw.pixels[i * raw.channels + c]! / 255;
    mask[i] = raw.channels === 4 ? 1 - raw.pixels[i * 4 + 3]! / 255 : 0;
  }
  return { image: { width: raw.width, height: raw.height, data }, mask: { width: raw.width, height: raw.height, data: mask } };
}

/** A deterministic picture for a seed: a two-colour diagonal gradient, so different seeds give visibly different images. */
export function seededGradient(width: number, height: number, seed: number): SimImage {
  let s = (Math.abs(Math.floor(seed)) % 2 ** 32) ^ 0x9e3779b9;
  const next = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const a = [next(), next(), next()];
  const b = [next(), next(), next()];
  return createImage(width, height, (x, y) => {
    const t = (x / Math.max(1, width - 1) + y / Math.max(1, height - 1)) / 2;
    return [a[0]! + (b[0]! - a[0]!) * t, a[1]! + (b[1]! - a[1]!) * t, a[2]! + (b[2]! - a[2]!) * t];
  });
}
