import { deflateSync, inflateSync } from "node:zlib";
import { crc32 } from "@/lib/formats/png";

/** 8-bit RGB(A) pixels, row-major. */
export interface RawImage {
  width: number;
  height: number;
  channels: 3 | 4;
  pixels: Uint8Array;
}

export { crc32 };

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(head.subarray(4), data), 0);
  return Buffer.concat([head, data, crc]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Encodes a PNG (filter 0 on every row, zlib deflate), with optional tEXt chunks (ComfyUI puts `prompt`/`workflow` there). */
export function encodePng(image: RawImage, options: { text?: Record<string, string>; level?: number } = {}): Buffer {
  const { width, height, channels, pixels } = image;
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0;
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = channels === 4 ? 6 : 2;
  const texts = Object.entries(options.text ?? {}).map(([k, v]) => chunk("tEXt", Buffer.from(`${k}\0${v}`, "latin1")));
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk("IHDR", ihdr),
    ...texts,
    chunk("IDAT", deflateSync(raw, { level: options.level ?? 4 })),
    chunk("IEND", new Uint8Array(0)),
  ]);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Decodes an 8-bit, non-interlaced greyscale/RGB/RGBA PNG (what we and ComfyUI write); null for anything else. */
export function decodePng(file: Uint8Array): (RawImage & { text: Record<string, string> }) | null {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (buf.length < 8 || !buf.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  let offset = 8;
  let width = 0;
  let height = 0;
  let colorType = -1;
  const idat: Buffer[] = [];
  const text: Record<string, string> = {};
  while (offset + 8 <= buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString("latin1", offset + 4, offset + 8);
    const data = buf.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[12] !== 0) return null;
      colorType = data[9]!;
    } else if (type === "IDAT") idat.push(data);
    else if (type === "tEXt") {
      const nul = data.indexOf(0);
      if (nul > 0) text[data.toString("latin1", 0, nul)] = data.toString("latin1", nul + 1);
    } else if (type === "IEND") break;
    offset += 12 + length;
  }
  const inChannels = colorType === 0 ? 1 : colorType === 2 ? 3 : colorType === 4 ? 2 : colorType === 6 ? 4 : 0;
  if (!inChannels || width === 0 || height === 0) return null;
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch {
    return null;
  }
  const stride = width * inChannels;
  if (raw.length < (stride + 1) * height) return null;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= inChannels ? out[y * stride + x - inChannels]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + x]! : 0;
      const c = x >= inChannels && y > 0 ? out[(y - 1) * stride + x - inChannels]! : 0;
      const v = line[x]!;
      const pred = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : filter === 4 ? paeth(a, b, c) : -1;
      if (pred < 0) return null;
      out[y * stride + x] = (v + pred) & 0xff;
    }
  }
  const channels: 3 | 4 = inChannels === 4 || inChannels === 2 ? 4 : 3;
  const pixels = new Uint8Array(width * height * channels);
  for (let i = 0; i < width * height; i++) {
    const src = out.subarray(i * inChannels, (i + 1) * inChannels);
    const grey = inChannels <= 2;
    pixels[i * channels] = src[0]!;
    pixels[i * channels + 1] = grey ? src[0]! : src[1]!;
    pixels[i * channels + 2] = grey ? src[0]! : src[2]!;
    if (channels === 4) pixels[i * channels + 3] = inChannels === 2 ? src[1]! : src[3]!;
  }
  return { width, height, channels, pixels, text };
}
